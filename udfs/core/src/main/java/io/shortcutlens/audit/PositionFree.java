package io.shortcutlens.audit;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Marks that move: a sticker, a tag or a logo placed anywhere is the same content at a different place in every image,
 * so no region of the class's statistics holds it and no subgroup's place does. Three pieces of evidence find it without
 * asking where it is:
 * <ul>
 *   <li>each image's own most relevant block (the square of the audit's largest region size holding most of that
 *       image's positive mass, {@link #own}) lies at a different place from image to image: fewer than the detector's
 *       {@code minConsistency} of them overlap the most common one ({@link ClassStat#moving}) — a mark at a fixed place,
 *       its own block shifted by a cell here and there, is the class detector's;</li>
 *   <li>hiding each image's own block flips the prediction far more often than hiding its strongest other block of the
 *       same size, and pasted into other classes' images it makes them the class;</li>
 *   <li>the own blocks hold the same content wherever it lies in them ({@link RecurringContent}) — what tells a sticker
 *       from an animal's head, which is relied on and carries its class as well.</li>
 * </ul>
 * A pattern spread over the background fails the second (hiding one block of it changes little), an object part the
 * third. Measured: on the colour family's sticker case (a 5×5 and an 8×8 tag at a random place, PyTorch ResNet-style
 * ONNX models at 64×64) the texture test did not name the sticker's class — a low-pass removed 60% of every class — so
 * the candidates are found by where each image's evidence lies, not by the texture test; concentration of the maps alone
 * did not tell marked classes apart either (on Decoy Fashion-MNIST with a 3×3 mark anywhere, their own blocks held 0.34
 * and 0.32 of their mass, sneakers' and sandals' 0.51 and 0.55).
 */
public final class PositionFree {
    private PositionFree() { }

    /** One image's own block and its control (indices into {@link #blocks}) and the own block's share of the image's positive mass. */
    public record Own(int block, int control, double share) implements Serializable { }

    /**
     * Per class and method, over the images' own blocks: images, mean share, share of images at or above {@code imageShare},
     * the most used block and the share of images whose own block overlaps it ({@link #commonPlace}).
     */
    public record ClassStat(String className, String method, long images, double meanShare, double consistency, int commonBlock, double commonShare)
            implements Serializable {
        /** The images' own places vary: fewer than {@code minConsistency} of them overlap the common block (a fixed place is the class detector's). */
        public boolean moving(double minConsistency) {
            return commonShare < minConsistency;
        }
    }

    /**
     * The place most images' own blocks hold: the block used most often (ties: lower index), and the number of images whose
     * own block overlaps it. Overlap, not identity: a watermark in a fixed corner is the own block of every image give or
     * take a cell (on the demo's 16 bears the own blocks of the lower-left corner shifted by a cell, so fewer than half
     * shared one block exactly), while a sticker at a random place overlaps a given 2×2 block of an 8×8 grid in about 9
     * of 49 places.
     *
     * @param perBlock images per own block, indexed as {@code blocks}
     */
    public static long[] commonPlace(long[] perBlock, List<Region> blocks) {
        int best = 0;
        for (int i = 1; i < perBlock.length; i++) {
            if (perBlock[i] > perBlock[best]) {
                best = i;
            }
        }
        long near = 0;
        for (int i = 0; i < perBlock.length; i++) {
            near += blocks.get(i).overlaps(blocks.get(best)) ? perBlock[i] : 0;
        }
        return new long[] {best, near};
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
     * One position-free finding per class and method with at least {@code minImages} images whose own places vary
     * ({@link ClassStat#moving}) — also where a class finding of the same method exists: that region may be a part of the
     * object. Its figures are the own blocks' (mean share, share of images at or above the image share, contrast with
     * other classes' own blocks); its region the block most images use, for the report.
     */
    public static List<ShortcutFinding> candidates(List<ClassStat> stats, DetectorParams p, List<Region> blocks) {
        List<ShortcutFinding> out = new ArrayList<>();
        for (ClassStat s : stats) {
            if (!s.moving(p.minConsistency()) || s.images() < p.minImages()) {
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
        // recurring content is to a mark anywhere what stamped content is to a mark in place: backed by a weaker transplant or
        // by the block kept alone still saying the class, as stamped content is in the fixed-place table
        Sufficiency s = e.sufficiency();
        boolean supported = t.gap() >= p.minSupportGap() || (s.gap() >= p.minSufficiencyGap() && s.pValue() < p.alpha());
        if (relied(e, p) && supported && r.recurs(p.detector().minConsistency())) {
            String alone = String.format(Locale.ROOT, "kept alone it still says the class for %.0f%% (control %.0f%%, blank %.0f%%)",
                    100 * s.rateRegion(), 100 * s.rateControl(), 100 * s.rateBlank());
            return new Judgement(Verdict.SHORTCUT, "The same content at a different place in each image, relied on and saying the class (a mark"
                    + " anywhere): " + masking + "; " + r.describe() + "; " + (t.gap() >= s.gap() ? pasted : alone) + ".");
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
