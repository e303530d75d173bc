package io.shortcutlens.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ShortcutDetectorTest {

    private static final int G = 8;
    private static final List<Region> REGIONS = Region.candidates(G, 1, 2);

    /** Per-image mass grids: spread over the image, plus (for planted images) most of the mass in one block. */
    private static List<float[]> images(int n, Region planted, double plantedFraction, long seed) {
        return images(n, planted, plantedFraction, 0.7, seed);
    }

    /** As above with {@code weight} of each planted image's mass in the block. */
    private static List<float[]> images(int n, Region planted, double plantedFraction, double weight, long seed) {
        Random r = new Random(seed);
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] g = new float[G * G];
            double total = 0;
            for (int c = 0; c < g.length; c++) {
                g[c] = r.nextFloat();
                total += g[c];
            }
            boolean plant = planted != null && r.nextDouble() < plantedFraction;
            for (int c = 0; c < g.length; c++) {
                g[c] = (float) (g[c] / total * (plant ? 1 - weight : 1.0));
            }
            if (plant) {
                for (int row = planted.row(); row < planted.row() + planted.height(); row++) {
                    for (int col = planted.col(); col < planted.col() + planted.width(); col++) {
                        g[row * G + col] += (float) weight / planted.cells();
                    }
                }
            }
            out.add(g);
        }
        return out;
    }

    private static List<RegionStat> stats(String cls, List<float[]> grids, double imageShare) {
        return stats(cls, grids, imageShare, REGIONS);
    }

    private static List<RegionStat> stats(String cls, List<float[]> grids, double imageShare, List<Region> regions) {
        List<RegionStat> out = new ArrayList<>();
        for (int k = 0; k < regions.size(); k++) {
            double sum = 0;
            int using = 0;
            for (float[] g : grids) {
                float m = regions.get(k).mass(g);
                sum += m;
                if (m >= imageShare) {
                    using++;
                }
            }
            out.add(new RegionStat(cls, "occlusion", k, grids.size(), sum / grids.size(), (double) using / grids.size()));
        }
        return out;
    }

    @Test
    void findsPlantedRegionsWhereverTheyAreAndNothingElse() {
        Region upperRight = new Region(G, 0, 6, 2);
        Region middle = new Region(G, 3, 2, 1);
        List<RegionStat> all = new ArrayList<>();
        DetectorParams p = DetectorParams.defaults();
        all.addAll(stats("a", images(60, upperRight, 1.0, 1), p.imageShare()));
        all.addAll(stats("b", images(60, middle, 1.0, 2), p.imageShare()));
        all.addAll(stats("c", images(60, null, 0, 3), p.imageShare()));
        all.addAll(stats("d", images(60, null, 0, 4), p.imageShare()));
        List<ShortcutFinding> found = new ShortcutDetector(p, REGIONS).detect(all);
        assertEquals(2, found.size(), found.toString());
        ShortcutFinding a = found.stream().filter(f -> f.className().equals("a")).findFirst().orElseThrow();
        ShortcutFinding b = found.stream().filter(f -> f.className().equals("b")).findFirst().orElseThrow();
        assertEquals(upperRight, a.region());
        assertEquals(middle, b.region());
        assertTrue(a.contrast() > 0.5 && a.consistency() == 1.0, a.toString());
    }

    @Test
    void aLineIsFoundWholeAsAStripAndASwatchStaysASquare() {
        DetectorParams p = DetectorParams.defaults();
        List<Region> regions = Region.candidates(G, p.maxArea());
        assertEquals(64 + 49 + 2 * 48 + 2 * 40, regions.size(), "squares of 1 and 2 cells, strips of 3 and 4 cells both ways");
        Region line = new Region(G, 0, 2, 1, 4);
        Region post = new Region(G, 2, 7, 3, 1);
        Region swatch = new Region(G, 6, 0, 2);
        List<RegionStat> all = new ArrayList<>();
        all.addAll(stats("a", images(60, line, 1.0, 11), p.imageShare(), regions));
        all.addAll(stats("b", images(60, post, 1.0, 12), p.imageShare(), regions));
        all.addAll(stats("c", images(60, swatch, 1.0, 13), p.imageShare(), regions));
        all.addAll(stats("d", images(60, null, 0, 14), p.imageShare(), regions));
        List<ShortcutFinding> found = new ShortcutDetector(p, regions).detect(all);
        assertEquals(3, found.size(), found.toString());
        for (var expected : java.util.Map.of("a", line, "b", post, "c", swatch).entrySet()) {
            assertEquals(expected.getValue(), found.stream().filter(f -> f.className().equals(expected.getKey())).findFirst().orElseThrow().region());
        }
        assertTrue(line.describe().startsWith("upper-centre strip"), line.describe());
        assertTrue(post.describe().startsWith("middle-right vertical strip"), post.describe());
        // a square holds only half of the line: the scan with squares alone reports half of it
        Region half = new ShortcutDetector(p, REGIONS).detect(stats("a", images(60, line, 1.0, 11), p.imageShare())).get(0).region();
        assertTrue(line.overlaps(half) && !half.contains(line), half.toString());
    }

    @Test
    void aRegionAllClassesUseIsNotAShortcutOfOne() {
        Region centre = new Region(G, 3, 3, 2);
        List<RegionStat> all = new ArrayList<>();
        DetectorParams p = DetectorParams.defaults();
        for (String cls : List.of("a", "b", "c")) {
            all.addAll(stats(cls, images(50, centre, 1.0, cls.hashCode()), p.imageShare()));
        }
        assertTrue(new ShortcutDetector(p, REGIONS).detect(all).isEmpty());
    }

    /** After a correction: the earlier finding's region no longer passes the thresholds, and is measured again all the same. */
    @Test
    void anEarlierRegionIsMeasuredAgainWhereTheThresholdsNoLongerFlagIt() {
        Region upperRight = new Region(G, 0, 6, 2);
        DetectorParams p = DetectorParams.defaults();
        List<RegionStat> now = new ArrayList<>();
        now.addAll(stats("a", images(60, null, 0, 21), p.imageShare()));
        now.addAll(stats("b", images(60, null, 0, 22), p.imageShare()));
        ShortcutDetector detector = new ShortcutDetector(p, REGIONS);
        List<ShortcutFinding> detected = detector.detect(now);
        assertTrue(detected.isEmpty(), detected.toString());
        List<FindingsDiff.Stated> earlier = List.of(
                new FindingsDiff.Stated("a", "occlusion", upperRight, "upper-right corner", Verdict.SHORTCUT, 0.7, 0.9),
                new FindingsDiff.Stated("a", "lime", upperRight, "upper-right corner", Verdict.SHORTCUT, 0.7, 0.9), // no lime maps now
                new FindingsDiff.Stated("a", "occlusion", new Region(4, 0, 0, 1), "off the grid", Verdict.SHORTCUT, 0.7, 0.9),
                new FindingsDiff.Stated("b", null, null, "whole image", Verdict.GLOBAL_CUE, 0, 0.5));
        List<ShortcutFinding> again = detector.recheck(now, detected, earlier);
        assertEquals(1, again.size(), again.toString());
        ShortcutFinding f = again.get(0);
        RegionStat measured = now.stream().filter(s -> s.className().equals("a") && REGIONS.get(s.regionIndex()).equals(upperRight)).findFirst().orElseThrow();
        assertEquals(upperRight, f.region());
        assertEquals(measured.meanShare(), f.meanShare(), 0);
        assertTrue(f.meanShare() < p.minShare(), "below the threshold, measured anyway: " + f);
        assertTrue(detector.recheck(now, List.of(f), earlier).isEmpty(), "a region already found is not added twice");
    }

    private static List<SubgroupDetector.ClusterStat> clusterStats(String cls, int cluster, List<float[]> grids, double imageShare) {
        return stats(cls, grids, imageShare).stream().map(s -> new SubgroupDetector.ClusterStat(cluster, s)).toList();
    }

    @Test
    void aSwatchInARandomCornerIsFoundAsOneSubgroupPerCorner() {
        DetectorParams p = DetectorParams.defaults();
        List<Region> corners = List.of(new Region(G, 0, 0, 1), new Region(G, 0, 7, 1), new Region(G, 7, 0, 1), new Region(G, 7, 7, 1));
        List<float[]> classA = new ArrayList<>();
        List<SubgroupDetector.ClusterStat> clusters = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            List<float[]> members = images(20, corners.get(k), 1.0, 10 + k);
            classA.addAll(members);
            clusters.addAll(clusterStats("a", k, members, p.imageShare()));
        }
        List<RegionStat> classStats = new ArrayList<>(stats("a", classA, p.imageShare()));
        for (String clean : List.of("b", "c")) {
            List<float[]> grids = images(80, null, 0, clean.hashCode());
            classStats.addAll(stats(clean, grids, p.imageShare()));
            clusters.addAll(clusterStats(clean, 0, grids.subList(0, 40), p.imageShare()));
            clusters.addAll(clusterStats(clean, 1, grids.subList(40, 80), p.imageShare()));
        }
        assertTrue(new ShortcutDetector(p, REGIONS).detect(classStats).isEmpty(), "no single corner holds the class's mass");
        List<SubgroupDetector.Subgroup> found = new SubgroupDetector(p, REGIONS).detect(clusters, classStats);
        assertEquals(4, found.size(), found.toString());
        for (SubgroupDetector.Subgroup s : found) {
            assertEquals("a", s.finding().className());
            assertEquals(20, s.finding().images());
            assertEquals(80, s.classImages());
            assertEquals(corners.get(s.clusters().get(0)), s.finding().region());
        }
    }

    @Test
    void aSubgroupSplitByTheClusteringIsReportedWhole() {
        DetectorParams d = DetectorParams.defaults();
        // a minimum share of 0.35: the faint part below lies between it and the concentrated clusters
        DetectorParams p = new DetectorParams(0.35, d.imageShare(), d.minConsistency(), d.minContrast(), d.maxArea(), d.minImages());
        Region tag = new Region(G, 1, 5, 2);
        List<float[]> tagged = images(18, tag, 1.0, 21);
        List<float[]> plain = images(42, null, 0, 22);
        List<SubgroupDetector.ClusterStat> clusters = new ArrayList<>();
        clusters.addAll(clusterStats("a", 0, plain.subList(0, 21), p.imageShare()));
        clusters.addAll(clusterStats("a", 1, tagged.subList(0, 9), p.imageShare()));
        clusters.addAll(clusterStats("a", 2, plain.subList(21, 42), p.imageShare()));
        clusters.addAll(clusterStats("a", 3, tagged.subList(9, 18), p.imageShare()));
        // a part of the subgroup whose maps are less concentrated on the tag (share about 0.3, under --min-share) follows it
        // (numbered first, so the group's first member is one that was not flagged itself)
        List<float[]> faint = images(12, tag, 1.0, 0.3, 24);
        clusters.addAll(clusterStats("a", -1, faint, p.imageShare()));
        List<float[]> classA = new ArrayList<>(plain);
        classA.addAll(tagged);
        classA.addAll(faint);
        List<RegionStat> classStats = new ArrayList<>(stats("a", classA, p.imageShare()));
        classStats.addAll(stats("b", images(60, null, 0, 23), p.imageShare()));
        List<SubgroupDetector.Subgroup> found = new SubgroupDetector(p, REGIONS).detect(clusters, classStats);
        assertEquals(1, found.size(), found.toString());
        SubgroupDetector.Subgroup s = found.get(0);
        assertEquals(List.of(-1, 1, 3), s.clusters());
        assertEquals(30, s.finding().images());
        assertEquals(30 / 72.0, s.fractionOfClass(), 1e-12);
        assertEquals(tag, s.finding().region());

        // followers that would dilute the subgroup below --min-share are left out rather than losing the subgroup
        List<SubgroupDetector.ClusterStat> diluted = new ArrayList<>(clusters);
        List<float[]> many = images(200, tag, 1.0, 0.23, 25);
        diluted.addAll(clusterStats("a", 5, many, p.imageShare()));
        List<float[]> classA2 = new ArrayList<>(classA);
        classA2.addAll(many);
        List<RegionStat> classStats2 = new ArrayList<>(stats("a", classA2, p.imageShare()));
        classStats2.addAll(stats("b", images(60, null, 0, 23), p.imageShare()));
        List<SubgroupDetector.Subgroup> kept = new SubgroupDetector(p, REGIONS).detect(diluted, classStats2);
        assertEquals(1, kept.size(), kept.toString());
        assertEquals(List.of(1, 3), kept.get(0).clusters());
    }

    @Test
    void signTestMatchesTheBinomialTail() {
        assertEquals(1.0, SignTest.pValue(0, 0), 0);
        assertEquals(0.75, SignTest.pValue(1, 1), 1e-12); // P(X ≥ 1 | n = 2) = 3/4
        assertEquals(Math.pow(0.5, 10), SignTest.pValue(10, 0), 1e-15);
        assertEquals(11 * Math.pow(0.5, 10), SignTest.pValue(9, 1), 1e-15);
        assertTrue(SignTest.pValue(30, 2) < 1e-6);
        // the binomial tail against its sum term by term (in log space), small tails included
        for (long[] kn : new long[][] {{3, 10}, {40, 60}, {95, 100}, {1, 1}, {0, 5}, {6, 5}, {2, 0}}) {
            for (double p0 : new double[] {0.03, 0.3, 0.5, 0.9}) {
                double sum = 0;
                for (long i = Math.max(0, kn[0]); i <= kn[1]; i++) {
                    double logC = 0;
                    for (long j = 1; j <= i; j++) {
                        logC += Math.log(kn[1] - i + j) - Math.log(j);
                    }
                    sum += Math.exp(logC + i * Math.log(p0) + (kn[1] - i) * Math.log1p(-p0));
                }
                double expected = kn[0] <= 0 ? 1.0 : Math.min(1.0, sum);
                assertEquals(expected, SignTest.binomialTail(kn[0], kn[1], p0), 1e-12 + 1e-9 * expected, kn[0] + " of " + kn[1] + " at " + p0);
            }
        }
        // Holm: sorted p 0.01, 0.02, 0.04 with m = 3 -> 0.03, max(0.03, 0.04), max(0.04, 0.04); the order of the input is kept
        double[] adjusted = SignTest.holm(new double[] {0.04, 0.01, 0.02});
        assertEquals(0.04, adjusted[0], 1e-15);
        assertEquals(0.03, adjusted[1], 1e-15);
        assertEquals(0.04, adjusted[2], 1e-15);
        assertEquals(1.0, SignTest.holm(new double[] {0.5, 0.6})[1], 0);
        Confirmation pooled = Confirmation.pool(List.of(new Confirmation(10, 8, 1, 7, 0, 0.5, 0.1), new Confirmation(30, 12, 3, 10, 1, 0.3, 0.0)));
        assertEquals(new Confirmation(40, 20, 4, 17, 1, (10 * 0.5 + 30 * 0.3) / 40, 0.025), pooled);
    }

    @Test
    void regionsMapToTheStatisticsCellBounds() {
        assertEquals(List.of(24, 0, 32, 8), java.util.Arrays.stream(new Region(G, 6, 0, 2).pixelBox(32, 32)).boxed().toList());
        assertEquals(List.of(0, 0, 4, 4), java.util.Arrays.stream(new Region(G, 0, 0, 1).pixelBox(30, 30)).boxed().toList());
        assertEquals(64 + 49, REGIONS.size());
        assertTrue(new Region(G, 6, 0, 2).describe().startsWith("lower-left corner"));
    }
}
