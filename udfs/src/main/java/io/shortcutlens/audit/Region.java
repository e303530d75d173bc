package io.shortcutlens.audit;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A block of cells of the {@code grid × grid} attribution-mass grid: rows {@code row … row+size−1}, columns
 * {@code col … col+size−1}. The candidates the audit scans are every such block of every allowed size: nothing about
 * where a shortcut might be is assumed.
 */
public record Region(int grid, int row, int col, int size) implements Serializable {

    public Region {
        if (size < 1 || row < 0 || col < 0 || row + size > grid || col + size > grid) {
            throw new IllegalArgumentException("region " + size + "x" + size + " at (" + row + ", " + col + ") does not fit a " + grid + "x" + grid + " grid");
        }
    }

    /** Every block of each size in {@code sizes}, in a fixed order (size, then row, then column). */
    public static List<Region> candidates(int grid, int... sizes) {
        List<Region> out = new ArrayList<>();
        for (int s : sizes) {
            for (int r = 0; r + s <= grid; r++) {
                for (int c = 0; c + s <= grid; c++) {
                    out.add(new Region(grid, r, c, s));
                }
            }
        }
        return out;
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
        for (int r = row; r < row + size; r++) {
            for (int c = col; c < col + size; c++) {
                m += massGrid[r * grid + c];
            }
        }
        return m;
    }

    /** Share of the image this region covers. */
    public double area() {
        return (double) size * size / (grid * grid);
    }

    public boolean contains(Region o) {
        return o.row >= row && o.col >= col && o.row + o.size <= row + size && o.col + o.size <= col + size;
    }

    public boolean overlaps(Region o) {
        return row < o.row + o.size && o.row < row + size && col < o.col + o.size && o.col < col + size;
    }

    /** Pixel rectangle {@code {y0, x0, y1, x1}} (end exclusive) at model input {@code h × w}, the same cell bounds as the statistics. */
    public int[] pixelBox(int h, int w) {
        return new int[] {start(row, h), start(col, w), start(row + size, h), start(col + size, w)};
    }

    private int start(int cell, int n) {
        // the first pixel p with ⌊p·grid/n⌋ ≥ cell
        return (int) Math.min(n, ((long) cell * n + grid - 1) / grid);
    }

    /** Where the region sits, in words, for people reading findings (derived from its position, not used to decide). */
    public String describe() {
        double cy = (row + size / 2.0) / grid;
        double cx = (col + size / 2.0) / grid;
        String v = cy < 1 / 3.0 ? "upper" : cy > 2 / 3.0 ? "lower" : "middle";
        String h = cx < 1 / 3.0 ? "left" : cx > 2 / 3.0 ? "right" : "centre";
        boolean corner = (row == 0 || row + size == grid) && (col == 0 || col + size == grid);
        return String.format(Locale.ROOT, "%s-%s%s (grid rows %d-%d, cols %d-%d of %d)", v, h, corner ? " corner" : "", row, row + size - 1,
                col, col + size - 1, grid);
    }
}
