package io.shortcutlens.explain;


/**
 * KernelSHAP settings.
 *
 * @param segmentation SLIC superpixels or a regular grid (the players of the game)
 * @param numFeatures  target number of segments
 * @param numSamples   coalitions evaluated, the all-on (the image) and all-off ones included
 * @param replacement  value of a switched-off segment, or null for the image's per-channel mean
 * @param batchSize    perturbed images per forward pass
 */
public record KernelShapParams(SuperpixelSegmenter.Kind segmentation, int numFeatures, int numSamples, Float replacement, int batchSize)
        implements MethodParams {

    public KernelShapParams {
        if (numFeatures < 2) {
            throw new IllegalArgumentException("KernelSHAP needs at least 2 features, found " + numFeatures);
        }
        if (numSamples < 3) {
            throw new IllegalArgumentException("KernelSHAP needs at least 3 coalitions (all on, all off, one more), found " + numSamples);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, found " + batchSize);
        }
    }

    public static KernelShapParams defaults() {
        return new KernelShapParams(SuperpixelSegmenter.Kind.SLIC, LimeParams.DEFAULT_FEATURES, LimeParams.DEFAULT_SAMPLES, OcclusionParams.DEFAULT_MASK_VALUE,
                OcclusionParams.DEFAULT_BATCH);
    }

    public String toJson() {
        return "{\"segmentation\":\"" + segmentation.name().toLowerCase(java.util.Locale.ROOT) + "\",\"num_features\":" + numFeatures
                + ",\"num_samples\":" + numSamples + ",\"replacement\":" + (replacement == null ? "\"mean\"" : replacement.toString())
                + ",\"batch_size\":" + batchSize + "}";
    }
}
