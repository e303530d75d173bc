package io.shortcutlens.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shortcutlens.image.ImageTensor;
import io.shortcutlens.image.InputShape;
import io.shortcutlens.model.ImageClassifier;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A mark of exactly the default hidden value — a 2×2 black dot (0 in [0, 1] inputs) on a bright garment — against a
 * model planted to rely on it: hiding the dot's box with 0 changes nothing the model reads, inpainting it from its
 * surroundings removes it. Inpainting has no blind shade: a white dot is hidden alike.
 */
class AnyShadeTest {
    private static final InputShape SHAPE = new InputShape(1, 28, 28);
    private static final int[] DOT = {13, 13, 15, 15};

    /** A varied bright garment over rows 6..21, columns 8..19, with a dot of {@code shade} (null: none) at {@link #DOT}. */
    private static ImageTensor garment(Float shade, SplittableRandom r) {
        float[] px = new float[28 * 28];
        for (int y = 6; y < 22; y++) {
            for (int x = 8; x < 20; x++) {
                px[y * 28 + x] = 0.55f + 0.35f * (float) r.nextDouble();
            }
        }
        if (shade != null) {
            for (int y = DOT[0]; y < DOT[2]; y++) {
                for (int x = DOT[1]; x < DOT[3]; x++) {
                    px[y * 28 + x] = shade;
                }
            }
        }
        return ImageTensor.ofInput(SHAPE, px);
    }

    /** Class 1 when some 2×2 block differs from the ring of pixels around it by more than 0.4 (a dot of any shade on a flat-ish garment), else 0. */
    private static final ImageClassifier DOT_MODEL = new ImageClassifier() {
        @Override
        public InputShape inputShape() {
            return SHAPE;
        }

        @Override
        public int numClasses() {
            return 2;
        }

        @Override
        public float[] scores(float[] batch, int n) {
            float[] out = new float[2 * n];
            for (int i = 0; i < n; i++) {
                boolean dot = false;
                int o = i * 784;
                for (int y = 1; y + 3 < 28 && !dot; y++) {
                    for (int x = 1; x + 3 < 28 && !dot; x++) {
                        double in = 0;
                        double ring = 0;
                        double ringMin = 1;
                        for (int yy = y - 1; yy < y + 3; yy++) {
                            for (int xx = x - 1; xx < x + 3; xx++) {
                                float v = batch[o + yy * 28 + xx];
                                if (yy >= y && yy < y + 2 && xx >= x && xx < x + 2) {
                                    in += v / 4;
                                } else {
                                    ring += v / 12;
                                    ringMin = Math.min(ringMin, v);
                                }
                            }
                        }
                        dot = ringMin > 0.3 && Math.abs(in - ring) > 0.4;
                    }
                }
                out[2 * i + (dot ? 1 : 0)] = 1f;
            }
            return out;
        }
    };

    @Test
    void aDotOfTheDefaultHiddenValueIsHiddenByInpaintingAndNotByZero() {
        SplittableRandom r = new SplittableRandom(9);
        int[] control = {6, 8, 8, 10};
        int zeroFlips = 0;
        int inpaintFlips = 0;
        int whiteFlips = 0;
        for (int i = 0; i < 30; i++) {
            ImageTensor black = garment(0f, r);
            assertEquals(1, EvidenceProbe.argmax(DOT_MODEL.scores(black.input(), 1), 0, 2), "the model reads the dot");
            assertEquals(0, EvidenceProbe.argmax(DOT_MODEL.scores(garment(null, r).input(), 1), 0, 2), "and nothing else");
            EvidenceProbe.Outcome zero = EvidenceProbe.probe(black, null, 1, new EvidenceProbe.Boxes(DOT, control), RegionMasker.Fill.ZERO, DOT_MODEL, i);
            EvidenceProbe.Outcome inpaint = EvidenceProbe.probe(black, null, 1, new EvidenceProbe.Boxes(DOT, control), RegionMasker.Fill.INPAINT, DOT_MODEL, i);
            assertFalse(zero.flippedControl() || inpaint.flippedControl(), "hiding the garment's top-left corner changes nothing");
            zeroFlips += zero.flippedRegion() ? 1 : 0;
            inpaintFlips += inpaint.flippedRegion() ? 1 : 0;
            whiteFlips += EvidenceProbe.probe(garment(1f, r), null, 1, new EvidenceProbe.Boxes(DOT, control), RegionMasker.Fill.INPAINT, DOT_MODEL, i).flippedRegion() ? 1 : 0;
        }
        assertEquals(0, zeroFlips, "a zero fill is blind to a black dot");
        assertEquals(30, inpaintFlips, "inpainting hides it in every image");
        assertEquals(30, whiteFlips, "and a white one alike");
    }

    /**
     * Occlusion with {@code --occlusion-mask-value inpaint}: the window over a black dot (aligned to the window grid)
     * removes it, so the map's peak is the dot; with the default 0 that window changes nothing (the map is 0 there) and
     * the map lights up around the dot instead, where zeroing the garment spoils it.
     */
    @Test
    void occlusionWithInpaintingPointsAtADotOfTheDefaultHiddenValue() {
        SplittableRandom r = new SplittableRandom(11);
        int[] dot = {14, 14, 16, 16};
        float[] px = garment(null, r).input().clone();
        for (int y = dot[0]; y < dot[2]; y++) {
            for (int x = dot[1]; x < dot[3]; x++) {
                px[y * 28 + x] = 0f;
            }
        }
        ImageTensor img = ImageTensor.ofInput(SHAPE, px);
        float[] base = DOT_MODEL.scores(img.input(), 1);
        assertEquals(1f, base[1], "the model reads the dot");
        io.shortcutlens.explain.OcclusionParams zero = new io.shortcutlens.explain.OcclusionParams(2, 2, 0f, 16);
        io.shortcutlens.explain.OcclusionParams inpaint = new io.shortcutlens.explain.OcclusionParams(2, 2, null, 16,
                io.shortcutlens.explain.OcclusionParams.Mode.FULL, io.shortcutlens.explain.OcclusionParams.DEFAULT_ADAPTIVE_SHARE, true);
        assertTrue(inpaint.toJson().contains("\"mask_value\":\"inpaint\""), inpaint.toJson());
        assertEquals(RegionMasker.Fill.INPAINT, RegionMasker.asExplained("inpaint"), "the audit hides as the run did");
        float[] byZero = new io.shortcutlens.explain.OcclusionExplainer(zero).explain(img, base, new int[] {1}, DOT_MODEL, 0).get(0).map().toPixels();
        float[] byInpaint = new io.shortcutlens.explain.OcclusionExplainer(inpaint).explain(img, base, new int[] {1}, DOT_MODEL, 0).get(0).map()
                .toPixels();
        float top = 0;
        float aroundZero = 0;
        for (int i = 0; i < byInpaint.length; i++) {
            top = Math.max(top, byInpaint[i]);
            aroundZero = Math.max(aroundZero, byZero[i]);
        }
        for (int y = dot[0]; y < dot[2]; y++) {
            for (int x = dot[1]; x < dot[3]; x++) {
                assertEquals(1f, byInpaint[y * 28 + x], 1e-6, "inpainting the dot's window removes it");
                assertEquals(0f, byZero[y * 28 + x], 1e-6, "zeroing it changes nothing");
            }
        }
        assertEquals(1f, top, 1e-6);
        int peaks = 0;
        for (float v : byInpaint) {
            peaks += v > 0.5f ? 1 : 0;
        }
        assertEquals(4, peaks, "only the dot's window matters when windows are inpainted");
        assertTrue(aroundZero > 0.5f, "with 0 the map lights up beside the dot: " + aroundZero);
    }

    @Test
    void inpaintingInterpolatesTheSurroundingsAndLeavesTheRestAlone() {
        float[] ramp = new float[6 * 6];
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 6; x++) {
                ramp[y * 6 + x] = x + 10 * y;
            }
        }
        ramp[2 * 6 + 2] = 99; // a mark inside the box
        ImageTensor img = ImageTensor.ofInput(new InputShape(1, 6, 6), ramp);
        float[] out = RegionMasker.mask(img, new int[] {2, 2, 4, 4}, RegionMasker.Fill.INPAINT, 0);
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 6; x++) {
                assertEquals(x + 10 * y, out[y * 6 + x], 1e-4, "a linear ramp is its own interpolation, the mark gone, at " + y + "," + x);
            }
        }
        float[] corner = RegionMasker.mask(img, new int[] {0, 0, 2, 2}, RegionMasker.Fill.INPAINT, 0);
        assertEquals((2 + 20) / 2f, corner[0], 1e-4, "a box on the border takes the sides it has: right 2, below 20");
        assertTrue(RegionMasker.keepOnly(img, new int[] {2, 2, 4, 4}, RegionMasker.Fill.INPAINT, 0)[0] > 0, "kept-only: the rest at the mean");
    }
}
