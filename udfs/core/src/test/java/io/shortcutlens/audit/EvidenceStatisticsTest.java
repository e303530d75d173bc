package io.shortcutlens.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shortcutlens.image.ImageTensor;
import io.shortcutlens.image.InputShape;
import io.shortcutlens.model.ImageClassifier;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Transplant, sufficiency and content consistency on planted cases with known answers. */
class EvidenceStatisticsTest {
    private static final InputShape SHAPE = new InputShape(1, 8, 8);
    private static final int[] CORNER = {6, 0, 8, 2};
    private static final int[] CONTROL = {0, 6, 2, 8};

    /** Class 1 exactly when the lower-left 2x2 holds a bright tag (mean > 0.8), else class 0: a model of a pure shortcut. */
    private static final ImageClassifier TAG_MODEL = new ImageClassifier() {
        public InputShape inputShape() {
            return SHAPE;
        }

        public int numClasses() {
            return 2;
        }

        public float[] scores(float[] batch, int n) {
            float[] s = new float[2 * n];
            for (int i = 0; i < n; i++) {
                float tag = (batch[i * 64 + 48] + batch[i * 64 + 49] + batch[i * 64 + 56] + batch[i * 64 + 57]) / 4;
                s[2 * i + 1] = tag - 0.8f;
            }
            return s;
        }
    };

    private static ImageTensor image(long seed, boolean tag) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] px = new float[64];
        for (int i = 0; i < 64; i++) {
            px[i] = (float) r.nextDouble() * 0.5f;
        }
        if (tag) {
            px[48] = px[49] = px[56] = px[57] = 1f;
        }
        return ImageTensor.ofInput(SHAPE, px);
    }

    @Test
    void aTagCarriesItsClassIntoOtherImagesAndSaysItAlone() {
        EvidenceProbe.Outcome o = EvidenceProbe.probe(image(1, true), image(2, false), 1, new EvidenceProbe.Boxes(CORNER, CONTROL), RegionMasker.Fill.ZERO, TAG_MODEL, 0);
        assertTrue(o.assigned() && o.flippedRegion() && !o.flippedControl(), o.toString());
        assertTrue(o.keptRegion() && !o.keptControl() && !o.blank(), "only the tag kept still says the class");
        assertTrue(o.receiverOther() && o.becameRegion() && !o.becameControl(), "pasting the tag makes the other image the class");
        assertEquals(4, o.regionSignature().length);
        assertEquals(1f, o.regionSignature()[0]);
        // without a receiving image: six passes, no transplant
        EvidenceProbe.Outcome alone = EvidenceProbe.probe(image(1, true), null, 1, new EvidenceProbe.Boxes(CORNER, CONTROL), RegionMasker.Fill.ZERO, TAG_MODEL, 0);
        assertTrue(!alone.receiverOther() && !alone.becameRegion() && alone.receiverRegion() == null);
    }

    @Test
    void pasteCopiesOnlyTheBoxAndKeepOnlyFillsEverythingElse() {
        ImageTensor from = image(3, true);
        ImageTensor into = image(4, false);
        float[] pasted = RegionMasker.paste(from, into, CORNER);
        float[] kept = RegionMasker.keepOnly(from, CORNER, RegionMasker.Fill.ZERO, 0);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                boolean inside = y >= 6 && x < 2;
                assertEquals(inside ? from.input()[y * 8 + x] : into.input()[y * 8 + x], pasted[y * 8 + x]);
                assertEquals(inside ? from.input()[y * 8 + x] : 0f, kept[y * 8 + x]);
            }
        }
    }

    @Test
    void transplantAndSufficiencyRatesGapsAndPooling() {
        Transplant t = new Transplant(50, 20, 5, 17, 2);
        assertEquals(0.4, t.rateRegion(), 1e-12);
        assertEquals(0.3, t.gap(), 1e-12);
        assertEquals(SignTest.pValue(17, 2), t.pValue(), 0);
        assertEquals(new Transplant(80, 30, 5, 25, 2), Transplant.pool(List.of(t, new Transplant(30, 10, 0, 8, 0))));
        Sufficiency s = new Sufficiency(100, 60, 10, 30, 55, 5);
        assertEquals(0.3, s.gap(), 1e-12, "measured against the blank input, the larger of the two");
        assertEquals(new Sufficiency(110, 61, 10, 30, 56, 5), Sufficiency.pool(List.of(s, new Sufficiency(10, 1, 0, 0, 1, 0))));
    }

    @Test
    void aStampedPatchIsConsistentAndAnObjectPartIsNot() {
        List<float[]> tagged = new ArrayList<>();
        List<float[]> others = new ArrayList<>();
        List<float[]> object = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 200; i++) {
            // 16 pixels: the first 4 a stamp at 1.0 in the class, the rest the same varied content as in other classes
            float[] a = new float[16];
            float[] o = new float[16];
            float[] b = new float[16];
            for (int p = 0; p < 16; p++) {
                a[p] = p < 4 ? 1f : (float) r.nextDouble();
                o[p] = (float) r.nextDouble();
                b[p] = 0.3f + 0.6f * (float) r.nextDouble(); // an object part: brighter than other classes on average, but varied
            }
            tagged.add(a);
            others.add(o);
            object.add(b);
        }
        PixelMoments classRegion = PixelMoments.of(tagged);
        PixelMoments otherRegion = PixelMoments.of(others);
        ContentConsistency c = ContentConsistency.of(classRegion, otherRegion, PixelMoments.of(object), otherRegion, 0.15, 1.0);
        assertEquals(0.25, c.stampedShare(), 1e-12, "exactly the four stamped pixels");
        assertEquals(0.0, c.controlStampedShare(), 1e-12, "the varied object part has none");
        // the same constant background in every class tells nothing apart
        List<float[]> black = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            black.add(new float[16]);
        }
        assertEquals(0.0, ContentConsistency.of(PixelMoments.of(black), PixelMoments.of(black), PixelMoments.EMPTY, PixelMoments.EMPTY, 0.15, 1.0)
                .stampedShare(), 0);
    }

    @Test
    void signaturesBlockAverageLargeBoxes() {
        float[] input = new float[3 * 64 * 64];
        for (int i = 0; i < input.length; i++) {
            input[i] = i % 2;
        }
        float[] sig = RegionContent.signature(input, 3, 64, 64, new int[] {0, 0, 40, 40});
        assertEquals(3 * 14 * 14, sig.length, "a 40-pixel box in blocks of 3: 14 x 14 per channel");
        assertEquals(1 / 3f, sig[0], 1e-6, "columns 0-2 of a row alternating 0, 1, 0");
    }
}
