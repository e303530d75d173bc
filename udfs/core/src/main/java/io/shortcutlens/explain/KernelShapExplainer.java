package io.shortcutlens.explain;

import io.shortcutlens.image.ImageTensor;
import io.shortcutlens.maps.AttributionMap;
import io.shortcutlens.model.ImageClassifier;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * KernelSHAP on superpixels (Lundberg &amp; Lee 2017, "A Unified Approach to Interpreting Model Predictions"): the
 * segments are the players, a coalition {@code z ∈ {0,1}^M} keeps the segments it holds and switches the others to
 * the replacement value, and the Shapley values {@code φ} are the solution of
 * {@code min Σ_z π(z) (f(z) − φ₀ − z·φ)²} with the Shapley kernel {@code π(z) = (M−1) / (C(M,|z|) |z| (M−|z|))}.
 * The all-off and all-on coalitions have infinite weight, so they are constraints: {@code φ₀ = f(∅)} and
 * {@code Σφ = f(x) − f(∅)} (efficiency); the last {@code φ} is eliminated with the second and the rest solved by least
 * squares.
 *
 * <p>Coalitions are sampled from the kernel itself (a size {@code s} with probability ∝ {@code (M−1)/(s(M−s))}, then
 * {@code s} segments uniformly), each drawn with its complement (paired sampling), so every sample carries the same
 * weight. Seeded by the caller like LIME; the all-on coalition's score is the caller's base score, so an explanation
 * costs {@code numSamples − 1} forward passes, in batches.
 */
public final class KernelShapExplainer extends SegmentExplainer {

    public static final MethodOption SAMPLES = new MethodOption("shap-samples", "shapSamples", MethodOption.Kind.INT, "N",
            String.valueOf(LimeParams.DEFAULT_SAMPLES), "Coalitions per image (all-on and all-off included), over LIME's segments.");

    /** KernelSHAP (Lundberg and Lee 2017): Shapley values of the segments, fitted from coalitions weighted by the Shapley kernel. */
    public static final ExplainMethod<KernelShapParams> METHOD = ExplainMethod.of("kernelshap", ExplainMethod.Needs.SCORES,
            KernelShapParams.class,
            List.of(LimeExplainer.SEGMENTATION, LimeExplainer.FEATURES, SAMPLES, LimeExplainer.REPLACEMENT, MethodOption.BATCH_SIZE),
            (v, input) -> new KernelShapParams(v.choice(LimeExplainer.SEGMENTATION, SuperpixelSegmenter.Kind.class),
                    v.integer(LimeExplainer.FEATURES), v.integer(SAMPLES), v.numberOr(LimeExplainer.REPLACEMENT, "mean"),
                    v.integer(MethodOption.BATCH_SIZE)),
            p -> new KernelShapExplainer(p)).hidingPixelsWith("replacement");

    private final KernelShapParams params;

    public KernelShapExplainer(KernelShapParams params) {
        super(params.segmentation(), params.numFeatures());
        this.params = params;
    }

    @Override
    public String method() {
        return "kernelshap";
    }

    @Override
    public String paramsJson() {
        return params.toJson();
    }

    @Override
    public List<Explanation> explain(ImageTensor image, Segmentation segmentation, float[] baseScores, int[] targets, ImageClassifier model,
                                     long seed) {
        int m = segmentation.count();
        if (m < 2) {
            throw new IllegalArgumentException("KernelSHAP needs at least 2 segments, the segmentation gave " + m);
        }
        boolean[][] on = coalitions(m, params.numSamples(), new SplittableRandom(seed));
        int n = on.length;
        float[] scores = SegmentMasking.scores(image, segmentation, on, 1, params.replacement(), model, params.batchSize());
        int classes = model.numClasses();
        List<Explanation> out = new ArrayList<>(targets.length);
        for (int t : targets) {
            double full = baseScores[t];
            double empty = scores[t]; // sample 1: all off
            double[] y = new double[n];
            y[0] = full;
            for (int i = 1; i < n; i++) {
                y[i] = scores[(i - 1) * classes + t];
            }
            Fit fit = solve(on, y, empty, full);
            float[] phi = new float[m];
            for (int j = 0; j < m; j++) {
                phi[j] = (float) fit.phi()[j];
            }
            AttributionMap map = AttributionMap.superpixels(image.shape().height(), image.shape().width(), segmentation.labels(), phi);
            out.add(new Explanation(t, baseScores[t], map, empty, fit.r2(), n - 1));
        }
        return out;
    }

    /** Coalition 0 = all on, 1 = all off, then pairs (z, complement of z) with z's size drawn from the Shapley kernel. */
    static boolean[][] coalitions(int m, int count, SplittableRandom random) {
        double[] sizeMass = new double[m];
        double total = 0;
        for (int s = 1; s < m; s++) {
            sizeMass[s] = (m - 1.0) / (s * (double) (m - s));
            total += sizeMass[s];
        }
        boolean[][] on = new boolean[count][m];
        java.util.Arrays.fill(on[0], true);
        int[] order = new int[m];
        for (int i = 2; i < count; i += 2) {
            double u = random.nextDouble() * total;
            int s = 1;
            while (s < m - 1 && u >= sizeMass[s]) {
                u -= sizeMass[s];
                s++;
            }
            for (int j = 0; j < m; j++) {
                order[j] = j;
            }
            for (int j = 0; j < s; j++) { // the first s of a partial Fisher–Yates shuffle
                int r = j + random.nextInt(m - j);
                int tmp = order[j];
                order[j] = order[r];
                order[r] = tmp;
                on[i][order[j]] = true;
            }
            if (i + 1 < count) {
                for (int j = 0; j < m; j++) {
                    on[i + 1][j] = !on[i][j];
                }
            }
        }
        return on;
    }

    /** The Shapley values and the fit's R² over the sampled coalitions. */
    record Fit(double[] phi, double r2) { }

    /**
     * Least squares of {@code y(z) − φ₀ − z_M·Δ = Σ_{j<M} φ_j (z_j − z_M)} over the coalitions other than all-on and
     * all-off, {@code Δ = f(x) − φ₀}; then {@code φ_M = Δ − Σ_{j<M} φ_j}.
     */
    static Fit solve(boolean[][] on, double[] y, double empty, double full) {
        int m = on[0].length;
        int p = m - 1;
        double delta = full - empty;
        double[][] xtx = new double[p][p];
        double[] xty = new double[p];
        double[] row = new double[p];
        int used = 0;
        for (int i = 2; i < on.length; i++) {
            double zm = on[i][m - 1] ? 1 : 0;
            double target = y[i] - empty - zm * delta;
            for (int j = 0; j < p; j++) {
                row[j] = (on[i][j] ? 1 : 0) - zm;
            }
            for (int a = 0; a < p; a++) {
                if (row[a] == 0) {
                    continue;
                }
                xty[a] += row[a] * target;
                for (int b = 0; b < p; b++) {
                    xtx[a][b] += row[a] * row[b];
                }
            }
            used++;
        }
        if (used < p) {
            throw new IllegalArgumentException("KernelSHAP with " + m + " segments needs at least " + (m + 1) + " coalitions, found " + on.length);
        }
        for (int a = 0; a < p; a++) {
            xtx[a][a] += 1e-10 * (1 + xtx[a][a]); // keeps a feature that never varied at zero instead of failing
        }
        double[] head = WeightedRidge.solveSymmetric(xtx, xty);
        double[] phi = new double[m];
        double sum = 0;
        for (int j = 0; j < p; j++) {
            phi[j] = head[j];
            sum += head[j];
        }
        phi[m - 1] = delta - sum;
        // R² of f(z) ≈ φ₀ + z·φ over every coalition
        double mean = 0;
        for (double v : y) {
            mean += v;
        }
        mean /= y.length;
        double ssRes = 0;
        double ssTot = 0;
        for (int i = 0; i < on.length; i++) {
            double pred = empty;
            for (int j = 0; j < m; j++) {
                pred += on[i][j] ? phi[j] : 0;
            }
            ssRes += (y[i] - pred) * (y[i] - pred);
            ssTot += (y[i] - mean) * (y[i] - mean);
        }
        return new Fit(phi, ssTot > 0 ? 1 - ssRes / ssTot : 1);
    }
}
