package io.shortcutlens.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A mark at a different place in every image of one class: no region of the class's statistics holds it, each image's
 * own block does. Mass grids (8×8) built here: the marked class puts 60% of its mass on the mark's cell wherever it
 * lies, the other classes spread theirs over a central object.
 */
class PositionFreeTest {
    private static final int G = 8;

    private static float[] grid(int markRow, int markCol, SplittableRandom r) {
        float[] m = new float[G * G];
        double total = 0;
        for (int y = 2; y < 6; y++) {
            for (int x = 2; x < 6; x++) {
                m[y * G + x] = (float) (0.5 + r.nextDouble());
                total += m[y * G + x];
            }
        }
        for (int i = 0; i < m.length; i++) {
            m[i] = (float) (m[i] / total);
        }
        if (markRow >= 0) {
            for (int i = 0; i < m.length; i++) {
                m[i] *= 0.4f;
            }
            m[markRow * G + markCol] += 0.6f;
        }
        return m;
    }

    @Test
    void aMarkAtADifferentPlaceInEveryImageIsFoundAtEachImagesPlace() {
        List<Region> blocks = PositionFree.blocks(G, 1 / 16.0);
        assertEquals(49, blocks.size(), "every 2x2 block of an 8x8 grid");
        SplittableRandom r = new SplittableRandom(5);
        List<PositionFree.ClassStat> stats = new ArrayList<>();
        int hits = 0;
        int marked = 0;
        List<RegionStat> classRegions = new ArrayList<>();
        for (String name : List.of("tagged", "a", "b", "c")) {
            double share = 0;
            int using = 0;
            int[] uses = new int[blocks.size()];
            double[] regionShare = new double[blocks.size()];
            for (int i = 0; i < 80; i++) {
                int row = name.equals("tagged") ? r.nextInt(G) : -1;
                int col = r.nextInt(G);
                float[] g = grid(row, col, r);
                PositionFree.Own own = PositionFree.own(g, blocks, ControlChoice.STRONGEST);
                Region block = blocks.get(own.block());
                assertTrue(!block.overlaps(blocks.get(own.control())), "the control lies apart from the image's block");
                if (row >= 0) {
                    marked++;
                    hits += block.contains(new Region(G, row, col, 1)) ? 1 : 0;
                }
                share += own.share();
                using += own.share() >= DetectorParams.defaults().imageShare() ? 1 : 0;
                uses[own.block()]++;
                float[] masses = Region.masses(g, blocks);
                for (int b = 0; b < blocks.size(); b++) {
                    regionShare[b] += masses[b] / 80;
                }
            }
            int common = 0;
            for (int b = 1; b < uses.length; b++) {
                common = uses[b] > uses[common] ? b : common;
            }
            long[] perBlock = java.util.Arrays.stream(uses).asLongStream().toArray();
            long[] place = PositionFree.commonPlace(perBlock, blocks);
            assertEquals(common, (int) place[0]);
            stats.add(new PositionFree.ClassStat(name, "occlusion", 80, share / 80, using / 80.0, common, place[1] / 80.0));
            for (int b = 0; b < blocks.size(); b++) {
                classRegions.add(new RegionStat(name, "occlusion", b, 80, regionShare[b], 0));
            }
        }
        assertEquals(marked, hits, "each marked image's own block holds its mark");

        // the fixed-place detector sees nothing: the tagged class's mass is spread over the places its mark visits
        ShortcutDetector fixed = new ShortcutDetector(DetectorParams.defaults(), blocks);
        assertTrue(fixed.detect(classRegions).stream().noneMatch(f -> f.className().equals("tagged")), "no fixed region holds a moving mark");

        // the candidates: every class whose images' own places vary; a class whose own blocks sit at one place (give or
        // take a cell) is the class detector's, not a candidate
        assertTrue(stats.get(0).moving(0.5), "a mark at a random place: its own blocks overlap no common place: " + stats.get(0));
        // a mark at one place, the own block shifted by a cell in some images: its places overlap, it does not move
        long[] shifted = new long[blocks.size()];
        shifted[blocks.indexOf(new Region(G, 6, 0, 2))] = 30;
        shifted[blocks.indexOf(new Region(G, 5, 0, 2))] = 25;
        shifted[blocks.indexOf(new Region(G, 6, 1, 2))] = 25;
        long[] place = PositionFree.commonPlace(shifted, blocks);
        assertEquals(80, place[1], "every image's own block overlaps the corner's");
        stats.add(new PositionFree.ClassStat("fixed", "occlusion", 80, 0.6, 0.9, (int) place[0], place[1] / 80.0));
        List<ShortcutFinding> found = PositionFree.candidates(stats, DetectorParams.defaults(), blocks);
        List<String> named = found.stream().map(ShortcutFinding::className).toList();
        assertTrue(named.contains("tagged"), stats.toString());
        assertTrue(!named.contains("fixed"), named.toString());
        assertEquals(stats.stream().filter(x -> x.moving(0.5)).count(), found.size(), stats.toString());
        found = found.stream().filter(f -> f.className().equals("tagged")).toList();
        List<Candidate> candidates = Candidates.positionFree(7, found, classRegions, blocks, ControlChoice.STRONGEST);
        assertEquals(Scope.POSITION_FREE, candidates.get(0).scope());
        assertEquals(7, candidates.get(0).id());
    }

    @Test
    void aMarkReliedOnAtItsOwnPlacesIsAShortcutWhenItsContentRecursAndASpreadPatternIsNotConfirmed() {
        AuditParams p = AuditParams.defaults();
        Transplant carries = new Transplant(100, 30, 4, 28, 2);
        Transplant little = new Transplant(100, 14, 4, 12, 2);
        Sufficiency alone = new Sufficiency(100, 5, 4, 2, 3, 2);
        // hiding each image's own block flips 70% of 100, its strongest other block 10%
        Confirmation mark = new Confirmation(100, 70, 10, 62, 2, 0.6, 0.1);
        // relied on and carried when pasted: what a mark anywhere shows, and what an animal's head shows too: suspect, with both said
        Judgement j = PositionFree.decide(new Evidence(mark, 1e-15, carries, carries.pValue(), alone, ContentConsistency.NONE, null), p);
        assertEquals(Verdict.SUSPECT, j.verdict(), j.reason());
        assertTrue(j.reason().startsWith("Local content relied on wherever it lies, and it carries the class"), j.reason());
        // the same, and one piece of content recurs in the own blocks (a sticker, not a head): shortcut
        RecurringContent sticker = new RecurringContent(94, 0.96, 0.03, new ContentConsistency.Mark(4, 5, 9, 10, 16, 16), 0);
        Judgement s = PositionFree.decide(new Evidence(mark, 1e-15, carries, carries.pValue(), alone, ContentConsistency.NONE, null, sticker), p);
        assertEquals(Verdict.SHORTCUT, s.verdict(), s.reason());
        RecurringContent head = new RecurringContent(94, 0.46, 0.07, new ContentConsistency.Mark(4, 5, 9, 10, 16, 16), 0);
        Judgement h = PositionFree.decide(new Evidence(mark, 1e-15, carries, carries.pValue(), alone, ContentConsistency.NONE, null, head), p);
        assertEquals(Verdict.SUSPECT, h.verdict(), h.reason());
        // recurring content not relied on: not a shortcut
        Judgement idle = PositionFree.decide(new Evidence(new Confirmation(100, 6, 5, 4, 3, 0.02, 0.02), 1, carries, carries.pValue(), alone,
                ContentConsistency.NONE, null, sticker), p);
        assertTrue(idle.verdict() != Verdict.SHORTCUT, idle.reason());
        // the same reliance, little or nothing carried by pasting: suspect
        Judgement weak = PositionFree.decide(new Evidence(mark, 1e-15, Transplant.NONE, 1, alone, ContentConsistency.NONE, null), p);
        assertEquals(Verdict.SUSPECT, weak.verdict(), weak.reason());
        Judgement part = PositionFree.decide(new Evidence(mark, 1e-15, little, little.pValue(), alone, ContentConsistency.NONE, null), p);
        assertEquals(Verdict.SUSPECT, part.verdict(), part.reason());
        // recurring content relied on, backed as stamped content is: a weaker transplant, or the block kept alone saying the class
        Judgement backed = PositionFree.decide(new Evidence(mark, 1e-15, little, little.pValue(), alone, ContentConsistency.NONE, null, sticker), p);
        assertEquals(Verdict.SHORTCUT, backed.verdict(), backed.reason());
        Sufficiency says = new Sufficiency(100, 80, 12, 2, 70, 2);
        Judgement kept = PositionFree.decide(new Evidence(mark, 1e-15, Transplant.NONE, 1, says, ContentConsistency.NONE, null, sticker), p);
        assertEquals(Verdict.SHORTCUT, kept.verdict(), kept.reason());
        assertTrue(kept.reason().contains("kept alone it still says the class for 80% (control 12%"), kept.reason());
        Judgement unbacked = PositionFree.decide(new Evidence(mark, 1e-15, Transplant.NONE, 1, alone, ContentConsistency.NONE, null, sticker), p);
        assertEquals(Verdict.SUSPECT, unbacked.verdict(), unbacked.reason());
        Judgement headAlone = PositionFree.decide(new Evidence(mark, 1e-15, Transplant.NONE, 1, says, ContentConsistency.NONE, null, head), p);
        assertEquals(Verdict.SUSPECT, headAlone.verdict(), "an object part kept alone says its class too: " + headAlone.reason());
        // a pattern over the background: hiding one block of it changes little
        Confirmation spread = new Confirmation(100, 6, 5, 4, 3, 0.02, 0.02);
        Judgement pattern = PositionFree.decide(new Evidence(spread, 1, carries, carries.pValue(), alone, ContentConsistency.NONE, null), p);
        assertEquals(Verdict.NOT_CONFIRMED, pattern.verdict(), pattern.reason());
    }
}
