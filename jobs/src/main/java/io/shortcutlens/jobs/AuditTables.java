package io.shortcutlens.jobs;

import io.shortcutlens.audit.AuditFinding;
import io.shortcutlens.audit.Confirmation;
import io.shortcutlens.audit.ContentConsistency;
import io.shortcutlens.audit.GlobalCueProbe;
import io.shortcutlens.audit.Intervals;
import io.shortcutlens.audit.Region;
import io.shortcutlens.audit.RegionMasker;
import io.shortcutlens.audit.RegionStat;
import io.shortcutlens.audit.ShortcutFinding;
import io.shortcutlens.audit.SubgroupDetector;
import io.shortcutlens.audit.Sufficiency;
import io.shortcutlens.audit.Transplant;
import io.shortcutlens.audit.Verdict;
import io.shortcutlens.lake.LakeTables;
import io.shortcutlens.pipeline.ExplainManifest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The audit's tables: findings (with every figure behind each verdict), subgroups, and the console summary. */
final class AuditTables {
    private AuditTables() { }

    private static StructField f(String name, DataType type, boolean nullable) {
        return DataTypes.createStructField(name, type, nullable);
    }

    static final StructType FINDINGS = DataTypes.createStructType(new StructField[] {
        f("finding_id", DataTypes.IntegerType, false), f("view", DataTypes.StringType, false), f("class", DataTypes.StringType, false),
        f("method", DataTypes.StringType, true), f("scope", DataTypes.StringType, false),
        f("clusters", DataTypes.createArrayType(DataTypes.IntegerType, false), false), f("class_images", DataTypes.LongType, false),
        f("location", DataTypes.StringType, true), f("places", DataTypes.createArrayType(DataTypes.StringType, false), false),
        f("place_regions", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.IntegerType, false), false), false),
        f("grid_size", DataTypes.IntegerType, true), f("region_row", DataTypes.IntegerType, true), f("region_col", DataTypes.IntegerType, true),
        f("region_height", DataTypes.IntegerType, true),
        f("region_width", DataTypes.IntegerType, true), f("images", DataTypes.LongType, false), f("mean_share", DataTypes.DoubleType, true),
        f("consistency", DataTypes.DoubleType, true), f("other_classes_share", DataTypes.DoubleType, true), f("contrast", DataTypes.DoubleType, true),
        f("control_location", DataTypes.StringType, true), f("confirm_images", DataTypes.LongType, false),
        f("flip_rate_region", DataTypes.DoubleType, true), f("flip_rate_control", DataTypes.DoubleType, true),
        f("mean_drop_region", DataTypes.DoubleType, true), f("mean_drop_control", DataTypes.DoubleType, true),
        f("p_value", DataTypes.DoubleType, true), f("p_adjusted", DataTypes.DoubleType, false),
        f("transplant_pairs", DataTypes.LongType, true), f("transplant_rate_region", DataTypes.DoubleType, true),
        f("transplant_rate_control", DataTypes.DoubleType, true), f("transplant_p", DataTypes.DoubleType, true),
        f("transplant_p_adjusted", DataTypes.DoubleType, true),
        f("sufficiency_rate_region", DataTypes.DoubleType, true), f("sufficiency_rate_control", DataTypes.DoubleType, true),
        f("sufficiency_rate_blank", DataTypes.DoubleType, true), f("sufficiency_p", DataTypes.DoubleType, true),
        f("stamped_share", DataTypes.DoubleType, true), f("control_stamped_share", DataTypes.DoubleType, true),
        f("content_spread", DataTypes.DoubleType, true), f("object_overlap", DataTypes.DoubleType, true),
        f("cue_leave", DataTypes.StringType, true), f("cue_enter", DataTypes.StringType, true), f("cue_leave_rate", DataTypes.DoubleType, true),
        f("cue_others_leave_rate", DataTypes.DoubleType, true), f("cue_enter_rate", DataTypes.DoubleType, true),
        f("cue_typical_enter_rate", DataTypes.DoubleType, true),
        f("verdict", DataTypes.StringType, false), f("reason", DataTypes.StringType, false), f("fill", DataTypes.StringType, false),
        f("thresholds", DataTypes.StringType, false), f("model_id", DataTypes.StringType, true), f("run_id", DataTypes.StringType, true),
        // 95% intervals at the images behind each figure (an audit of a --per-class sample says what its N bought)
        f("mean_share_low", DataTypes.DoubleType, true), f("mean_share_high", DataTypes.DoubleType, true),
        f("flip_rate_low", DataTypes.DoubleType, true), f("flip_rate_high", DataTypes.DoubleType, true),
        // a global cue's kind: whole_image (a pair of opposite changes) or texture (shuffling keeps it, a low-pass removes it)
        f("cue_kind", DataTypes.StringType, true),
        // a position-free finding: the share of the class's own blocks in which the same piece recurs, and of the controls
        f("recurring_share", DataTypes.DoubleType, true), f("recurring_control_share", DataTypes.DoubleType, true),
        // a global cue: how far the class's own images carry what the removing change takes away (0.5: a typical class)
        f("cue_carried", DataTypes.DoubleType, true),
    });

    /** One row per regional finding, then one per class with a global cue ({@code scope = global}, no region). */
    /** How the audit ran, written beside every finding: the run's manifest, the class view, the fill that hid regions, the thresholds (JSON). */
    record Context(ExplainManifest manifest, String view, RegionMasker.Fill fill, String thresholds) { }

    static void writeFindings(SparkSession spark, LakeTables.Writer tables, String path, List<AuditFinding> findings, List<GlobalCueProbe.Cue> cues,
                              Context context) {
        ExplainManifest manifest = context.manifest();
        String view = context.view();
        RegionMasker.Fill fill = context.fill();
        String thresholds = context.thresholds();
        String modelId = manifest.model().modelId();
        String runId = manifest.runId();
        String fillName = fill.name().toLowerCase(Locale.ROOT);
        List<Row> rows = new ArrayList<>();
        for (AuditFinding c : findings) {
            ShortcutFinding f = c.finding();
            Confirmation k = c.confirmation();
            Transplant t = c.evidence().transplant();
            Sufficiency s = c.evidence().sufficiency();
            ContentConsistency cc = c.evidence().consistency();
            rows.add(RowFactory.create(c.id(), view, f.className(), f.method(), c.scope().label(), c.candidate().clusters().toArray(new Integer[0]),
                    c.candidate().classImages(), f.region().describe(), c.places().stream().map(x -> x.region().describe()).toArray(String[]::new),
                    c.places().stream().map(x -> gridBox(x.region())).toArray(Integer[][]::new),
                    f.region().grid(), f.region().row(), f.region().col(), f.region().height(), f.region().width(), f.images(), f.meanShare(), f.consistency(),
                    f.otherClassesShare(), f.contrast(), c.candidate().control().describe(), k.images(), k.flipRateRegion(), k.flipRateControl(),
                    k.meanDropRegion(), k.meanDropControl(), k.pValue(), c.pAdjusted(), t.pairs(), t.rateRegion(), t.rateControl(), t.pValue(),
                    c.evidence().transplantPAdjusted(), s.rateRegion(), s.rateControl(), s.rateBlank(), s.pValue(), cc.stampedShare(), cc.controlStampedShare(), cc.meanSpread(),
                    c.objectOverlap(), null, null, null, null, null, null, c.verdict().label(), c.judgement().reason(), fillName, thresholds,
                    String.valueOf(modelId), runId, share(c).low(), share(c).high(), flips(c).low(), flips(c).high(), null,
                    c.scope() == io.shortcutlens.audit.Scope.POSITION_FREE ? c.evidence().recurring().share() : null,
                    c.scope() == io.shortcutlens.audit.Scope.POSITION_FREE ? c.evidence().recurring().controlShare() : null, null));
        }
        int id = findings.stream().mapToInt(AuditFinding::id).max().orElse(-1) + 1;
        for (GlobalCueProbe.Cue q : cues) {
            if (q.judgement().verdict() != Verdict.GLOBAL_CUE) {
                continue;
            }
            rows.add(RowFactory.create(id++, view, q.className(), null, "global", new Integer[0], q.classImages(), null, new String[0], new Integer[0][], null, null,
                    null, null, null, q.classImages(), null, null, null, null, null, q.classImages(), null, null, null, null, null, q.pAdjusted(), null, null,
                    null, null, null, null, null, null, null, null, null, null, null, q.leaveWith().label(), q.enterWith().label(), q.leaveRate(),
                    q.othersLeaveRate(), q.enterRate(), q.typicalEnterRate(), q.judgement().verdict().label(), q.judgement().reason(), fillName,
                    thresholds, String.valueOf(modelId), runId, null, null, null, null, q.kind().label(), null, null,
                    Double.isNaN(q.shift()) ? null : q.shift()));
        }
        tables.replace(spark.createDataFrame(rows, FINDINGS).coalesce(1), path);
    }

    /** The 95% interval of a finding's mean share, at the images it was measured on. */
    static Intervals.Interval share(AuditFinding c) {
        return Intervals.shareMean(c.finding().meanShare(), c.finding().images(), Intervals.Z95);
    }

    /** The 95% interval of a finding's flip rate (hiding the region), at the images re-predicted. */
    static Intervals.Interval flips(AuditFinding c) {
        return Intervals.wilson(c.confirmation().flipsRegion(), c.confirmation().images(), Intervals.Z95);
    }

    /** A region as the {@code place_regions} column holds it: {grid, row, col, height, width}. */
    static Integer[] gridBox(Region r) {
        return new Integer[] {r.grid(), r.row(), r.col(), r.height(), r.width()};
    }

    /** The region a {@link #gridBox} row holds. */
    static Region region(List<Integer> box) {
        return new Region(box.get(0), box.get(1), box.get(2), box.get(3), box.get(4));
    }

    private static final StructType SUBGROUPS = DataTypes.createStructType(new StructField[] {
        f("class", DataTypes.StringType, false), f("method", DataTypes.StringType, false), f("cluster", DataTypes.IntegerType, false),
        f("images", DataTypes.LongType, false), f("class_images", DataTypes.LongType, false), f("top_region", DataTypes.StringType, false),
        f("top_region_share", DataTypes.DoubleType, false), f("top_region_consistency", DataTypes.DoubleType, false),
        f("subgroup_location", DataTypes.StringType, true), f("subgroup_images", DataTypes.LongType, true), f("finding_id", DataTypes.IntegerType, true),
    });

    /** A cluster of one class and method: the key of the subgroups table. */
    private record ClusterKey(String className, String method, int cluster) { }

    private static final Comparator<ClusterKey> ORDER = Comparator.comparing(ClusterKey::className).thenComparing(ClusterKey::method)
            .thenComparingInt(ClusterKey::cluster);

    /**
     * One row per cluster: its size, the small region holding most of its mass, and — when it belongs to a
     * concentrated subgroup — the subgroup's region and size and the finding whose tests cover it.
     */
    static void writeSubgroups(SparkSession spark, LakeTables.Writer tables, String path, List<SubgroupDetector.ClusterStat> clusterStats,
                               List<SubgroupDetector.Subgroup> subgroups, List<AuditFinding> findings, List<Region> candidates) {
        Map<ClusterKey, List<RegionStat>> byCluster = new TreeMap<>(ORDER);
        for (SubgroupDetector.ClusterStat c : clusterStats) {
            RegionStat s = c.stat();
            byCluster.computeIfAbsent(new ClusterKey(s.className(), s.method(), c.cluster()), k -> new ArrayList<>()).add(s);
        }
        Map<List<String>, Long> classImages = new java.util.HashMap<>();
        byCluster.forEach((k, v) -> classImages.merge(List.of(k.className(), k.method()), v.get(0).images(), Long::sum));
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<ClusterKey, List<RegionStat>> e : byCluster.entrySet()) {
            ClusterKey k = e.getKey();
            // every candidate region lies within the audit's largest area (Region.candidates(grid, maxArea))
            RegionStat top = e.getValue().stream()
                    .max(Comparator.comparingDouble(RegionStat::meanShare).thenComparing(s -> -s.regionIndex())).orElseThrow();
            SubgroupDetector.Subgroup g = subgroups.stream().filter(x -> x.finding().className().equals(k.className())
                    && x.finding().method().equals(k.method()) && x.clusters().contains(k.cluster())).findFirst().orElse(null);
            Integer findingId = g == null ? null : findings.stream().filter(f -> f.finding().className().equals(k.className())
                    && f.finding().method().equals(k.method()) && f.candidate().probed() && f.places().stream()
                    .anyMatch(x -> x.region().overlaps(g.finding().region()) && (x.clusters().isEmpty() || x.clusters().contains(k.cluster()))))
                    .map(AuditFinding::id).findFirst().orElse(null);
            rows.add(RowFactory.create(k.className(), k.method(), k.cluster(), top.images(), classImages.get(List.of(k.className(), k.method())),
                    candidates.get(top.regionIndex()).describe(), top.meanShare(), top.consistency(),
                    g == null ? null : g.finding().region().describe(), g == null ? null : g.finding().images(), findingId));
        }
        tables.replace(spark.createDataFrame(rows, SUBGROUPS).coalesce(1), path);
    }

    /** How a finding's images are chosen, in words. */
    static String scope(AuditFinding c) {
        ShortcutFinding f = c.finding();
        return switch (c.scope()) {
            case CLASS -> "class (" + c.candidate().classImages() + ")";
            case PLACES -> c.places().size() + " places " + f.images() + "/" + c.candidate().classImages();
            case SUBGROUP -> "subgroup " + f.images() + "/" + c.candidate().classImages();
            case POSITION_FREE -> "class (" + c.candidate().classImages() + "), each image at its own place";
        };
    }

    /** The findings as a console table, global cues after them, each with its reason. */
    static String text(List<AuditFinding> findings, List<GlobalCueProbe.Cue> cues) {
        StringBuilder b = new StringBuilder();
        if (findings.isEmpty()) {
            b.append("No region flagged.\n");
        } else {
            b.append(String.format(Locale.ROOT, "%-10s %-10s %-16s %-30s %6s %6s %6s %7s %7s %7s %7s %6s %6s  %s%n", "class", "method", "scope", "region",
                    "share", "flip", "ctrl", "paste", "ctrl", "alone", "ctrl", "stamp", "object", "verdict"));
            b.append("           (each finding's second line: 95% intervals of its share and flip rate at its images, then the reason)\n");
            for (AuditFinding c : findings) {
                ShortcutFinding f = c.finding();
                String where = c.places().size() == 1 ? f.region().describeBrief()
                        : String.join(", ", c.places().stream().map(x -> x.region().describeBrief()).toList());
                Transplant t = c.evidence().transplant();
                Sufficiency s = c.evidence().sufficiency();
                String object = c.objectOverlap() == null ? "-" : String.format(Locale.ROOT, "%.2f", c.objectOverlap());
                b.append(String.format(Locale.ROOT, "%-10s %-10s %-16s %-30s %6.3f %6.2f %6.2f %7.2f %7.2f %7.2f %7.2f %6.2f %6s  %s%n", f.className(),
                        f.method(), scope(c), where, f.meanShare(), c.confirmation().flipRateRegion(), c.confirmation().flipRateControl(), t.rateRegion(),
                        t.rateControl(), s.rateRegion(), Math.max(s.rateControl(), s.rateBlank()), c.evidence().consistency().stampedShare(), object,
                        c.verdict().label()));
                b.append(String.format(Locale.ROOT, "           share %.2f-%.2f, flip %.2f-%.2f (%d images): ", share(c).low(), share(c).high(),
                        flips(c).low(), flips(c).high(), c.confirmation().images())).append(c.judgement().reason()).append('\n');
            }
        }
        for (GlobalCueProbe.Cue q : cues) {
            if (q.judgement().verdict() == Verdict.GLOBAL_CUE) {
                b.append(String.format(Locale.ROOT, "%-10s global_cue  %s%n", q.className(), q.judgement().reason()));
            }
        }
        return b.toString();
    }
}
