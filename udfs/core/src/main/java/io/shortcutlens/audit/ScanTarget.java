package io.shortcutlens.audit;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the scan hides for confirmed findings: a class and the regions to hide together (one, or every place of a
 * {@link Scope#PLACES} finding: a swatch in a random corner is gone only when every corner it was found at is hidden),
 * and the findings it stands for. Findings of the same class at the same regions — one shortcut seen through several
 * methods' maps — are one target, so each image is masked once for them.
 *
 * @param className  the class whose images are tested
 * @param regions    regions hidden together, in one pass
 * @param findingIds the audit's findings this target stands for
 */
public record ScanTarget(String className, List<Region> regions, List<Integer> findingIds) implements Serializable {

    public ScanTarget {
        regions = List.copyOf(regions);
        findingIds = List.copyOf(findingIds);
        if (regions.isEmpty()) {
            throw new IllegalArgumentException("a scan target needs at least one region (class " + className + ")");
        }
    }

    /**
     * One finding as the scan reads it back from the findings table.
     *
     * @param regions the finding's region, or its places' regions for a places finding
     */
    public record Stated(int findingId, String className, String verdict, List<Region> regions) { }

    /** The targets of the findings with one of {@code verdicts}: one per class and set of regions, in finding order. */
    public static List<ScanTarget> of(List<Stated> findings, List<String> verdicts) {
        Map<List<Object>, List<Stated>> groups = new LinkedHashMap<>();
        for (Stated f : findings) {
            if (verdicts.contains(f.verdict()) && !f.regions().isEmpty()) {
                List<Region> sorted = new ArrayList<>(f.regions());
                sorted.sort(java.util.Comparator.comparingInt(Region::grid).thenComparingInt(Region::row).thenComparingInt(Region::col)
                        .thenComparingInt(Region::height).thenComparingInt(Region::width));
                groups.computeIfAbsent(List.of(f.className(), List.copyOf(new java.util.LinkedHashSet<>(sorted))), k -> new ArrayList<>()).add(f);
            }
        }
        List<ScanTarget> out = new ArrayList<>();
        groups.forEach((key, fs) -> {
            @SuppressWarnings("unchecked")
            List<Region> regions = (List<Region>) key.get(1);
            out.add(new ScanTarget(fs.get(0).className(), regions, fs.stream().map(Stated::findingId).toList()));
        });
        return out;
    }

    /** The regions' pixel boxes {@code {y0, x0, y1, x1}} at an input of {@code h × w}. */
    public List<int[]> pixelBoxes(int h, int w) {
        return regions.stream().map(r -> r.pixelBox(h, w)).toList();
    }
}
