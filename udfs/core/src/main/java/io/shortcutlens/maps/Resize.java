package io.shortcutlens.maps;

/** Resizing of single-channel maps: feature maps and class activation maps brought to the input's size. */
public final class Resize {
    private Resize() { }

    /** Bilinear resize, pixel centres aligned (half-pixel offsets), edges clamped. */
    public static float[] bilinear(float[] src, int h, int w, int outH, int outW) {
        float[] dst = new float[outH * outW];
        for (int y = 0; y < outH; y++) {
            double sy = Math.min(h - 1, Math.max(0, (y + 0.5) * h / outH - 0.5));
            int y0 = (int) Math.floor(sy);
            int y1 = Math.min(h - 1, y0 + 1);
            double fy = sy - y0;
            for (int x = 0; x < outW; x++) {
                double sx = Math.min(w - 1, Math.max(0, (x + 0.5) * w / outW - 0.5));
                int x0 = (int) Math.floor(sx);
                int x1 = Math.min(w - 1, x0 + 1);
                double fx = sx - x0;
                double top = src[y0 * w + x0] * (1 - fx) + src[y0 * w + x1] * fx;
                double bottom = src[y1 * w + x0] * (1 - fx) + src[y1 * w + x1] * fx;
                dst[y * outW + x] = (float) (top * (1 - fy) + bottom * fy);
            }
        }
        return dst;
    }
}
