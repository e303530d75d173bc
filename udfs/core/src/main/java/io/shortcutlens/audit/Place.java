package io.shortcutlens.audit;

import java.io.Serializable;
import java.util.List;

/**
 * Where a finding's images are tested: the region, the clusters whose images it concerns (empty: the whole class)
 * and its control region. A class or subgroup finding has one place; a {@link Scope#PLACES} finding — a class whose
 * concentrated subgroups sit in several places, like a swatch in a random corner — has one per subgroup, and its
 * tests pool them, each image tested at its own subgroup's region.
 * <p>A subgroup's place concerns only those of its clusters' images whose own map uses the region ({@link #concerns}):
 * KMeans clusters attribution grids, so a cluster at a corner also holds images that look a little everywhere, and a
 * swatch in a random corner is then tested on a mix of images with and without it there (measured on the Decoy
 * family's random-corner case: 21 of the 34 shirts of the lower-left subgroup carried the swatch there, and nothing of
 * the region was stamped). A class-wide place concerns every image of the class: the claim is the class's.
 */
public record Place(Region region, List<Integer> clusters, Region control) implements Serializable {
    /**
     * Whether an image with this attribution-mass grid is tested at this place: every image of a class-wide place; for
     * a subgroup, an image whose own share of positive mass in the region reaches {@code imageShare} (the share at which
     * the detector counts an image as using a region).
     */
    public boolean concerns(float[] massGrid, double imageShare) {
        return clusters.isEmpty() || uses(massGrid, imageShare);
    }

    /**
     * Whether an image's own map uses the region: its share of positive mass there reaches {@code imageShare}. A subgroup's
     * place is tested on such images; a class-wide place reads its content on them ({@code AuditEvidence}).
     */
    public boolean uses(float[] massGrid, double imageShare) {
        return region.mass(massGrid) >= imageShare;
    }

    public Place {
        clusters = List.copyOf(clusters);
        if (region.overlaps(control) || !region.sameArea(control)) {
            throw new IllegalArgumentException("a control must be as large as its region and apart from it: " + region + " / " + control);
        }
    }
}
