package io.shortcutlens.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Control choice, candidates and places pooling, the joint judgement with Holm, and the global-cue rule. */
class AuditDecisionsTest {
    private static final int G = 8;
    private static final List<Region> REGIONS = Region.candidates(G, 1, 2);

    private static List<RegionStat> stats(String cls, Map<Region, Double> shares) {
        List<RegionStat> out = new ArrayList<>();
        for (int i = 0; i < REGIONS.size(); i++) {
            out.add(new RegionStat(cls, "occlusion", i, 100, shares.getOrDefault(REGIONS.get(i), 0.0), 0));
        }
        return out;
    }

    @Test
    void theControlIsTheStrongestOrWeakestEqualSizedRegionApartFromTheFinding() {
        Region corner = new Region(G, 6, 0, 2);
        Region touching = new Region(G, 5, 1, 2); // overlaps the corner: never a control
        Region far = new Region(G, 0, 6, 2);
        Region small = new Region(G, 0, 0, 1); // another size: never a control
        List<RegionStat> s = stats("a", Map.of(corner, 0.6, touching, 0.5, far, 0.2, small, 0.9));
        ShortcutFinding f = new ShortcutFinding("a", "occlusion", corner, 100, 0.6, 0.9, 0.0, 0.6);
        assertEquals(far, ControlChoice.STRONGEST.choose(f, s, REGIONS));
        Region weakest = ControlChoice.WEAKEST.choose(f, s, REGIONS);
        assertTrue(weakest.sameArea(corner), weakest.toString());
        assertTrue(!weakest.overlaps(corner) && !weakest.equals(far), weakest.toString());
        assertEquals(new Region(G, 0, 0, 2), weakest, "ties go to the first region in order");
    }

    @Test
    void theControlHasTheFindingsAreaInAnyShape() {
        List<Region> regions = Region.candidates(G, 1 / 16.0); // squares of 1 and 2 cells a side, strips of 3 and 4 cells
        Region band = new Region(G, 3, 2, 1, 4); // a 1x4 strip through the middle of a body
        Region body = new Region(G, 4, 2, 2); // a 2x2 square of the same body below it
        Region otherStrip = new Region(G, 6, 2, 1, 4); // the strongest other 1x4 strip holds less of the body
        Region single = new Region(G, 0, 0, 1); // stronger, but one cell: never a control
        Region shorter = new Region(G, 0, 3, 1, 3); // stronger, but three cells: never a control
        Map<Region, Double> shares = Map.of(band, 0.5, body, 0.3, otherStrip, 0.1, single, 0.9, shorter, 0.8);
        List<RegionStat> s = new ArrayList<>();
        for (int i = 0; i < regions.size(); i++) {
            s.add(new RegionStat("a", "gradcam", i, 100, shares.getOrDefault(regions.get(i), 0.0), 0));
        }
        ShortcutFinding f = new ShortcutFinding("a", "gradcam", band, 100, 0.5, 0.9, 0.0, 0.4);
        assertEquals(body, ControlChoice.STRONGEST.choose(f, s, regions));
        Region weakest = ControlChoice.WEAKEST.choose(f, s, regions);
        assertEquals(4, weakest.cells(), weakest.toString());
        assertTrue(!weakest.overlaps(band), weakest.toString());
        // a place accepts a control of the same area in another shape, and refuses one of another area
        assertEquals(body, new Place(band, List.of(), body).control());
        assertThrows(IllegalArgumentException.class, () -> new Place(band, List.of(), shorter));
    }

    @Test
    void aSubgroupsPlaceConcernsOnlyTheImagesThatUseItsRegion() {
        Region corner = new Region(G, 6, 0, 2);
        Region far = new Region(G, 0, 6, 2);
        float[] atCorner = new float[G * G];
        atCorner[6 * G] = 0.2f;
        atCorner[7 * G + 1] = 0.1f; // 0.3 of its mass in the corner
        float[] elsewhere = new float[G * G];
        elsewhere[6 * G] = 0.2f; // 0.2: below the detector's image share
        elsewhere[3 * G + 3] = 0.8f;
        double share = DetectorParams.defaults().imageShare();
        Place subgroup = new Place(corner, List.of(3), far);
        assertTrue(subgroup.concerns(atCorner, share));
        assertTrue(!subgroup.concerns(elsewhere, share), "a cluster member that does not use the region is not tested there");
        Place classWide = new Place(corner, List.of(), far);
        assertTrue(classWide.concerns(elsewhere, share), "a class-wide place concerns every image of the class");
    }

    @Test
    void uncoveredSubgroupsInSeveralPlacesArePooledIntoOnePlacesCandidate() {
        Region ll = new Region(G, 6, 0, 2);
        Region tr = new Region(G, 0, 6, 2);
        List<RegionStat> s = stats("a", Map.of(ll, 0.3, tr, 0.3));
        SubgroupDetector.Subgroup g1 = new SubgroupDetector.Subgroup(new ShortcutFinding("a", "occlusion", ll, 30, 0.8, 0.9, 0.1, 0.7),
                List.of(0), 100, stats("a", Map.of(ll, 0.8)));
        SubgroupDetector.Subgroup g2 = new SubgroupDetector.Subgroup(new ShortcutFinding("a", "occlusion", tr, 10, 0.4, 0.5, 0.1, 0.3),
                List.of(2), 100, stats("a", Map.of(tr, 0.4)));
        List<Candidate> c = Candidates.build(List.of(), s, List.of(g1, g2), REGIONS, ControlChoice.STRONGEST);
        assertEquals(3, c.size());
        Candidate places = c.get(2);
        assertEquals(Scope.PLACES, places.scope());
        assertEquals(List.of(ll, tr), places.places().stream().map(Place::region).toList());
        assertEquals(40, places.finding().images());
        assertEquals((30 * 0.8 + 10 * 0.4) / 40, places.finding().meanShare(), 1e-12, "image-weighted");
        assertEquals(ll, places.finding().region(), "the largest subgroup's region");
        assertEquals(List.of(c.get(0), c.get(1)), places.parts());
        // a class finding at the lower left covers the first subgroup: it is tested with it, and no places candidate is made
        ShortcutFinding classWide = new ShortcutFinding("a", "occlusion", ll, 100, 0.5, 0.6, 0.1, 0.4);
        List<Candidate> covered = Candidates.build(List.of(classWide), s, List.of(g1, g2), REGIONS, ControlChoice.STRONGEST);
        assertEquals(List.of(Scope.CLASS, Scope.SUBGROUP), covered.stream().map(Candidate::scope).toList());
        // one subgroup's images flagged in two regions are not a cue in two places: no places candidate counts them twice
        SubgroupDetector.Subgroup g1There = new SubgroupDetector.Subgroup(new ShortcutFinding("a", "occlusion", tr, 30, 0.4, 0.5, 0.1, 0.3),
                List.of(0), 100, stats("a", Map.of(tr, 0.4)));
        List<Candidate> same = Candidates.build(List.of(), s, List.of(g1, g1There), REGIONS, ControlChoice.STRONGEST);
        assertEquals(List.of(Scope.SUBGROUP, Scope.SUBGROUP), same.stream().map(Candidate::scope).toList());
        List<Candidate> three = Candidates.build(List.of(), s, List.of(g1, g1There, g2), REGIONS, ControlChoice.STRONGEST);
        assertEquals(40, three.get(3).finding().images(), "the larger of the two and the other cluster's subgroup");
        assertEquals(List.of(three.get(0), three.get(2)), three.get(3).parts());
    }

    @Test
    void judgingPoolsPlacesAdjustsForAllCandidatesAndSortsStrongestFirst() {
        Region ll = new Region(G, 6, 0, 2);
        Region tr = new Region(G, 0, 6, 2);
        Place p1 = new Place(ll, List.of(0), tr);
        Place p2 = new Place(tr, List.of(1), ll);
        ShortcutFinding f = new ShortcutFinding("a", "occlusion", ll, 20, 0.8, 0.9, 0.1, 0.7);
        Candidate a = new Candidate(0, f, Scope.SUBGROUP, List.of(0), 100, List.of(p1), List.of());
        Candidate b = new Candidate(1, f, Scope.SUBGROUP, List.of(1), 100, List.of(p2), List.of());
        Candidate both = new Candidate(2, f, Scope.PLACES, List.of(0, 1), 100, List.of(p1, p2), List.of(a, b));
        AuditFinding.Measured half = new AuditFinding.Measured(new Confirmation(6, 6, 0, 6, 0, 0.5, 0.0), new Transplant(10, 6, 0, 6, 0),
                Sufficiency.NONE, new ContentConsistency(0.4, 0.0, 0.1));
        List<AuditFinding> judged = AuditFinding.judge(List.of(a, b, both), Map.of(0, half, 1, half), null, AuditParams.defaults());
        AuditFinding pooled = judged.stream().filter(x -> x.id() == 2).findFirst().orElseThrow();
        assertEquals(new Confirmation(12, 12, 0, 12, 0, 0.5, 0.0), pooled.confirmation());
        assertEquals(new Transplant(20, 12, 0, 12, 0), pooled.evidence().transplant());
        assertEquals(0.4, pooled.evidence().consistency().stampedShare(), 1e-12);
        // Holm over three candidates: the pooled one, smallest p, is multiplied by 3
        assertEquals(Math.min(1, 3 * SignTest.pValue(12, 0)), pooled.pAdjusted(), 1e-15);
        assertEquals(Verdict.SHORTCUT, pooled.verdict());
        assertEquals(2, judged.get(0).id(), "strongest verdict, then smallest adjusted p, first");
        // six images alone cannot reach the adjusted level: the parts stay suspect
        assertEquals(Verdict.SUSPECT, judged.get(1).verdict());
    }

    @Test
    void aTransplantThatDecidesAloneIsAdjustedOverTheAuditsFindings() {
        Region middle = new Region(G, 3, 3, 1, 3);
        Region above = new Region(G, 2, 3, 1, 3);
        Region corner = new Region(G, 6, 0, 2);
        Region far = new Region(G, 0, 6, 2);
        Candidate body = new Candidate(0, new ShortcutFinding("cow", "gradcam", middle, 35, 0.4, 0.6, 0.0, 0.3), Scope.CLASS, List.of(), 35,
                List.of(new Place(middle, List.of(), above)), List.of());
        Candidate legs = new Candidate(1, new ShortcutFinding("sheep", "gradcam", corner, 35, 0.4, 0.6, 0.0, 0.3), Scope.CLASS, List.of(), 35,
                List.of(new Place(corner, List.of(), far)), List.of());
        Confirmation relied = new Confirmation(16, 14, 1, 13, 0, 0.5, 0.1);
        // pasted, each region turns 7 of 16 other images (its control none): p = 0.5^7 ≈ 0.008 alone, 0.016 after Holm over both
        AuditFinding.Measured weak = new AuditFinding.Measured(relied, new Transplant(16, 7, 0, 7, 0), Sufficiency.NONE, ContentConsistency.NONE);
        List<AuditFinding> alone = AuditFinding.judge(List.of(body), Map.of(0, weak), null, AuditParams.defaults());
        assertEquals(Verdict.SHORTCUT, alone.get(0).verdict(), alone.get(0).judgement().reason());
        List<AuditFinding> both = AuditFinding.judge(List.of(body, legs), Map.of(0, weak, 1, weak), null, AuditParams.defaults());
        for (AuditFinding f : both) {
            assertEquals(2 * SignTest.pValue(7, 0), f.evidence().transplantPAdjusted(), 1e-15);
            assertTrue(f.verdict() != Verdict.SHORTCUT, f.judgement().reason());
        }
        // stamped content that carries the class is backed by the transplant at the per-test level: a shortcut beside another finding
        AuditFinding.Measured stampedWeak = new AuditFinding.Measured(relied, new Transplant(16, 7, 0, 7, 0), Sufficiency.NONE,
                new ContentConsistency(0.3, 0.0, 0.1));
        for (AuditFinding f : AuditFinding.judge(List.of(body, legs), Map.of(0, stampedWeak, 1, stampedWeak), null, AuditParams.defaults())) {
            assertEquals(Verdict.SHORTCUT, f.verdict(), f.judgement().reason());
        }
        // a strong transplant beside a weak one keeps its verdict
        AuditFinding.Measured strong = new AuditFinding.Measured(relied, new Transplant(16, 14, 0, 14, 0), Sufficiency.NONE, ContentConsistency.NONE);
        List<AuditFinding> mixed = AuditFinding.judge(List.of(body, legs), Map.of(0, weak, 1, strong), null, AuditParams.defaults());
        assertEquals(Verdict.SHORTCUT, mixed.stream().filter(x -> x.id() == 1).findFirst().orElseThrow().verdict());
    }

    @Test
    void aPlacesFindingPoolsOnlyThePlacesThatShowACueOfTheirOwn() {
        Region ll = new Region(G, 6, 0, 2);
        Region tr = new Region(G, 0, 6, 2);
        Region top = new Region(G, 0, 3, 2);
        ShortcutFinding f = new ShortcutFinding("a", "occlusion", ll, 20, 0.8, 0.9, 0.1, 0.7);
        Candidate a = new Candidate(0, f, Scope.SUBGROUP, List.of(0), 100, List.of(new Place(ll, List.of(0), tr)), List.of());
        Candidate b = new Candidate(1, f, Scope.SUBGROUP, List.of(1), 100, List.of(new Place(tr, List.of(1), ll)), List.of());
        Candidate collar = new Candidate(2, f, Scope.SUBGROUP, List.of(2), 100, List.of(new Place(top, List.of(2), ll)), List.of());
        AuditFinding.Measured stamp = new AuditFinding.Measured(new Confirmation(20, 20, 0, 20, 0, 0.5, 0.0), new Transplant(20, 8, 0, 8, 0),
                Sufficiency.NONE, new ContentConsistency(0.4, 0.0, 0.1));
        // part of the garment: relied on, but nothing pasted and nothing stamped
        AuditFinding.Measured part = new AuditFinding.Measured(new Confirmation(20, 18, 2, 16, 0, 0.5, 0.0), new Transplant(20, 0, 0, 0, 0),
                Sufficiency.NONE, new ContentConsistency(0.0, 0.0, 0.6));
        Candidate three = Candidates.places(3, List.of(a, b, collar));
        List<AuditFinding> judged = AuditFinding.judge(List.of(a, b, collar, three), Map.of(0, stamp, 1, stamp, 2, part), null, AuditParams.defaults());
        AuditFinding pooled = judged.stream().filter(x -> x.id() == 3).findFirst().orElseThrow();
        assertEquals(List.of(ll, tr), pooled.places().stream().map(Place::region).toList(), "the garment's place is not pooled");
        assertEquals(40, pooled.confirmation().images());
        assertEquals(Verdict.SHORTCUT, pooled.verdict());
        // two places of which one shows a cue: no places finding; with annotations every place is pooled as before
        Candidate two = Candidates.places(3, List.of(a, collar));
        AuditFinding lone = AuditFinding.judge(List.of(a, collar, two), Map.of(0, stamp, 2, part), null, AuditParams.defaults()).stream()
                .filter(x -> x.id() == 3).findFirst().orElseThrow();
        assertEquals(Verdict.NOT_CONFIRMED, lone.verdict(), lone.judgement().reason());
        assertTrue(lone.judgement().reason().startsWith("No common cue: 1 of its 2 places"), lone.judgement().reason());
        AuditFinding annotated = AuditFinding.judge(List.of(a, collar, two), Map.of(0, stamp, 2, part), Map.of(0, 0.1, 2, 0.1),
                AuditParams.defaults()).stream().filter(x -> x.id() == 3).findFirst().orElseThrow();
        assertEquals(40, annotated.confirmation().images());
        assertEquals(Verdict.SHORTCUT, annotated.verdict());
    }

    /** Confusions under every change: class 0 is "dark", so brightening removes it and darkening creates it. */
    private static List<GlobalCueProbe.Count> counts(boolean cue) {
        List<String> names = List.of("a", "b", "c", "d");
        List<GlobalCueProbe.Count> out = new ArrayList<>();
        for (ImageAdjustment t : ImageAdjustment.forChannels(1)) {
            long[][] m = new long[4][4];
            for (int k = 0; k < 4; k++) {
                m[k][k] = 100;
            }
            if (cue && t == ImageAdjustment.BRIGHTER) {
                m[0][0] = 30;
                m[0][1] = 70;
            }
            if (cue && t == ImageAdjustment.DARKER) {
                for (int k = 1; k < 4; k++) {
                    m[k][k] = 50;
                    m[k][0] = 50;
                }
            }
            if (!cue && t == ImageAdjustment.BLURRED) { // every class equally fragile under blur: no cue of one
                for (int k = 0; k < 4; k++) {
                    m[k][k] = 40;
                    m[k][(k + 1) % 4] = 60;
                }
            }
            out.addAll(GlobalCueProbe.counts(names, t, m));
        }
        return out;
    }

    @Test
    void aClassThatOneChangeRemovesAndTheOppositeCreatesHasAGlobalCue() {
        List<GlobalCueProbe.Cue> cues = GlobalCueProbe.judge(counts(true), AuditParams.defaults());
        GlobalCueProbe.Cue top = cues.get(0);
        assertEquals("a", top.className());
        assertEquals(Verdict.GLOBAL_CUE, top.judgement().verdict(), top.judgement().reason());
        assertEquals(ImageAdjustment.BRIGHTER, top.leaveWith());
        assertEquals(ImageAdjustment.DARKER, top.enterWith());
        assertEquals(0.7, top.leaveRate(), 1e-12);
        assertEquals(0.5, top.enterRate(), 1e-12);
        assertTrue(cues.stream().skip(1).noneMatch(c -> c.judgement().verdict() == Verdict.GLOBAL_CUE), cues.toString());
        assertTrue(GlobalCueProbe.judge(counts(false), AuditParams.defaults()).stream().noneMatch(c -> c.judgement().verdict() == Verdict.GLOBAL_CUE));
        // a class with a shortcut finding: the mark explains what a whole-image change does to it; another class's cue stays
        Region corner = new Region(G, 6, 0, 2);
        Candidate marked = new Candidate(0, new ShortcutFinding("a", "occlusion", corner, 20, 0.8, 0.9, 0.1, 0.7), Scope.CLASS, List.of(), 100,
                List.of(new Place(corner, List.of(), new Region(G, 0, 6, 2))), List.of());
        AuditFinding shortcut = new AuditFinding(marked, new Evidence(new Confirmation(50, 40, 2, 38, 0, 0.6, 0.0), 1e-9, Transplant.NONE, 1,
                Sufficiency.NONE, ContentConsistency.NONE, null), new Judgement(Verdict.SHORTCUT, "relied on and stamped"));
        List<GlobalCueProbe.Cue> explained = GlobalCueProbe.explainedByShortcuts(cues, List.of(shortcut));
        GlobalCueProbe.Cue a = explained.stream().filter(c -> c.className().equals("a") && c.leaveWith() == ImageAdjustment.BRIGHTER).findFirst()
                .orElseThrow();
        assertEquals(Verdict.NOT_CONFIRMED, a.judgement().verdict());
        assertTrue(a.judgement().reason().startsWith("Explained by the class's shortcut finding (occlusion, class"), a.judgement().reason());
        assertEquals(cues.size(), explained.size());
        assertEquals(cues.subList(1, cues.size()), explained.subList(1, explained.size()), "other classes' tests unchanged");
    }

    @Test
    void wholeImageChangesKeepRangeMeanAndConstantImages() {
        float[] flat = new float[16];
        java.util.Arrays.fill(flat, 100f);
        assertEquals(160f, ImageAdjustment.BRIGHTER.apply(flat, 1, 4, 4)[5], 1e-4);
        float[] ramp16 = new float[16];
        for (int i = 0; i < 16; i++) {
            ramp16[i] = 20 + 8 * i; // nothing clips
        }
        float[] roundTrip = ImageAdjustment.MORE_CONTRAST.apply(ImageAdjustment.LESS_CONTRAST.apply(ramp16, 1, 4, 4), 1, 4, 4);
        float[] back = ImageAdjustment.DARKER.apply(ImageAdjustment.BRIGHTER.apply(ramp16, 1, 4, 4), 1, 4, 4);
        for (int i = 0; i < 16; i++) {
            assertEquals(ramp16[i], roundTrip[i], 1e-3, "contrast x0.5 then x2 is the image again");
            assertEquals(ramp16[i], back[i], 1e-3, "brighter then darker is the image again");
        }
        assertEquals(100f, ImageAdjustment.BLURRED.apply(flat, 1, 4, 4)[5], 1e-4);
        assertEquals(100f, ImageAdjustment.SHARPER.apply(flat, 1, 4, 4)[5], 1e-4);
        assertEquals(100f, ImageAdjustment.LESS_CONTRAST.apply(flat, 1, 4, 4)[5], 1e-4);
        float[] bright = new float[16];
        java.util.Arrays.fill(bright, 200f);
        assertEquals(255f, ImageAdjustment.BRIGHTER.apply(bright, 1, 4, 4)[0], 0, "clipped to the pixel range");
        float[] ramp = new float[64];
        for (int i = 0; i < 64; i++) {
            ramp[i] = i * 4;
        }
        float[] jpeg = ImageAdjustment.JPEG.apply(ramp, 1, 8, 8);
        double err = 0;
        for (int i = 0; i < 64; i++) {
            err += Math.abs(jpeg[i] - ramp[i]) / 64;
        }
        assertTrue(err > 0.5 && err < 40, "a lossy round trip, still the same picture: " + err);
        assertEquals(ImageAdjustment.DARKER, ImageAdjustment.BRIGHTER.opposite());
        assertEquals(18, ImageAdjustment.forChannels(3).size());
        assertEquals(13, ImageAdjustment.forChannels(1).size());
        assertThrows(IllegalArgumentException.class, () -> new Place(new Region(G, 0, 0, 2), List.of(), new Region(G, 1, 1, 2)));
    }
}
