package io.shortcutlens.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shortcutlens.image.ImageTensor;
import io.shortcutlens.image.InputShape;
import io.shortcutlens.maps.AttributionMap;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OcclusionExplainerTest {

    private static final InputShape SHAPE = new InputShape(3, 10, 13);

    private static ImageTensor randomImage(long seed) {
        Random r = new Random(seed);
        float[] x = new float[SHAPE.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat();
        }
        return ImageTensor.ofInput(SHAPE, x);
    }

    /**
     * Closed form for a linear score: occluding window w changes class c's score by
     * Σ_{ch, p ∈ w} W[ch,p][c]·(x − fill_ch); a pixel's value is the mean over the windows that cover it.
     */
    private static double[] closedForm(LinearModel m, float[] x, double[] fill, int mask, int stride, int c) {
        int h = SHAPE.height();
        int w = SHAPE.width();
        int plane = h * w;
        double[] sum = new double[plane];
        int[] count = new int[plane];
        for (int oy = 0; ; oy += stride) {
            for (int ox = 0; ; ox += stride) {
                double delta = 0;
                for (int ch = 0; ch < 3; ch++) {
                    for (int y = oy; y < Math.min(h, oy + mask); y++) {
                        for (int xx = ox; xx < Math.min(w, ox + mask); xx++) {
                            int p = ch * plane + y * w + xx;
                            delta += m.w[p][c] * (x[p] - fill[ch]);
                        }
                    }
                }
                for (int y = oy; y < Math.min(h, oy + mask); y++) {
                    for (int xx = ox; xx < Math.min(w, ox + mask); xx++) {
                        sum[y * w + xx] += delta;
                        count[y * w + xx]++;
                    }
                }
                if (ox + mask >= w) {
                    break;
                }
            }
            if (oy + mask >= h) {
                break;
            }
        }
        double[] out = new double[plane];
        for (int i = 0; i < plane; i++) {
            out[i] = count[i] == 0 ? 0 : sum[i] / count[i];
        }
        return out;
    }

    @Test
    void occlusionOfLinearModelEqualsClosedFormWithConstantMask() {
        LinearModel m = new LinearModel(SHAPE, 4, 11);
        ImageTensor img = randomImage(1);
        float[] base = m.classifier.scores(img.input(), 1);
        int mask = 4;
        int stride = 3;
        OcclusionExplainer occ = new OcclusionExplainer(new OcclusionParams(mask, stride, 0.25f, 5));
        List<Explanation> result = occ.explain(img, base, new int[] {0, 1, 2, 3}, m.classifier, 0);
        for (Explanation e : result) {
            double[] expected = closedForm(m, img.input(), new double[] {0.25, 0.25, 0.25}, mask, stride, e.target());
            float[] actual = e.map().toPixels();
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], actual[i], 1e-5, "class " + e.target() + " pixel " + i);
            }
            assertEquals(m.score(img.input(), e.target()), e.targetScore(), 1e-5);
        }
        // the last window on each axis is clipped: 10 rows → origins 0,3,6 (6+4 reaches 10); 13 cols → 0,3,6,9
        assertEquals(3, result.get(0).map().gridRows());
        assertEquals(4, result.get(0).map().gridCols());
        assertEquals(12, result.get(0).forwardPasses());
    }

    @Test
    void occlusionOfLinearModelEqualsClosedFormWithAutoMeanMaskAndGaps() {
        LinearModel m = new LinearModel(SHAPE, 3, 12);
        ImageTensor img = randomImage(2);
        float[] base = m.classifier.scores(img.input(), 1);
        float[] means = img.channelMeans();
        double[] fill = {means[0], means[1], means[2]};
        for (int[] ms : new int[][] {{3, 2}, {2, 3}, {5, 5}, {13, 1}}) {
            OcclusionExplainer occ = new OcclusionExplainer(new OcclusionParams(ms[0], ms[1], null, 7));
            Explanation e = occ.explain(img, base, new int[] {2}, m.classifier, 0).get(0);
            double[] expected = closedForm(m, img.input(), fill, ms[0], ms[1], 2);
            float[] actual = e.map().toPixels();
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], actual[i], 1e-5, "mask " + ms[0] + " stride " + ms[1] + " pixel " + i);
            }
        }
    }

    @Test
    void batchSizeDoesNotChangeTheMap() {
        LinearModel m = new LinearModel(SHAPE, 2, 13);
        ImageTensor img = randomImage(3);
        float[] base = m.classifier.scores(img.input(), 1);
        float[] one = new OcclusionExplainer(new OcclusionParams(4, 2, 0f, 1)).explain(img, base, new int[] {1}, m.classifier, 0).get(0).map().values();
        float[] many = new OcclusionExplainer(new OcclusionParams(4, 2, 0f, 64)).explain(img, base, new int[] {1}, m.classifier, 0).get(0).map().values();
        assertEquals(one.length, many.length);
        for (int i = 0; i < one.length; i++) {
            assertEquals(one[i], many[i], 1e-6);
        }
    }

    @Test
    void autoSizesFollowTheShorterSide() {
        OcclusionParams p = OcclusionParams.defaults().resolve(new InputShape(3, 224, 300));
        assertEquals(45, p.maskSize());
        assertEquals(22, p.stride());
        assertTrue(p.toJson().contains("\"mask_value\":0.0"), p.toJson());
        assertFalse(AttributionMap.origins(224, 45, 22).length == 0);
    }

    /**
     * The default hidden value sees a mark of the image's own mean shade; the image mean does not. A 1×8×8 image, black
     * on the left and white on the right, with a 2×2 mark of 0.5 on the edge (the mean stays 0.5); the score is the mark's sum.
     */
    @Test
    void theDefaultHiddenValueSeesAMarkOfTheImagesMeanShadeAndTheMeanDoesNot() {
        InputShape shape = new InputShape(1, 8, 8);
        float[] x = new float[64];
        for (int i = 0; i < 64; i++) {
            x[i] = i % 8 >= 4 ? 1f : 0f;
        }
        int[] mark = {2 * 8 + 3, 2 * 8 + 4, 3 * 8 + 3, 3 * 8 + 4}; // across the edge: the mean stays 0.5
        for (int p : mark) {
            x[p] = 0.5f;
        }
        ImageTensor img = ImageTensor.ofInput(shape, x);
        io.shortcutlens.model.ImageClassifier model = new io.shortcutlens.model.ImageClassifier() {
            public InputShape inputShape() {
                return shape;
            }

            public int numClasses() {
                return 1;
            }

            public float[] scores(float[] batch, int n) {
                float[] s = new float[n];
                for (int i = 0; i < n; i++) {
                    for (int p : mark) {
                        s[i] += batch[i * 64 + p];
                    }
                }
                return s;
            }
        };
        float[] base = model.scores(x, 1);
        Float hidden = OptionValues.defaults().numberOr(OcclusionExplainer.MASK_VALUE, "auto");
        assertEquals(0.5f, img.channelMeans()[0], 1e-6);
        float[] byDefault = new OcclusionExplainer(new OcclusionParams(2, 2, hidden, 16)).explain(img, base, new int[] {0}, model, 0).get(0).map().toPixels();
        float[] byMean = new OcclusionExplainer(new OcclusionParams(2, 2, null, 16)).explain(img, base, new int[] {0}, model, 0).get(0).map().toPixels();
        float top = 0;
        for (float v : byDefault) {
            top = Math.max(top, v);
        }
        for (int p : mark) {
            assertTrue(byDefault[p] > 0.25f && byDefault[p] == top, "hiding the mark with 0 removes its evidence: " + byDefault[p]);
            assertEquals(0f, byMean[p], 1e-6, "hiding it with the image's mean changes nothing");
        }
    }

    /**
     * Adaptive occlusion on a model with one planted patch (a watermark) and a weak dependence on everything else: at
     * most half the passes (the default share), every window it ran holds full occlusion's exact value, and the peak of the pixel map is the
     * patch's, as with full occlusion.
     */
    @Test
    void adaptiveOcclusionRunsItsShareOfTheWindowsAndKeepsThePeak() {
        InputShape shape = new InputShape(1, 56, 56);
        io.shortcutlens.model.ImageClassifier model = new io.shortcutlens.model.ImageClassifier() {
            public InputShape inputShape() {
                return shape;
            }

            public int numClasses() {
                return 1;
            }

            public float[] scores(float[] batch, int n) {
                float[] s = new float[n];
                for (int i = 0; i < n; i++) {
                    for (int p = 0; p < shape.size(); p++) {
                        int y = p / 56;
                        int x = p % 56;
                        s[i] += batch[i * shape.size() + p] * (y >= 44 && y < 50 && x >= 6 && x < 12 ? 5f : 0.01f * ((x * 7 + y * 3) % 5));
                    }
                }
                return s;
            }
        };
        float[] x = new float[shape.size()];
        Random r = new Random(3);
        for (int i = 0; i < x.length; i++) {
            x[i] = 0.5f + 0.5f * r.nextFloat();
        }
        ImageTensor img = ImageTensor.ofInput(shape, x);
        float[] base = model.scores(x, 1);
        Explanation full = new OcclusionExplainer(new OcclusionParams(8, 4, 0f, 16)).explain(img, base, new int[] {0}, model, 0).get(0);
        Explanation adaptive = new OcclusionExplainer(new OcclusionParams(8, 4, 0f, 16, OcclusionParams.Mode.ADAPTIVE))
                .explain(img, base, new int[] {0}, model, 0).get(0);
        int windows = full.forwardPasses();
        assertEquals(13 * 13, windows);
        assertTrue(adaptive.forwardPasses() <= windows / 2, adaptive.forwardPasses() + " of " + windows);
        int exact = 0;
        for (int i = 0; i < windows; i++) {
            exact += Math.abs(full.map().values()[i] - adaptive.map().values()[i]) <= 1e-4f * Math.abs(full.map().values()[i]) ? 1 : 0;
        }
        assertTrue(exact >= adaptive.forwardPasses(), "the windows run hold their exact values: " + exact + " of " + adaptive.forwardPasses());
        io.shortcutlens.maps.MapStatistics a = io.shortcutlens.maps.MapStatistics.of(full.map().toPixels(), 56, 56, 8);
        io.shortcutlens.maps.MapStatistics b = io.shortcutlens.maps.MapStatistics.of(adaptive.map().toPixels(), 56, 56, 8);
        assertEquals(a.peakRow(), b.peakRow());
        assertEquals(a.peakCol(), b.peakCol());
        assertEquals(6, a.peakRow(), "the patch's cell");
        assertEquals(169 / 2, adaptive.forwardPasses(), "the default share: half the grid");
        Explanation third = new OcclusionExplainer(new OcclusionParams(8, 4, 0f, 16, OcclusionParams.Mode.ADAPTIVE, 1.0 / 3))
                .explain(img, base, new int[] {0}, model, 0).get(0);
        assertEquals(169 / 3, third.forwardPasses(), "a third of the grid");
        io.shortcutlens.maps.MapStatistics c = io.shortcutlens.maps.MapStatistics.of(third.map().toPixels(), 56, 56, 8);
        assertEquals(a.peakRow() * 8 + a.peakCol(), c.peakRow() * 8 + c.peakCol(), "the patch's cell at a third too");
        IllegalArgumentException bad = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new OcclusionParams(8, 4, 0f, 16, OcclusionParams.Mode.ADAPTIVE, 1.5));
        assertTrue(bad.getMessage().contains("(0, 1]"), bad.getMessage());
    }
}
