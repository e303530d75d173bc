package io.shortcutlens.report;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import javax.imageio.ImageIO;

/**
 * Pictures for the report: an attribution map drawn with the jet colormap over its image at 50% opacity (the story's
 * {@code imagesc(map, 'AlphaData', 0.5)} over {@code imshow(img)}), as PNG data URIs so the report has no external
 * files.
 */
public final class Heatmaps {
    private Heatmaps() { }

    /**
     * @param rgb    0..255 pixels, channel-major, 1 or 3 channels, {@code h × w}
     * @param map    attribution, {@code h × w}; only its positive part is coloured, scaled to its maximum
     * @param scale  integer upscaling for display
     */
    public static BufferedImage overlay(float[] rgb, int channels, float[] map, int h, int w, int scale) {
        float max = 0;
        for (float v : map) {
            max = Math.max(max, v);
        }
        BufferedImage img = new BufferedImage(w * scale, h * scale, BufferedImage.TYPE_INT_RGB);
        int plane = h * w;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                float r = rgb[i];
                float g = channels == 3 ? rgb[plane + i] : r;
                float b = channels == 3 ? rgb[2 * plane + i] : r;
                float t = max > 0 ? Math.max(0, map[i]) / max : 0;
                int[] jet = jet(t);
                int cr = clamp(0.5f * r + 0.5f * jet[0]);
                int cg = clamp(0.5f * g + 0.5f * jet[1]);
                int cb = clamp(0.5f * b + 0.5f * jet[2]);
                fill(img, x, y, scale, cr << 16 | cg << 8 | cb);
            }
        }
        return img;
    }

    /**
     * Values drawn linearly from {@code lo} (black) to {@code hi} (white), as RGB when {@code channels} is 3, else grey
     * (MATLAB's {@code rescale} + {@code imshow}).
     *
     * @param values channel-major, {@code channels × h × w}
     */
    public static BufferedImage picture(float[] values, int channels, int h, int w, int scale, float lo, float hi) {
        BufferedImage img = new BufferedImage(w * scale, h * scale, BufferedImage.TYPE_INT_RGB);
        int plane = h * w;
        float range = hi > lo ? hi - lo : 1;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                int r = clamp(255 * (values[i] - lo) / range);
                int g = channels == 3 ? clamp(255 * (values[plane + i] - lo) / range) : r;
                int b = channels == 3 ? clamp(255 * (values[2 * plane + i] - lo) / range) : r;
                fill(img, x, y, scale, r << 16 | g << 8 | b);
            }
        }
        return img;
    }

    /** {@link #picture} over the values' own range. */
    public static BufferedImage picture(float[] values, int channels, int h, int w, int scale) {
        float[] range = range(values);
        return picture(values, channels, h, w, scale, range[0], range[1]);
    }

    /**
     * A layer's channels as grey tiles in a grid ({@code ceil(sqrt(channels))} columns, a one-pixel gap), all on one
     * scale from the smallest to the largest activation: MATLAB's {@code imtile(mat2gray(act))}.
     *
     * @param values {@code channels × h × w}
     */
    public static BufferedImage tiles(float[] values, int channels, int h, int w, int scale) {
        int cols = (int) Math.ceil(Math.sqrt(channels));
        int rows = (channels + cols - 1) / cols;
        float[] range = range(values);
        float span = range[1] > range[0] ? range[1] - range[0] : 1;
        BufferedImage img = new BufferedImage((cols * (w + 1) - 1) * scale, (rows * (h + 1) - 1) * scale, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                img.setRGB(x, y, 0x3060a0); // the gaps
            }
        }
        for (int c = 0; c < channels; c++) {
            int ox = (c % cols) * (w + 1);
            int oy = (c / cols) * (h + 1);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int v = clamp(255 * (values[c * h * w + y * w + x] - range[0]) / span);
                    fill(img, ox + x, oy + y, scale, v << 16 | v << 8 | v);
                }
            }
        }
        return img;
    }

    /** {lowest, highest} of the values. */
    public static float[] range(float[] values) {
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (float v : values) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        return new float[] {lo, hi};
    }

    private static void fill(BufferedImage img, int x, int y, int scale, int rgb) {
        for (int dy = 0; dy < scale; dy++) {
            for (int dx = 0; dx < scale; dx++) {
                img.setRGB(x * scale + dx, y * scale + dy, rgb);
            }
        }
    }

    /** PNG bytes of a picture. */
    public static byte[] png(BufferedImage img) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** MATLAB's jet: dark blue (0) → blue → cyan → yellow → red → dark red (1). */
    static int[] jet(float t) {
        float r = Math.min(4 * t - 1.5f, -4 * t + 4.5f);
        float g = Math.min(4 * t - 0.5f, -4 * t + 3.5f);
        float b = Math.min(4 * t + 0.5f, -4 * t + 2.5f);
        return new int[] {clamp(255 * clamp01(r)), clamp(255 * clamp01(g)), clamp(255 * clamp01(b))};
    }

    public static String dataUri(BufferedImage img) {
        return dataUri(png(img));
    }

    public static String dataUri(byte[] png) {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
    }

    /** Box-averages a {@code h × w} plane to {@code th × tw} (sizes need not divide). */
    public static float[] downsample(float[] plane, int h, int w, int th, int tw) {
        double[] sum = new double[th * tw];
        int[] n = new int[th * tw];
        for (int y = 0; y < h; y++) {
            int ty = (int) ((long) y * th / h);
            for (int x = 0; x < w; x++) {
                int t = ty * tw + (int) ((long) x * tw / w);
                sum[t] += plane[y * w + x];
                n[t]++;
            }
        }
        float[] out = new float[th * tw];
        for (int i = 0; i < out.length; i++) {
            out[i] = n[i] == 0 ? 0 : (float) (sum[i] / n[i]);
        }
        return out;
    }

    private static float clamp01(float v) {
        return Math.max(0, Math.min(1, v));
    }

    private static int clamp(float v) {
        return Math.max(0, Math.min(255, Math.round(v)));
    }
}
