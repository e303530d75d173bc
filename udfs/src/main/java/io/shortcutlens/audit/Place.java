package io.shortcutlens.audit;

import java.io.Serializable;
import java.util.List;

/**
 * Where a finding's images are tested: the region, the clusters whose images it concerns (empty: the whole class)
 * and its control region. A class or subgroup finding has one place; a {@link Scope#PLACES} finding — a class whose
 * concentrated subgroups sit in several places, like a swatch in a random corner — has one per subgroup, and its
 * tests pool them, each image tested at its own subgroup's region.
 */
public record Place(Region region, List<Integer> clusters, Region control) implements Serializable {
    public Place {
        clusters = List.copyOf(clusters);
        if (region.overlaps(control) || !region.sameShape(control)) {
            throw new IllegalArgumentException("a control must be as large as its region and apart from it: " + region + " / " + control);
        }
    }
}
