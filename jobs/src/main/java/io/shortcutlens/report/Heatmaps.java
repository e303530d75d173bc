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
                int p = cr << 16 | cg << 8 | cb;
                for (int dy = 0; dy < scale; dy++) {
                    for (int dx = 0; dx < scale; dx++) {
                        img.setRGB(x * scale + dx, y * scale + dy, p);
                    }
                }
            }
        }
        return img;
    }

    /** MATLAB's jet: dark blue (0) → blue → cyan → yellow → red → dark red (1). */
    static int[] jet(float t) {
        float r = Math.min(4 * t - 1.5f, -4 * t + 4.5f);
        float g = Math.min(4 * t - 0.5f, -4 * t + 3.5f);
        float b = Math.min(4 * t + 0.5f, -4 * t + 2.5f);
        return new int[] {clamp(255 * clamp01(r)), clamp(255 * clamp01(g)), clamp(255 * clamp01(b))};
    }

    public static String dataUri(BufferedImage img) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(out.toByteArray());
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
