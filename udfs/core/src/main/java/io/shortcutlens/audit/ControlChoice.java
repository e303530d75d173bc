package io.shortcutlens.audit;

import java.util.Comparator;
import java.util.List;

/**
 * The control of a finding's tests: a region of the same area (as many grid cells, of any shape: square or strip) not
 * overlapping the finding — by default the one where the group of images puts the most attribution after the finding
 * ({@link #STRONGEST}: the region must matter more than anything else of its size, so a part of an object that the
 * whole object would explain as well is not confirmed), or the one where it puts the least ({@link #WEAKEST}: hiding
 * just anything does not flip). Any shape, because a control of the finding's own shape can miss the object: for an
 * animal whose body is a horizontal band, a 1×4 strip through its middle would be compared only with other 1×4
 * strips, which hold less of the body than a 2×2 square of it. (A 1×3 strip has no square of its area; the demo's
 * Grad-CAM cow strip is one, and the verdict rules, not the control, keep it from being called a shortcut.)
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
                .filter(s -> candidates.get(s.regionIndex()).sameArea(f.region()) && !candidates.get(s.regionIndex()).overlaps(f.region()))
                .min(order.thenComparingInt(RegionStat::regionIndex))
                .map(s -> candidates.get(s.regionIndex()))
                .orElseThrow(() -> new IllegalStateException("no control region for " + f));
    }
}
