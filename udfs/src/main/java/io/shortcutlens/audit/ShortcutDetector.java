package io.shortcutlens.audit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Flags (class, method, region) triples from aggregated region statistics. No location is preferred: every candidate
 * region is judged by the same four figures — mean share, consistency across the class's images, contrast with the
 * other classes' mean share in the same region, and area. Overlapping flagged regions of one class and method are
 * reduced to the one with the largest mean share.
 */
public final class ShortcutDetector {

    private static final double TIGHT_SHARE = 0.8;

    private final DetectorParams params;
    private final List<Region> regions;

    public ShortcutDetector(DetectorParams params, List<Region> regions) {
        this.params = params;
        this.regions = regions;
    }

    public List<ShortcutFinding> detect(List<RegionStat> stats) {
        // mean share of every (method, region) per class, to compare a class with the others
        Map<String, Map<String, RegionStat>> byMethodRegion = new HashMap<>();
        for (RegionStat s : stats) {
            if (s.images() >= params.minImages()) {
                byMethodRegion.computeIfAbsent(s.method() + "#" + s.regionIndex(), k -> new HashMap<>()).put(s.className(), s);
            }
        }
        List<ShortcutFinding> candidates = new ArrayList<>();
        for (Map<String, RegionStat> perClass : byMethodRegion.values()) {
            for (RegionStat s : perClass.values()) {
                Region region = regions.get(s.regionIndex());
                if (region.area() > params.maxArea() + 1e-12) {
                    continue;
                }
                double others = 0;
                int n = 0;
                for (RegionStat o : perClass.values()) {
                    if (!o.className().equals(s.className())) {
                        others += o.meanShare();
                        n++;
                    }
                }
                double otherShare = n == 0 ? 0 : others / n;
                double contrast = s.meanShare() - otherShare;
                if (s.meanShare() >= params.minShare() && s.consistency() >= params.minConsistency() && contrast >= params.minContrast()) {
                    candidates.add(new ShortcutFinding(s.className(), s.method(), region, s.images(), s.meanShare(), s.consistency(),
                            otherShare, contrast));
                }
            }
        }
        candidates.sort(Comparator.comparingDouble(ShortcutFinding::meanShare).reversed()
                .thenComparing(ShortcutFinding::className).thenComparing(ShortcutFinding::method)
                .thenComparingInt(f -> f.region().size()).thenComparingInt(f -> f.region().row()).thenComparingInt(f -> f.region().col()));
        List<ShortcutFinding> kept = new ArrayList<>();
        for (ShortcutFinding f : candidates) {
            boolean covered = kept.stream().anyMatch(k -> k.className().equals(f.className()) && k.method().equals(f.method())
                    && k.region().overlaps(f.region()));
            if (!covered) {
                kept.add(tightest(f, candidates));
            }
        }
        return kept;
    }

    /**
     * A larger block always holds at least the share of a smaller one inside it; report the smallest flagged block
     * inside {@code f} that keeps at least {@value #TIGHT_SHARE} of its share, so a one-cell swatch is not reported as
     * the 2×2 block around it.
     */
    private static ShortcutFinding tightest(ShortcutFinding f, List<ShortcutFinding> candidates) {
        ShortcutFinding best = f;
        for (ShortcutFinding c : candidates) {
            if (c.className().equals(f.className()) && c.method().equals(f.method()) && f.region().contains(c.region())
                    && c.region().size() < best.region().size() && c.meanShare() >= TIGHT_SHARE * f.meanShare()) {
                best = c;
            }
        }
        return best;
    }
}
