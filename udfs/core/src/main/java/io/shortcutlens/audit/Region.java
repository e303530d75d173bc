package io.shortcutlens.audit;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A block of cells of the {@code grid × grid} attribution-mass grid: rows {@code row … row+height−1}, columns
 * {@code col … col+width−1}. The candidates the audit scans are every square block of every allowed size and every
 * strip one cell thick (a line, a ticker, a long watermark: a square would hold only part of it): nothing about where
 * a shortcut might be is assumed.
 */
public record Region(int grid, int row, int col, int height, int width) implements Serializable {

    public Region {
        if (height < 1 || width < 1 || row < 0 || col < 0 || row + height > grid || col + width > grid) {
            throw new IllegalArgumentException("region " + height + "x" + width + " at (" + row + ", " + col + ") does not fit a " + grid + "x" + grid + " grid");
        }
    }

    /** A square block of {@code size × size} cells. */
    public Region(int grid, int row, int col, int size) {
        this(grid, row, col, size, size);
    }

    /** Every square block of each size in {@code sizes}, in a fixed order (size, then row, then column). */
    public static List<Region> candidates(int grid, int... sizes) {
        List<Region> out = new ArrayList<>();
        for (int s : sizes) {
            addAll(out, grid, s, s);
        }
        return out;
    }

    /**
     * The audit's candidates: every square block and every one-cell-thick strip of at least three cells (rows, then
     * columns) covering at most {@code maxArea} of the image.
     */
    public static List<Region> candidates(int grid, double maxArea) {
        List<Region> out = new ArrayList<>();
        for (int s = 1; s <= grid && (double) s * s / (grid * grid) <= maxArea + 1e-12; s++) {
            addAll(out, grid, s, s);
        }
        for (int k = 3; k <= grid && (double) k / (grid * grid) <= maxArea + 1e-12; k++) {
            addAll(out, grid, 1, k);
            addAll(out, grid, k, 1);
        }
        return out;
    }

    private static void addAll(List<Region> out, int grid, int height, int width) {
        for (int r = 0; r + height <= grid; r++) {
            for (int c = 0; c + width <= grid; c++) {
                out.add(new Region(grid, r, c, height, width));
            }
        }
    }

    /** Number of grid cells it covers. */
    public int cells() {
        return height * width;
    }

    /** Whether {@code o} covers as many cells, whatever its shape (a control must). */
    public boolean sameArea(Region o) {
        return cells() == o.cells();
    }

    /** Mass of each region: the sum of the grid fractions inside it. */
    public static float[] masses(float[] massGrid, List<Region> regions) {
        float[] out = new float[regions.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = regions.get(i).mass(massGrid);
        }
        return out;
    }

    public float mass(float[] massGrid) {
        float m = 0;
        for (int r = row; r < row + height; r++) {
            for (int c = col; c < col + width; c++) {
                m += massGrid[r * grid + c];
            }
        }
        return m;
    }

    /** Share of the image this region covers. */
    public double area() {
        return (double) cells() / (grid * grid);
    }

    public boolean contains(Region o) {
        return o.row >= row && o.col >= col && o.row + o.height <= row + height && o.col + o.width <= col + width;
    }

    public boolean overlaps(Region o) {
        return row < o.row + o.height && o.row < row + height && col < o.col + o.width && o.col < col + width;
    }

    /** Pixel rectangle {@code {y0, x0, y1, x1}} (end exclusive) at model input {@code h × w}, the same cell bounds as the statistics. */
    public int[] pixelBox(int h, int w) {
        return new int[] {start(row, h), start(col, w), start(row + height, h), start(col + width, w)};
    }

    private int start(int cell, int n) {
        // the first pixel p with ⌊p·grid/n⌋ ≥ cell
        return (int) Math.min(n, ((long) cell * n + grid - 1) / grid);
    }

    /** {@link #describe()} without the grid cells: "lower-left corner", "upper-centre strip". */
    public String describeBrief() {
        String d = describe();
        return d.substring(0, d.indexOf(" ("));
    }

    /** Where the region sits, in words, for people reading findings (derived from its position, not used to decide). */
    public String describe() {
        double cy = (row + height / 2.0) / grid;
        double cx = (col + width / 2.0) / grid;
        String v = cy < 1 / 3.0 ? "upper" : cy > 2 / 3.0 ? "lower" : "middle";
        String h = cx < 1 / 3.0 ? "left" : cx > 2 / 3.0 ? "right" : "centre";
        boolean corner = (row == 0 || row + height == grid) && (col == 0 || col + width == grid);
        String shape = height == width ? "" : height < width ? " strip" : " vertical strip";
        return String.format(Locale.ROOT, "%s-%s%s%s (grid rows %d-%d, cols %d-%d of %d)", v, h, corner ? " corner" : "", shape, row, row + height - 1,
                col, col + width - 1, grid);
    }
}
