package io.shortcutlens.maps;

/**
 * Per-map summary the audit aggregates: where the positive attribution mass sits.
 *
 * <p>Mass is the positive part of the map, {@code max(v, 0)}; every share below is a fraction of the total positive
 * mass (all zero when there is none). The grid splits the map into {@code g × g} cells (row {@code ⌊y·g/H⌋}, column
 * {@code ⌊x·g/W⌋}); corners are the cells of the outer quarter on both axes ({@code ⌊y·4/H⌋ ∈ {0,3}}, likewise for x);
 * the border band is the outer eighth on any side. Entropy is of the grid distribution, divided by {@code ln(g²)} so it
 * lies in [0, 1] (1 = spread evenly, 0 = all in one cell).
 *
 * @param massGrid       g×g positive-mass fractions, row-major
 * @param peakRow        grid row of the cell with the most positive mass
 * @param peakCol        grid column of that cell
 * @param centroidY      centre of positive mass, 0 (top) .. 1 (bottom)
 * @param centroidX      centre of positive mass, 0 (left) .. 1 (right)
 */
public record MapStatistics(int gridSize, float[] massGrid, int peakRow, int peakCol, float centroidY, float centroidX,
                            float entropy, float cornerTopLeft, float cornerTopRight, float cornerBottomLeft,
                            float cornerBottomRight, float borderBand, double positiveMass, double negativeMass) {

    public static final int DEFAULT_GRID = 8;

    public static MapStatistics of(float[] map, int height, int width, int gridSize) {
        double[] grid = new double[gridSize * gridSize];
        double pos = 0;
        double neg = 0;
        double cy = 0;
        double cx = 0;
        double[] corners = new double[4];
        double border = 0;
        for (int y = 0; y < height; y++) {
            int gr = (int) ((long) y * gridSize / height);
            int qy = (int) ((long) y * 4 / height);
            boolean bandY = (long) y * 8 / height == 0 || (long) y * 8 / height == 7;
            for (int x = 0; x < width; x++) {
                float v = map[y * width + x];
                if (v <= 0) {
                    neg -= v;
                    continue;
                }
                pos += v;
                int gc = (int) ((long) x * gridSize / width);
                grid[gr * gridSize + gc] += v;
                cy += v * (y + 0.5) / height;
                cx += v * (x + 0.5) / width;
                int qx = (int) ((long) x * 4 / width);
                if (qy == 0 && qx == 0) {
                    corners[0] += v;
                } else if (qy == 0 && qx == 3) {
                    corners[1] += v;
                } else if (qy == 3 && qx == 0) {
                    corners[2] += v;
                } else if (qy == 3 && qx == 3) {
                    corners[3] += v;
                }
                long bx = (long) x * 8 / width;
                if (bandY || bx == 0 || bx == 7) {
                    border += v;
                }
            }
        }
        float[] fractions = new float[grid.length];
        int peak = 0;
        double entropy = 0;
        for (int i = 0; i < grid.length; i++) {
            double f = pos > 0 ? grid[i] / pos : 0;
            fractions[i] = (float) f;
            if (grid[i] > grid[peak]) {
                peak = i;
            }
            if (f > 0) {
                entropy -= f * Math.log(f);
            }
        }
        double norm = grid.length > 1 ? Math.log(grid.length) : 1;
        double inv = pos > 0 ? 1 / pos : 0;
        return new MapStatistics(gridSize, fractions, peak / gridSize, peak % gridSize,
                (float) (pos > 0 ? cy * inv : 0.5), (float) (pos > 0 ? cx * inv : 0.5), (float) (entropy / norm),
                (float) (corners[0] * inv), (float) (corners[1] * inv), (float) (corners[2] * inv), (float) (corners[3] * inv),
                (float) (border * inv), pos, neg);
    }
}
