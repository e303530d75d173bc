package io.shortcutlens.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A colour cast of any hue, added or multiplied, against a planted ground truth: grey-world balance undoes it, the
 * class's images carry it along its own hue and no other class does, and the cue test pairs the balance that removes
 * the class with the tint that creates it — a green cast, which the warm–cool pair cannot undo, included.
 */
class ColourCastTest {
    private static final int S = ColourScenes.S;
    private static final List<String> NAMES = List.of("cast", "a", "b", "c");

    @Test
    void balanceUndoesAnAddedCastOfAnyHue() {
        SplittableRandom r = new SplittableRandom(11);
        double[][] casts = {{40, 10, -40}, {-30, 35, -30}, {25, -30, 25}, {-35, 0, 35}};
        for (double[] cast : casts) {
            for (int i = 0; i < 5; i++) {
                float[] px = ColourScenes.scene(r, 8, false);
                float[] plain = ImageAdjustment.BALANCED.apply(px, 3, S, S);
                float[] undone = ImageAdjustment.BALANCED.apply(ColourScenes.added(px, cast), 3, S, S);
                // what is left of the cast is its grey part, the same on every pixel; clipping at 0 and 255 (a few
                // pixels of the brightest or darkest disks) is all that may differ beyond it
                double grey = (cast[0] + cast[1] + cast[2]) / 3;
                double mean = 0;
                for (int k = 0; k < px.length; k++) {
                    mean += Math.abs(undone[k] - plain[k] - grey) / px.length;
                }
                assertTrue(mean < 3, "cast " + java.util.Arrays.toString(cast) + " scene " + i + ": mean difference beyond its grey " + mean);
                double before = ImageProperty.COLOUR_CAST.measure(ColourScenes.added(px, cast), 3, S, S);
                double after = ImageProperty.COLOUR_CAST.measure(undone, 3, S, S);
                assertTrue(after < 0.25 * before, "balanced, the cast is gone but for clipping: " + before + " -> " + after);
            }
        }
        float[] gray = new float[3 * S * S];
        java.util.Arrays.fill(gray, 90f);
        assertEquals(90f, ImageAdjustment.BALANCED.apply(gray, 3, S, S)[7], 1e-4, "a grey image stays as it is");
    }

    @Test
    void aClassCarriesItsCastAlongItsOwnHue() {
        for (double[] cast : new double[][] {{-40, 60, -40}, {50, 10, -50}, {-40, -10, 50}}) {
            SplittableRandom r = new SplittableRandom(5);
            List<String> classOf = new ArrayList<>();
            List<double[]> values = new ArrayList<>();
            for (String name : NAMES) {
                for (int i = 0; i < 40; i++) {
                    float[] px = ColourScenes.scene(r, 8, false);
                    classOf.add(name);
                    values.add(ImageProperty.measureAll(name.equals("cast") && i % 10 != 0 ? ColourScenes.added(px, cast) : px, 3, S, S));
                }
            }
            PropertyShift shifts = PropertyShift.of(classOf, values);
            String hue = java.util.Arrays.toString(cast);
            assertTrue(shifts.against("cast", ImageAdjustment.BALANCED) >= 0.85, hue + ": " + shifts.against("cast", ImageAdjustment.BALANCED));
            for (String plain : List.of("a", "b", "c")) {
                double s = shifts.against(plain, ImageAdjustment.BALANCED);
                assertTrue(s < 0.75, hue + ", " + plain + " (no cast) carries one at " + s);
            }
        }
    }

    @Test
    void aGreenCastIsFoundByBalanceAndGreenerAndNotByTheWarmCoolPair() {
        List<GlobalCueProbe.Count> counts = new ArrayList<>();
        for (ImageAdjustment t : ImageAdjustment.forChannels(3)) {
            long[][] m = new long[4][4];
            for (int k = 0; k < 4; k++) {
                m[k][k] = 60;
            }
            if (t == ImageAdjustment.BALANCED) { // the green cast undone: the class leaves; other classes stay
                m[0][0] = 8;
                m[0][2] = 52;
                m[1][1] = 55;
                m[1][3] = 5;
            }
            if (t == ImageAdjustment.GREENER) { // a green tint added to other images makes them the class
                for (int k = 1; k < 4; k++) {
                    m[k][k] = 30;
                    m[k][0] = 30;
                }
            }
            if (t == ImageAdjustment.COOLER) { // a cooler balance takes a little of the class away, and creates nothing
                m[0][0] = 45;
                m[0][1] = 15;
            }
            counts.addAll(GlobalCueProbe.counts(NAMES, t, m));
        }
        List<GlobalCueProbe.Cue> cues = GlobalCueProbe.judge(counts, AuditParams.defaults());
        GlobalCueProbe.Cue found = cues.get(0);
        assertEquals(Verdict.GLOBAL_CUE, found.judgement().verdict(), found.judgement().reason());
        assertEquals("cast", found.className());
        assertEquals(ImageAdjustment.BALANCED, found.leaveWith());
        assertEquals(ImageAdjustment.GREENER, found.enterWith());
        assertTrue(found.judgement().reason().startsWith("Whole-image cue: balanced makes 87% of its 60 images leave it"), found.judgement().reason());
        assertEquals(1, cues.stream().filter(c -> c.judgement().verdict() == Verdict.GLOBAL_CUE).count(), "no other class has a cue");
    }
}
