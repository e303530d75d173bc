package io.shortcutlens.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** One case per row of the verdict table: each fails if its rule is dropped or reordered. */
class VerdictRulesTest {
    private static final AuditParams P = AuditParams.defaults();
    /** Hiding the region flips 90 of 100, the control 5, all discordant: relied on. */
    private static final Confirmation RELIED = new Confirmation(100, 90, 5, 86, 1, 0.8, 0.05);
    private static final Transplant NO_TRANSPLANT = new Transplant(100, 6, 4, 4, 2);
    private static final Sufficiency NOT_ALONE = new Sufficiency(100, 8, 6, 3, 4, 2);
    private static final ContentConsistency VARIED = new ContentConsistency(0.02, 0.0, 0.8);

    private static Judgement decide(Confirmation n, double pAdjusted, Transplant t, Sufficiency s, ContentConsistency c, Double overlap) {
        Judgement j = VerdictRules.decide(new Evidence(n, pAdjusted, t, t.pValue(), s, c, overlap), P);
        assertTrue(j.reason().length() > 20, j.reason());
        return j;
    }

    @Test
    void aRegionWhoseMaskingChangesNothingIsNotConfirmed() {
        Confirmation none = new Confirmation(100, 5, 4, 3, 2, 0.01, 0.01);
        assertEquals(Verdict.NOT_CONFIRMED, decide(none, 1.0, NO_TRANSPLANT, NOT_ALONE, VARIED, null).verdict());
        assertEquals(Verdict.NOT_CONFIRMED, decide(new Confirmation(0, 0, 0, 0, 0, 0, 0), 1.0, Transplant.NONE, Sufficiency.NONE,
                ContentConsistency.NONE, null).verdict());
    }

    @Test
    void someRelianceBelowTheAdjustedLevelIsSuspect() {
        Confirmation weak = new Confirmation(40, 12, 4, 10, 2, 0.3, 0.05); // p ≈ 0.02 unadjusted, 0.3 after Holm
        Judgement j = decide(weak, 0.3, new Transplant(40, 30, 0, 30, 0), NOT_ALONE, VARIED, null);
        assertEquals(Verdict.SUSPECT, j.verdict(), j.reason());
    }

    @Test
    void aStampedRegionThatCarriesTheClassNeedsOnlyWeakMasking() {
        // half of a class carries a stamp its garments also say the class without: hiding it flips 17% of 48, none of the control
        Confirmation redundant = new Confirmation(48, 8, 0, 8, 0, 0.2, 0.0);
        ContentConsistency stamped = new ContentConsistency(0.33, 0.0, 0.1);
        Transplant carries = new Transplant(48, 30, 0, 30, 0);
        Judgement j = decide(redundant, 0.027, carries, NOT_ALONE, stamped, null);
        assertEquals(Verdict.SHORTCUT, j.verdict(), j.reason());
        assertTrue(j.reason().contains("63%") && j.reason().contains("17%"), j.reason());
        // each piece alone is not enough: no stamp, no transplant, or masking that does not point the same way
        assertEquals(Verdict.SUSPECT, decide(redundant, 0.027, carries, NOT_ALONE, VARIED, null).verdict());
        assertEquals(Verdict.SUSPECT, decide(redundant, 0.027, NO_TRANSPLANT, NOT_ALONE, stamped, null).verdict());
        Confirmation faint = new Confirmation(48, 4, 0, 4, 0, 0.1, 0.0); // 8%: under half the minimum flip gap
        assertEquals(Verdict.NOT_CONFIRMED, decide(faint, 1.0, carries, NOT_ALONE, stamped, null).verdict());
    }

    @Test
    void annotationsDecideAlone() {
        Transplant strong = new Transplant(100, 80, 2, 79, 1);
        assertEquals(Verdict.OBJECT_PART, decide(RELIED, 1e-20, strong, NOT_ALONE, VARIED, 0.7).verdict());
        assertEquals(Verdict.SHORTCUT, decide(RELIED, 1e-20, NO_TRANSPLANT, NOT_ALONE, VARIED, 0.1).verdict());
    }

    @Test
    void aRegionThatTurnsOtherClassesIntoTheClassIsAShortcut() {
        Judgement j = decide(RELIED, 1e-20, new Transplant(100, 45, 3, 44, 2), NOT_ALONE, VARIED, null);
        assertEquals(Verdict.SHORTCUT, j.verdict());
        assertTrue(j.reason().contains("45%") && j.reason().contains("control 3%"), j.reason());
        // the same rate, matched by the control: not carried by the region
        assertEquals(Verdict.OBJECT_PART, decide(RELIED, 1e-20, new Transplant(100, 45, 40, 10, 5), NOT_ALONE, VARIED, null).verdict());
        // a large gap, but any pasted content of the class turns half the receivers (two classes, objects in the middle)
        assertEquals(Verdict.OBJECT_PART, decide(RELIED, 1e-20, new Transplant(100, 89, 52, 40, 3), NOT_ALONE, VARIED, null).verdict());
        // carried a little (a cow's middle pasted into bears and sheep: 20%, control 0%): with content that is not stamped, suspect;
        // the same rate of stamped content (a coat's swatch) is a shortcut
        Transplant little = new Transplant(100, 20, 0, 20, 0);
        Judgement part = decide(RELIED, 1e-20, little, NOT_ALONE, VARIED, null);
        assertEquals(Verdict.SUSPECT, part.verdict(), part.reason());
        assertTrue(part.reason().contains("not stamped"), part.reason());
        assertEquals(Verdict.SHORTCUT, decide(RELIED, 1e-20, little, NOT_ALONE, new ContentConsistency(0.33, 0.0, 0.1), null).verdict());
        assertEquals(Verdict.SHORTCUT, decide(RELIED, 1e-20, new Transplant(100, 40, 0, 40, 0), NOT_ALONE, VARIED, null).verdict(),
                "twice the minimum gap");
    }

    @Test
    void sayingTheClassAloneBacksStampedContentButIsNoShortcutByItself() {
        ContentConsistency stamped = new ContentConsistency(0.15, 0.02, 0.1);
        Sufficiency alone = new Sufficiency(100, 70, 5, 4, 66, 1);
        // an object part kept alone often still says its class: not enough
        assertEquals(Verdict.OBJECT_PART, decide(RELIED, 1e-20, NO_TRANSPLANT, alone, VARIED, null).verdict());
        assertEquals(Verdict.SHORTCUT, decide(RELIED, 1e-20, NO_TRANSPLANT, alone, stamped, null).verdict());
        // a blank input is predicted as the class just as often: the region adds nothing
        assertEquals(Verdict.SUSPECT, decide(RELIED, 1e-20, NO_TRANSPLANT, new Sufficiency(100, 70, 5, 68, 66, 1), stamped, null).verdict());
    }

    @Test
    void stampedContentNeedsSomeSupportToBeAShortcut() {
        ContentConsistency stamped = new ContentConsistency(0.15, 0.02, 0.1);
        Transplant some = new Transplant(100, 14, 2, 13, 1);
        assertEquals(Verdict.SHORTCUT, decide(RELIED, 1e-20, some, NOT_ALONE, stamped, null).verdict());
        assertEquals(Verdict.SUSPECT, decide(RELIED, 1e-20, NO_TRANSPLANT, NOT_ALONE, stamped, null).verdict());
        // clearly stamped (a line's half in its region: 0.29 of the pixels, none of the control's) needs no support
        assertEquals(Verdict.SHORTCUT, decide(RELIED, 1e-20, NO_TRANSPLANT, NOT_ALONE, new ContentConsistency(0.29, 0.0, 0.1), null).verdict());
        // as constant, but hiding it flips only 26% (a bag's handles against the background): suspect
        assertEquals(Verdict.SUSPECT, decide(new Confirmation(43, 11, 0, 11, 0, 0.3, 0.0), 1e-3, NO_TRANSPLANT, NOT_ALONE,
                new ContentConsistency(0.24, 0.0, 0.1), null).verdict());
        // as constant as the class's other regions: its ordinary look, not a stamp
        assertEquals(Verdict.OBJECT_PART, decide(RELIED, 1e-20, some, NOT_ALONE, new ContentConsistency(0.5, 0.48, 0.1), null).verdict());
    }

    @Test
    void aReliedOnRegionWithoutEvidenceOfAnArtifactIsAnObjectPart() {
        Judgement j = decide(RELIED, 1e-20, NO_TRANSPLANT, NOT_ALONE, VARIED, null);
        assertEquals(Verdict.OBJECT_PART, j.verdict());
        assertTrue(j.reason().startsWith("Part of the object"), j.reason());
    }
}
