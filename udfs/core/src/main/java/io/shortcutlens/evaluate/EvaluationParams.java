package io.shortcutlens.evaluate;

import io.shortcutlens.audit.RegionMasker;
import java.io.Serializable;

/**
 * How maps are evaluated, with the defaults stated once: the image is cut into {@code grid × grid} cells ranked by the
 * map's attribution in each; deletion and insertion replace or reveal the cells one at a time with the audit's
 * {@code fill}; ROAD removes {@code 0, 1/roadSteps, …} of the cells and imputes them from their neighbours with noise of
 * {@code roadNoise} times each channel's range; MPRT randomises the top {@code 1..randomisedLayers} parameter layers.
 */
public record EvaluationParams(int grid, RegionMasker.Fill fill, int roadSteps, double roadNoise, int randomisedLayers, int batchSize, long seed)
        implements Serializable {

    public static final int DEFAULT_GRID = 8;
    public static final int DEFAULT_ROAD_STEPS = 10;
    /** Rong et al. (2022) add noise to the imputed pixels so that the imputation's own smoothness does not tell the model what was removed. */
    public static final double DEFAULT_ROAD_NOISE = 0.01;
    public static final int DEFAULT_RANDOMISED_LAYERS = 3;
    public static final int DEFAULT_BATCH_SIZE = 64;
    public static final long DEFAULT_SEED = 42L;

    public EvaluationParams {
        if (grid < 2) {
            throw new IllegalArgumentException("evaluation grid must be at least 2 cells a side, found " + grid);
        }
        if (roadSteps < 1) {
            throw new IllegalArgumentException("ROAD steps must be at least 1, found " + roadSteps);
        }
        if (roadNoise < 0) {
            throw new IllegalArgumentException("ROAD noise must be at least 0, found " + roadNoise);
        }
        if (randomisedLayers < 0) {
            throw new IllegalArgumentException("randomised layers must be at least 0, found " + randomisedLayers);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, found " + batchSize);
        }
        if (fill == null) {
            throw new IllegalArgumentException("fill must be given (one of " + java.util.Arrays.toString(RegionMasker.Fill.values()) + ")");
        }
    }

    public static EvaluationParams defaults(RegionMasker.Fill fill) {
        return new EvaluationParams(DEFAULT_GRID, fill, DEFAULT_ROAD_STEPS, DEFAULT_ROAD_NOISE, DEFAULT_RANDOMISED_LAYERS, DEFAULT_BATCH_SIZE,
                DEFAULT_SEED);
    }

    public String toJson() {
        return String.format(java.util.Locale.ROOT,
                "{\"grid\":%d,\"fill\":\"%s\",\"road_steps\":%d,\"road_noise\":%s,\"randomised_layers\":%d,\"batch_size\":%d,\"seed\":%d}", grid,
                fill.name().toLowerCase(java.util.Locale.ROOT), roadSteps, roadNoise, randomisedLayers, batchSize, seed);
    }
}
