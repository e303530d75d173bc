package io.shortcutlens.explain;

import java.io.Serializable;
import java.util.Locale;

/**
 * Parameters of the gradient methods.
 *
 * @param method    {@code saliency}, {@code input-x-gradient}, {@code integrated-gradients} or {@code smoothgrad}
 * @param steps     integrated gradients: path steps (trapezoid rule over {@code steps + 1} points)
 * @param baseline  integrated gradients: the baseline's value in every input element (model-input units)
 * @param samples   SmoothGrad: noisy copies averaged
 * @param noise     SmoothGrad: noise standard deviation as a share of the image's input range
 * @param batchSize images per forward/backward pass
 */
public record GradientParams(String method, int steps, float baseline, int samples, double noise, int batchSize) implements Serializable {

    public static final java.util.List<String> METHODS = java.util.List.of("saliency", "input-x-gradient", "integrated-gradients", "smoothgrad");

    public GradientParams {
        if (!METHODS.contains(method)) {
            throw new IllegalArgumentException("gradient method must be one of " + METHODS + ", found '" + method + "'");
        }
        if (steps < 1 || samples < 1 || batchSize < 1) {
            throw new IllegalArgumentException("steps, samples and batch size must be at least 1, found " + steps + ", " + samples + ", " + batchSize);
        }
        if (!(noise >= 0)) {
            throw new IllegalArgumentException("SmoothGrad noise must be >= 0, found " + noise);
        }
    }

    /** Defaults per method: 32 steps from a zero baseline; 25 samples at 15% noise (Smilkov et al.). */
    public static GradientParams defaults(String method) {
        return new GradientParams(method, 32, 0f, 25, 0.15, 64);
    }

    public String toJson() {
        return String.format(Locale.ROOT, "{\"steps\":%d,\"baseline\":%s,\"samples\":%d,\"noise\":%s,\"batch_size\":%d}", steps,
                Float.toString(baseline), samples, Double.toString(noise), batchSize);
    }
}
