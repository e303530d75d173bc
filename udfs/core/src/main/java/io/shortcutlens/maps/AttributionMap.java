package io.shortcutlens.maps;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * An attribution map stored at its native resolution, with what is needed to rebuild it exactly at model-input
 * resolution ({@link #toPixels()}):
 * <ul>
 *   <li>{@link Kind#WINDOW_GRID} (occlusion): one value per occluding window; a pixel's value is the mean of the values
 *   of the windows covering it, windows at origins {@code 0, s, 2s, …} (see {@link #origins}).</li>
 *   <li>{@link Kind#SUPERPIXELS} (LIME): one weight per segment and the segmentation; a pixel takes its segment's
 *   weight.</li>
 * </ul>
 * At 224×224 a 15×15 window grid is 900 bytes and a 49-segment LIME map a few kilobytes, where a full float map is
 * 200 KB.
 */
public final class AttributionMap {

    public enum Kind { WINDOW_GRID, SUPERPIXELS }

    private final Kind kind;
    private final int height;
    private final int width;
    private final float[] values;
    private final int gridRows;
    private final int gridCols;
    private final int window;
    private final int stride;
    private final int[] segments;
    private final int numSegments;

    /** A window grid of {@code gridRows × gridCols} windows. */
    private AttributionMap(int height, int width, float[] values, int gridRows, int gridCols, int window, int stride) {
        this.kind = Kind.WINDOW_GRID;
        this.height = height;
        this.width = width;
        this.values = values;
        this.gridRows = gridRows;
        this.gridCols = gridCols;
        this.window = window;
        this.stride = stride;
        this.segments = null;
        this.numSegments = 0;
    }

    /** One weight per segment of {@code segments}. */
    private AttributionMap(int height, int width, int[] segments, float[] weights) {
        this.kind = Kind.SUPERPIXELS;
        this.height = height;
        this.width = width;
        this.values = weights;
        this.gridRows = 0;
        this.gridCols = 0;
        this.window = 0;
        this.stride = 0;
        this.segments = segments;
        this.numSegments = weights.length;
    }

    /** A map of window values, {@code values[i * cols + j]} for the window at origin {@code (i·stride, j·stride)}. */
    public static AttributionMap windowGrid(int height, int width, int window, int stride, float[] values) {
        int rows = origins(height, window, stride).length;
        int cols = origins(width, window, stride).length;
        if (values.length != rows * cols) {
            throw new IllegalArgumentException("a " + height + "x" + width + " map with window " + window + " and stride " + stride
                    + " has " + rows + "x" + cols + " windows, found " + values.length + " values");
        }
        return new AttributionMap(height, width, values, rows, cols, window, stride);
    }

    /** A map of one weight per segment; {@code segments[y * width + x]} is a pixel's segment in {@code [0, weights.length)}. */
    public static AttributionMap superpixels(int height, int width, int[] segments, float[] weights) {
        if (segments.length != height * width) {
            throw new IllegalArgumentException("segmentation of a " + height + "x" + width + " map needs " + height * width + " labels, found " + segments.length);
        }
        return new AttributionMap(height, width, segments, weights);
    }

    /**
     * Window origins along one axis: {@code 0, s, 2s, …}, stopping at the first window that reaches the border; that
     * last window may be clipped. An axis shorter than the window has the single origin 0.
     */
    public static int[] origins(int size, int window, int stride) {
        if (window < 1 || stride < 1) {
            throw new IllegalArgumentException("window and stride must be positive, found window=" + window + " stride=" + stride);
        }
        int n = size <= window ? 1 : (size - window + stride - 1) / stride + 1;
        int[] o = new int[n];
        for (int i = 0; i < n; i++) {
            o[i] = i * stride;
        }
        return o;
    }

    /** The full-resolution map, {@code height × width}, row-major; this is the documented rebuild function. */
    public float[] toPixels() {
        float[] out = new float[height * width];
        if (kind == Kind.SUPERPIXELS) {
            for (int i = 0; i < out.length; i++) {
                out[i] = values[segments[i]];
            }
            return out;
        }
        // Windows are separable: the windows covering (y, x) are those whose row range covers y and column range covers x.
        int[] ro = origins(height, window, stride);
        int[] co = origins(width, window, stride);
        int[][] rowsCovering = covering(ro, height);
        int[][] colsCovering = covering(co, width);
        for (int y = 0; y < height; y++) {
            int[] rs = rowsCovering[y];
            for (int x = 0; x < width; x++) {
                int[] cs = colsCovering[x];
                if (rs.length == 0 || cs.length == 0) {
                    continue; // stride larger than the window leaves gaps: no window, no attribution
                }
                double sum = 0;
                for (int r : rs) {
                    for (int c : cs) {
                        sum += values[r * gridCols + c];
                    }
                }
                out[y * width + x] = (float) (sum / (rs.length * cs.length));
            }
        }
        return out;
    }

    private int[][] covering(int[] origins, int size) {
        int[][] result = new int[size][];
        for (int p = 0; p < size; p++) {
            int count = 0;
            int[] tmp = new int[origins.length];
            for (int i = 0; i < origins.length; i++) {
                if (p >= origins[i] && p < origins[i] + window) {
                    tmp[count++] = i;
                }
            }
            result[p] = Arrays.copyOf(tmp, count);
        }
        return result;
    }

    public Kind kind() {
        return kind;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** Native values: window values row-major for a grid, one weight per segment for superpixels. Not copied. */
    public float[] values() {
        return values;
    }

    public int gridRows() {
        return gridRows;
    }

    public int gridCols() {
        return gridCols;
    }

    public int window() {
        return window;
    }

    public int stride() {
        return stride;
    }

    public int numSegments() {
        return numSegments;
    }

    /** Segment label per pixel, or null for a window grid. Not copied. */
    public int[] segments() {
        return segments;
    }

    /** The segmentation as stored in Parquet: run-length varints, deflated. Null for a window grid. */
    public byte[] encodedSegments() {
        return segments == null ? null : encodeSegments(segments);
    }

    /** Rebuilds a map from its stored columns (the inverse of what the explain job writes). */
    public static AttributionMap fromStored(String kind, int height, int width, float[] values, int window, int stride, byte[] encodedSegments) {
        if (Kind.valueOf(kind) == Kind.WINDOW_GRID) {
            return windowGrid(height, width, window, stride, values);
        }
        return superpixels(height, width, decodeSegments(encodedSegments, height * width), values);
    }

    static byte[] encodeSegments(int[] labels) {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        int i = 0;
        while (i < labels.length) {
            int j = i + 1;
            while (j < labels.length && labels[j] == labels[i]) {
                j++;
            }
            writeVarint(raw, labels[i]);
            writeVarint(raw, j - i);
            i = j;
        }
        byte[] input = raw.toByteArray();
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        deflater.setInput(input);
        deflater.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        while (!deflater.finished()) {
            out.write(buf, 0, deflater.deflate(buf));
        }
        deflater.end();
        return out.toByteArray();
    }

    static int[] decodeSegments(byte[] encoded, int n) {
        Inflater inflater = new Inflater();
        inflater.setInput(encoded);
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try {
            while (!inflater.finished()) {
                int k = inflater.inflate(buf);
                if (k == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new IllegalArgumentException("stored segmentation is truncated");
                }
                raw.write(buf, 0, k);
            }
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("stored segmentation is not valid deflate data: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
        byte[] data = raw.toByteArray();
        int[] labels = new int[n];
        int[] pos = {0};
        int p = 0;
        while (pos[0] < data.length) {
            int label = readVarint(data, pos);
            int run = readVarint(data, pos);
            if (p + run > n) {
                throw new IllegalArgumentException("stored segmentation has more than " + n + " pixels");
            }
            Arrays.fill(labels, p, p + run, label);
            p += run;
        }
        if (p != n) {
            throw new IllegalArgumentException("stored segmentation has " + p + " pixels, expected " + n);
        }
        return labels;
    }

    private static void writeVarint(ByteArrayOutputStream out, int v) {
        while ((v & ~0x7f) != 0) {
            out.write((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out.write(v);
    }

    private static int readVarint(byte[] data, int[] pos) {
        int v = 0;
        int shift = 0;
        while (true) {
            byte b = data[pos[0]++];
            v |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
            shift += 7;
        }
    }
}
