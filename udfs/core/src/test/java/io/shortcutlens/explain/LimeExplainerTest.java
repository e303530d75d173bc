package io.shortcutlens.explain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shortcutlens.image.ImageTensor;
import io.shortcutlens.image.InputShape;
import io.shortcutlens.image.Normalisation;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LimeExplainerTest {

    /** An image of coloured blobs on a gradient, so SLIC has real structure to follow; inputs scaled to 0..1. */
    static ImageTensor blobs(InputShape shape, long seed) {
        Random r = new Random(seed);
        int h = shape.height();
        int w = shape.width();
        float[] px = new float[shape.size()];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    px[c * h * w + y * w + x] = 40 + 3 * x + c * 20;
                }
            }
        }
        for (int b = 0; b < 6; b++) {
            int cy = r.nextInt(h);
            int cx = r.nextInt(w);
            int rad = 3 + r.nextInt(5);
            float[] color = {r.nextInt(256), r.nextInt(256), r.nextInt(256)};
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    if ((y - cy) * (y - cy) + (x - cx) * (x - cx) <= rad * rad) {
                        for (int c = 0; c < 3; c++) {
                            px[c * h * w + y * w + x] = color[c];
                        }
                    }
                }
            }
        }
        return new ImageTensor(shape, px, Normalisation.unitScale().apply(px, 3, h * w));
    }

    /** Switching off segment k changes a linear score by Σ_{ch, p ∈ S_k} W[ch,p][c]·(x_p − fill_ch): LIME's exact weights. */
    static double[] segmentContributions(LinearModel m, ImageTensor img, Segmentation seg, int c) {
        float[] fill = img.channelMeans();
        int plane = img.shape().pixels();
        double[] out = new double[seg.count()];
        for (int ch = 0; ch < 3; ch++) {
            for (int p = 0; p < plane; p++) {
                int i = ch * plane + p;
                out[seg.labels()[p]] += m.w[i][c] * (img.input()[i] - fill[ch]);
            }
        }
        return out;
    }

    private static void assertRecovers(SuperpixelSegmenter.Kind kind, int features) {
        InputShape shape = new InputShape(3, 24, 28);
        LinearModel m = new LinearModel(shape, 3, 21);
        ImageTensor img = blobs(shape, 5);
        float[] base = m.classifier.scores(img.input(), 1);
        LimeParams params = new LimeParams(kind, features, 400, 0.25, null, 1e-9, 50);
        LimeExplainer lime = new LimeExplainer(params);
        Segmentation seg = new SuperpixelSegmenter(kind, features).segment(img);
        assertTrue(seg.count() >= 4, "segmentation has " + seg.count() + " segments");
        for (Explanation e : lime.explain(img, base, new int[] {0, 1, 2}, m.classifier, 99)) {
            double[] expected = segmentContributions(m, img, seg, e.target());
            float[] weights = e.map().values();
            assertEquals(seg.count(), weights.length);
            for (int k = 0; k < expected.length; k++) {
                assertEquals(expected[k], weights[k], 1e-3, kind + " class " + e.target() + " segment " + k);
            }
            assertTrue(e.r2() > 0.999, "R² " + e.r2());
            assertEquals(m.score(img.input(), e.target()) - sum(expected), e.intercept(), 1e-3,
                    "intercept is the score with every feature off");
        }
    }

    private static double sum(double[] v) {
        double s = 0;
        for (double d : v) {
            s += d;
        }
        return s;
    }

    @Test
    void limeRecoversEverySuperpixelWeightOfAnAdditiveModelOnSlic() {
        assertRecovers(SuperpixelSegmenter.Kind.SLIC, 16);
    }

    @Test
    void limeRecoversEveryCellWeightOfAnAdditiveModelOnGrid() {
        assertRecovers(SuperpixelSegmenter.Kind.GRID, 25);
    }

    @Test
    void sameSeedSameMapDifferentSeedDifferentSamples() {
        InputShape shape = new InputShape(3, 16, 16);
        LinearModel m = new LinearModel(shape, 2, 3);
        ImageTensor img = blobs(shape, 8);
        float[] base = m.classifier.scores(img.input(), 1);
        // a ridge penalty makes the weights depend on the samples drawn
        LimeExplainer lime = new LimeExplainer(new LimeParams(SuperpixelSegmenter.Kind.GRID, 16, 60, 0.25, 0f, 5.0, 16));
        float[] a = lime.explain(img, base, new int[] {0}, m.classifier, 42).get(0).map().values();
        float[] b = lime.explain(img, base, new int[] {0}, m.classifier, 42).get(0).map().values();
        float[] c = lime.explain(img, base, new int[] {0}, m.classifier, 43).get(0).map().values();
        assertArrayEquals(a, b);
        assertTrue(!java.util.Arrays.equals(a, c));
    }

    @Test
    void slicSegmentationIsDenseAndDeterministic() {
        ImageTensor img = blobs(new InputShape(3, 32, 32), 4);
        Segmentation s1 = new SuperpixelSegmenter(SuperpixelSegmenter.Kind.SLIC, 25).segment(img);
        Segmentation s2 = new SuperpixelSegmenter(SuperpixelSegmenter.Kind.SLIC, 25).segment(img);
        assertArrayEquals(s1.labels(), s2.labels());
        boolean[] seen = new boolean[s1.count()];
        for (int l : s1.labels()) {
            seen[l] = true;
        }
        for (boolean b : seen) {
            assertTrue(b);
        }
        assertTrue(s1.count() > 10 && s1.count() < 50, "SLIC gave " + s1.count() + " segments for 25 requested");
    }
}
