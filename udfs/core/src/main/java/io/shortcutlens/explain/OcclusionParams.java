package io.shortcutlens.explain;

import io.shortcutlens.image.InputShape;

/**
 * Occlusion-sensitivity settings. {@code 0} for mask size or stride means "auto": 20% and 10% of the shorter image
 * side (at least 1 pixel), as MATLAB's {@code occlusionSensitivity} does; a null mask value means "auto", the image's
 * per-channel mean. The default mask value, {@link #DEFAULT_MASK_VALUE}, is also what LIME and KernelSHAP write into
 * switched-off features and what the audit hides regions with unless told otherwise. With {@code inpaint} each window
 * is filled from the pixels around it ({@link io.shortcutlens.image.Inpainting}) instead of a value: no shade is blind
 * to it (a black mark under the default 0, a mark of the image's mean colour under {@code auto}).
 */
public record OcclusionParams(int maskSize, int stride, Float maskValue, int batchSize, Mode mode, double adaptiveShare, boolean inpaint)
        implements MethodParams {

    /** The mask value's keyword for {@link #inpaint}. */
    public static final String INPAINT = "inpaint";

    /**
     * {@code full}: every window of the grid is run. {@code adaptive}: every other window on each axis first (a quarter
     * of the grid, still covering the image when the window is at least twice the stride), the others estimated from
     * their run neighbours, then the windows with the largest estimates run too, until {@link #adaptiveShare} of the
     * grid has run.
     */
    public enum Mode { FULL, ADAPTIVE }

    /**
     * The share of the window grid adaptive occlusion runs by default. Measured against full occlusion (the same peak
     * cell of the 8×8 mass grid; demo, decoy and a clean Fashion-MNIST CNN, 60–600 images each): at a half, 0.980–1.000
     * of the images and every map with a clear peak; at a third, 0.63–0.88 and 0.82–0.98 (on the demo's 7×7 grid the
     * first pass that occludes every pixel is already a third, so nothing is left to refine). {@code AdaptiveOcclusionTest}.
     */
    public static final double DEFAULT_ADAPTIVE_SHARE = 0.5;

    /** Every window run ({@link Mode#FULL}). */
    public OcclusionParams(int maskSize, int stride, Float maskValue, int batchSize) {
        this(maskSize, stride, maskValue, batchSize, Mode.FULL);
    }

    /** Adaptive occlusion, if asked, runs {@link #DEFAULT_ADAPTIVE_SHARE} of the windows. */
    public OcclusionParams(int maskSize, int stride, Float maskValue, int batchSize, Mode mode) {
        this(maskSize, stride, maskValue, batchSize, mode, DEFAULT_ADAPTIVE_SHARE);
    }

    /** Windows filled with {@code maskValue} (null: the image's mean). */
    public OcclusionParams(int maskSize, int stride, Float maskValue, int batchSize, Mode mode, double adaptiveShare) {
        this(maskSize, stride, maskValue, batchSize, mode, adaptiveShare, false);
    }

    public static final int DEFAULT_BATCH = 64;

    /**
     * What stands in for hidden pixels by default: 0 in model-input units — black for inputs scaled to [0, 1], the
     * normalisation's mean colour for standardised ones (Captum's default baseline). The image's own per-channel mean
     * hides nothing where a mark's shade equals it: on Decoy Fashion-MNIST with a swatch in a random corner, occlusion
     * maps put their top corner on the shirts' gray swatch (123 of 255; the shirts' mean is 89) for 31 of 93 shirts with
     * the mean and 90 with 0, LIME maps for 13 and 91. A zero has the opposite blind spot (dark content; on the demo's
     * unit-scaled photos a black patch reads as a bear, so the demo chooses the mean).
     */
    public static final float DEFAULT_MASK_VALUE = 0f;

    public OcclusionParams {
        if (mode == null) {
            throw new IllegalArgumentException("occlusion mode must be full or adaptive");
        }
        if (maskSize < 0 || stride < 0) {
            throw new IllegalArgumentException("occlusion mask size and stride must be positive (or 0 for auto), found mask="
                    + maskSize + " stride=" + stride);
        }
        if (!(adaptiveShare > 0 && adaptiveShare <= 1)) {
            throw new IllegalArgumentException("occlusion adaptive share must be in (0, 1], found " + adaptiveShare);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, found " + batchSize);
        }
    }

    public static OcclusionParams defaults() {
        return new OcclusionParams(0, 0, DEFAULT_MASK_VALUE, DEFAULT_BATCH);
    }

    /** Replaces the automatic sizes by numbers for this input. */
    public OcclusionParams resolve(InputShape shape) {
        int side = Math.min(shape.height(), shape.width());
        int m = maskSize > 0 ? maskSize : Math.max(1, (int) Math.round(0.2 * side));
        int s = stride > 0 ? stride : Math.max(1, (int) Math.round(0.1 * side));
        return new OcclusionParams(m, s, maskValue, batchSize, mode, adaptiveShare, inpaint);
    }

    public String toJson() {
        return "{\"mask_size\":" + maskSize + ",\"stride\":" + stride + ",\"mask_value\":"
                + (inpaint ? "\"" + INPAINT + "\"" : maskValue == null ? "\"auto\"" : maskValue.toString()) + ",\"batch_size\":" + batchSize + ",\"mode\":\"" + mode.name().toLowerCase(java.util.Locale.ROOT) + "\""
                + (mode == Mode.ADAPTIVE ? ",\"adaptive_share\":" + adaptiveShare : "") + "}";
    }
}
