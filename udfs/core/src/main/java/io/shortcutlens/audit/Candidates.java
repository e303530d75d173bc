package io.shortcutlens.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns the detectors' output into the candidates the evidence tests run on: one per class finding, one per
 * concentrated subgroup that no class finding of the same class and method already covers, and — where a class and
 * method has such subgroups in two or more places — one {@link Scope#PLACES} candidate pooling them.
 */
public final class Candidates {
    private Candidates() { }

    /** A class and method, the key the candidates of one class are grouped by. */
    record ClassMethod(String className, String method) { }

    public static List<Candidate> build(List<ShortcutFinding> classFindings, List<RegionStat> classStats, List<SubgroupDetector.Subgroup> subgroups,
                                        List<Region> regions, ControlChoice control) {
        List<Candidate> out = new ArrayList<>();
        for (ShortcutFinding f : classFindings) {
            List<RegionStat> group = classStats.stream().filter(s -> s.className().equals(f.className()) && s.method().equals(f.method())).toList();
            out.add(new Candidate(out.size(), f, Scope.CLASS, List.of(), f.images(),
                    List.of(new Place(f.region(), List.of(), control.choose(f, group, regions))), List.of()));
        }
        Map<ClassMethod, List<Candidate>> uncovered = new TreeMap<>(java.util.Comparator.comparing(ClassMethod::className)
                .thenComparing(ClassMethod::method));
        for (SubgroupDetector.Subgroup g : subgroups) {
            if (!covered(g, classFindings)) {
                ShortcutFinding f = g.finding();
                Candidate c = new Candidate(out.size(), f, Scope.SUBGROUP, g.clusters(), g.classImages(),
                        List.of(new Place(f.region(), g.clusters(), control.choose(f, g.regionStats(), regions))), List.of());
                out.add(c);
                uncovered.computeIfAbsent(new ClassMethod(f.className(), f.method()), k -> new ArrayList<>()).add(c);
            }
        }
        for (List<Candidate> several : uncovered.values()) {
            List<Candidate> apart = disjoint(several);
            if (apart.size() >= 2) {
                out.add(places(out.size(), apart));
            }
        }
        return out;
    }

    /**
     * One {@link Scope#POSITION_FREE} candidate per position-free finding, ids from {@code firstId}: its place is the
     * block most of its images use, with the class's control there (for the report; the tests run each image at its own).
     */
    public static List<Candidate> positionFree(int firstId, List<ShortcutFinding> findings, List<RegionStat> classStats, List<Region> regions,
                                               ControlChoice control) {
        List<Candidate> out = new ArrayList<>();
        for (ShortcutFinding f : findings) {
            List<RegionStat> group = classStats.stream().filter(s -> s.className().equals(f.className()) && s.method().equals(f.method())).toList();
            out.add(new Candidate(firstId + out.size(), f, Scope.POSITION_FREE, List.of(), f.images(),
                    List.of(new Place(f.region(), List.of(), control.choose(f, group, regions))), List.of()));
        }
        return out;
    }

    /**
     * The subgroups of one class and method that share no cluster, largest first: one group of images flagged in two
     * regions is one subgroup with two regions, not a cue in two places (pooling it would count its images twice).
     */
    static List<Candidate> disjoint(List<Candidate> subgroups) {
        List<Candidate> bySize = new ArrayList<>(subgroups);
        bySize.sort(java.util.Comparator.comparingLong((Candidate c) -> c.finding().images()).reversed().thenComparingInt(Candidate::id));
        List<Candidate> kept = new ArrayList<>();
        java.util.Set<Integer> used = new java.util.HashSet<>();
        for (Candidate c : bySize) {
            if (c.clusters().stream().noneMatch(used::contains)) {
                kept.add(c);
                used.addAll(c.clusters());
            }
        }
        kept.sort(java.util.Comparator.comparingInt(Candidate::id));
        return kept;
    }

    /** Whether a class finding of the same class and method already covers the subgroup's region. */
    static boolean covered(SubgroupDetector.Subgroup g, List<ShortcutFinding> found) {
        return found.stream().anyMatch(f -> f.className().equals(g.finding().className()) && f.method().equals(g.finding().method())
                && f.region().overlaps(g.finding().region()));
    }

    /**
     * One candidate for the concentrated subgroups of one class and method that sit in several places: its figures are
     * the image-weighted means of theirs, its region the largest subgroup's, and each subgroup is one place.
     */
    static Candidate places(int id, List<Candidate> parts) {
        long n = 0;
        double share = 0, consistency = 0, others = 0, contrast = 0;
        Candidate largest = parts.get(0);
        List<Integer> clusters = new ArrayList<>();
        List<Place> places = new ArrayList<>();
        for (Candidate g : parts) {
            ShortcutFinding f = g.finding();
            n += f.images();
            share += f.images() * f.meanShare();
            consistency += f.images() * f.consistency();
            others += f.images() * f.otherClassesShare();
            contrast += f.images() * f.contrast();
            largest = f.images() > largest.finding().images() ? g : largest;
            clusters.addAll(g.clusters());
            places.addAll(g.places());
        }
        ShortcutFinding f = largest.finding();
        return new Candidate(id, new ShortcutFinding(f.className(), f.method(), f.region(), n, share / n, consistency / n, others / n, contrast / n),
                Scope.PLACES, clusters, largest.classImages(), places, parts);
    }
}
