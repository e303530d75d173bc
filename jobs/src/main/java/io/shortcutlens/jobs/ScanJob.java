package io.shortcutlens.jobs;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.shortcutlens.audit.Region;
import io.shortcutlens.audit.RegionMasker;
import io.shortcutlens.audit.ScanTarget;
import io.shortcutlens.lake.ImageInput;
import io.shortcutlens.lake.LakeTables;
import io.shortcutlens.lake.RunFolder;
import io.shortcutlens.lake.RunManifest;
import io.shortcutlens.pipeline.ExplainManifest;
import io.shortcutlens.spark.HadoopConf;
import io.shortcutlens.spark.ModelStaging;
import io.shortcutlens.spark.ScanPartition;
import io.shortcutlens.spark.TaskModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The scan: which images of a whole data set a confirmed shortcut affects. Reads an audited run's findings, and for
 * every image of the input predicts it once and, where the model gives it the class of a confirmed finding, hides the
 * finding's regions as the audit did and predicts again ({@link io.shortcutlens.audit.AffectedProbe}). Writes
 * {@code OUTPUT/affected_images} (one row per affected image and finding region; one row per unreadable image, with its
 * error) and {@code OUTPUT/manifest.json} (counts, and the forward passes spent).
 *
 * <pre>
 * findings (verdict shortcut) ─► scan targets (class, regions) ─┐
 * input images ─► predict, hide each target of the predicted class, predict ─► affected_images + manifest
 * </pre>
 */
@Command(name = "scan", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true, usageHelpWidth = 120,
        version = "ShortcutLens " + Cli.VERSION,
        description = {"Lists the images a confirmed shortcut affects, over every image of the input: those the model gives the finding's",
            "class and whose prediction changes when the finding's region is hidden (what a data team cleans or relabels)."},
        footer = {"", "Example:", "  ./submit.sh scan --findings out/net2 --input data/test"})
public final class ScanJob implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger("shortcutlens.scan");

    @Option(names = "--findings", required = true, paramLabel = "RUN", description = "An audited explain run's folder (holds manifest.json and findings/).")
    String findings;

    @Mixin
    ImageInput source = new ImageInput();

    @picocli.CommandLine.Mixin
    LakeTables.FormatOption tables = new LakeTables.FormatOption();

    @Option(names = "--output", paramLabel = "PATH", description = "Output folder for affected_images/ and manifest.json (default: RUN/scan).")
    String output;

    @Option(names = "--verdicts", split = ",", paramLabel = "VERDICT", description = "Findings with these verdicts are scanned.")
    List<String> verdicts = new ArrayList<>(ScanOptions.DEFAULT_VERDICTS);

    @Option(names = "--fill", paramLabel = "mean|blur|noise|zero", description = "How a region is hidden (default: as the audit hid it, from its findings).")
    RegionMasker.Fill fill;

    @Option(names = "--model", paramLabel = "PATH", description = "Model to predict with (default: the one in the run's manifest).")
    String model;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of a noise fill.")
    long seed = ScanOptions.DEFAULT_SEED;

    /**
     * What the scan wrote and counted.
     *
     * @param tested   image × target pairs re-predicted with the target's regions hidden
     * @param passes   forward passes, the images' own included
     */
    public record Result(String tablePath, String manifestPath, List<ScanTarget> targets, long images, long errors, long tested, long affected, long passes) {
        /** Hidden-region passes per image and target: at most 1. */
        public double maskedPassesPerImageAndTarget() {
            long ok = images - errors;
            return ok == 0 || targets.isEmpty() ? 0 : (double) (passes - ok) / ((double) ok * targets.size());
        }
    }

    public static void main(String[] args) {
        System.exit(Cli.commandLine(new ScanJob()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        return Sessions.run("ShortcutLens scan", spark -> {
            Result r = run(spark);
            System.out.printf(Locale.ROOT, "affected_images: %s%nmanifest:        %s%nscan: %d images (%d errors), %d targets, %d images re-predicted with a"
                    + " region hidden, %d affected; %d forward passes (%.2f per image and target with a region hidden)%n", r.tablePath(), r.manifestPath(),
                    r.images(), r.errors(), r.targets().size(), r.tested(), r.affected(), r.passes(), r.maskedPassesPerImageAndTarget());
            return 0;
        });
    }

    static final StructType TARGETS = DataTypes.createStructType(new StructField[] {
        DataTypes.createStructField("target", DataTypes.IntegerType, false),
        DataTypes.createStructField("class", DataTypes.StringType, false),
        DataTypes.createStructField("finding_ids", DataTypes.createArrayType(DataTypes.IntegerType, false), false),
        DataTypes.createStructField("regions", DataTypes.createArrayType(DataTypes.StringType, false), false),
    });

    /** The options these flags name. */
    ScanOptions options() {
        return new ScanOptions(findings, source.source(), output, verdicts, fill, model, seed, tables.format);
    }

    /** Runs the scan these flags ask for, on an existing session. */
    Result run(SparkSession spark) {
        return run(spark, options());
    }

    /** Runs a scan on an existing session: the API programs call. */
    public static Result run(SparkSession spark, ScanOptions o) {
        long t0 = System.nanoTime();
        String dir = o.findings();
        String out = o.out();
        List<String> verdicts = o.verdicts();
        ExplainManifest manifest = RunManifest.readExplain(spark, RunFolder.of(dir).manifest());
        List<String> classNames = manifest.model().classNames();
        Dataset<Row> table = readFindings(spark, dir);
        List<ScanTarget> targets = ScanTarget.of(stated(table), verdicts);
        RegionMasker.Fill hide = o.fill() != null ? o.fill() : auditFill(table);
        LOG.info("[1/3] {} findings with verdict {} in {}: {} scan targets, hidden with {}", table.count(), verdicts, dir, targets.size(),
                hide.name().toLowerCase(Locale.ROOT));
        ModelStaging.Staged staged = AuditJob.stageModel(spark, manifest.model(), o.model());
        Dataset<Row> images = o.input().read(spark);
        LOG.info("[2/3] input {}: predicting every image, and again with the regions hidden where it is given a target's class", o.input().input());
        Dataset<Row> scanned = images.mapPartitions(new ScanPartition(new TaskModel(staged.spec(), staged.shippedName(),
                manifest.inputNormalisation(), manifest.limits(), new HadoopConf(spark.sparkContext().hadoopConfiguration())), targets, hide, o.seed()),
                Encoders.row(ScanPartition.OUTPUT)).persist();
        try {
            List<Row> targetRows = new ArrayList<>();
            for (int t = 0; t < targets.size(); t++) {
                ScanTarget s = targets.get(t);
                targetRows.add(RowFactory.create(t, s.className(), s.findingIds().toArray(new Integer[0]),
                        s.regions().stream().map(Region::describe).toArray(String[]::new)));
            }
            Column names = array(classNames.stream().map(n -> lit(n)).toArray(Column[]::new));
            Dataset<Row> affected = scanned.where(col("error").isNull()).select(col("image_id"), col("path"), col("label"), explode(col("effects")).as("e"))
                    .where(col("e.affected"))
                    .join(spark.createDataFrame(targetRows, TARGETS), col("e.target").equalTo(col("target")))
                    .select(col("finding_ids"), col("class"), col("regions"), col("image_id"), col("path"), col("label"),
                            col("class").as("predicted_before"), col("e.score_before").as("score_before"),
                            element_at(names, col("e.predicted_after_index").plus(1)).as("predicted_after"), col("e.score_after").as("score_after"),
                            col("e.score_before").minus(col("e.score_after")).as("score_drop"), lit(null).cast("string").as("error"));
            Dataset<Row> failed = scanned.where(col("error").isNotNull()).select(lit(null).cast("array<int>").as("finding_ids"),
                    lit(null).cast("string").as("class"), lit(null).cast("array<string>").as("regions"), col("image_id"), col("path"), col("label"),
                    lit(null).cast("string").as("predicted_before"), lit(null).cast("float").as("score_before"), lit(null).cast("string").as("predicted_after"),
                    lit(null).cast("float").as("score_after"), lit(null).cast("float").as("score_drop"), col("error"));
            String tablePath = RunFolder.of(out).affectedImages();
            LakeTables.replace(affected.unionByName(failed).withColumn("run_id", lit(manifest.runId()))
                    .coalesce(Math.max(1, images.rdd().getNumPartitions() / 8)), tablePath, o.format(),
                    RunManifest.json(Map.of("job", "scan", "run_id", manifest.runId(), "findings", dir)));
            Row c = scanned.agg(org.apache.spark.sql.functions.count("*"), sum(when(col("error").isNotNull(), 1L).otherwise(0L)), sum(size(col("effects"))),
                    sum(org.apache.spark.sql.functions.aggregate(col("effects"), lit(0L), (a, e) -> a.plus(when(e.getField("affected"), 1L).otherwise(0L)))),
                    sum(col("passes"))).first();
            Result r = new Result(tablePath, RunFolder.of(out).manifest(), targets, c.getLong(0), c.isNullAt(1) ? 0 : c.getLong(1), c.isNullAt(2) ? 0 : c.getLong(2),
                    c.isNullAt(3) ? 0 : c.getLong(3), c.isNullAt(4) ? 0 : c.getLong(4));
            double seconds = (System.nanoTime() - t0) / 1e9;
            RunManifest.write(spark, r.manifestPath(), manifest(r, o, manifest, new Hidden(hide, seconds)));
            LOG.info("[3/3] {} images ({} errors): {} re-predicted with a region hidden, {} affected; {} forward passes; {} s", r.images(), r.errors(),
                    r.tested(), r.affected(), r.passes(), String.format(Locale.ROOT, "%.1f", seconds));
            return r;
        } finally {
            scanned.unpersist();
        }
    }

    /** The audited run's findings table; fails naming the run when it has none. */
    static Dataset<Row> readFindings(SparkSession spark, String dir) {
        try {
            return LakeTables.read(spark, RunFolder.of(dir).findings());
        } catch (Exception e) {
            throw new IllegalArgumentException("--findings " + dir + ": no findings table there (run ./submit.sh audit --run " + dir + " first)", e);
        }
    }

    /** The findings as the scan reads them: a places finding by its places' regions (older audits: its one region). */
    static List<ScanTarget.Stated> stated(Dataset<Row> table) {
        boolean places = List.of(table.columns()).contains("place_regions");
        List<ScanTarget.Stated> out = new ArrayList<>();
        for (Row r : table.where(col("grid_size").isNotNull()).orderBy("finding_id").collectAsList()) {
            List<Region> regions = new ArrayList<>();
            List<Object> boxes = places ? r.getList(r.fieldIndex("place_regions")) : List.of();
            if (!boxes.isEmpty()) {
                for (Object box : boxes) { // an array of arrays comes back as Scala sequences
                    regions.add(AuditTables.region(scala.collection.JavaConverters.seqAsJavaList((scala.collection.Seq<Integer>) box)));
                }
            } else {
                regions.add(new Region(r.getAs("grid_size"), r.getAs("region_row"), r.getAs("region_col"), r.getAs("region_height"), r.getAs("region_width")));
            }
            out.add(new ScanTarget.Stated(r.getAs("finding_id"), r.getAs("class"), r.getAs("verdict"), regions));
        }
        return out;
    }

    /** How the audit hid its regions, as its findings record it (the default fill when none is recorded). */
    static RegionMasker.Fill auditFill(Dataset<Row> table) {
        List<Row> fills = table.select("fill").distinct().collectAsList();
        return fills.isEmpty() ? RegionMasker.DEFAULT_FILL : RegionMasker.Fill.valueOf(fills.get(0).getString(0).toUpperCase(Locale.ROOT));
    }

    /** How the scan hid regions, and how long it took. */
    private record Hidden(RegionMasker.Fill fill, double seconds) { }

    private static JobManifests.Scan manifest(Result r, ScanOptions o, ExplainManifest explained, Hidden hidden) {
        List<JobManifests.ScanTarget> targets = r.targets().stream()
                .map(t -> new JobManifests.ScanTarget(t.className(), t.findingIds(), t.regions().stream().map(Region::describe).toList())).toList();
        return new JobManifests.Scan(JobManifests.Written.now("scan"), o.findings(), explained.runId(), o.model() != null ? o.model() : explained.model().path(),
                o.input().input(), o.input().format(), o.input().where(), o.verdicts(), hidden.fill().name().toLowerCase(Locale.ROOT), targets,
                new JobManifests.ScanCounts(r.images(), r.errors(), r.tested(), r.affected(), r.passes(), r.images() == 0 ? 0 : (double) r.passes() / r.images(),
                        r.maskedPassesPerImageAndTarget()), hidden.seconds());
    }
}
