package io.shortcutlens.explain;

import io.shortcutlens.model.Differentiable;
import java.util.List;
import java.util.Locale;

/**
 * Integrated gradients (Sundararajan et al. 2017): {@code (x − x')} times the target logit's gradient averaged along
 * the straight path from the baseline {@code x'} to {@code x} (trapezoid rule over {@code steps + 1} points), summed
 * over channels; the map sums to {@code f(x) − f(x')} up to the rule's error. Path points go through the model in
 * batches.
 */
public final class IntegratedGradientsExplainer extends PointGradientExplainer<IntegratedGradientsExplainer.Params> {

    public static final MethodOption STEPS = new MethodOption("ig-steps", "igSteps", MethodOption.Kind.INT, "N", "32",
            "Steps along the path from the baseline.");
    public static final MethodOption BASELINE = new MethodOption("ig-baseline", "igBaseline", MethodOption.Kind.NUMBER, "V", "0",
            "Baseline value of every input element (model-input units).");

    /**
     * @param steps     path steps (trapezoid rule over {@code steps + 1} points)
     * @param baseline  the baseline's value in every input element (model-input units)
     * @param batchSize path points per forward/backward pass
     */
    public record Params(int steps, float baseline, int batchSize) implements MethodParams {
        public Params {
            if (steps < 1 || batchSize < 1) {
                throw new IllegalArgumentException("integrated gradients: steps and batch size must be at least 1, found " + steps + ", " + batchSize);
            }
        }

        @Override
        public String toJson() {
            return String.format(Locale.ROOT, "{\"steps\":%d,\"baseline\":%s,\"batch_size\":%d}", steps, Float.toString(baseline), batchSize);
        }
    }

    public static final ExplainMethod<Params> METHOD = ExplainMethod.of("integrated-gradients", ExplainMethod.Needs.GRADIENTS, Params.class,
            List.of(STEPS, BASELINE, MethodOption.BATCH_SIZE),
            (v, input) -> new Params(v.integer(STEPS), (float) v.number(BASELINE), v.integer(MethodOption.BATCH_SIZE)),
            p -> new IntegratedGradientsExplainer(p));

    public IntegratedGradientsExplainer(Params params) {
        super(METHOD.name(), params);
    }

    @Override
    protected int points() {
        return params.steps() + 1;
    }

    @Override
    protected float[] attribution(Differentiable d, float[] x, int target, long seed) {
        float b = params.baseline();
        int m = params.steps();
        float[] perInput = GradientMaps.weightedGradient(d, x.length, m + 1, target, params.batchSize(), (k, dest, off) -> {
            float a = (float) k / m;
            for (int i = 0; i < x.length; i++) {
                dest[off + i] = b + a * (x[i] - b);
            }
        }, k -> k == 0 || k == m ? 0.5 / m : 1.0 / m);
        for (int i = 0; i < x.length; i++) {
            perInput[i] *= x[i] - b;
        }
        return perInput;
    }
}
