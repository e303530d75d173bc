package io.shortcutlens.audit;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Marks that move: a sticker, a tag or a logo placed anywhere is the same content at a different place in every image,
 * so no region of the class's statistics holds it and no subgroup's place does. Two pieces of evidence find it without
 * asking where it is:
 * <ul>
 *   <li>the class's images keep their class when their tiles are shuffled, or lose it under a low-pass, far more than
 *       other classes' ({@link #survivors}) — the class rests on local content, not only on the object's shape;</li>
 *   <li>each image tested at its own most relevant block (the square of the audit's largest region size holding most of
 *       that image's positive mass, {@link #own}): hiding it flips the prediction far more often than hiding the image's
 *       strongest other block of the same size — the content sits in one block of each image, wherever that is.</li>
 * </ul>
 * A pattern spread over the background passes the first and fails the second (hiding one block of it changes little);
 * a thin object part (a sandal's straps) can pass both, and the transplant tells it apart. The candidate is every class that passes the first, for each map method;
 * {@link #decide} judges the second, with the transplant of each image's block
 * into another class's image at the same place as support. Measured on Decoy Fashion-MNIST: a 3×3 mark anywhere on the
 * pullovers, shuffling kept 77% of them (a typical class 0%); concentration of the maps alone did not tell the marked
 * classes apart (their own blocks held 0.34 and 0.32 of their mass, sneakers' and sandals' 0.51 and 0.55).
 */
public final class PositionFree {
    private PositionFree() { }

    /** One image's own block and its control (indices into {@link #blocks}) and the own block's share of the image's positive mass. */
    public record Own(int block, int control, double share) implements Serializable { }

    /**
     * Per class and method, over the images' own blocks: images, mean share, share of images at or above {@code imageShare},
     * the most used block and the share of images whose own block it is.
     */
    public record ClassStat(String className, String method, long images, double meanShare, double consistency, int commonBlock, double commonShare)
            implements Serializable {
        /** The images' own places vary: fewer than {@code minConsistency} of them share one block (a fixed place is the class detector's). */
        public boolean moving(double minConsistency) {
            return commonShare < minConsistency;
        }
    }

    /** The square blocks own places are chosen from: side the largest whole number of cells within {@code maxArea} of the image (at least one). */
    public static List<Region> blocks(int grid, double maxArea) {
        int side = Math.max(1, (int) Math.floor(Math.sqrt(maxArea) * grid + 1e-9));
        return Region.candidates(grid, new int[] {side});
    }

    /**
     * The block holding the most positive mass of {@code massGrid} (ties: lower index) and its control: the block apart from
     * it with the most mass ({@link ControlChoice#STRONGEST}) or the least ({@link ControlChoice#WEAKEST}).
     */
    public static Own own(float[] massGrid, List<Region> blocks, ControlChoice control) {
        float[] m = Region.masses(massGrid, blocks);
        int best = 0;
        for (int i = 1; i < m.length; i++) {
            if (m[i] > m[best]) {
                best = i;
            }
        }
        int other = -1;
        for (int i = 0; i < m.length; i++) {
            if (blocks.get(i).overlaps(blocks.get(best))) {
                continue;
            }
            if (other < 0 || (control == ControlChoice.STRONGEST ? m[i] > m[other] : m[i] < m[other])) {
                other = i;
            }
        }
        if (other < 0) {
            throw new IllegalArgumentException("a " + blocks.get(best).grid() + "-cell grid has no block apart from " + blocks.get(best));
        }
        return new Own(best, other, m[best]);
    }

    /**
     * Classes whose texture test shows local content carrying them, on either side by at least {@code minCueLeaveGap}:
     * shuffling keeps them over a typical class, or the low-pass removes them over other classes (a small mark that
     * only tells apart classes alike in shape — a shirt from a pullover — does not survive shuffling without its
     * garment, but goes with the low-pass: on the decoy family, a 2×2 mark anywhere on the shirts, 32% kept and 100%
     * removed against 0% and 39%). Sorted.
     */
    public static List<String> survivors(List<GlobalCueProbe.Cue> cues, AuditParams p) {
        return cues.stream().filter(c -> c.kind() == GlobalCueProbe.Kind.TEXTURE && (c.enterRate() - c.typicalEnterRate() >= p.minCueLeaveGap()
                        || c.leaveRate() - c.othersLeaveRate() >= p.minCueLeaveGap()))
                .map(GlobalCueProbe.Cue::className).distinct().sorted().toList();
    }

    /**
     * One position-free finding per class and method with at least {@code minImages} images whose class is in
     * {@code survivors} or whose images' own places vary ({@link ClassStat#moving}: a sticker at a different place in each
     * image; on the colour family's sticker case the texture test did not name the class, a low-pass removing 60% of
     * every class at 64×64) — also
     * where a class finding of the same method exists: that region may be a part of the object (on the decoy family's
     * pullovers with a mark anywhere, the collar strip was the class finding, an object part). Its figures are the own blocks' (mean share,
     * share of images at or above the image share, contrast with other classes' own blocks); its region the block most
     * images use, for the report.
     */
    public static List<ShortcutFinding> candidates(List<String> survivors, List<ClassStat> stats, DetectorParams p, List<Region> blocks) {
        List<ShortcutFinding> out = new ArrayList<>();
        for (ClassStat s : stats) {
            if (!(survivors.contains(s.className()) || s.moving(p.minConsistency())) || s.images() < p.minImages()) {
                continue;
            }
            double weighted = 0;
            long n = 0;
            for (ClassStat o : stats) {
                if (o.method().equals(s.method()) && !o.className().equals(s.className())) {
                    weighted += o.images() * o.meanShare();
                    n += o.images();
                }
            }
            double others = n == 0 ? 0 : weighted / n;
            out.add(new ShortcutFinding(s.className(), s.method(), blocks.get(s.commonBlock()), s.images(), s.meanShare(), s.consistency(), others,
                    s.meanShare() - others));
        }
        return out;
    }

    /**
     * The verdict of a position-free finding (its class's local content already carries it). Relied on at its own places
     * (Holm-adjusted p below alpha, flip gap over each image's own strongest other block at least {@code minFlipGap}) and
     * carrying the class when pasted (a region's transplant: gap, ratio, p) is what a mark anywhere shows — and what an
     * animal's head shows too: on the demo's trail-camera photos, each cow's own Grad-CAM block flipped 94% of them
     * against 23% and, pasted into bears and sheep, made 46% cows (control 0%). A sticker is the same content in every
     * image and a head is not: with the same piece recurring in the own blocks ({@link RecurringContent#recurs} at the
     * detector's {@code minConsistency}) the finding is a {@code shortcut}; without it, at most {@code suspect}.
     */
    public static Judgement decide(Evidence e, AuditParams p) {
        Confirmation n = e.necessity();
        Transplant t = e.transplant();
        String masking = String.format(Locale.ROOT, "hiding each image's own most relevant block flips %.0f%% of %d predictions against %.0f%% for"
                + " its strongest other block (p %.1e)", 100 * n.flipRateRegion(), n.images(), 100 * n.flipRateControl(), e.pAdjusted());
        String pasted = String.format(Locale.ROOT, "pasted into %d other images it makes %.0f%% of them the class (control %.0f%%)", t.pairs(),
                100 * t.rateRegion(), 100 * t.rateControl());
        boolean carries = t.pairs() > 0 && t.gap() >= p.minTransplantGap() && t.rateRegion() >= p.minTransplantRatio() * t.rateControl()
                && t.pValue() < p.alpha();
        RecurringContent r = e.recurring();
        if (relied(e, p) && carries && r.recurs(p.detector().minConsistency())) {
            return new Judgement(Verdict.SHORTCUT, "The same content at a different place in each image, relied on and carrying the class (a mark"
                    + " anywhere): " + masking + "; " + pasted + "; " + r.describe() + ".");
        }
        if (relied(e, p) && carries) {
            return new Judgement(Verdict.SUSPECT, "Local content relied on wherever it lies, and it carries the class, but it is not the same content"
                    + " in each image (a part of the object such as a head, or a mark that varies): " + masking + "; " + pasted + "; " + r.describe() + ".");
        }
        if (relied(e, p)) {
            return new Judgement(Verdict.SUSPECT, "Relied on at each image's own place, but it does not carry the class: " + masking + "; " + pasted + ".");
        }
        if (n.images() > 0 && (n.pValue() < 0.05 || n.meanDropRegion() - n.meanDropControl() >= p.minFlipGap())) {
            return new Judgement(Verdict.SUSPECT, "Some reliance at each image's own place, not confirmed: " + masking + ".");
        }
        return new Judgement(Verdict.NOT_CONFIRMED, n.images() == 0 ? "No image of the class could be re-predicted."
                : "Not relied on at its own places: " + masking + " (a cue spread over the image, not a mark).");
    }

    static boolean relied(Evidence e, AuditParams p) {
        Confirmation n = e.necessity();
        return n.images() > 0 && e.pAdjusted() < p.alpha() && n.flipRateRegion() - n.flipRateControl() >= p.minFlipGap();
    }
}
