package io.shortcutlens.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Findings carried by part of a class, in the spirit of SpRAy (Lapuschkin et al. 2019): the images of each class are
 * clustered by their attribution grids (the audit uses Spark MLlib's KMeans), each cluster is judged by the same rules
 * as a whole class, and clusters of one class and method whose flagged regions overlap are merged into one subgroup —
 * so a shortcut that sits in one of a few places (one subgroup per place) or in a fifth of a class is found, and a
 * subgroup that KMeans split in two is reported whole — including a part whose maps are less concentrated but look at
 * the same place ({@link #joinFollowers}). A subgroup's figures are exact: region shares and consistencies
 * are means over images, so the figures of merged clusters are their image-weighted means.
 */
public final class SubgroupDetector {

    /** Region statistics of one cluster: {@code stat.className()} is the class the cluster belongs to. */
    public record ClusterStat(int cluster, RegionStat stat) { }

    /**
     * A concentrated subgroup: the finding (its {@code images} are the subgroup's), the clusters that form it, the
     * size of the class it was found in, and the subgroup's statistics in every region.
     */
    public record Subgroup(ShortcutFinding finding, List<Integer> clusters, long classImages, List<RegionStat> regionStats) {
        public double fractionOfClass() {
            return classImages == 0 ? 0 : (double) finding.images() / classImages;
        }
    }

    private final DetectorParams params;
    private final List<Region> regions;
    private final ShortcutDetector detector;

    public SubgroupDetector(DetectorParams params, List<Region> regions) {
        this.params = params;
        this.regions = regions;
        this.detector = new ShortcutDetector(params, regions);
    }

    /**
     * @param clusterStats per (class, method, cluster, region) statistics over the cluster's images
     * @param classStats   per (class, method, region) statistics over whole classes, for the contrast with other classes
     */
    public List<Subgroup> detect(List<ClusterStat> clusterStats, List<RegionStat> classStats) {
        Map<String, Double> others = detector.otherClassesShares(classStats);
        Map<String, Map<Integer, List<RegionStat>>> byClassMethod = new TreeMap<>();
        for (ClusterStat c : clusterStats) {
            byClassMethod.computeIfAbsent(c.stat().className() + "\u0000" + c.stat().method(), k -> new TreeMap<>())
                    .computeIfAbsent(c.cluster(), k -> new ArrayList<>()).add(c.stat());
        }
        List<Subgroup> out = new ArrayList<>();
        for (Map<Integer, List<RegionStat>> clusters : byClassMethod.values()) {
            long classImages = clusters.values().stream().mapToLong(s -> s.get(0).images()).sum();
            List<Integer> ids = new ArrayList<>(clusters.keySet());
            Map<Integer, List<ShortcutFinding>> flagged = new TreeMap<>();
            for (int id : ids) {
                List<ShortcutFinding> f = detector.judge(clusters.get(id), others);
                if (!f.isEmpty()) {
                    flagged.put(id, f);
                }
            }
            for (List<Integer> flaggedGroup : overlapping(flagged)) {
                // with the clusters that follow its place, unless they dilute it below the thresholds
                List<Integer> group = new ArrayList<>(flaggedGroup);
                joinFollowers(group, flagged, clusters);
                List<Subgroup> found = judgeGroup(group, flagged, clusters, others, classImages);
                out.addAll(found.isEmpty() && group.size() > flaggedGroup.size()
                        ? judgeGroup(flaggedGroup, flagged, clusters, others, classImages) : found);
            }
        }
        return out;
    }

    private List<Subgroup> judgeGroup(List<Integer> group, Map<Integer, List<ShortcutFinding>> flagged, Map<Integer, List<RegionStat>> clusters,
                                      Map<String, Double> others, long classImages) {
        List<Subgroup> out = new ArrayList<>();
        List<RegionStat> union = union(group, clusters);
        if (union.get(0).images() < params.minImages()) {
            return out;
        }
        for (ShortcutFinding f : detector.judge(union, others)) {
            boolean memberFlaggedThere = group.stream().filter(flagged::containsKey)
                    .anyMatch(id -> flagged.get(id).stream().anyMatch(m -> m.region().overlaps(f.region())));
            if (memberFlaggedThere) {
                out.add(new Subgroup(f, group, classImages, union));
            }
        }
        return out;
    }

    /**
     * A cluster that was not flagged itself joins a group when the group's place is its own strongest small region
     * and at least {@code minConsistency} of its images use that place: the place is where those images look too,
     * only less exclusively (KMeans may cut a subgroup by how concentrated its maps are, not only by where).
     */
    private void joinFollowers(List<Integer> group, Map<Integer, List<ShortcutFinding>> flagged, Map<Integer, List<RegionStat>> clusters) {
        List<Region> places = group.stream().flatMap(id -> flagged.get(id).stream()).map(ShortcutFinding::region).toList();
        for (Map.Entry<Integer, List<RegionStat>> c : clusters.entrySet()) {
            if (flagged.containsKey(c.getKey()) || group.contains(c.getKey())) {
                continue;
            }
            RegionStat strongest = c.getValue().stream().filter(s -> regions.get(s.regionIndex()).area() <= params.maxArea() + 1e-12)
                    .max(java.util.Comparator.comparingDouble(RegionStat::meanShare)).orElse(null);
            if (strongest == null) {
                continue;
            }
            Region top = regions.get(strongest.regionIndex());
            boolean follows = places.stream().anyMatch(p -> p.overlaps(top) && c.getValue().stream()
                    .anyMatch(s -> regions.get(s.regionIndex()).equals(p) && s.consistency() >= params.minConsistency()));
            if (follows) {
                group.add(c.getKey());
            }
        }
        java.util.Collections.sort(group);
    }

    /** Flagged clusters joined whenever a flagged region of one overlaps a flagged region of another (transitively). */
    private static List<List<Integer>> overlapping(Map<Integer, List<ShortcutFinding>> flagged) {
        List<Integer> ids = new ArrayList<>(flagged.keySet());
        int[] parent = new int[ids.size()];
        for (int i = 0; i < parent.length; i++) {
            parent[i] = i;
        }
        for (int i = 0; i < ids.size(); i++) {
            for (int j = i + 1; j < ids.size(); j++) {
                int a = i;
                int b = j;
                boolean touch = flagged.get(ids.get(a)).stream().anyMatch(x -> flagged.get(ids.get(b)).stream().anyMatch(y -> x.region().overlaps(y.region())));
                if (touch) {
                    parent[root(parent, a)] = root(parent, b);
                }
            }
        }
        Map<Integer, List<Integer>> groups = new TreeMap<>();
        for (int i = 0; i < ids.size(); i++) {
            groups.computeIfAbsent(root(parent, i), k -> new ArrayList<>()).add(ids.get(i));
        }
        return new ArrayList<>(groups.values());
    }

    private static int root(int[] parent, int i) {
        while (parent[i] != i) {
            i = parent[i];
        }
        return i;
    }

    /** Statistics of the union of some clusters: image-weighted means of theirs, region by region. */
    private static List<RegionStat> union(List<Integer> group, Map<Integer, List<RegionStat>> clusters) {
        Map<Integer, double[]> acc = new TreeMap<>();
        String cls = null;
        String method = null;
        for (int id : group) {
            for (RegionStat s : clusters.get(id)) {
                cls = s.className();
                method = s.method();
                double[] a = acc.computeIfAbsent(s.regionIndex(), k -> new double[3]);
                a[0] += s.images();
                a[1] += s.images() * s.meanShare();
                a[2] += s.images() * s.consistency();
            }
        }
        List<RegionStat> out = new ArrayList<>();
        for (Map.Entry<Integer, double[]> e : acc.entrySet()) {
            double[] a = e.getValue();
            out.add(new RegionStat(cls, method, e.getKey(), (long) a[0], a[1] / a[0], a[2] / a[0]));
        }
        return out;
    }
}
