package io.shortcutlens.audit;

import io.shortcutlens.image.ImageTensor;
import io.shortcutlens.image.Inpainting;
import java.util.SplittableRandom;

/**
 * Hides a pixel box of an image in model-input space, the automated version of the story's crop: {@code MEAN} fills it
 * with the image's per-channel mean, {@code BLUR} with a box blur (radius 3) of the image, {@code NOISE} with uniform
 * noise spanning the channel's range, seeded, {@code ZERO} with 0 in model-input units (black for inputs scaled to
 * [0, 1], the normalisation mean for standardised ones). A mean fill hides nothing where the region's content already
 * has the image's mean value: a gray tag on an image of the same mean brightness survives it, a zero fill does not.
 * Every constant has such a blind shade (0 cannot hide a black mark). {@code INPAINT} has none: it fills the box from
 * the pixels around it ({@link Inpainting}), so whatever the box held, of any shade, is replaced by its surroundings —
 * a mark on a garment by garment, a logo in a photo's corner by the photo. Keeping only a box under {@code INPAINT} fills the rest with the image's mean: smearing the kept box
 * outwards would copy it.
 */
public final class RegionMasker {

    public enum Fill { MEAN, BLUR, NOISE, ZERO, INPAINT }

    /** How the audit hides a region when neither it nor the explain run says: as the explainers' default ({@link io.shortcutlens.explain.OcclusionParams#DEFAULT_MASK_VALUE}). */
    public static final Fill DEFAULT_FILL = Fill.ZERO;

    /**
     * How to hide a region as an explain run hid its windows and features: its hidden value ({@code auto}/{@code mean},
     * {@code inpaint}, a number; null when the run used no perturbation method). The image's mean as {@code MEAN};
     * {@code inpaint} as {@code INPAINT}; 0 or no value as
     * {@link #DEFAULT_FILL}; another constant as {@code ZERO} (regions are hidden with 0; {@code --fill} chooses).
     */
    public static Fill asExplained(String hiddenValue) {
        if (hiddenValue == null) {
            return DEFAULT_FILL;
        }
        if (hiddenValue.equalsIgnoreCase(io.shortcutlens.explain.OcclusionParams.INPAINT)) {
            return Fill.INPAINT;
        }
        return hiddenValue.equalsIgnoreCase("auto") || hiddenValue.equalsIgnoreCase("mean") ? Fill.MEAN : Fill.ZERO;
    }

    private RegionMasker() { }

    /** A copy of the image's model input with {@code box = {y0, x0, y1, x1}} hidden. */
    public static float[] mask(ImageTensor image, int[] box, Fill fill, long seed) {
        return fill(image, box, true, fill, seed);
    }

    /** A copy of the image's model input with everything but {@code box} hidden (an empty box hides the whole image). */
    public static float[] keepOnly(ImageTensor image, int[] box, Fill fill, long seed) {
        return fill(image, box, false, fill, seed);
    }

    /** A copy of {@code into}'s model input with {@code box} replaced by the same pixels of {@code from} (same shape). */
    public static float[] paste(ImageTensor from, ImageTensor into, int[] box) {
        int h = into.shape().height();
        int w = into.shape().width();
        int plane = h * w;
        float[] out = into.input().clone();
        for (int ch = 0; ch < into.shape().channels(); ch++) {
            for (int y = box[0]; y < box[2]; y++) {
                System.arraycopy(from.input(), ch * plane + y * w + box[1], out, ch * plane + y * w + box[1], box[3] - box[1]);
            }
        }
        return out;
    }

    private static float[] fill(ImageTensor image, int[] box, boolean inside, Fill fill, long seed) {
        int c = image.shape().channels();
        int h = image.shape().height();
        int w = image.shape().width();
        int plane = h * w;
        float[] in = image.input();
        float[] out = in.clone();
        float[] means = image.channelMeans();
        SplittableRandom random = new SplittableRandom(seed);
        for (int ch = 0; ch < c; ch++) {
            float lo = Float.MAX_VALUE;
            float hi = -Float.MAX_VALUE;
            if (fill == Fill.NOISE) {
                for (int i = 0; i < plane; i++) {
                    lo = Math.min(lo, in[ch * plane + i]);
                    hi = Math.max(hi, in[ch * plane + i]);
                }
            }
            Inpainting.Plane source = new Inpainting.Plane(in, ch * plane, h, w);
            // hiding a box walks only the box; keeping one walks the image and skips the box
            for (int y = inside ? box[0] : 0; y < (inside ? box[2] : h); y++) {
                for (int x = inside ? box[1] : 0; x < (inside ? box[3] : w); x++) {
                    if ((y >= box[0] && y < box[2] && x >= box[1] && x < box[3]) != inside) {
                        continue;
                    }
                    int i = ch * plane + y * w + x;
                    out[i] = switch (fill) {
                        case MEAN -> means[ch];
                        case ZERO -> 0f;
                        case NOISE -> lo + (float) random.nextDouble() * (hi - lo);
                        case BLUR -> boxMean(in, ch * plane, h, w, y, x, 3);
                        case INPAINT -> inside ? Inpainting.at(source, box, y, x, means[ch]) : means[ch];
                    };
                }
            }
        }
        return out;
    }

    /** Mean of the {@code (2·radius+1)²} box around {@code (y, x)} in one {@code h × w} plane at {@code offset}, clipped at the borders. */
    static float boxMean(float[] in, int offset, int h, int w, int y, int x, int radius) {
        double s = 0;
        int n = 0;
        for (int yy = Math.max(0, y - radius); yy <= Math.min(h - 1, y + radius); yy++) {
            for (int xx = Math.max(0, x - radius); xx <= Math.min(w - 1, x + radius); xx++) {
                s += in[offset + yy * w + xx];
                n++;
            }
        }
        return (float) (s / n);
    }
}
