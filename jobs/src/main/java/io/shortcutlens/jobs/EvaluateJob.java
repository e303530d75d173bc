package io.shortcutlens.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.xxhash64;

import io.shortcutlens.audit.RegionMasker;
import io.shortcutlens.evaluate.CascadingRandomisation;
import io.shortcutlens.evaluate.CurveKey;
import io.shortcutlens.evaluate.EvaluationParams;
import io.shortcutlens.evaluate.EvaluationRow;
import io.shortcutlens.evaluate.MetricSummary;
import io.shortcutlens.evaluate.PerturbationCurves;
import io.shortcutlens.evaluate.RankCorrelation;
import io.shortcutlens.explain.MethodRun;
import io.shortcutlens.explain.Methods;
import io.shortcutlens.explain.OptionValues;
import io.shortcutlens.lake.LakeTables;
import io.shortcutlens.lake.RunFolder;
import io.shortcutlens.lake.RunManifest;
import io.shortcutlens.pipeline.ExplainManifest;
import io.shortcutlens.report.EvaluationReport;
import io.shortcutlens.spark.EvaluatePartition;
import io.shortcutlens.spark.ExplanationRows;
import io.shortcutlens.spark.HadoopConf;
import io.shortcutlens.spark.ModelStaging;
import io.shortcutlens.spark.RandomisationPartition;
import io.shortcutlens.spark.TaskModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Which map to believe: the faithfulness of an explain run's maps, per class and method, over a seeded sample of its
 * images. Every figure is computed by Spark tasks next to the maps (no map reaches the driver):
 *
 * <pre>
 * explanations ─► sample per class ─┬─► deletion / insertion / ROAD curves (EvaluatePartition) ─► curves/
 *                                   ├─► cascading randomisation, re-explaining (RandomisationPartition) ─► randomisation/
 *                                   └─► agreement between the methods' maps of the same image ─► agreement/
 *                     per class, method: mean and 95% bootstrap interval ─► evaluation/ + evaluation.html
 * </pre>
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true, usageHelpWidth = 120,
        version = "ShortcutLens " + Cli.VERSION,
        description = {"Measures how faithful an explain run's maps are to the model, per class and method, on a seeded sample: deletion and",
            "insertion curves (most and least relevant first, and a random order), ROAD (removed cells imputed, not filled), the",
            "model-parameter randomisation test (maps on the model with its top layers randomised), and the agreement between methods."},
        footer = {"", "Example:", "  ./submit.sh evaluate --run out/net2 --per-class 20"})
public final class EvaluateJob implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger("shortcutlens.evaluate");

    @Option(names = "--run", required = true, paramLabel = "PATH", description = "Output folder of an explain run (holds explanations/ and manifest.json).")
    String run;

    @Option(names = "--output", paramLabel = "PATH", description = "Output folder (default: RUN/evaluation).")
    String output;

    @picocli.CommandLine.Mixin
    LakeTables.FormatOption tables = new LakeTables.FormatOption();

    @Option(names = "--per-class", paramLabel = "N", description = "Images per class (the class each map explains) whose maps are evaluated; a seeded,"
            + " partitioning-independent sample.")
    int perClass = EvaluateOptions.DEFAULT_PER_CLASS;

    @Option(names = "--methods", split = ",", paramLabel = "METHOD", description = "Methods whose maps are evaluated (default: every method of the run).")
    List<String> methods;

    @Option(names = "--grid", paramLabel = "N", description = "Cells a side: the map's cells are removed or revealed one at a time.")
    int grid = EvaluationParams.DEFAULT_GRID;

    @Option(names = "--fill", paramLabel = "mean|blur|noise|zero", description = "How a removed cell is filled for deletion and insertion (default: as the run"
            + " hid its windows and features, as the audit does).")
    RegionMasker.Fill fill;

    @Option(names = "--road-steps", paramLabel = "N", description = "ROAD removes 0, 1/N, ..., (N-1)/N of the cells.")
    int roadSteps = EvaluationParams.DEFAULT_ROAD_STEPS;

    @Option(names = "--road-noise", paramLabel = "X", description = "ROAD's noise on imputed pixels, as a fraction of each channel's range.")
    double roadNoise = EvaluationParams.DEFAULT_ROAD_NOISE;

    @Option(names = "--randomise-layers", paramLabel = "N", description = "Cascading randomisation up to the top N parameter layers (0: skip the test).")
    int randomiseLayers = EvaluationParams.DEFAULT_RANDOMISED_LAYERS;

    @Option(names = "--randomise-per-class", paramLabel = "N", description = "Images per class re-explained on each randomised model (of the sample).")
    int randomisePerClass = EvaluateOptions.Randomisation.DEFAULT.perClass();

    @Option(names = "--randomise-methods", split = ",", paramLabel = "METHOD", description = "Methods re-explained on the randomised models, with their"
            + " defaults (default: the evaluated methods).")
    List<String> randomiseMethods;

    @Option(names = "--batch-size", paramLabel = "N", description = "Images per forward pass.")
    int batchSize = EvaluationParams.DEFAULT_BATCH_SIZE;

    @Option(names = "--model", paramLabel = "PATH", description = "Model to re-predict with (default: the one in the run's manifest).")
    String model;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the sample, the random order, ROAD's noise and the randomised weights.")
    long seed = EvaluationParams.DEFAULT_SEED;

    public static void main(String[] args) {
        System.exit(Cli.commandLine(new EvaluateJob()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        return Sessions.run("ShortcutLens evaluate", spark -> {
            Result r = run(spark);
            System.out.printf(Locale.ROOT, "evaluation: %s%nreport:     %s%nevaluated %d maps (%d errors) in %.1f s; %d forward passes%n", r.table(), r.report(),
                    r.maps(), r.errors(), r.seconds(), r.passes());
            for (String line : r.lines()) {
                System.out.println(line);
            }
            return 0;
        });
    }

    /** What the job wrote and measured; {@code rows} are the evaluation table's rows. */
    public record Result(String table, String report, long maps, long errors, long passes, double seconds, List<EvaluationRow> rows, List<String> lines) { }


    static final StructType TABLE = DataTypes.createStructType(List.of(
            DataTypes.createStructField("section", DataTypes.StringType, false),
            DataTypes.createStructField("class", DataTypes.StringType, true),
            DataTypes.createStructField("method", DataTypes.StringType, false),
            DataTypes.createStructField("metric", DataTypes.StringType, false),
            DataTypes.createStructField("level", DataTypes.IntegerType, true),
            DataTypes.createStructField("images", DataTypes.IntegerType, false),
            DataTypes.createStructField("mean", DataTypes.DoubleType, true),
            DataTypes.createStructField("low", DataTypes.DoubleType, true),
            DataTypes.createStructField("high", DataTypes.DoubleType, true),
            DataTypes.createStructField("run_id", DataTypes.StringType, false)));

    /** The run, the evaluation's settings, the methods evaluated and the per-class sample of their maps (persisted). */
    private record Sampled(String dir, String out, ExplainManifest manifest, EvaluationParams params, List<String> evaluated, Dataset<Row> sample) { }

    /** The options this instance runs with (null in the one picocli fills from the command line; that one runs {@link #options()}). */
    private final EvaluateOptions o;

    public EvaluateJob() {
        this.o = null;
    }

    private EvaluateJob(EvaluateOptions o) {
        this.o = o;
    }

    /** The options these flags name. */
    EvaluateOptions options() {
        return new EvaluateOptions(run, output, tables.format, perClass, methods, new EvaluateOptions.Curves(grid, fill, roadSteps, roadNoise, batchSize),
                new EvaluateOptions.Randomisation(randomiseLayers, randomisePerClass, randomiseMethods), model, seed);
    }

    /** Runs the evaluation these flags ask for, on an existing session. */
    Result run(SparkSession spark) {
        return run(spark, options());
    }

    /** Runs an evaluation on an existing session: the API programs call. */
    public static Result run(SparkSession spark, EvaluateOptions o) {
        return new EvaluateJob(o).execute(spark);
    }

    private Result execute(SparkSession spark) {
        long t0 = System.nanoTime();
        Sampled s = sample(spark);
        ModelStaging.Staged staged = AuditJob.stageModel(spark, s.manifest().model(), o.model());
        HadoopConf hadoop = new HadoopConf(spark.sparkContext().hadoopConfiguration());
        int slices = Math.max(1, spark.sparkContext().defaultParallelism() * 2);
        Dataset<Row> curves = s.sample().select(EvaluatePartition.INPUT.stream().map(org.apache.spark.sql.functions::col).toArray(org.apache.spark.sql.Column[]::new))
                .repartition(slices, col("image_id")).mapPartitions(new EvaluatePartition(new TaskModel(staged.spec(), staged.shippedName(),
                        s.manifest().inputNormalisation(), s.manifest().limits(), hadoop), s.params()), Encoders.row(EvaluatePartition.OUTPUT)).persist();
        List<EvaluationRow> summaries = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        try {
            LakeTables.replace(curves.withColumn("run_id", lit(s.manifest().runId())), s.out() + "/curves", o.format(),
                    RunManifest.json(Map.of("job", "evaluate", "run_id", s.manifest().runId())));
            curveSummaries(curves, summaries, lines);
            LOG.info("[2/4] curves of {} maps written to {}/curves", curves.count(), s.out());
            if (o.randomisation().layers() > 0) {
                randomisation(spark, staged, s, hadoop, summaries, lines);
            }
            LOG.info("[3/4] agreement between methods");
            agreement(s.sample(), s.out(), summaries, lines);
            return finish(spark, s, curves, summaries, lines, t0);
        } finally {
            curves.unpersist();
            s.sample().unpersist();
        }
    }

    /** 1. the run's maps of the evaluated methods; per class, the images with the smallest seeded hash of their id (the same whatever the partitioning). */
    private Sampled sample(SparkSession spark) {
        String dir = o.run();
        String out = o.out();
        ExplainManifest manifest = RunManifest.readExplain(spark, RunFolder.of(dir).manifest());
        RegionMasker.Fill hide = o.curves().fill() != null ? o.curves().fill() : RegionMasker.asExplained(manifest.hiddenValue());
        EvaluationParams params = new EvaluationParams(o.curves().grid(), hide, o.curves().roadSteps(), o.curves().roadNoise(), o.randomisation().layers(), o.curves().batchSize(), o.seed());
        Dataset<Row> rows = LakeTables.read(spark, RunFolder.of(dir).explanations(), manifest.table().version())
                .where(col("error").isNull().and(col("run_id").equalTo(manifest.runId())).and(col("map").isNotNull()).and(col("path").isNotNull()))
                .withColumn("class", col("target_class"));
        List<String> runMethods = rows.select("method").distinct().orderBy("method").as(Encoders.STRING()).collectAsList();
        List<String> evaluated = o.methods() == null ? runMethods : o.methods();
        for (String m : evaluated) {
            if (!runMethods.contains(m)) {
                throw new IllegalArgumentException("--methods: run " + dir + " has no maps of " + m + " (it has " + runMethods + ")");
            }
        }
        Dataset<Row> ranked = rows.select("class", "image_id").distinct()
                .withColumn("rank", row_number().over(Window.partitionBy("class").orderBy(xxhash64(col("image_id"), lit(o.seed())), col("image_id"))));
        Dataset<Row> sample = rows.where(col("method").isin(evaluated.toArray())).join(ranked.where(col("rank").leq(o.perClass())), new String[] {"class", "image_id"})
                .persist();
        LOG.info("[1/4] {} maps of {} in the sample ({} per class); curves on a {}x{} grid, filled with {}", sample.count(), evaluated, o.perClass(), o.curves().grid(), o.curves().grid(),
                hide.name().toLowerCase(Locale.ROOT));
        return new Sampled(dir, out, manifest, params, evaluated, sample);
    }

    /** 4. the evaluation table, the report and the manifest. */
    private Result finish(SparkSession spark, Sampled s, Dataset<Row> curves, List<EvaluationRow> summaries, List<String> lines, long t0) {
        ExplainManifest manifest = s.manifest();
        Row counts = curves.agg(org.apache.spark.sql.functions.count("*"),
                org.apache.spark.sql.functions.sum(org.apache.spark.sql.functions.when(col("error").isNotNull(), 1L).otherwise(0L)),
                org.apache.spark.sql.functions.sum(col("forward_passes"))).first();
        List<Row> table = summaries.stream().map(x -> RowFactory.create(x.section(), x.className(), x.method(), x.metric(), x.level(), x.figure().n(),
                x.figure().mean(), x.figure().low(), x.figure().high(), manifest.runId())).toList();
        LakeTables.replace(spark.createDataFrame(table, TABLE).coalesce(1), RunFolder.of(s.out()).evaluationTable(), o.format(),
                RunManifest.json(Map.of("job", "evaluate", "run_id", manifest.runId())));
        String report = s.out() + "/evaluation.html";
        EvaluationReport.write(spark, report, manifest, s.params(), summaries, meanCurves(curves), o.curves().grid());
        double seconds = (System.nanoTime() - t0) / 1e9;
        long maps = counts.getLong(0);
        long errors = counts.isNullAt(1) ? 0 : counts.getLong(1);
        long passes = counts.isNullAt(2) ? 0 : counts.getLong(2);
        RunManifest.write(spark, RunFolder.of(s.out()).manifest(), new JobManifests.Evaluation("evaluate", s.dir(), manifest.runId(),
                RunManifest.tree(s.params().toJson()), o.perClass(), s.evaluated(), maps, errors, passes, Math.round(seconds * 10) / 10.0));
        LOG.info("[4/4] evaluation table {}/evaluation, report {}", s.out(), report);
        return new Result(RunFolder.of(s.out()).evaluationTable(), report, maps, errors, passes, seconds, summaries, lines);
    }

    /** Per class and method, each curve's area, and a map's deletion against the random order's, image by image. */
    private void curveSummaries(Dataset<Row> curves, List<EvaluationRow> summaries, List<String> lines) {
        List<org.apache.spark.sql.Column> lists = new ArrayList<>();
        for (PerturbationCurves.Metric m : PerturbationCurves.Metric.values()) {
            lists.add(collect_list(col(m.label())).as(m.label()));
        }
        Dataset<Row> ok = curves.where(col("error").isNull());
        // per class, and over every class (class null)
        Dataset<Row> grouped = ok.groupBy("class", "method").agg(lists.get(0), lists.subList(1, lists.size()).toArray(org.apache.spark.sql.Column[]::new))
                .unionByName(ok.groupBy("method").agg(lists.get(0), lists.subList(1, lists.size()).toArray(org.apache.spark.sql.Column[]::new))
                        .withColumn("class", lit(null).cast("string")));
        for (Row r : grouped.orderBy(col("class").asc_nulls_first(), col("method")).collectAsList()) {
            String cls = r.getAs("class");
            String method = r.getAs("method");
            Map<PerturbationCurves.Metric, double[]> values = new LinkedHashMap<>();
            for (PerturbationCurves.Metric m : PerturbationCurves.Metric.values()) {
                values.put(m, r.<Double>getList(r.fieldIndex(m.label())).stream().mapToDouble(Double::doubleValue).toArray());
                summaries.add(new EvaluationRow("faithfulness", cls, method, m.label() + "_area", null, MetricSummary.of(values.get(m), o.seed())));
            }
            MetricSummary gain = MetricSummary.ofDifferences(values.get(PerturbationCurves.Metric.DELETION_MORF),
                    values.get(PerturbationCurves.Metric.DELETION_RANDOM), o.seed());
            summaries.add(new EvaluationRow("faithfulness", cls, method, "deletion_morf_minus_random", null, gain));
            lines.add(String.format(Locale.ROOT, "%-10s %-22s deletion area %.3f, random order %.3f: difference %.3f [%.3f, %.3f] over %d images%s",
                    cls == null ? "(all)" : cls, method, mean(values.get(PerturbationCurves.Metric.DELETION_MORF)),
                    mean(values.get(PerturbationCurves.Metric.DELETION_RANDOM)), gain.mean(), gain.low(), gain.high(), gain.n(),
                    gain.belowZero() ? " (better than random)" : ""));
        }
    }

    private static double mean(double[] v) {
        return java.util.Arrays.stream(v).average().orElse(Double.NaN);
    }

    /** Re-explains the first images of each class's sample on the model with its top layers randomised. */
    private void randomisation(SparkSession spark, ModelStaging.Staged staged, Sampled sampled, HadoopConf hadoop, List<EvaluationRow> summaries,
                               List<String> lines) {
        ExplainManifest manifest = sampled.manifest();
        Dataset<Row> sample = sampled.sample();
        String out = sampled.out();
        List<String> names = o.randomisation().methods() != null ? o.randomisation().methods() : sample.select("method").distinct().orderBy("method").as(Encoders.STRING())
                .collectAsList();
        List<MethodRun> runs = Methods.runs(names, OptionValues.defaults(), manifest.model().inputShape());
        Dataset<Row> images = sample.where(col("rank").leq(o.randomisation().perClass())).groupBy("image_id").agg(first("path").as("path"), first("class").as("class"),
                first("target_index").as("target_index")).select(RandomisationPartition.INPUT.stream().map(org.apache.spark.sql.functions::col)
                .toArray(org.apache.spark.sql.Column[]::new));
        LOG.info("[3/4] cascading randomisation of the top 1..{} parameter layers: {} re-explained on {} images", o.randomisation().layers(), names, images.count());
        Dataset<Row> result = images.repartition(Math.max(1, spark.sparkContext().defaultParallelism() * 2), col("image_id"))
                .mapPartitions(new RandomisationPartition(new TaskModel(staged.spec(), staged.shippedName(), manifest.inputNormalisation(),
                        manifest.limits(), hadoop), runs, o.randomisation().layers(), o.seed()), Encoders.row(RandomisationPartition.OUTPUT));
        Dataset<Row> flat = result.where(col("error").isNull()).select(col("image_id"), col("class"),
                        org.apache.spark.sql.functions.arrays_zip(col("methods"), col("correlations")).as("z"))
                .select(col("image_id"), col("class"), org.apache.spark.sql.functions.explode(col("z")).as("m"))
                .select(col("image_id"), col("class"), col("m.methods").as("method"), posexplode(col("m.correlations")).as(new String[] {"level", "spearman"}))
                .persist();
        try {
            LakeTables.replace(flat.withColumn("run_id", lit(manifest.runId())), out + "/randomisation", o.format(),
                    RunManifest.json(Map.of("job", "evaluate", "run_id", manifest.runId())));
            for (Row r : flat.groupBy("method", "level").agg(collect_list("spearman").as("v")).orderBy("method", "level").collectAsList()) {
                MetricSummary s = MetricSummary.of(r.<Double>getList(2).stream().mapToDouble(Double::doubleValue).toArray(), o.seed());
                summaries.add(new EvaluationRow("randomisation", null, r.getString(0), "spearman", r.getInt(1), s));
                lines.add(String.format(Locale.ROOT, "randomisation %-22s top %d layers: rank correlation %.3f [%.3f, %.3f] over %d images", r.getString(0),
                        r.getInt(1), s.mean(), s.low(), s.high(), s.n()));
            }
        } finally {
            flat.unpersist();
        }
    }

    /** Rank correlation of two methods' maps of the same image and target, and whether they peak in the same cell of the mass grid. */
    private void agreement(Dataset<Row> sample, String out, List<EvaluationRow> summaries, List<String> lines) {
        UserDefinedFunction spearman = udf((UDF2<Row, Row, Double>) (a, b) -> {
            io.shortcutlens.maps.AttributionMap ma = ExplanationRows.fromRow(a);
            io.shortcutlens.maps.AttributionMap mb = ExplanationRows.fromRow(b);
            return RankCorrelation.spearman(RankCorrelation.pooledMagnitude(ma.toPixels(), ma.height(), ma.width(), CascadingRandomisation.POOL_SIDE),
                    RankCorrelation.pooledMagnitude(mb.toPixels(), mb.height(), mb.width(), CascadingRandomisation.POOL_SIDE));
        }, DataTypes.DoubleType);
        Dataset<Row> a = sample.select(col("image_id"), col("class"), col("target_index"), col("method").as("method_a"), col("map").as("map_a"),
                col("peak_row").as("row_a"), col("peak_col").as("col_a"));
        Dataset<Row> b = sample.select(col("image_id").as("image_b"), col("target_index").as("target_b"), col("method").as("method_b"),
                col("map").as("map_b"), col("peak_row").as("row_b"), col("peak_col").as("col_b"));
        Dataset<Row> pairs = a.join(b, col("image_id").equalTo(col("image_b")).and(col("target_index").equalTo(col("target_b")))
                        .and(col("method_a").lt(col("method_b"))))
                .select(col("image_id"), col("class"), col("method_a"), col("method_b"), spearman.apply(col("map_a"), col("map_b")).as("spearman"),
                        col("row_a").equalTo(col("row_b")).and(col("col_a").equalTo(col("col_b"))).as("same_peak"))
                .persist();
        try {
            LakeTables.replace(pairs, out + "/agreement", o.format(), RunManifest.json(Map.of("job", "evaluate")));
            org.apache.spark.sql.Column[] lists = {collect_list("spearman").as("s"), collect_list(col("same_peak").cast("double")).as("p")};
            Dataset<Row> grouped = pairs.groupBy("class", "method_a", "method_b").agg(lists[0], lists[1])
                    .unionByName(pairs.groupBy("method_a", "method_b").agg(lists[0], lists[1]).withColumn("class", lit(null).cast("string")));
            for (Row r : grouped.orderBy(col("class").asc_nulls_first(), col("method_a"), col("method_b")).collectAsList()) {
                String cls = r.getAs("class");
                String pair = r.<String>getAs("method_a") + " ~ " + r.<String>getAs("method_b");
                MetricSummary s = MetricSummary.of(r.<Double>getList(r.fieldIndex("s")).stream().mapToDouble(Double::doubleValue).toArray(), o.seed());
                MetricSummary p = MetricSummary.of(r.<Double>getList(r.fieldIndex("p")).stream().mapToDouble(Double::doubleValue).toArray(), o.seed());
                summaries.add(new EvaluationRow("agreement", cls, pair, "spearman", null, s));
                summaries.add(new EvaluationRow("agreement", cls, pair, "same_peak_rate", null, p));
                lines.add(String.format(Locale.ROOT, "agreement %-10s %-32s rank correlation %.3f [%.3f, %.3f], same peak cell %.2f, over %d images",
                        cls == null ? "(all)" : cls, pair, s.mean(), s.low(), s.high(), p.mean(), s.n()));
            }
        } finally {
            pairs.unpersist();
        }
    }


    /** Each class's mean curve per method and metric, computed by Spark and small enough to plot. */
    private static Map<CurveKey, double[]> meanCurves(Dataset<Row> curves) {
        Map<CurveKey, double[]> out = new LinkedHashMap<>();
        for (PerturbationCurves.Metric m : PerturbationCurves.Metric.values()) {
            List<Row> rows = curves.where(col("error").isNull())
                    .select(col("class"), col("method"), posexplode(col(m.label() + "_curve")).as(new String[] {"i", "v"}))
                    .groupBy("class", "method", "i").agg(org.apache.spark.sql.functions.avg("v").as("v"))
                    .groupBy("class", "method").agg(org.apache.spark.sql.functions.sort_array(collect_list(org.apache.spark.sql.functions.struct(col("i"), col("v"))))
                            .as("points"))
                    .collectAsList();
            for (Row r : rows) {
                List<Row> points = r.getList(2);
                out.put(new CurveKey(r.getString(0), r.getString(1), m), points.stream().mapToDouble(p -> p.getDouble(1)).toArray());
            }
        }
        return out;
    }
}
