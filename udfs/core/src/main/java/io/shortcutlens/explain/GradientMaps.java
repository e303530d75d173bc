package io.shortcutlens.explain;

import io.shortcutlens.image.InputShape;
import io.shortcutlens.model.Differentiable;
import io.shortcutlens.model.ImageClassifier;
import java.util.SplittableRandom;
import java.util.function.IntToDoubleFunction;

/** What the gradient methods share: the model's gradients or a refusal that says what to use, sums over channels and points. */
final class GradientMaps {
    private GradientMaps() { }

    static Differentiable differentiable(ImageClassifier model, String method) {
        if (model instanceof Differentiable d) {
            return new Advised(d);
        }
        String what = model instanceof io.shortcutlens.model.OnnxClassifier ? model.toString() : model.getClass().getSimpleName();
        throw new UnsupportedOperationException(method + " needs gradients, which this model (" + what + ") does not give: use the"
                + " perturbation methods " + Methods.perturbationList() + ", which need only its class scores");
    }

    /** A model's gradients, its refusals carrying {@link Methods#gradientAdvice}: the model names what it cannot do, the methods what to use. */
    private record Advised(Differentiable model) implements Differentiable {
        private static <T> T advised(java.util.function.Supplier<T> call) {
            try {
                return call.get();
            } catch (UnsupportedOperationException e) {
                throw new UnsupportedOperationException(e.getMessage() + Methods.gradientAdvice(), e);
            }
        }

        @Override
        public float[] logits(float[] batch, int n) {
            return advised(() -> model.logits(batch, n));
        }

        @Override
        public float[] inputGradients(float[] batch, int n, int[] targets) {
            return advised(() -> model.inputGradients(batch, n, targets));
        }

        @Override
        public FeatureGradients featureGradients(float[] batch, int n, int[] targets, String layer) {
            return advised(() -> model.featureGradients(batch, n, targets, layer));
        }

        @Override
        public ChannelGradients channelGradients(float[] batch, int n, String layer, int channel) {
            return advised(() -> model.channelGradients(batch, n, layer, channel));
        }

        @Override
        public LayerActivations activations(float[] batch, int n, String layer) {
            return model.activations(batch, n, layer);
        }
    }

    /** The per-input attribution summed over channels: one value per pixel. */
    static float[] sumChannels(InputShape shape, float[] perInput, int offset) {
        float[] map = new float[shape.pixels()];
        for (int c = 0; c < shape.channels(); c++) {
            int base = offset + c * map.length;
            for (int p = 0; p < map.length; p++) {
                map[p] += perInput[base + p];
            }
        }
        return map;
    }

    /** Writes point {@code k} of a path or a sample at {@code dest[offset..]}. */
    interface PointWriter {
        void write(int k, float[] dest, int offset);
    }

    /** Σ_k weight(k) · ∇f_t(point k), the points written and differentiated {@code batchSize} at a time. */
    static float[] weightedGradient(Differentiable d, int size, int points, int target, int batchSize, PointWriter writer, IntToDoubleFunction weight) {
        float[] sum = new float[size];
        for (int start = 0; start < points; start += batchSize) {
            int n = Math.min(batchSize, points - start);
            float[] batch = new float[n * size];
            int[] targets = new int[n];
            for (int j = 0; j < n; j++) {
                writer.write(start + j, batch, j * size);
                targets[j] = target;
            }
            float[] g = d.inputGradients(batch, n, targets);
            for (int j = 0; j < n; j++) {
                float w = (float) weight.applyAsDouble(start + j);
                for (int i = 0; i < size; i++) {
                    sum[i] += w * g[j * size + i];
                }
            }
        }
        return sum;
    }

    /** A standard normal draw (Box–Muller). */
    static double gaussian(SplittableRandom r) {
        double u = Math.max(1e-12, r.nextDouble());
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
    }
}
