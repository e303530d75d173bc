package io.shortcutlens.audit;

/**
 * A region's content as a small signature: the model input inside a pixel box, block-averaged down to at most
 * {@code MAX_SIDE × MAX_SIDE} per channel (a 56×56 box of a 224×224 input becomes 14×14), so that every image of a
 * group gives the same number of values whatever the model's size, and the audit's aggregates stay small.
 */
public final class RegionContent {
    public static final int MAX_SIDE = 16;

    private RegionContent() { }

    /** {@code {channels, height, width}} of the signature of a {@code box = {y0, x0, y1, x1}}. */
    public static int[] shape(int c, int[] box) {
        int bh = box[2] - box[0];
        int bw = box[3] - box[1];
        int f = Math.max(1, (Math.max(bh, bw) + MAX_SIDE - 1) / MAX_SIDE);
        return new int[] {c, (bh + f - 1) / f, (bw + f - 1) / f};
    }

    /** The signature of {@code box = {y0, x0, y1, x1}} of a {@code c × h × w} input. */
    public static float[] signature(float[] input, int c, int h, int w, int[] box) {
        int bh = box[2] - box[0];
        int bw = box[3] - box[1];
        int f = Math.max(1, (Math.max(bh, bw) + MAX_SIDE - 1) / MAX_SIDE);
        int sh = (bh + f - 1) / f;
        int sw = (bw + f - 1) / f;
        float[] out = new float[c * sh * sw];
        for (int ch = 0; ch < c; ch++) {
            for (int sy = 0; sy < sh; sy++) {
                for (int sx = 0; sx < sw; sx++) {
                    double s = 0;
                    int n = 0;
                    for (int y = box[0] + sy * f; y < Math.min(box[2], box[0] + (sy + 1) * f); y++) {
                        for (int x = box[1] + sx * f; x < Math.min(box[3], box[1] + (sx + 1) * f); x++) {
                            s += input[ch * h * w + y * w + x];
                            n++;
                        }
                    }
                    out[(ch * sh + sy) * sw + sx] = (float) (s / n);
                }
            }
        }
        return out;
    }
}
