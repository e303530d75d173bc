package io.shortcutlens.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A compression artefact as a class's cue, against a planted ground truth: one class's scenes saved as heavy JPEG
 * (quality 0.15 against the probe's 0.1), which takes their sensor noise away. Its images carry less fine detail
 * than every other class's, and the cue test pairs added noise, which removes the class, with blurring or compressing,
 * which create it.
 */
class FineDetailCueTest {
    private static final int S = ColourScenes.S;
    private static final List<String> NAMES = List.of("compressed", "a", "b", "c");

    @Test
    void aCompressedClassCarriesLessFineDetail() {
        SplittableRandom r = new SplittableRandom(21);
        List<String> classOf = new ArrayList<>();
        List<double[]> values = new ArrayList<>();
        for (String name : NAMES) {
            for (int i = 0; i < 40; i++) {
                float[] px = ColourScenes.scene(r, 6, true);
                classOf.add(name);
                values.add(ImageProperty.measureAll(name.equals("compressed") && i % 10 != 0 ? ImageAdjustment.jpegAt(px, 3, S, S, 0.15f) : px, 3, S, S));
            }
        }
        PropertyShift shifts = PropertyShift.of(classOf, values);
        assertTrue(shifts.against("compressed", ImageAdjustment.NOISIER) >= 0.85, "compressed: " + shifts.against("compressed", ImageAdjustment.NOISIER));
        for (String plain : List.of("a", "b", "c")) {
            double s = shifts.against(plain, ImageAdjustment.NOISIER);
            assertTrue(s > 0.25 && s < 0.75, plain + " against noisier: " + s);
        }
        float[] px = ColourScenes.scene(r, 6, true);
        assertTrue(ImageProperty.FINE_DETAIL.measure(ImageAdjustment.NOISIER.apply(px, 3, S, S), 3, S, S) > ImageProperty.FINE_DETAIL.measure(px, 3, S, S));
    }

    @Test
    void noiseThatRemovesTheClassAndBlurThatCreatesItAreACue() {
        List<GlobalCueProbe.Count> counts = new ArrayList<>();
        for (ImageAdjustment t : ImageAdjustment.forChannels(3)) {
            long[][] m = new long[4][4];
            for (int k = 0; k < 4; k++) {
                m[k][k] = 60;
            }
            if (t == ImageAdjustment.NOISIER) { // noise added back: the class leaves, other classes stay
                m[0][0] = 6;
                m[0][1] = 54;
            }
            if (t == ImageAdjustment.BLURRED) { // blurred, other images become the class
                for (int k = 1; k < 4; k++) {
                    m[k][k] = 20;
                    m[k][0] = 40;
                }
            }
            counts.addAll(GlobalCueProbe.counts(NAMES, t, m));
        }
        GlobalCueProbe.Cue found = GlobalCueProbe.judge(counts, AuditParams.defaults()).get(0);
        assertEquals(Verdict.GLOBAL_CUE, found.judgement().verdict(), found.judgement().reason());
        assertEquals("compressed", found.className());
        assertEquals(ImageAdjustment.NOISIER, found.leaveWith());
        assertEquals(ImageAdjustment.BLURRED, found.enterWith());
    }
}
