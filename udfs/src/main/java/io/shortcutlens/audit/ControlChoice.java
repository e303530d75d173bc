package io.shortcutlens.audit;

import java.util.Comparator;
import java.util.List;

/**
 * The control of a finding's tests: an equal-sized region apart from the finding — not overlapping it and not touching
 * it, so that an artifact larger than the region (a line, a long watermark) is not its own control — by default the one where the
 * group of images puts the most attribution after the finding ({@link #STRONGEST}: the region must matter more than
 * anything else of its size, so a part of an object that the whole object would explain as well is not confirmed),
 * or the one where it puts the least ({@link #WEAKEST}: hiding just anything does not flip).
 */
public enum ControlChoice {
    STRONGEST, WEAKEST;

    /** The control for {@code f} among {@code candidates}, from the group's statistics in every region (ties: lower index). */
    public Region choose(ShortcutFinding f, List<RegionStat> groupStats, List<Region> candidates) {
        Comparator<RegionStat> order = Comparator.comparingDouble(RegionStat::meanShare);
        if (this == STRONGEST) {
            order = order.reversed();
        }
        return groupStats.stream()
                .filter(s -> candidates.get(s.regionIndex()).size() == f.region().size() && !touches(candidates.get(s.regionIndex()), f.region()))
                .min(order.thenComparingInt(RegionStat::regionIndex))
                .map(s -> candidates.get(s.regionIndex()))
                .orElseGet(() -> fallback(f, groupStats, candidates));
    }

    /** Whether two regions overlap or share an edge or a corner. */
    static boolean touches(Region a, Region b) {
        return a.row() <= b.row() + b.size() && b.row() <= a.row() + a.size() && a.col() <= b.col() + b.size() && b.col() <= a.col() + a.size();
    }

    /** On a grid too small for a region apart from the finding: any equal-sized one not overlapping it. */
    private Region fallback(ShortcutFinding f, List<RegionStat> groupStats, List<Region> candidates) {
        Comparator<RegionStat> order = Comparator.comparingDouble(RegionStat::meanShare);
        return groupStats.stream()
                .filter(s -> candidates.get(s.regionIndex()).size() == f.region().size() && !candidates.get(s.regionIndex()).overlaps(f.region()))
                .min((this == STRONGEST ? order.reversed() : order).thenComparingInt(RegionStat::regionIndex))
                .map(s -> candidates.get(s.regionIndex()))
                .orElseThrow(() -> new IllegalStateException("no control region for " + f));
    }
}
