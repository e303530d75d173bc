package io.shortcutlens.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A cue in the image's border — a frame, letterboxing, a scanner's or a camera's edge — that no square or strip region
 * holds (a frame lies along four edges at once, and hiding any one block of it leaves the other three, so the maps
 * hardly see it) and no whole-image change removes. Two changes tell it, each judged against other classes' images:
 * <ul>
 *   <li>border kept, object gone ({@link ImageAdjustment#BORDER_ONLY}): the class's images <em>stay</em> in the class far
 *       more often than the baseline — a typical other class keeping its own (the median), or other classes' images
 *       becoming the class (a model's answer for an empty picture keeps its own for that reason), whichever is larger;</li>
 *   <li>border taken away, the rest kept ({@link ImageAdjustment#UNFRAMED}): the class's images <em>leave</em> it more often
 *       than other classes' images leave theirs.</li>
 * </ul>
 * A border cue needs both, as a texture cue does: the keep gap at least {@code minCueLeaveGap} (the strong side: the
 * object is gone and the class stays), the loss gap at least {@code minCueEnterGap} (the confirming side: a model may
 * read the object and the border together, so removing the border alone loses only the images where it decided), the
 * weaker p-value below alpha after Holm over every cue test of the audit, and the class's own images carrying a border
 * unlike the rest of the image more than other classes' do ({@link ImageProperty#BORDER_CONTRAST}, {@link PropertyShift}). Either
 * change alone has an ordinary reading: a class that is a model's answer for a plain picture survives the first; a class
 * of objects that fill the frame loses a little to the second.
 */
public final class BorderCue {
    private BorderCue() { }

    /** Each class's border test; nothing when the probe ran without the border changes. */
    static List<GlobalCueProbe.Tested> test(Map<ImageAdjustment, List<GlobalCueProbe.Count>> byAdjustment) {
        List<GlobalCueProbe.Count> kept = byAdjustment.getOrDefault(ImageAdjustment.BORDER_ONLY, List.of());
        List<GlobalCueProbe.Count> removed = byAdjustment.getOrDefault(ImageAdjustment.UNFRAMED, List.of());
        List<GlobalCueProbe.Tested> out = new ArrayList<>();
        for (GlobalCueProbe.Count keep : kept) {
            GlobalCueProbe.Count loss = removed.stream().filter(c -> c.className().equals(keep.className())).findFirst().orElse(null);
            if (keep.classImages() == 0 || loss == null || loss.classImages() == 0) {
                continue;
            }
            double othersKeep = Math.max(keep.enterRate(), GlobalCueProbe.median(kept.stream().filter(c -> !c.className().equals(keep.className()))
                    .mapToDouble(c -> 1 - c.leaveRate()).toArray()));
            double pKeep = SignTest.binomialTail(keep.classImages() - keep.left(), keep.classImages(), Math.max(othersKeep, 1.0 / (keep.otherImages() + 1)));
            long[] othersLost = GlobalCueProbe.othersPooled(removed, keep.className());
            double othersLeave = othersLost[0] == 0 ? 0 : (double) othersLost[1] / othersLost[0];
            double pLoss = SignTest.binomialTail(loss.left(), loss.classImages(), Math.max(othersLeave, 1.0 / (othersLost[0] + 1)));
            GlobalCueProbe.Cue cue = new GlobalCueProbe.Cue(keep.className(), GlobalCueProbe.Kind.BORDER, ImageAdjustment.UNFRAMED,
                    ImageAdjustment.BORDER_ONLY, loss.classImages(), loss.leaveRate(), othersLeave, keep.otherImages(), 1 - keep.leaveRate(), othersKeep,
                    Double.NaN, Double.NaN, null);
            out.add(new GlobalCueProbe.Tested(cue, Math.max(pKeep, pLoss)));
        }
        return out;
    }

    /** The weaker of the two gaps, each over its minimum: at least 1 for a cue. */
    static double strength(GlobalCueProbe.Cue c, AuditParams p) {
        return Math.min((c.enterRate() - c.typicalEnterRate()) / p.minCueLeaveGap(), (c.leaveRate() - c.othersLeaveRate()) / p.minCueEnterGap());
    }

    static Judgement decide(GlobalCueProbe.Cue c, double pAdjusted, AuditParams p) {
        String figures = String.format(Locale.ROOT, "with only its border kept (a band %.0f%% of the side deep; the inside filled with its own mean"
                + " colour) %.0f%% of its %d images stay in the class (baseline %.0f%%: a typical class keeping its own, or other classes' images"
                + " becoming it), and with the border replaced by the inner part extended outwards %.0f%% leave it (other classes %.0f%%), p %.1e",
                100 * ImageAdjustment.BAND, 100 * c.enterRate(), c.classImages(), 100 * c.typicalEnterRate(), 100 * c.leaveRate(),
                100 * c.othersLeaveRate(), pAdjusted) + c.shiftClause();
        boolean cue = pAdjusted < p.alpha() && strength(c, p) >= 1 && c.carried(p);
        return cue ? new Judgement(Verdict.GLOBAL_CUE, "Border cue (the image's border carries the class: a frame or an edge the class's images"
                + " have): " + figures + ".")
                : new Judgement(Verdict.NOT_CONFIRMED, "No border cue: " + figures + ".");
    }
}
