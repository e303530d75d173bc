package io.shortcutlens.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A mark on part of a class's images, against a planted ground truth: a 3×3 tag on a share of the class's 7×7
 * signatures over a varied object, none on other classes'. A spread over every image, however robust, spans the tag
 * and the object once a quarter of the images lack it; the share of images that carry one value finds it.
 */
class PartlyCarriedMarkTest {
    private static final int SIDE = 7;
    private static final int[] SHAPE = {1, SIDE, SIDE};

    /** {@code n} signatures, the tag (cells 2..4 × 3..5, value −1.2 plus noise) on {@code carried} of them. */
    private static List<float[]> signatures(int n, double carried, double lo, double hi, SplittableRandom r) {
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] s = new float[SIDE * SIDE];
            for (int p = 0; p < s.length; p++) {
                s[p] = (float) (lo + (hi - lo) * r.nextDouble());
            }
            if (i < Math.round(carried * n)) {
                for (int y = 2; y < 5; y++) {
                    for (int x = 3; x < 6; x++) {
                        s[y * SIDE + x] = (float) (-1.2 + 0.05 * r.nextGaussian());
                    }
                }
            }
            out.add(s);
        }
        return out;
    }

    private static ContentConsistency judged(double carried, boolean quantiles, SplittableRandom r) {
        PixelMoments mine = PixelMoments.of(signatures(150, carried, -0.5, 1.5, r));
        PixelMoments others = PixelMoments.of(signatures(150, 0, -0.5, 1.5, r));
        PixelMoments control = PixelMoments.of(signatures(150, 0, -0.5, 1.5, r));
        if (!quantiles) {
            mine = new PixelMoments(mine.images(), mine.mean(), mine.sd());
            others = new PixelMoments(others.images(), others.mean(), others.sd());
        }
        return ContentConsistency.of(mine, others, control, others, 0.15, 1.0, SHAPE);
    }

    @Test
    void aTagOnMostButNotAllOfTheClassIsStamped() {
        double min = AuditParams.defaults().minStamped();
        for (double carried : new double[] {0.55, 0.7, 0.9, 1.0}) {
            ContentConsistency c = judged(carried, true, new SplittableRandom(7));
            assertTrue(c.stamped(min), "carried by " + carried + ": " + c);
            assertNotNull(c.mark(), "carried by " + carried);
            assertEquals(new ContentConsistency.Mark(2, 3, 5, 6, SIDE, SIDE), c.mark(), "the tag's box, carried by " + carried);
            assertEquals(9.0 / 49, c.stampedShare(), 1e-12, "carried by " + carried);
        }
        // the spread alone (no quantile functions) loses it once a quarter of the images lack it
        assertFalse(judged(0.7, false, new SplittableRandom(7)).stamped(min), "the spread rule alone at 70%");
        assertTrue(judged(1.0, false, new SplittableRandom(7)).stamped(min), "the spread rule alone on every image");
    }

    @Test
    void aTagOnAFewOfTheClassAndAVariedObjectAreNot() {
        double min = AuditParams.defaults().minStamped();
        ContentConsistency few = judged(0.3, true, new SplittableRandom(9));
        assertFalse(few.stamped(min), "a tag on 30% of the class is not most of it: " + few);
        assertEquals(0, few.stampedShare(), 1e-12);
        // a bright object part: every image of the class bright there, in a band wider than a mark's, against darker others
        SplittableRandom r = new SplittableRandom(11);
        PixelMoments bright = PixelMoments.of(signatures(150, 0, 0.7, 1.5, r));
        PixelMoments others = PixelMoments.of(signatures(150, 0, -0.5, 1.5, r));
        ContentConsistency part = ContentConsistency.of(bright, others, others, others, 0.15, 1.0, SHAPE);
        assertFalse(part.stamped(min), "a varied object part: " + part);
        assertTrue(part.stampedShare() < 0.05 && part.mark() == null, "at most a chance pixel: " + part);
        // a value most of the class shares and many other images share too is the dataset's look, not the class's mark
        PixelMoments common = PixelMoments.of(signatures(150, 0.8, -0.5, 1.5, r));
        PixelMoments commonOthers = PixelMoments.of(signatures(150, 0.6, -0.5, 1.5, r));
        assertEquals(0, ContentConsistency.of(common, commonOthers, others, others, 0.15, 1.0, SHAPE).stampedShare(), 1e-12);
    }
}
