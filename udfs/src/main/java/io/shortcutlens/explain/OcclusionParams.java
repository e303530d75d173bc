package io.shortcutlens.explain;

import io.shortcutlens.image.InputShape;
import java.io.Serializable;

/**
 * Occlusion-sensitivity settings. {@code 0} for mask size or stride means "auto": 20% and 10% of the shorter image
 * side (at least 1 pixel), as MATLAB's {@code occlusionSensitivity} does; a null mask value means "auto", the image's
 * per-channel mean.
 */
public record OcclusionParams(int maskSize, int stride, Float maskValue, int batchSize) implements Serializable {

    public static final int DEFAULT_BATCH = 64;

    public OcclusionParams {
        if (maskSize < 0 || stride < 0) {
            throw new IllegalArgumentException("occlusion mask size and stride must be positive (or 0 for auto), found mask="
                    + maskSize + " stride=" + stride);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, found " + batchSize);
        }
    }

    public static OcclusionParams defaults() {
        return new OcclusionParams(0, 0, null, DEFAULT_BATCH);
    }

    /** Replaces the automatic sizes by numbers for this input. */
    public OcclusionParams resolve(InputShape shape) {
        int side = Math.min(shape.height(), shape.width());
        int m = maskSize > 0 ? maskSize : Math.max(1, (int) Math.round(0.2 * side));
        int s = stride > 0 ? stride : Math.max(1, (int) Math.round(0.1 * side));
        return new OcclusionParams(m, s, maskValue, batchSize);
    }

    public String toJson() {
        return "{\"mask_size\":" + maskSize + ",\"stride\":" + stride + ",\"mask_value\":"
                + (maskValue == null ? "\"auto\"" : maskValue.toString()) + ",\"batch_size\":" + batchSize + "}";
    }
}
