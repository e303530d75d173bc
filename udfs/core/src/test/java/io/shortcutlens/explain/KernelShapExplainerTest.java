package io.shortcutlens.explain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shortcutlens.image.ImageTensor;
import io.shortcutlens.image.InputShape;
import io.shortcutlens.model.ImageClassifier;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KernelShapExplainerTest {

    /** A model that is not additive over segments: products and a squashing of a linear model's scores. */
    private static ImageClassifier nonAdditive(LinearModel m) {
        return new ImageClassifier() {
            @Override
            public int numClasses() {
                return 3;
            }

            @Override
            public float[] scores(float[] batch, int n) {
                float[] lin = m.classifier.scores(batch, n);
                float[] out = new float[n * 3];
                for (int i = 0; i < n; i++) {
                    float a = lin[3 * i];
                    float b = lin[3 * i + 1];
                    out[3 * i] = (float) Math.tanh(a) * b;
                    out[3 * i + 1] = a * a - b;
                    out[3 * i + 2] = (float) Math.exp(-Math.abs(lin[3 * i + 2]));
                }
                return out;
            }

            @Override
            public InputShape inputShape() {
                return m.classifier.inputShape();
            }
        };
    }

    private static void assertAdditiveRecovered(SuperpixelSegmenter.Kind kind, int features) {
        InputShape shape = new InputShape(3, 24, 28);
        LinearModel m = new LinearModel(shape, 3, 21);
        ImageTensor img = LimeExplainerTest.blobs(shape, 5);
        float[] base = m.classifier.scores(img.input(), 1);
        KernelShapExplainer shap = new KernelShapExplainer(new KernelShapParams(kind, features, 300, null, 50));
        Segmentation seg = new SuperpixelSegmenter(kind, features).segment(img);
        for (Explanation e : shap.explain(img, base, new int[] {0, 1, 2}, m.classifier, 7)) {
            // switching segment k off changes a linear score by Σ W·(x − fill) over its pixels: its Shapley value
            double[] expected = LimeExplainerTest.segmentContributions(m, img, seg, e.target());
            float[] phi = e.map().values();
            assertEquals(seg.count(), phi.length);
            double sum = 0;
            for (int k = 0; k < expected.length; k++) {
                assertEquals(expected[k], phi[k], 1e-3, kind + " class " + e.target() + " segment " + k);
                sum += phi[k];
            }
            double empty = m.score(allOff(img), e.target());
            assertEquals(empty, e.intercept(), 1e-3, "φ₀ is the score with every segment off");
            assertEquals(base[e.target()] - e.intercept(), sum, 1e-4, "efficiency");
        }
    }

    /** The image with every pixel at its channel's mean. */
    private static float[] allOff(ImageTensor img) {
        float[] fill = img.channelMeans();
        int plane = img.shape().pixels();
        float[] x = new float[img.input().length];
        for (int ch = 0; ch < img.shape().channels(); ch++) {
            java.util.Arrays.fill(x, ch * plane, (ch + 1) * plane, fill[ch]);
        }
        return x;
    }

    @Test
    void kernelShapOfAnAdditiveModelIsEachSuperpixelsContributionOnSlic() {
        assertAdditiveRecovered(SuperpixelSegmenter.Kind.SLIC, 16);
    }

    @Test
    void kernelShapOfAnAdditiveModelIsEachCellsContributionOnGrid() {
        assertAdditiveRecovered(SuperpixelSegmenter.Kind.GRID, 25);
    }

    @Test
    void valuesSumToTheScoreGapOnANonAdditiveModelAndApproachExactShapleyValues() {
        InputShape shape = new InputShape(3, 16, 16);
        LinearModel m = new LinearModel(shape, 3, 4);
        ImageClassifier model = nonAdditive(m);
        ImageTensor img = LimeExplainerTest.blobs(shape, 9);
        float[] base = model.scores(img.input(), 1);
        Segmentation seg = new SuperpixelSegmenter(SuperpixelSegmenter.Kind.GRID, 9).segment(img);
        int players = seg.count();
        assertTrue(players >= 8, "segments: " + players);
        KernelShapExplainer shap = new KernelShapExplainer(new KernelShapParams(SuperpixelSegmenter.Kind.GRID, 9, 8000, null, 512));
        for (Explanation e : shap.explain(img, seg, base, new int[] {0, 1, 2}, model, 3)) {
            float[] phi = e.map().values();
            double sum = 0;
            for (float v : phi) {
                sum += v;
            }
            assertEquals(base[e.target()] - e.intercept(), sum, 1e-4 * (1 + Math.abs(sum)), "efficiency, class " + e.target());
            // exact Shapley values by enumerating all 2^m coalitions
            double[] exact = exactShapley(model, img, seg, e.target());
            double scale = 1e-9;
            for (double v : exact) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int k = 0; k < players; k++) {
                assertEquals(exact[k], phi[k], 0.03 * scale, "class " + e.target() + " segment " + k + ": exact " + java.util.Arrays.toString(exact)
                        + " sampled " + java.util.Arrays.toString(phi));
            }
        }
    }

    /** φ_k = Σ_{S ∌ k} |S|!(M−|S|−1)!/M! · (v(S ∪ k) − v(S)), v(S) = the score with only S's segments kept. */
    private static double[] exactShapley(ImageClassifier model, ImageTensor img, Segmentation seg, int target) {
        int m = seg.count();
        boolean[][] all = new boolean[1 << m][m];
        for (int s = 0; s < all.length; s++) {
            for (int k = 0; k < m; k++) {
                all[s][k] = (s >> k & 1) == 1;
            }
        }
        float[] scores = SegmentMasking.scores(img, seg, all, 0, null, model, 64);
        double[] phi = new double[m];
        for (int s = 0; s < all.length; s++) {
            int size = Integer.bitCount(s);
            for (int k = 0; k < m; k++) {
                if ((s >> k & 1) == 0) {
                    double weight = factorial(size) * factorial(m - size - 1) / factorial(m);
                    phi[k] += weight * (scores[(s | 1 << k) * 3 + target] - scores[s * 3 + target]);
                }
            }
        }
        return phi;
    }

    private static double factorial(int n) {
        double f = 1;
        for (int i = 2; i <= n; i++) {
            f *= i;
        }
        return f;
    }

    @Test
    void coalitionsStartAllOnThenAllOffThenComplementaryPairsSeeded() {
        boolean[][] a = KernelShapExplainer.coalitions(10, 41, new SplittableRandom(5));
        boolean[][] b = KernelShapExplainer.coalitions(10, 41, new SplittableRandom(5));
        for (int i = 0; i < a.length; i++) {
            assertArrayEquals(a[i], b[i]);
        }
        for (int j = 0; j < 10; j++) {
            assertTrue(a[0][j]);
            assertTrue(!a[1][j]);
        }
        for (int i = 2; i + 1 < a.length; i += 2) {
            int size = 0;
            for (int j = 0; j < 10; j++) {
                assertEquals(!a[i][j], a[i + 1][j], "pair " + i);
                size += a[i][j] ? 1 : 0;
            }
            assertTrue(size >= 1 && size <= 9, "a coalition strictly between empty and full: " + size);
        }
    }
}
