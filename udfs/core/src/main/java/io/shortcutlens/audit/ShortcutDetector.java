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
 * reduced to the one with the largest mean share. {@link #judge} applies the same rules to any group of images, which
 * is how subgroups of a class are judged.
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
        Map<String, Double> others = otherClassesShares(stats);
        Map<String, List<RegionStat>> byClassMethod = new java.util.TreeMap<>();
        for (RegionStat s : stats) {
            if (s.images() >= params.minImages()) {
                byClassMethod.computeIfAbsent(s.className() + "\u0000" + s.method(), k -> new ArrayList<>()).add(s);
            }
        }
        List<ShortcutFinding> kept = new ArrayList<>();
        for (List<RegionStat> group : byClassMethod.values()) {
            kept.addAll(judge(group, others));
        }
        kept.sort(ORDER);
        return kept;
    }

    /**
     * The regions an earlier audit stated ({@code earlier}: class, method, region), measured again on these statistics
     * whatever the thresholds say, so that the same evidence tests run on the same regions after a model changed (a
     * corrected model that no longer concentrates there is still tested there). A region already among {@code detected}
     * for its class and method, one not on this audit's grid of candidate regions, and a class with fewer than the
     * minimum of images are left out.
     */
    public List<ShortcutFinding> recheck(List<RegionStat> stats, List<ShortcutFinding> detected, List<FindingsDiff.Stated> earlier) {
        Map<String, Double> others = otherClassesShares(stats);
        List<ShortcutFinding> out = new ArrayList<>();
        for (FindingsDiff.Stated e : earlier) {
            int index = e.region() == null ? -1 : regions.indexOf(e.region());
            if (index < 0 || e.method() == null) {
                continue;
            }
            boolean known = java.util.stream.Stream.concat(detected.stream(), out.stream())
                    .anyMatch(f -> f.className().equals(e.className()) && f.method().equals(e.method()) && f.region().equals(e.region()));
            if (known) {
                continue;
            }
            for (RegionStat s : stats) {
                if (s.regionIndex() == index && s.className().equals(e.className()) && s.method().equals(e.method()) && s.images() >= params.minImages()) {
                    double otherShare = others.getOrDefault(key(s.className(), s.method(), index), 0.0);
                    out.add(new ShortcutFinding(s.className(), s.method(), e.region(), s.images(), s.meanShare(), s.consistency(), otherShare,
                            s.meanShare() - otherShare));
                }
            }
        }
        return out;
    }

    /**
     * Mean share of every (method, region) over the classes other than each class, from classes with at least
     * {@code minImages} images; keyed by {@link #key(String, String, int)}.
     */
    public Map<String, Double> otherClassesShares(List<RegionStat> stats) {
        Map<String, Map<String, Double>> byMethodRegion = new HashMap<>();
        for (RegionStat s : stats) {
            if (s.images() >= params.minImages()) {
                byMethodRegion.computeIfAbsent(s.method() + "#" + s.regionIndex(), k -> new HashMap<>()).put(s.className(), s.meanShare());
            }
        }
        Map<String, Double> out = new HashMap<>();
        for (RegionStat s : stats) {
            Map<String, Double> perClass = byMethodRegion.getOrDefault(s.method() + "#" + s.regionIndex(), Map.of());
            double sum = 0;
            int n = 0;
            for (Map.Entry<String, Double> o : perClass.entrySet()) {
                if (!o.getKey().equals(s.className())) {
                    sum += o.getValue();
                    n++;
                }
            }
            out.put(key(s.className(), s.method(), s.regionIndex()), n == 0 ? 0 : sum / n);
        }
        return out;
    }

    static String key(String className, String method, int regionIndex) {
        return className + "\u0000" + method + "\u0000" + regionIndex;
    }

    /**
     * The findings of one group of images — a class, or a subgroup of one — under one method: regions passing every
     * threshold, strongest first, overlapping ones reduced to the strongest (then to its tightest block). The group's
     * size is not judged here.
     */
    public List<ShortcutFinding> judge(List<RegionStat> group, Map<String, Double> otherShares) {
        List<ShortcutFinding> candidates = new ArrayList<>();
        for (RegionStat s : group) {
            Region region = regions.get(s.regionIndex());
            if (region.area() > params.maxArea() + 1e-12) {
                continue;
            }
            double otherShare = otherShares.getOrDefault(key(s.className(), s.method(), s.regionIndex()), 0.0);
            double contrast = s.meanShare() - otherShare;
            if (s.meanShare() >= params.minShare() && s.consistency() >= params.minConsistency() && contrast >= params.minContrast()) {
                candidates.add(new ShortcutFinding(s.className(), s.method(), region, s.images(), s.meanShare(), s.consistency(),
                        otherShare, contrast));
            }
        }
        candidates.sort(ORDER);
        List<ShortcutFinding> kept = new ArrayList<>();
        for (ShortcutFinding f : candidates) {
            if (kept.stream().noneMatch(k -> k.region().overlaps(f.region()))) {
                kept.add(tightest(f, candidates));
            }
        }
        return kept;
    }

    private static final Comparator<ShortcutFinding> ORDER = Comparator.comparingDouble(ShortcutFinding::meanShare).reversed()
            .thenComparing(ShortcutFinding::className).thenComparing(ShortcutFinding::method)
            .thenComparingInt(f -> f.region().cells()).thenComparingInt(f -> f.region().height()).thenComparingInt(f -> f.region().row()).thenComparingInt(f -> f.region().col());

    /**
     * A larger block always holds at least the share of a smaller one inside it; report the smallest flagged block
     * inside {@code f} that keeps at least {@value #TIGHT_SHARE} of its share, so a one-cell swatch is not reported as
     * the 2×2 block around it.
     */
    private static ShortcutFinding tightest(ShortcutFinding f, List<ShortcutFinding> candidates) {
        ShortcutFinding best = f;
        for (ShortcutFinding c : candidates) {
            if (f.region().contains(c.region()) && c.region().cells() < best.region().cells() && c.meanShare() >= TIGHT_SHARE * f.meanShare()) {
                best = c;
            }
        }
        return best;
    }
}
