package io.shortcutlens.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A mark far smaller than the region the audit judges: a 2×2 mark of 0 (the explainers' default hidden value, black)
 * on a bright, varied object, inside a 7×7 region. Its content figures are diluted by the object on the region and
 * whole on the refined box.
 */
class SmallMarkTest {
    private static final int SIDE = 7;

    /** 7×7 signatures: the object (bright, varied) everywhere; with the mark, cells (3..4, 2..3) black. */
    private static List<float[]> signatures(boolean marked, double chanceCell, SplittableRandom r) {
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            float[] s = new float[SIDE * SIDE];
            for (int p = 0; p < s.length; p++) {
                s[p] = 0.4f + 0.6f * (float) r.nextDouble();
            }
            if (marked) {
                for (int y = 3; y < 5; y++) {
                    for (int x = 2; x < 4; x++) {
                        s[y * SIDE + x] = 0f;
                    }
                }
            }
            if (chanceCell > 0) {
                s[SIDE * SIDE - 1] = (float) chanceCell; // one constant, distinct cell: chance, not a mark
            }
            out.add(s);
        }
        return out;
    }

    @Test
    void aTwoByTwoMarkIsRefinedToItsBoxAndJudgedThere() {
        SplittableRandom r = new SplittableRandom(3);
        PixelMoments marked = PixelMoments.of(signatures(true, 0, r));
        PixelMoments others = PixelMoments.of(signatures(false, 0, r));
        PixelMoments control = PixelMoments.of(signatures(false, 0.1, r)); // the same object elsewhere, one chance cell stamped
        int[] shape = {1, SIDE, SIDE};

        ContentConsistency coarse = ContentConsistency.of(marked, others, control, others, 0.15, 1.0);
        assertEquals(4.0 / 49, coarse.stampedShare(), 1e-12, "on the region the mark is 8% of the pixels");
        assertNull(coarse.mark());

        ContentConsistency fine = ContentConsistency.of(marked, others, control, others, 0.15, 1.0, shape);
        assertNotNull(fine.mark());
        assertEquals(new ContentConsistency.Mark(3, 2, 5, 4, SIDE, SIDE), fine.mark(), "exactly the mark's 2x2 box");
        assertEquals(1.0, fine.markShare(), 1e-12, "every pixel of the box is stamped");
        assertEquals(4.0 / 49, fine.stampedShare(), 1e-12, "the region's own share stays");
        assertEquals(1.0 / 49, fine.controlMarkShare(), 1e-12, "one chance cell is no mark: the control is judged whole");
        assertTrue(fine.stamped(AuditParams.defaults().minStamped()));
        assertTrue(!coarse.stamped(AuditParams.defaults().minStamped()));
        assertArrayEquals(new int[] {12, 8, 20, 16}, fine.mark().pixelBox(new int[] {0, 0, 28, 28}), "cells to pixels of a 28x28 region");

        // the verdict of a mark the model relies on and that carries its class a little when pasted (figures as a held-out
        // case measured them: hiding flips 63% against 2%, pasting 23% against 3%): suspect on the region, shortcut on the mark
        Confirmation relied = new Confirmation(100, 63, 2, 62, 1, 0.5, 0.02);
        Transplant pasted = new Transplant(100, 23, 3, 21, 1);
        Sufficiency alone = new Sufficiency(100, 5, 4, 2, 3, 2);
        AuditParams p = AuditParams.defaults();
        Judgement before = VerdictRules.decide(new Evidence(relied, 1e-15, pasted, pasted.pValue(), alone, coarse, null), p);
        Judgement after = VerdictRules.decide(new Evidence(relied, 1e-15, pasted, pasted.pValue(), alone, fine, null), p);
        assertEquals(Verdict.SUSPECT, before.verdict(), before.reason());
        assertEquals(Verdict.SHORTCUT, after.verdict(), after.reason());
    }

    @Test
    void chanceCellsAndWholeRegionsAreNoMark() {
        boolean[] one = new boolean[SIDE * SIDE];
        one[10] = true;
        one[12] = true;
        assertNull(ContentConsistency.mark(one, 1, SIDE, SIDE), "two separate cells");
        boolean[] all = new boolean[SIDE * SIDE];
        java.util.Arrays.fill(all, true);
        assertNull(ContentConsistency.mark(all, 1, SIDE, SIDE), "a mark that fills the region refines nothing");
        boolean[] colour = new boolean[2 * SIDE * SIDE];
        colour[SIDE * SIDE + 8] = true; // a mark in the second channel only
        colour[SIDE * SIDE + 9] = true;
        colour[SIDE * SIDE + 15] = true;
        assertEquals(new ContentConsistency.Mark(1, 1, 3, 3, SIDE, SIDE), ContentConsistency.mark(colour, 2, SIDE, SIDE));
    }
}
