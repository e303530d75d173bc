package io.shortcutlens.explain;

import io.shortcutlens.model.Differentiable;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * SmoothGrad (Smilkov et al. 2017): the target logit's gradient averaged over copies of the image with Gaussian noise,
 * summed over channels. The noise comes from the image's own random stream, so a rerun gives the same map; the noisy
 * copies go through the model in batches.
 */
public final class SmoothGradExplainer extends PointGradientExplainer<SmoothGradExplainer.Params> {

    public static final MethodOption SAMPLES = new MethodOption("smoothgrad-samples", "smoothGradSamples", MethodOption.Kind.INT, "N", "25",
            "Noisy copies averaged per image.");
    public static final MethodOption NOISE = new MethodOption("smoothgrad-noise", "smoothGradNoise", MethodOption.Kind.NUMBER, "S", "0.15",
            "Noise standard deviation as a share of the image's input range (Smilkov et al.: 10-20%).");

    /**
     * @param samples   noisy copies averaged
     * @param noise     noise standard deviation as a share of the image's input range
     * @param batchSize noisy copies per forward/backward pass
     */
    public record Params(int samples, double noise, int batchSize) implements MethodParams {
        public Params {
            if (samples < 1 || batchSize < 1) {
                throw new IllegalArgumentException("SmoothGrad: samples and batch size must be at least 1, found " + samples + ", " + batchSize);
            }
            if (!(noise >= 0)) {
                throw new IllegalArgumentException("SmoothGrad noise must be >= 0, found " + noise);
            }
        }

        @Override
        public String toJson() {
            return String.format(Locale.ROOT, "{\"samples\":%d,\"noise\":%s,\"batch_size\":%d}", samples, Double.toString(noise), batchSize);
        }
    }

    public static final ExplainMethod<Params> METHOD = ExplainMethod.of("smoothgrad", ExplainMethod.Needs.GRADIENTS, Params.class,
            List.of(SAMPLES, NOISE, MethodOption.BATCH_SIZE),
            (v, input) -> new Params(v.integer(SAMPLES), v.number(NOISE), v.integer(MethodOption.BATCH_SIZE)),
            p -> new SmoothGradExplainer(p));

    public SmoothGradExplainer(Params params) {
        super(METHOD.name(), params);
    }

    @Override
    protected int points() {
        return params.samples();
    }

    @Override
    protected float[] attribution(Differentiable d, float[] x, int target, long seed) {
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (float v : x) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        double sigma = params.noise() * (hi - lo);
        int s = params.samples();
        SplittableRandom random = new SplittableRandom(seed ^ (31L * target));
        return GradientMaps.weightedGradient(d, x.length, s, target, params.batchSize(), (k, dest, off) -> {
            for (int i = 0; i < x.length; i++) {
                dest[off + i] = x[i] + (float) (sigma * GradientMaps.gaussian(random));
            }
        }, k -> 1.0 / s);
    }
}
