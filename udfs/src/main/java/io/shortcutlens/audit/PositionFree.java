package io.shortcutlens.audit;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Candidates found by what each image's evidence looks like, not by where it lies: a sticker, a tag or a logo placed
 * anywhere is the same content at a different place in every image, so no region of the class's statistics holds it.
 * Each image is looked at in its own most relevant block (the square of the audit's largest region size holding most
 * of its positive attribution mass); a class whose images concentrate there — the same mean share, consistency and
 * contrast against other classes as the region detector asks of one fixed region ({@link DetectorParams}), each class
 * measured in its images' own blocks — is a candidate, unless a class finding of the same method already holds the
 * concentration in one place.
 *
 * <p>The evidence tests then run each image at its own place ({@link Own}): hiding its block against hiding its
 * strongest other block of the same size (the control), pasting its block at the same place into an image of another
 * class, keeping it alone; the content figures compare the blocks' pixels. An object part is also where a class's
 * evidence concentrates; the tests, not this detector, tell it from an artifact.
 */
public final class PositionFree {
    private PositionFree() { }

    /** One image's own block and its control (indices into {@link #blocks}) and the own block's share of the image's positive mass. */
    public record Own(int block, int control, double share) implements Serializable { }

    /** Per class and method, over the images' own blocks: images, mean share, share of images at or above {@code imageShare}, the most used block. */
    public record ClassStat(String className, String method, long images, double meanShare, double consistency, int commonBlock)
            implements Serializable { }

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
     * The classes and methods whose images concentrate in blocks of their own: mean share ≥ {@code minShare}, share of
     * images using their block ≥ {@code minConsistency}, mean share above the other classes' (the same method, image-weighted)
     * by ≥ {@code minContrast}; classes with fewer than {@code minImages} images, and those a class finding of the same
     * method already covers, are left out. The finding's region is the block most images use, for the report.
     */
    public static List<ShortcutFinding> detect(List<ClassStat> stats, DetectorParams p, List<Region> blocks, List<ShortcutFinding> classFindings) {
        List<ShortcutFinding> out = new ArrayList<>();
        Map<String, List<ClassStat>> byMethod = new java.util.TreeMap<>();
        for (ClassStat s : stats) {
            byMethod.computeIfAbsent(s.method(), k -> new ArrayList<>()).add(s);
        }
        for (ClassStat s : stats) {
            if (s.images() < p.minImages() || classFindings.stream().anyMatch(f -> f.className().equals(s.className()) && f.method().equals(s.method()))) {
                continue;
            }
            double weighted = 0;
            long n = 0;
            for (ClassStat o : byMethod.get(s.method())) {
                if (!o.className().equals(s.className())) {
                    weighted += o.images() * o.meanShare();
                    n += o.images();
                }
            }
            double others = n == 0 ? 0 : weighted / n;
            double contrast = s.meanShare() - others;
            if (s.meanShare() >= p.minShare() && s.consistency() >= p.minConsistency() && contrast >= p.minContrast()) {
                out.add(new ShortcutFinding(s.className(), s.method(), blocks.get(s.commonBlock()), s.images(), s.meanShare(), s.consistency(), others,
                        contrast));
            }
        }
        return out;
    }
}
