package io.shortcutlens.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shortcutlens.audit.FindingsDiff.Change;
import io.shortcutlens.audit.FindingsDiff.Entry;
import io.shortcutlens.audit.FindingsDiff.Stated;
import java.util.List;
import org.junit.jupiter.api.Test;

/** New, resolved, changed and unchanged findings between two audits. */
class FindingsDiffTest {
    private static final Region CORNER = new Region(8, 6, 0, 2);
    private static final Region NEXT_TO_IT = new Region(8, 7, 0, 1, 3); // a strip along the same corner
    private static final Region MIDDLE = new Region(8, 3, 3, 2);

    private static Stated at(String cls, String method, Region r, Verdict v, double share, double flips) {
        return new Stated(cls, method, r, r.describeBrief(), v, share, flips);
    }

    private static Stated cue(String cls, double leave) {
        return new Stated(cls, null, null, "whole image", Verdict.GLOBAL_CUE, 0, leave);
    }

    @Test
    void anIdenticalAuditChangesNothing() {
        List<Stated> audit = List.of(at("bear", "occlusion", CORNER, Verdict.SHORTCUT, 0.74, 1.0), at("cow", "lime", MIDDLE, Verdict.OBJECT_PART, 0.4, 0.6),
                cue("sheep", 0.9));
        List<Entry> d = FindingsDiff.diff(audit, audit, 0.1);
        assertEquals(3, d.size());
        assertTrue(d.stream().allMatch(e -> e.change() == Change.UNCHANGED), d.toString());
        assertFalse(FindingsDiff.anyChange(d));
    }

    @Test
    void aShortcutThatIsGoneOrWeakerIsResolvedAndANewOneIsNew() {
        Stated bear = at("bear", "occlusion", CORNER, Verdict.SHORTCUT, 0.74, 1.0);
        // retrained without the watermark: the corner is not flagged at all
        List<Entry> gone = FindingsDiff.diff(List.of(bear), List.of(), 0.1);
        assertEquals(Change.RESOLVED, gone.get(0).change());
        assertNull(gone.get(0).now());
        assertTrue(gone.get(0).describe().startsWith("resolved: bear lower-left"), gone.get(0).describe());
        // or flagged next to it, but hiding it no longer flips: matched by overlap, resolved
        Stated weaker = at("bear", "occlusion", NEXT_TO_IT, Verdict.NOT_CONFIRMED, 0.36, 0.05);
        List<Entry> weak = FindingsDiff.diff(List.of(bear), List.of(weaker), 0.1);
        assertEquals(1, weak.size(), weak.toString());
        assertEquals(Change.RESOLVED, weak.get(0).change());
        assertEquals(weaker, weak.get(0).now());
        // the other way round, the shortcut is new
        assertEquals(Change.NEW, FindingsDiff.diff(List.of(weaker), List.of(bear), 0.1).get(0).change());
        assertEquals(Change.NEW, FindingsDiff.diff(List.of(), List.of(bear), 0.1).get(0).change());
        // another method's finding at the same place is another finding
        List<Entry> otherMethod = FindingsDiff.diff(List.of(bear), List.of(at("bear", "lime", CORNER, Verdict.SHORTCUT, 0.7, 1.0)), 0.1);
        assertEquals(List.of(Change.NEW, Change.RESOLVED), otherMethod.stream().map(Entry::change).toList());
    }

    @Test
    void aMovedStrengthOrAnotherVerdictIsChanged() {
        Stated part = at("cow", "lime", MIDDLE, Verdict.OBJECT_PART, 0.40, 0.60);
        assertEquals(Change.UNCHANGED, FindingsDiff.diff(List.of(part), List.of(at("cow", "lime", MIDDLE, Verdict.OBJECT_PART, 0.45, 0.55)), 0.1)
                .get(0).change());
        assertEquals(Change.CHANGED, FindingsDiff.diff(List.of(part), List.of(at("cow", "lime", MIDDLE, Verdict.OBJECT_PART, 0.55, 0.60)), 0.1)
                .get(0).change());
        assertEquals(Change.CHANGED, FindingsDiff.diff(List.of(part), List.of(at("cow", "lime", MIDDLE, Verdict.SUSPECT, 0.40, 0.60)), 0.1)
                .get(0).change());
        assertEquals(Change.CHANGED, FindingsDiff.diff(List.of(part), List.of(), 0.1).get(0).change(), "an object part gone is no alert");
        // global cues are matched by class
        assertEquals(Change.UNCHANGED, FindingsDiff.diff(List.of(cue("shirt", 1.0)), List.of(cue("shirt", 0.95)), 0.1).get(0).change());
        assertEquals(List.of(Change.NEW, Change.RESOLVED),
                FindingsDiff.diff(List.of(cue("shirt", 1.0)), List.of(cue("pullover", 1.0)), 0.1).stream().map(Entry::change).toList());
        assertThrows(IllegalArgumentException.class, () -> FindingsDiff.diff(List.of(), List.of(), Double.NaN));
    }
}
