package io.shortcutlens.jobs;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.stddev_pop;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import io.shortcutlens.audit.AuditFinding;
import io.shortcutlens.audit.AuditParams;
import io.shortcutlens.audit.BoxAgreement;
import io.shortcutlens.audit.Candidate;
import io.shortcutlens.audit.Candidates;
import io.shortcutlens.audit.ControlChoice;
import io.shortcutlens.audit.DetectorParams;
import io.shortcutlens.audit.FindingsDiff;
import io.shortcutlens.audit.GlobalCueProbe;
import io.shortcutlens.audit.PositionFree;
import io.shortcutlens.audit.Region;
import io.shortcutlens.audit.RegionMasker;
import io.shortcutlens.audit.RegionStat;
import io.shortcutlens.audit.Scope;
import io.shortcutlens.audit.ShortcutDetector;
import io.shortcutlens.audit.ShortcutFinding;
import io.shortcutlens.audit.SubgroupDetector;
import io.shortcutlens.audit.Verdict;
import io.shortcutlens.image.InputShape;
import io.shortcutlens.lake.Annotations;
import io.shortcutlens.lake.LakeTables;
import io.shortcutlens.lake.RunFolder;
import io.shortcutlens.lake.RunManifest;
import io.shortcutlens.model.ModelSpec;
import io.shortcutlens.pipeline.ExplainManifest;
import io.shortcutlens.report.AuditReport;
import io.shortcutlens.report.InsideTheModel;
import io.shortcutlens.spark.ModelStaging;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The audit job: reads a run's explanations, aggregates them per class and method (distributed: maps are never
 * collected to the driver), flags regions a class relies on, and confirms each flag by hiding the region and
 * re-predicting, against a control region of the same area. Writes {@code class_stats}, {@code findings} and
 * {@code report/index.html} next to the explanations.
 *
 * <pre>
 * explanations ─► per (view, class, method, cell) mass statistics ─► class_stats
 *              └► per (class, method, region) share + consistency ─► detector ─► masking test ─► findings
 * </pre>
 */
@Command(name = "audit", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true, usageHelpWidth = 120,
        version = "ShortcutLens " + Cli.VERSION,
        description = {"Audits an explain run for shortcuts: per-class attribution statistics (class_stats), regions a class relies on",
            "consistently and more than other classes (findings), each confirmed by masking it and re-predicting."},
        footer = {"", "Example:", "  ./submit.sh audit --run out/net2"})
public final class AuditJob implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger("shortcutlens.audit");

    @Option(names = "--run", required = true, paramLabel = "PATH", description = "Output folder of an explain run (holds explanations/ and manifest.json).")
    String run;

    @Option(names = "--model", paramLabel = "PATH", description = "Model to re-predict with (default: the one in the run's manifest).")
    String model;

    @Option(names = "--group-by", paramLabel = "predicted|label", converter = ClassView.Converter.class,
            description = "Which class an image belongs to when looking for findings.")
    ClassView groupBy = ClassView.PREDICTED;

    @Option(names = "--min-share", paramLabel = "S", description = "Mean share of the class's positive mass the region must hold.")
    double minShare = DetectorParams.defaults().minShare();

    @Option(names = "--image-share", paramLabel = "S", description = "Share at which one image counts as using the region.")
    double imageShare = DetectorParams.defaults().imageShare();

    @Option(names = "--min-consistency", paramLabel = "F", description = "Fraction of the class's images that must use the region.")
    double minConsistency = DetectorParams.defaults().minConsistency();

    @Option(names = "--min-contrast", paramLabel = "D", description = "How much the class's mean share must exceed the other classes' there.")
    double minContrast = DetectorParams.defaults().minContrast();

    @Option(names = "--max-area", paramLabel = "A", description = "Largest region, as a share of the image.")
    double maxArea = DetectorParams.defaults().maxArea();

    @Option(names = "--min-images", paramLabel = "N", description = "Classes with fewer explained images are not judged.")
    int minImages = DetectorParams.defaults().minImages();

    @Option(names = "--clusters", paramLabel = "K", description = {"KMeans clusters per (class, method) when looking for subgroups that share a",
        "concentrated region (SpRAy); 0 skips the subgroup search."})
    int clusters = AuditOptions.DEFAULT_CLUSTERS;

    @Option(names = "--fill", paramLabel = "zero|mean|inpaint|blur|noise", description = {"How a region is hidden in the evidence tests (default: as",
        "the run's explainers hid pixels, 0 in model-input units unless they used the image's mean): 0 (blind to a black mark),",
        "the image's mean (blind to a tag of that shade), inpaint (filled from the pixels around it: no blind shade, but it",
        "closes gaps between an object's parts), a blur, or noise."})
    RegionMasker.Fill fill;

    @Option(names = "--control", paramLabel = "strongest|weakest", description = {"Control region of every test: the region of the same area (any shape)",
        "with the most attribution outside the finding (strongest) or the least (weakest)."})
    ControlChoice controlKind = AuditParams.defaults().control();

    @Option(names = "--confirm-images", paramLabel = "N", description = "Images re-predicted per finding (the class's first N by image id).")
    int confirmImages = AuditOptions.DEFAULT_CONFIRM_IMAGES;

    @Option(names = "--alpha", paramLabel = "P", description = {"Significance level of the sign test for a 'shortcut' verdict, over all the",
        "audit's findings together (Holm-Bonferroni)."})
    double alpha = AuditParams.defaults().alpha();

    @Option(names = "--min-flip-gap", paramLabel = "D", description = "Flip rate the region must add over the control for a 'shortcut' verdict.")
    double minFlipGap = AuditParams.defaults().minFlipGap();

    @Option(names = "--min-transplant-gap", paramLabel = "D", description = {"Transplant: rate at which the region pasted into other",
        "classes' images turns them into the class, over the control's, for a 'shortcut' verdict."})
    double minTransplantGap = AuditParams.defaults().minTransplantGap();

    @Option(names = "--min-transplant-ratio", paramLabel = "R", description = {"... and at least R times the control's rate (when any pasted",
        "content makes receivers the class — two classes, objects in one place — the region must stand out)."})
    double minTransplantRatio = AuditParams.defaults().minTransplantRatio();

    @Option(names = "--min-sufficiency-gap", paramLabel = "D", description = {"Sufficiency: rate at which the region kept alone still says",
        "the class, over the control alone and a blank input, that backs stamped content."})
    double minSufficiencyGap = AuditParams.defaults().minSufficiencyGap();

    @Option(names = "--max-spread", paramLabel = "F", description = {"Content consistency: a pixel is stamped when its spread over the",
        "class's images is at most F times the region's spread ..."})
    double maxSpread = AuditParams.defaults().maxSpread();

    @Option(names = "--min-distance", paramLabel = "F", description = "... and its class mean is at least F region spreads from other classes'.")
    double minDistance = AuditParams.defaults().minDistance();

    @Option(names = "--min-stamped", paramLabel = "S", description = "Share of the region's pixels that must be stamped for near-constant content.")
    double minStamped = AuditParams.defaults().minStamped();

    @Option(names = "--min-support-gap", paramLabel = "D", description = "A weaker transplant gap that backs stamped content.")
    double minSupportGap = AuditParams.defaults().minSupportGap();

    @Option(names = "--cue-images", paramLabel = "N", description = {"Images per class in the global-cue probe (whole-image brightness,",
        "contrast, sharpness, JPEG and colour changes); 0 skips it."})
    int cueImages = AuditOptions.DEFAULT_CUE_IMAGES;

    @Option(names = "--min-cue-leave-gap", paramLabel = "D", description = "Global cue: share of the class's images a change removes, over other classes'.")
    double minCueLeaveGap = AuditParams.defaults().minCueLeaveGap();

    @Option(names = "--min-cue-enter-gap", paramLabel = "D", description = "Global cue: share of other images the opposite change turns into the class, over a typical class's.")
    double minCueEnterGap = AuditParams.defaults().minCueEnterGap();

    @Option(names = "--min-cue-shift", paramLabel = "F", description = {"Global cue: the class's images must carry what the removing change",
            "takes away (darker images for a class that brightening removes, a finer pattern for one a low-pass removes): the",
            "median over other classes of the chance that one of its images lies further that way than one of theirs (0.5: typical)."})
    double minCueShift = AuditParams.defaults().minCueShift();

    @Option(names = "--min-context-keep", paramLabel = "F", description = {"Context cue: with the half of each image its map ranks highest",
            "hidden, of the images a typical class loses the class must keep this share (its background carries it, not its object)."})
    double minContextKeep = AuditParams.defaults().minContextKeep();

    @Option(names = "--annotations", paramLabel = "TABLE", description = {"Objects: a table with a 'path' (as in the explanations) and a 'box'",
        "(x0, y0, x1, y1 as fractions of the image) and/or a 'mask' column (an encoded image, non-zero = object). Adds relevance",
        "mass and the pointing game per image and class; a confirmed region whose evidence lies on the objects is an 'object_part'."})
    String annotations;

    @Option(names = "--annotations-format", paramLabel = "FORMAT", description = "Spark data source of --annotations.")
    String annotationsFormat = AuditOptions.Objects.DEFAULT_FORMAT;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the noise fill and of deep dream's starting noise.")
    long seed = AuditOptions.DEFAULT_SEED;

    @Option(names = "--embeddings", paramLabel = "PATH", description = {"Output folder of the embed job: the report draws its t-SNE map",
        "(coloured by class, misclassified images marked)."})
    String embeddings;

    @Option(names = "--dream-layer", paramLabel = "NAME|auto", description = {"Layer whose channels the report's deep dream raises;",
        "auto = the Grad-CAM layer (the last convolution larger than 1x1)."})
    String dreamLayer = AuditOptions.Pictures.DEFAULT.dreamLayer();

    @Option(names = "--dream-channels", paramLabel = "N", description = "Deep dream of the N channels of the layer most active on the starting noise (0 = none).")
    int dreamChannels = AuditOptions.Pictures.DEFAULT.dreamChannels();

    @Option(names = "--dream-classes", negatable = true, fallbackValue = "true", description = "Deep dream of each class's output too.")
    boolean dreamClasses = AuditOptions.Pictures.DEFAULT.dreamClasses();

    @Option(names = "--activations-layer", paramLabel = "NAME|auto", description = {"Layer shown for one image per class (channels",
        "tiled, the strongest channel over the image); auto = the Grad-CAM layer; none = no activations."})
    String activationsLayer = AuditOptions.Pictures.DEFAULT.activationsLayer();

    @picocli.CommandLine.Mixin
    LakeTables.FormatOption tableFormat = new LakeTables.FormatOption();

    @Option(names = "--recheck", paramLabel = "PATH", description = {"An earlier audit (its run folder, or its findings/ table): its shortcut",
        "findings' regions are tested again here even where the thresholds no longer flag them (after a correction: the same",
        "evidence on the same regions)."})
    String recheck;

    @Option(names = "--compare-to", paramLabel = "PATH", description = {"An earlier audit (its run folder, or its findings/ table): new,",
        "resolved and changed findings go to findings_diff, audit-summary.json and the report."})
    String compareTo;

    @Option(names = "--fail-on", split = ",", paramLabel = "VERDICT", description = {"Exit with status " + FAILED_ON + " when a finding has one of",
        "these verdicts (shortcut, global_cue, suspect, ...), for schedulers that alert on the exit status; the outputs are written first."})
    List<Verdict> failOn = new ArrayList<>();

    /** The exit status of an audit that found a verdict named by {@code --fail-on}. */
    static final int FAILED_ON = 3;

    public record Result(List<AuditFinding> findings, List<GlobalCueProbe.Cue> cues, List<SubgroupDetector.Subgroup> subgroups, List<BoxAgreement> boxes,
                  String classStatsPath, String findingsPath, String subgroupsPath, String reportPath, InsideTheModel internals,
                  long evidencePasses, List<FindingsDiff.Entry> diff, String summaryPath, double seconds) { }

    /** {@link #FAILED_ON} when a finding (or a global cue) has a verdict named by {@code --fail-on}, else 0. */
    static int exitStatus(Result r, List<Verdict> failOn) {
        boolean hit = r.findings().stream().anyMatch(f -> failOn.contains(f.verdict()))
                || r.cues().stream().anyMatch(q -> failOn.contains(q.judgement().verdict()));
        return hit ? FAILED_ON : 0;
    }


    /** The lines of a diff with an earlier audit that say something changed (nothing when there was no earlier audit). */
    public static void printDiff(List<FindingsDiff.Entry> diff, String comparedTo) {
        if (diff == null) {
            return;
        }
        System.out.println("since " + comparedTo + ":");
        diff.stream().filter(e -> e.change() != FindingsDiff.Change.UNCHANGED).forEach(e -> System.out.println("  " + e.describe()));
        if (!FindingsDiff.anyChange(diff)) {
            System.out.println("  no change");
        }
    }

    public static void main(String[] args) {
        System.exit(Cli.commandLine(new AuditJob()).execute(args));
    }

    /** The options these flags name. */
    AuditOptions options() {
        return AuditOptions.builder(run).model(model).groupBy(groupBy).params(params()).clusters(clusters).fill(fill).confirmImages(confirmImages)
                .cueImages(cueImages).objects(annotations == null ? null : new AuditOptions.Objects(annotations, annotationsFormat)).seed(seed)
                .pictures(new AuditOptions.Pictures(embeddings, dreamLayer, dreamChannels, dreamClasses, activationsLayer)).format(tableFormat.format)
                .earlier(new AuditOptions.Earlier(compareTo, recheck)).failOn(failOn).build();
    }

    /** The options a recorded command line names (an audit summary's {@code arguments}), parsed as the command line would be. */
    static AuditOptions parse(List<String> args) {
        return Cli.parsed(new AuditJob(), args).options();
    }

    /** Runs the audit these flags ask for, on an existing session. */
    Result run(SparkSession spark) {
        return run(spark, options());
    }

    /** The exit status of this audit's result under its --fail-on. */
    int exitStatus(Result r) {
        return exitStatus(r, failOn);
    }

    @Override
    public Integer call() throws Exception {
        return Sessions.run("ShortcutLens audit", spark -> {
            Result r = run(spark);
            print(r.findings(), r.cues());
            printDiff(r.diff(), compareTo);
            System.out.printf(Locale.ROOT, "class_stats: %s%nfindings:    %s%nsummary:     %s%nreport:      %s%naudit: %d findings in %.1f s%n",
                    r.classStatsPath(), r.findingsPath(), r.summaryPath(), r.reportPath(), r.findings().size(), r.seconds());
            int status = exitStatus(r);
            if (status != 0) {
                System.out.println("audit: a finding has a verdict in --fail-on " + failOn + ": exit status " + status);
            }
            return status;
        });
    }

    /** Earlier audits this one is compared with ({@code --compare-to}; null: none) and whose shortcut regions it tests again ({@code --recheck}). */
    private record Earlier(List<FindingsDiff.Stated> compared, List<FindingsDiff.Stated> rechecked) { }

    /** The run as explained: its manifest, its rows without error, both class views of them and the chosen one, the mass grid's size. */
    private record Explained(String dir, ExplainManifest manifest, Dataset<Row> ok, Dataset<Row> views, Dataset<Row> view, int grid) { }

    /** Where classes concentrate: the candidate regions, each image's share in them (a UDF), their statistics and the flagged regions. */
    private record Located(List<Region> candidates, UserDefinedFunction regionMasses, List<RegionStat> stats, List<ShortcutFinding> found) { }

    /** The subgroups (SpRAy) and every candidate the evidence tests take: flagged regions, subgroups, several places. */
    private record Grouped(Dataset<Row> assigned, List<SubgroupDetector.ClusterStat> clusterStats, List<SubgroupDetector.Subgroup> subgroups,
                           List<Candidate> suspects) { }

    /** What the steps before the findings' write found. */
    private record Steps(Located located, Grouped grouped, Judged judged) { }

    /** The evidence's outcome: the model staged for it, the fill that hid regions, the cues and the judged findings. */
    private record Judged(ModelStaging.Staged staged, RegionMasker.Fill hide, List<GlobalCueProbe.Cue> cues, List<AuditFinding> confirmed, long passes) { }

    /** Runs an audit on an existing session: the API other jobs and programs call. */
    public static Result run(SparkSession spark, AuditOptions o) {
        long t0 = System.nanoTime();
        Earlier earlier = earlier(spark, o);
        Explained in = explained(spark, o);
        LakeTables.Writer tables = new LakeTables.Writer(o.format(), RunManifest.json(Map.of("job", "audit", "run_id", in.manifest().runId())));
        String classStats = classStats(in, tables);
        Located located = locate(in, o.params(), earlier.rechecked());
        Grouped grouped = group(in, located, o, tables);
        Judged judged = judge(spark, in, located, grouped, o);
        List<FindingsDiff.Entry> diff = writeFindings(spark, tables, in, new Steps(located, grouped, judged), earlier, o);
        // annotations: relevance mass inside the object box and the pointing game, per image and per class
        List<BoxAgreement> boxes = o.objects() == null ? List.of()
                : AuditObjects.boxes(spark, tables, Annotations.read(spark, o.objects().table(), o.objects().format()), in.dir(), in.view());

        // 5. the report
        String reportPath = RunFolder.of(in.dir()).report();
        String compareTo = o.earlier().compareTo();
        InsideTheModel internals = new AuditPictures(o.pictures(), o.seed(), o.groupBy().label())
                .report(spark, reportPath, in.manifest(), judged.staged().model(), new AuditPictures.Rows(in.ok(), in.view(), grouped.assigned()),
                        new AuditPictures.Said(judged.confirmed(), judged.cues(), grouped.subgroups(), boxes, o.params().toJson(o.clusters()),
                                diff == null ? null : new AuditReport.History(compareTo, diff)));
        if (grouped.assigned() != null) {
            grouped.assigned().unpersist();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        LOG.info("[5/5] report written to {}; audit took {} s", reportPath, String.format(Locale.ROOT, "%.1f", seconds));
        RunFolder folder = RunFolder.of(in.dir());
        return new Result(judged.confirmed(), judged.cues(), grouped.subgroups(), boxes, classStats, folder.findings(), folder.subgroups(), reportPath,
                internals, judged.passes(), diff, folder.auditSummary(), seconds);
    }

    /** The earlier audits named by the options; a wrong annotation table, embedding folder or earlier audit fails here, before any work. */
    private static Earlier earlier(SparkSession spark, AuditOptions o) {
        if (o.objects() != null) {
            Annotations.read(spark, o.objects().table(), o.objects().format());
        }
        if (o.pictures().embeddings() != null) {
            ModelInternals.checkEmbeddings(spark, o.pictures().embeddings());
        }
        String compareTo = o.earlier().compareTo();
        String recheck = o.earlier().recheck();
        List<FindingsDiff.Stated> compared = compareTo == null ? null : AuditHistory.read(spark, compareTo, "--compare-to");
        List<FindingsDiff.Stated> rechecked = recheck == null ? List.of() : AuditHistory.read(spark, recheck, "--recheck").stream()
                .filter(f -> f.verdict() == Verdict.SHORTCUT).toList();
        return new Earlier(compared, rechecked);
    }

    /** The run's rows without error, in both class views: by predicted class (right predictions) and by label where one is known. */
    private static Explained explained(SparkSession spark, AuditOptions o) {
        String dir = o.run();
        ExplainManifest manifest = RunManifest.readExplain(spark, RunFolder.of(dir).manifest());
        // a Delta run is read at the version it committed: the audit sees what the run left, whatever was written since
        Dataset<Row> ok = LakeTables.read(spark, RunFolder.of(dir).explanations(), manifest.table().version()).where(col("error").isNull().and(col("run_id").equalTo(manifest.runId())));
        Dataset<Row> byPredicted = ok.where(col("target_index").equalTo(col("predicted_index")))
                .select(lit(ClassView.PREDICTED.label()).as("view"), col("predicted_class").as("class"), col("method"), col("image_id"), col("path"),
                        col("mass_grid"), col("peak_row"), col("peak_col"), col("mass_grid_size"), col("map"));
        Dataset<Row> byLabel = ok.where(col("label").isNotNull().and(col("target_class").equalTo(col("label"))))
                .select(lit(ClassView.LABEL.label()).as("view"), col("label").as("class"), col("method"), col("image_id"), col("path"),
                        col("mass_grid"), col("peak_row"), col("peak_col"), col("mass_grid_size"), col("map"));
        Dataset<Row> views = byPredicted.unionByName(byLabel);
        Row first = views.select("mass_grid_size").limit(1).collectAsList().stream().findFirst().orElse(null);
        if (first == null) {
            throw new IllegalArgumentException("run " + dir + " has no explanation of a predicted or labelled class without error: nothing to audit");
        }
        return new Explained(dir, manifest, ok, views, views.where(col("view").equalTo(o.groupBy().label())), first.getInt(0));
    }

    /** 1. class_stats: per (view, class, method, cell): count, mean mass, spread, share of images peaking there. */
    private static String classStats(Explained in, LakeTables.Writer tables) {
        String classStats = RunFolder.of(in.dir()).classStats();
        int grid = in.grid();
        Dataset<Row> rows = in.views().select(col("view"), col("class"), col("method"), col("peak_row").multiply(grid).plus(col("peak_col")).as("peak_cell"),
                        posexplode(col("mass_grid")).as(new String[] {"cell", "mass"}))
                .groupBy("view", "class", "method", "cell")
                .agg(count("*").as("images"), avg("mass").as("mean_mass"), stddev_pop("mass").as("std_mass"),
                        avg(when(col("peak_cell").equalTo(col("cell")), 1.0).otherwise(0.0)).as("peak_share"))
                .withColumn("grid_size", lit(grid));
        tables.replace(rows, classStats);
        LOG.info("[1/4] class statistics written to {}", classStats);
        return classStats;
    }

    /** 2. region statistics of the chosen view, aggregated on the executors, then the detector on the driver. */
    private static Located locate(Explained in, AuditParams params, List<FindingsDiff.Stated> rechecked) {
        List<Region> candidates = List.copyOf(Region.candidates(in.grid(), params.detector().maxArea()));
        UserDefinedFunction regionMasses = udf((UDF1<scala.collection.Seq<Float>, float[]>) massGrid -> Region.masses(floats(massGrid), candidates),
                DataTypes.createArrayType(DataTypes.FloatType, false));
        List<RegionStat> stats = new ArrayList<>();
        for (Row r : regionAggregates(in.view(), regionMasses, params.detector().imageShare(), "class", "method").collectAsList()) {
            stats.add(new RegionStat(r.getString(0), r.getString(1), r.getInt(2), r.getLong(3), r.getDouble(4), r.getDouble(5)));
        }
        ShortcutDetector detector = new ShortcutDetector(params.detector(), candidates);
        List<ShortcutFinding> found = new ArrayList<>(detector.detect(stats));
        found.addAll(detector.recheck(stats, found, rechecked));
        LOG.info("[2/5] {} candidate regions x {} (class, method) pairs: {} flagged", candidates.size(),
                stats.stream().map(s -> s.className() + "/" + s.method()).distinct().count(), found.size());
        return new Located(candidates, regionMasses, stats, found);
    }

    /** 3. subgroups (SpRAy): KMeans on each class's mass grids, clusters judged like classes, overlapping ones merged; then the candidates. */
    private static Grouped group(Explained in, Located located, AuditOptions o, LakeTables.Writer tables) {
        AuditParams params = o.params();
        List<SubgroupDetector.Subgroup> subgroups = List.of();
        Dataset<Row> assigned = o.clusters() > 0 ? SubgroupClustering.assign(in.view(), o.clusters(), o.seed(), params.detector().minImages()) : null;
        List<SubgroupDetector.ClusterStat> clusterStats = new ArrayList<>();
        if (assigned != null) {
            for (Row r : regionAggregates(assigned, located.regionMasses(), params.detector().imageShare(), "class", "method", SubgroupClustering.CLUSTER).collectAsList()) {
                clusterStats.add(new SubgroupDetector.ClusterStat(r.getInt(2),
                        new RegionStat(r.getString(0), r.getString(1), r.getInt(3), r.getLong(4), r.getDouble(5), r.getDouble(6))));
            }
            subgroups = new SubgroupDetector(params.detector(), located.candidates()).detect(clusterStats, located.stats());
            tables.replace(assigned.select("class", "method", SubgroupClustering.CLUSTER, "image_id", "path"), RunFolder.of(in.dir()).subgroupMembers());
        }
        List<Candidate> suspects = new ArrayList<>(Candidates.build(located.found(), located.stats(), subgroups, located.candidates(), params.control()));
        LOG.info("[3/5] {} concentrated subgroups; {} candidates ({} subgroups not covered by a class finding, {} in several places)",
                subgroups.size(), suspects.size(), suspects.stream().filter(x -> x.scope() == Scope.SUBGROUP).count(),
                suspects.stream().filter(x -> x.scope() == Scope.PLACES).count());
        return new Grouped(assigned, clusterStats, subgroups, suspects);
    }

    /**
     * 4. the global, texture, context and border cue probe, then evidence: masking, sufficiency and transplant passes against
     * a control of the same area, content consistency; a class whose local content carries it is also tested each image at
     * its own block.
     */
    private static Judged judge(SparkSession spark, Explained in, Located located, Grouped grouped, AuditOptions o) {
        AuditParams params = o.params();
        List<String> classNames = in.manifest().model().classNames();
        ModelStaging.Staged staged = stageModel(spark, in.manifest().model(), o.model());
        RegionMasker.Fill hide = o.fill() != null ? o.fill() : RegionMasker.asExplained(in.manifest().hiddenValue());
        AuditEvidence.Passes passes = new AuditEvidence.Passes(spark, staged, in.manifest().inputNormalisation(), in.manifest().limits(), hide, o.seed());
        AuditEvidence.CueProbe cueProbe = AuditEvidence.globalCounts(passes, classNames, in.view(), o.cueImages());
        List<GlobalCueProbe.Count> cueCounts = cueProbe.counts();
        List<GlobalCueProbe.Cue> cues = GlobalCueProbe.judge(cueCounts, cueProbe.shifts(), params);
        int changes = io.shortcutlens.audit.ImageAdjustment.probed(staged.model().inputShape().channels()).size();
        long cueImagesProbed = cueCounts.stream().filter(q -> q.adjustment() == io.shortcutlens.audit.ImageAdjustment.SHUFFLED)
                .mapToLong(GlobalCueProbe.Count::classImages).sum();
        LOG.info("[4/5] global, texture, context and border cue probe: {} images x {} passes = {} forward passes", cueImagesProbed, changes + 1,
                cueImagesProbed * (changes + 1));
        List<Candidate> suspects = new ArrayList<>(grouped.suspects());
        List<Region> blocks = PositionFree.blocks(in.grid(), params.detector().maxArea());
        List<ShortcutFinding> moving = PositionFree.candidates(AuditEvidence.positionFreeStats(in.view(), blocks, params), params.detector(), blocks);
        if (!moving.isEmpty()) {
            suspects.addAll(Candidates.positionFree(suspects.size(), moving, located.stats(), located.candidates(), params.control()));
            LOG.info("[4/5] {} position-free candidates (classes and methods whose images' own most relevant blocks lie at varying places): {}",
                    moving.size(), moving.stream().map(f -> f.className() + "/" + f.method()).toList());
        }
        AuditEvidence.Measurement measured = suspects.isEmpty() ? new AuditEvidence.Measurement(Map.of(), null, 0)
                : AuditEvidence.measure(passes, suspects, classNames, in.view(), grouped.assigned(), o.confirmImages(), params);
        int h = staged.model().inputShape().height();
        int w = staged.model().inputShape().width();
        Map<Integer, Double> overlaps = o.objects() == null || suspects.isEmpty() ? null
                : AuditObjects.overlaps(spark, Annotations.read(spark, o.objects().table(), o.objects().format()), measured.tasks(), suspects, in.view(), h, w);
        List<AuditFinding> confirmed = AuditFinding.judge(suspects, measured.measured(), overlaps, params);
        return new Judged(staged, hide, GlobalCueProbe.explainedByShortcuts(cues, confirmed), confirmed, measured.passes());
    }

    /** The findings, subgroups, the diff with an earlier audit (returned; null when none was compared) and the summary, written. */
    private static List<FindingsDiff.Entry> writeFindings(SparkSession spark, LakeTables.Writer tables, Explained in, Steps steps, Earlier earlier,
                                                          AuditOptions o) {
        Located located = steps.located();
        Grouped grouped = steps.grouped();
        Judged judged = steps.judged();
        String compareTo = o.earlier().compareTo();
        RunFolder folder = RunFolder.of(in.dir());
        List<AuditFinding> confirmed = judged.confirmed();
        List<GlobalCueProbe.Cue> cues = judged.cues();
        AuditTables.writeFindings(spark, tables, folder.findings(), confirmed, cues,
                new AuditTables.Context(in.manifest(), o.groupBy().label(), judged.hide(), o.params().toJson(o.clusters())));
        AuditTables.writeSubgroups(spark, tables, folder.subgroups(), grouped.clusterStats(), grouped.subgroups(), confirmed, located.candidates());
        List<FindingsDiff.Entry> diff = earlier.compared() == null ? null
                : FindingsDiff.diff(earlier.compared(), AuditHistory.stated(confirmed, cues), AuditHistory.TOLERANCE);
        if (diff != null) {
            AuditHistory.writeDiff(spark, tables, folder.findingsDiff(), diff, compareTo);
        }
        RunManifest.write(spark, folder.auditSummary(), AuditSummary.of(in.manifest(), confirmed, cues,
                diff == null ? null : new AuditReport.History(compareTo, diff), o.commandLine()));
        LOG.info("[4/5] {} findings ({} shortcut, {} object part), {} global cues, written to {}; evidence took {} forward passes",
                confirmed.size(), confirmed.stream().filter(c -> c.verdict() == Verdict.SHORTCUT).count(),
                confirmed.stream().filter(c -> c.verdict() == Verdict.OBJECT_PART).count(),
                cues.stream().filter(c -> c.judgement().verdict() == Verdict.GLOBAL_CUE).count(), folder.findings(), judged.passes());
        return diff;
    }

    /** Per (keys…, region): images, mean share of positive mass, and the share of images using the region, on the executors. */
    private static Dataset<Row> regionAggregates(Dataset<Row> rows, UserDefinedFunction regionMasses, double imageShare, String... keys) {
        List<Column> columns = new ArrayList<>(java.util.Arrays.stream(keys).map(org.apache.spark.sql.functions::col).toList());
        columns.add(posexplode(regionMasses.apply(col("mass_grid"))).as(new String[] {"region", "share"}));
        String[] groups = java.util.Arrays.copyOf(keys, keys.length + 1);
        groups[keys.length] = "region";
        return rows.select(columns.toArray(new Column[0])).groupBy(groups[0], java.util.Arrays.copyOfRange(groups, 1, groups.length))
                .agg(count("*").as("images"), avg("share").as("mean_share"), avg(when(col("share").geq(imageShare), 1.0).otherwise(0.0)).as("consistency"));
    }

    /** The thresholds of this audit, from the options. */
    AuditParams params() {
        return new AuditParams(new DetectorParams(minShare, imageShare, minConsistency, minContrast, maxArea, minImages), alpha, minFlipGap,
                controlKind, AuditParams.defaults().objectOverlap(), minTransplantGap, minTransplantRatio, minSufficiencyGap, maxSpread, minDistance, minStamped,
                minSupportGap, minCueLeaveGap, minCueEnterGap, minCueShift,
                minContextKeep);
    }

    /** The model to re-predict with ({@code model}, else the explained one), loaded on the driver and shipped to the executors. */
    static ModelStaging.Staged stageModel(SparkSession spark, ExplainManifest.Model explained, String model) {
        String modelPath = model != null ? model : explained.path();
        // an ONNX model is re-predicted as it was explained: the same layout and outputs (older manifests: the defaults)
        InputShape shape = model == null ? explained.inputShape() : null;
        ModelSpec spec = new ModelSpec(modelPath, null, shape, explained.classNames(), ModelSpec.DEFAULT_MAX_MODEL_BYTES, explained.onnx());
        ModelStaging.Staged staged = ModelStaging.stage(spark, spec);
        if (!staged.model().modelId().equals(explained.modelId())) {
            LOG.warn("model {} differs from the explained one ({}); findings are confirmed on the given model", modelPath, explained.modelId());
        }
        return staged;
    }

    /** A mass grid as Spark hands an array column to a Java UDF. */
    static float[] floats(scala.collection.Seq<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.apply(i);
        }
        return out;
    }

    public static void print(List<AuditFinding> findings, List<GlobalCueProbe.Cue> cues) {
        System.out.println();
        System.out.print(AuditTables.text(findings, cues));
    }
}
