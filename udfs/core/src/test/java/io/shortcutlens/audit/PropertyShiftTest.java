package io.shortcutlens.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Whether a class's images carry what a whole-image change takes away, against a planted ground truth: colour scenes
 * (a disk of random colour over a noisy gradient), one class under a warm cast, and a model's fallback class that a
 * warmer balance removes and a cooler one creates although its images are as warm as any.
 */
class PropertyShiftTest {
    private static final int S = ColourScenes.S;
    private static final List<String> NAMES = List.of("cast", "fallback", "b", "c");

    /** A scene of class {@code k}: class 0 with +60 red and −60 blue over the whole image. */
    private static float[] scene(int k, SplittableRandom r) {
        float[] px = ColourScenes.scene(r, 8, false);
        return k == 0 ? ColourScenes.added(px, new double[] {60, 0, -60}) : px;
    }

    private static PropertyShift measured(SplittableRandom r) {
        List<String> classOf = new ArrayList<>();
        List<double[]> values = new ArrayList<>();
        for (int k = 0; k < NAMES.size(); k++) {
            for (int i = 0; i < 40; i++) {
                classOf.add(NAMES.get(k));
                values.add(ImageProperty.measureAll(scene(k, r), 3, S, S));
            }
        }
        return PropertyShift.of(classOf, values);
    }

    @Test
    void everyChangeMovesItsPropertyTheWayItSays() {
        SplittableRandom r = new SplittableRandom(3);
        for (ImageAdjustment change : ImageAdjustment.forChannels(3)) {
            if (change.property() == null) {
                continue;
            }
            for (int i = 0; i < 10; i++) {
                float[] px = scene(i % 4, r);
                double before = change.property().measure(px, 3, S, S);
                double after = change.property().measure(change.apply(px, 3, S, S), 3, S, S);
                assertTrue(change.raises() ? after > before : after < before, change + " on scene " + i + ": " + before + " -> " + after);
            }
        }
        assertTrue(Double.isNaN(ImageProperty.WARMTH.measure(new float[S * S], 1, S, S)), "no warmth without colour");
    }

    @Test
    void aCastClassCarriesItsWarmthAndAFallbackClassDoesNot() {
        PropertyShift shifts = measured(new SplittableRandom(5));
        assertTrue(shifts.against("cast", ImageAdjustment.COOLER) >= 0.9, "cast: " + shifts.against("cast", ImageAdjustment.COOLER));
        for (String plain : List.of("fallback", "b", "c")) {
            double s = shifts.against(plain, ImageAdjustment.WARMER);
            // the median over other classes: one warm class among them does not make a plain class look cool
            assertTrue(s > 0.3 && s < 0.7, plain + " against warmer: " + s);
        }
        assertTrue(Double.isNaN(shifts.against("cast", ImageAdjustment.SHUFFLED)), "shuffling moves no property");
        assertTrue(Double.isNaN(PropertyShift.NONE.against("cast", ImageAdjustment.COOLER)));
    }

    @Test
    void aCueNeedsItsImagesToCarryWhatTheChangeRemoves() {
        List<GlobalCueProbe.Count> counts = new ArrayList<>();
        for (ImageAdjustment t : ImageAdjustment.forChannels(3)) {
            long[][] m = new long[4][4];
            for (int k = 0; k < 4; k++) {
                m[k][k] = 60;
            }
            if (t == ImageAdjustment.COOLER) { // the cast class leaves, and cooler scenes become the fallback
                m[0][0] = 6;
                m[0][1] = 54;
                for (int k = 2; k < 4; k++) {
                    m[k][k] = 30;
                    m[k][1] = 30;
                }
            }
            if (t == ImageAdjustment.WARMER) { // the fallback leaves for the cast class, and warmer scenes become the cast class
                m[1][1] = 6;
                m[1][0] = 54;
                for (int k = 2; k < 4; k++) {
                    m[k][k] = 30;
                    m[k][0] = 30;
                }
            }
            counts.addAll(GlobalCueProbe.counts(NAMES, t, m));
        }
        List<GlobalCueProbe.Cue> unmeasured = GlobalCueProbe.judge(counts, AuditParams.defaults());
        assertEquals(List.of("cast", "fallback"), cueClasses(unmeasured), "the model tests alone name both");

        List<GlobalCueProbe.Cue> cues = GlobalCueProbe.judge(counts, measured(new SplittableRandom(7)), AuditParams.defaults());
        assertEquals(List.of("cast"), cueClasses(cues));
        GlobalCueProbe.Cue fallback = cues.stream().filter(c -> c.className().equals("fallback") && c.kind() == GlobalCueProbe.Kind.WHOLE_IMAGE)
                .findFirst().orElseThrow();
        assertEquals(ImageAdjustment.WARMER, fallback.leaveWith());
        assertEquals(Verdict.NOT_CONFIRMED, fallback.judgement().verdict());
        assertTrue(fallback.judgement().reason().contains("its images have less warmth than other classes'"), fallback.judgement().reason());
        GlobalCueProbe.Cue cast = cues.get(0);
        assertTrue(cast.shift() >= 0.9 && cast.judgement().reason().contains("more warmth"), cast.judgement().reason());
        GlobalCueProbe.Cue lenient = GlobalCueProbe.rejudge(fallback, new AuditParams(AuditParams.defaults().detector(), 0.01, 0.2,
                ControlChoice.STRONGEST, 0.5, 0.2, 2.0, 0.3, 0.15, 1.0, 0.1, 0.1, 0.5, 0.1, 0.3, 0.8));
        assertEquals(Verdict.GLOBAL_CUE, lenient.judgement().verdict(), "a lower minimum lets it through: the threshold is what decides");
    }

    private static List<String> cueClasses(List<GlobalCueProbe.Cue> cues) {
        return cues.stream().filter(c -> c.judgement().verdict() == Verdict.GLOBAL_CUE).map(GlobalCueProbe.Cue::className).distinct().sorted().toList();
    }
}
