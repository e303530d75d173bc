package io.shortcutlens.explain;

import io.shortcutlens.image.ImageTensor;
import io.shortcutlens.image.InputShape;
import io.shortcutlens.maps.AttributionMap;
import io.shortcutlens.model.Differentiable;
import io.shortcutlens.model.ImageClassifier;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Gradient attribution of the target class's logit (the score before softmax), one value per pixel (channels summed,
 * so that sums over the map keep their meaning):
 * <ul>
 *   <li>{@code saliency}: the gradient (Simonyan et al. 2014); for a linear model, its weights;</li>
 *   <li>{@code input-x-gradient}: input times gradient;</li>
 *   <li>{@code integrated-gradients} (Sundararajan et al. 2017): {@code (x − x')} times the gradient averaged along the
 *       straight path from the baseline {@code x'} to {@code x} (trapezoid rule over {@code steps + 1} points); the map
 *       sums to {@code f(x) − f(x')} up to the rule's error;</li>
 *   <li>{@code smoothgrad} (Smilkov et al. 2017): the gradient averaged over copies of the image with Gaussian noise.</li>
 * </ul>
 * The map is stored as a 1×1 window grid (one value per pixel). Path points and noisy copies go through the model in
 * batches.
 */
public final class GradientExplainer implements Explainer {

    private final GradientParams params;

    public GradientExplainer(GradientParams params) {
        this.params = params;
    }

    @Override
    public String method() {
        return params.method();
    }

    @Override
    public String paramsJson() {
        return params.toJson();
    }

    static Differentiable differentiable(ImageClassifier model, String method) {
        if (model instanceof Differentiable d) {
            return d;
        }
        String what = model instanceof io.shortcutlens.model.OnnxClassifier ? model.toString() : model.getClass().getSimpleName();
        throw new UnsupportedOperationException(method + " needs gradients, which this model (" + what + ") does not give: use the"
                + " perturbation methods occlusion, lime or kernelshap, which need only its class scores");
    }

    /** Saliency and input × gradient: one backward pass per image, so the images of a partition go through together. */
    @Override
    public boolean batchesImages() {
        return params.method().equals("saliency") || params.method().equals("input-x-gradient");
    }

    @Override
    public List<List<Explanation>> explainAll(List<ImageTensor> images, List<float[]> baseScores, List<int[]> targets, ImageClassifier model,
                                              long[] seeds) {
        if (!batchesImages()) {
            return Explainer.super.explainAll(images, baseScores, targets, model, seeds);
        }
        Differentiable d = differentiable(model, method());
        InputShape shape = images.get(0).shape();
        boolean timesInput = params.method().equals("input-x-gradient");
        List<List<float[]>> grads = Explainer.pairwise(images, targets, params.batchSize(), (batch, n, t) -> {
            float[] g = d.inputGradients(batch, n, t);
            int size = batch.length / n;
            List<float[]> per = new ArrayList<>();
            for (int j = 0; j < n; j++) {
                float[] one = java.util.Arrays.copyOfRange(g, j * size, (j + 1) * size);
                if (timesInput) {
                    for (int i = 0; i < size; i++) {
                        one[i] *= batch[j * size + i];
                    }
                }
                per.add(sumChannels(shape, one));
            }
            return per;
        });
        return Explainer.pixelMaps(images, baseScores, targets, grads);
    }

    /** The per-input attribution summed over channels: one value per pixel. */
    private static float[] sumChannels(InputShape shape, float[] perInput) {
        float[] map = new float[shape.pixels()];
        for (int c = 0; c < shape.channels(); c++) {
            for (int p = 0; p < map.length; p++) {
                map[p] += perInput[c * map.length + p];
            }
        }
        return map;
    }

    @Override
    public List<Explanation> explain(ImageTensor image, float[] baseScores, int[] targets, ImageClassifier model, long seed) {
        if (batchesImages()) {
            return explainAll(List.of(image), List.of(baseScores), List.of(targets), model, new long[] {seed}).get(0);
        }
        Differentiable d = differentiable(model, method());
        InputShape shape = image.shape();
        float[] x = image.input();
        List<Explanation> out = new ArrayList<>();
        int passes = 0;
        for (int t : targets) {
            float[] perInput;
            switch (params.method()) {
                case "integrated-gradients" -> {
                    int m = params.steps();
                    float[] mean = meanGradient(d, x.length, m + 1, t, (k, dest, off) -> {
                        float a = (float) k / m;
                        for (int i = 0; i < x.length; i++) {
                            dest[off + i] = params.baseline() + a * (x[i] - params.baseline());
                        }
                    }, k -> k == 0 || k == m ? 0.5 / m : 1.0 / m);
                    perInput = mean;
                    for (int i = 0; i < x.length; i++) {
                        perInput[i] *= x[i] - params.baseline();
                    }
                    passes = m + 1;
                }
                default -> { // smoothgrad
                    float lo = Float.POSITIVE_INFINITY;
                    float hi = Float.NEGATIVE_INFINITY;
                    for (float v : x) {
                        lo = Math.min(lo, v);
                        hi = Math.max(hi, v);
                    }
                    double sigma = params.noise() * (hi - lo);
                    int s = params.samples();
                    SplittableRandom random = new SplittableRandom(seed ^ (31L * t));
                    perInput = meanGradient(d, x.length, s, t, (k, dest, off) -> {
                        for (int i = 0; i < x.length; i++) {
                            dest[off + i] = x[i] + (float) (sigma * gaussian(random));
                        }
                    }, k -> 1.0 / s);
                    passes = s;
                }
            }
            out.add(new Explanation(t, baseScores[t], AttributionMap.windowGrid(shape.height(), shape.width(), 1, 1, sumChannels(shape, perInput)),
                    null, null, passes));
        }
        return out;
    }

    interface PointWriter {
        void write(int k, float[] dest, int offset);
    }

    /** Σ_k weight(k) · ∇f_t(point k), the points written and differentiated {@code batchSize} at a time. */
    private float[] meanGradient(Differentiable d, int size, int points, int target, PointWriter writer, java.util.function.IntToDoubleFunction weight) {
        float[] sum = new float[size];
        int b = params.batchSize();
        for (int start = 0; start < points; start += b) {
            int n = Math.min(b, points - start);
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

    private static double gaussian(SplittableRandom r) {
        double u = Math.max(1e-12, r.nextDouble());
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
    }
}
