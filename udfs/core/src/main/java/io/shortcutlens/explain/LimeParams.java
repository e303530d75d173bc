package io.shortcutlens.explain;


/**
 * LIME settings. A null replacement means "mean": switched-off features take the image's per-channel mean (in model
 * input space); a number replaces them by that constant.
 *
 * @param segmentation SLIC superpixels or a regular grid
 * @param numFeatures  target number of segments (SLIC may return a few more or fewer)
 * @param numSamples   perturbed samples including the unperturbed image (sample 0, all features on)
 * @param kernelWidth  σ of the sample weight {@code exp(−d²/σ²)}, {@code d} the cosine distance to all-features-on
 * @param replacement  value for switched-off features, or null for the per-channel mean
 * @param ridge        λ of the weighted ridge fit
 * @param batchSize    perturbed images per forward pass
 */
public record LimeParams(SuperpixelSegmenter.Kind segmentation, int numFeatures, int numSamples, double kernelWidth,
                         Float replacement, double ridge, int batchSize) implements MethodParams {

    public static final int DEFAULT_FEATURES = 49;
    public static final int DEFAULT_SAMPLES = 1000;
    public static final double DEFAULT_KERNEL_WIDTH = 0.25;
    public static final double DEFAULT_RIDGE = 1.0;

    public LimeParams {
        if (numFeatures < 1) {
            throw new IllegalArgumentException("LIME needs at least 1 feature, found " + numFeatures);
        }
        if (numSamples < 2) {
            throw new IllegalArgumentException("LIME needs at least 2 samples, found " + numSamples);
        }
        if (!(kernelWidth > 0)) {
            throw new IllegalArgumentException("LIME kernel width must be positive, found " + kernelWidth);
        }
        if (ridge < 0) {
            throw new IllegalArgumentException("LIME ridge penalty must be 0 or more, found " + ridge);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, found " + batchSize);
        }
    }

    public static LimeParams defaults() {
        return new LimeParams(SuperpixelSegmenter.Kind.SLIC, DEFAULT_FEATURES, DEFAULT_SAMPLES, DEFAULT_KERNEL_WIDTH, OcclusionParams.DEFAULT_MASK_VALUE,
                DEFAULT_RIDGE, OcclusionParams.DEFAULT_BATCH);
    }

    public String toJson() {
        return "{\"segmentation\":\"" + segmentation.name().toLowerCase(java.util.Locale.ROOT) + "\",\"num_features\":" + numFeatures
                + ",\"num_samples\":" + numSamples + ",\"kernel_width\":" + kernelWidth + ",\"replacement\":"
                + (replacement == null ? "\"mean\"" : replacement.toString()) + ",\"ridge\":" + ridge + ",\"batch_size\":" + batchSize + "}";
    }
}
