package io.shortcutlens.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.shortcutlens.audit.FindingsDiff;
import io.shortcutlens.audit.Region;
import io.shortcutlens.audit.RegionMasker;
import io.shortcutlens.audit.ScanTarget;
import io.shortcutlens.audit.Verdict;
import io.shortcutlens.correct.ClassAccuracy;
import io.shortcutlens.correct.CorrectionParams;
import io.shortcutlens.correct.CorrectionRecipe;
import io.shortcutlens.correct.RegionNeutraliser;
import io.shortcutlens.correct.ShortcutRegion;
import io.shortcutlens.lake.ImageSource;
import io.shortcutlens.lake.ImageSources;
import io.shortcutlens.lake.LakeTables;
import io.shortcutlens.lake.RunFolder;
import io.shortcutlens.lake.RunManifest;
import io.shortcutlens.model.Dl4jClassifier;
import io.shortcutlens.model.ModelLoader;
import io.shortcutlens.model.ModelMetadata;
import io.shortcutlens.pipeline.ExplainManifest;
import io.shortcutlens.report.CorrectionReport;
import io.shortcutlens.spark.HadoopConf;
import io.shortcutlens.spark.ModelStaging;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.CollectionAccumulator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Closes the loop after an audit: trains each confirmed shortcut away and shows whether it worked. For a DL4J network
 * the training images stream through Spark with every shortcut region neutralised by a seeded draw
 * ({@link RegionNeutraliser}) and the network is fine-tuned with dl4j-spark's parameter averaging; the corrected
 * network is then evaluated on the held-out images with and without the artifact (dl4j-spark's distributed
 * evaluation: accuracy per class and confusion matrices), explained as the run was and audited as the run was, with
 * the earlier shortcut regions tested again ({@code --recheck}); the before/after per finding goes to a table and a
 * report. For a model trained elsewhere (ONNX) it writes what that training pipeline needs: the recipe per finding
 * and the affected training images.
 * <pre>
 *   findings (verdict shortcut) ─► regions ─► recipe.json, affected_images
 *   DL4J: train images ─► decode ─► neutralise (seeded) ─► mini-batches ─► dl4j-spark fit (parameter averaging) ─► corrected model
 *         held-out ─► evaluate before / after, as is / regions hidden ─► re-explain ─► re-audit (--recheck) ─► before_after, report
 * </pre>
 */
@Command(name = "correct", mixinStandardHelpOptions = true, usageHelpWidth = 120, sortOptions = false, showDefaultValues = true,
        version = "ShortcutLens " + Cli.VERSION,
        description = {"Trains an audit's confirmed shortcuts away and proves the fix: the training images with each shortcut region neutralised",
            "(the image's mean, noise, or pasted across the class boundary; seeded), a DL4J network fine-tuned on them with dl4j-spark",
            "(parameter averaging), then the held-out images evaluated, explained and audited again, before against after. For an ONNX",
            "model: the augmentation recipe and the affected training images, for the pipeline that trained it."},
        footer = {"", "Example:", "  ./submit.sh correct --findings out/explain/net2 --train data/train --output out/correct/net2"})
public final class CorrectJob implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger("shortcutlens.correct");
    /** Region patches kept per side of a class boundary for {@code paste}. */
    private static final int DONORS_PER_SIDE = 64;

    @Option(names = "--findings", required = true, paramLabel = "RUN", description = {"An audited explain run's folder (manifest.json, findings/,",
        "audit-summary.json): its findings with verdict shortcut are corrected."})
    String findings;

    @Option(names = "--train", required = true, paramLabel = "PATH", description = "Training images: a folder tree, label = sub-folder name (the model's class names); any Hadoop path.")
    String train;

    @Option(names = "--model", paramLabel = "PATH", description = "The model to correct (default: the run's model).")
    String model;

    @Option(names = "--output", required = true, paramLabel = "PATH", description = {"Output folder: recipe.json, affected_images/, and for a DL4J",
        "network model/corrected.zip, accuracy/, confusion/, explain/ (re-explained and re-audited), before_after/, manifest.json, report.html."})
    String output;

    @Option(names = "--held-out", paramLabel = "PATH", description = "Held-out images (a folder tree) evaluated and audited before and after (default: the run's input).")
    String heldOut;

    @Option(names = "--fill", paramLabel = "mean|noise|paste|spread", description = {"What stands in for a shortcut region in training: the image's",
        "own mean, noise (both on every class's images), the region of an image from the other side of the class boundary, or",
        "spread (the class's region pasted into other classes' images, the class's own images filled with their mean). mean and",
        "noise hide the artifact but never show it to the network, so it is not unlearned: if the re-audit still says shortcut, use",
        "spread or paste, which show it on the other side of the class boundary."})
    CorrectionParams.Fill fill = CorrectionParams.DEFAULT_FILL;

    @Option(names = "--fraction", paramLabel = "F", description = "Share of the images whose region is neutralised in each epoch (default: 0.5 for paste and spread, 1 otherwise).")
    Double fraction;

    @Option(names = "--epochs", paramLabel = "N", description = "Fine-tuning passes over the training images.")
    int epochs = CorrectionParams.DEFAULT_EPOCHS;

    @Option(names = "--batch-size", paramLabel = "N", description = "Mini-batch size on each worker.")
    int batchSize = CorrectionParams.DEFAULT_BATCH_SIZE;

    @Option(names = "--workers", paramLabel = "N", description = "Spark tasks training in parallel (parameter averaging); the result depends on N, not on the input's partitions.")
    int workers = CorrectionParams.DEFAULT_WORKERS;

    @Option(names = "--averaging-frequency", paramLabel = "N", description = "Mini-batches each worker fits between two averagings.")
    int averagingFrequency = CorrectionParams.DEFAULT_AVERAGING_FREQUENCY;

    @Option(names = "--learning-rate", paramLabel = "LR", description = "Fine-tuning learning rate (the network's own updater).")
    double learningRate = CorrectionParams.DEFAULT_LEARNING_RATE;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the draws, donors and order of the training stream.")
    long seed = CorrectionParams.DEFAULT_SEED;

    @Option(names = "--skip-audit", description = "Fine-tune and evaluate only: no re-explain and re-audit of the held-out images.")
    boolean skipAudit;

    @Option(names = "--partitions", paramLabel = "N", description = "Partitions the image listings are read in (0 = four per core); the result does not depend on it.")
    int partitions;

    @CommandLine.Mixin
    LakeTables.FormatOption tables = new LakeTables.FormatOption();


    /** What the correction did and found; {@code corrected} null when only the recipe was written (a model trained elsewhere). */
    public record Result(List<ShortcutRegion> regions, String recipePath, String correctedModel, List<ClassAccuracy> accuracy, List<FindingsDiff.Entry> beforeAfter,
                  AuditJob.Result audit, long trainingImages, List<String> unreadable, String reportPath, double seconds) { }

    public static void main(String[] args) {
        System.exit(Cli.commandLine(new CorrectJob()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        return Sessions.run("ShortcutLens correct", spark -> {
            Result r = run(spark);
            print(r);
            return 0;
        });
    }

    CorrectionParams params() {
        return new CorrectionParams(fill, fraction != null ? fraction : CorrectionParams.defaultFraction(fill), seed, epochs, batchSize, workers, averagingFrequency,
                learningRate);
    }

    /** The options these flags name. */
    CorrectOptions options() {
        return new CorrectOptions(findings, train, model, output, heldOut, params(), skipAudit, partitions, tables.format);
    }

    /** Runs the correction these flags ask for, on an existing session. */
    Result run(SparkSession spark) throws IOException {
        return run(spark, options());
    }

    /** What the correction works from: its settings, the audited run and its findings, the model staged, the shortcut regions. */
    private record Plan(CorrectOptions options, ExplainManifest manifest, Dataset<Row> findingsTable, String heldOutPath, ModelStaging.Staged staged,
                        List<ShortcutRegion> regions) {
        CorrectionParams params() {
            return options.params();
        }

        String dir() {
            return options.findings();
        }

        String out() {
            return options.output();
        }

        List<String> classNames() {
            return staged.model().classNames();
        }
    }

    /** What the correction did: the recipe, the corrected network (null: none trained), held-out accuracy, the audit of the corrected network. */
    private record Outcome(String recipePath, String corrected, List<ClassAccuracy> accuracy, AuditJob.Result audit, long trainingImages,
                           List<String> unreadable, List<FindingsDiff.Entry> beforeAfter) {
        /** Nothing trained: the recipe and the affected images are the correction (no shortcut, or a model trained elsewhere). */
        static Outcome recipeOnly(String recipePath, long trainingImages) {
            return new Outcome(recipePath, null, List.of(), null, trainingImages, List.of(), List.of());
        }
    }

    /** The network fine-tuned: where it was written, the training images, those that could not be read. */
    private record Tuned(MultiLayerNetwork net, String path, long trainingImages, List<String> unreadable) { }

    /** Runs a correction on an existing session: the API other jobs and programs call. */
    public static Result run(SparkSession spark, CorrectOptions o) throws IOException {
        long t0 = System.nanoTime();
        Plan plan = plan(spark, o);
        Dataset<Row> training = training(spark, o, plan.classNames());
        try {
            String recipePath = writeRecipe(spark, plan, training);
            if (plan.regions().isEmpty()) {
                LOG.info("[correct] the audit confirmed no shortcut: nothing to correct");
                return finish(spark, plan, Outcome.recipeOnly(recipePath, 0), t0);
            }
            if (!(plan.staged().model().classifier() instanceof Dl4jClassifier dl4j) || !(dl4j.prototype() instanceof MultiLayerNetwork original)) {
                LOG.info("[correct] {} is not a DL4J MultiLayerNetwork: the recipe and the affected images are for the pipeline that trained it "
                        + "(README: \"Correcting a model trained elsewhere\")", plan.staged().model().path());
                return finish(spark, plan, Outcome.recipeOnly(recipePath, training.count()), t0);
            }
            TrainingStream stream = new TrainingStream(plan.staged().model().inputShape(), plan.manifest().inputNormalisation(), plan.manifest().limits(),
                    new HadoopConf(spark.sparkContext().hadoopConfiguration()), plan.classNames());
            Tuned tuned = fineTune(spark, plan, stream, training, original);
            List<ClassAccuracy> accuracy = heldOutAccuracy(spark, plan, stream, original, tuned.net());
            AuditJob.Result audit = o.skipAudit() ? null : reaudit(spark, plan, tuned.path());
            return finish(spark, plan, new Outcome(recipePath, tuned.path(), accuracy, audit, tuned.trainingImages(), tuned.unreadable(),
                    beforeAfter(spark, plan, audit)), t0);
        } finally {
            training.unpersist();
        }
    }

    /** 1. the run, its audit's shortcut findings and the model, checked before any work. */
    private static Plan plan(SparkSession spark, CorrectOptions o) {
        String dir = o.findings();
        String heldOut = o.heldOut();
        ExplainManifest manifest = RunManifest.readExplain(spark, RunFolder.of(dir).manifest());
        Dataset<Row> findingsTable = findingsTable(spark, dir);
        List<ScanTarget> shortcuts = ScanTarget.of(ScanJob.stated(findingsTable), List.of(Verdict.SHORTCUT.label()));
        if (heldOut == null && !"images".equalsIgnoreCase(manifest.inputFormat())) {
            throw new IllegalArgumentException("the run read a table (" + manifest.input() + "); give the held-out images as a folder tree with --held-out");
        }
        ModelStaging.Staged staged = AuditJob.stageModel(spark, manifest.model(), o.model());
        List<ShortcutRegion> regions = ShortcutRegion.of(shortcuts, staged.model().classNames(), staged.model().inputShape().height(),
                staged.model().inputShape().width());
        LOG.info("[correct 1/5] {} shortcut findings of {} in {} distinct regions: {}", shortcuts.size(), dir, regions.size(),
                regions.stream().map(r -> r.className() + " " + r.region().describeBrief()).toList());
        return new Plan(o, manifest, findingsTable, heldOut != null ? heldOut : manifest.input(), staged, regions);
    }

    /** The training images (path, label), persisted; a label that is not a class of the model fails here. */
    private static Dataset<Row> training(SparkSession spark, CorrectOptions o, List<String> classNames) {
        String train = o.train();
        Dataset<Row> training = ImageSources.folder(spark, train, slices(spark, o), null).select("path", "label").persist();
        List<String> strangers = training.select("label").distinct().collectAsList().stream().map(r -> r.getString(0))
                .filter(l -> l == null || !classNames.contains(l)).toList();
        if (!strangers.isEmpty()) {
            training.unpersist();
            throw new IllegalArgumentException("--train " + train + ": labels " + strangers + " are not classes of the model " + classNames
                    + " (a folder tree with one sub-folder per class)");
        }
        return training;
    }

    /** The recipe (recipe.json) and the affected training images, written; returns the recipe's path. */
    private static String writeRecipe(SparkSession spark, Plan plan, Dataset<Row> training) {
        io.shortcutlens.model.LoadedModel m = plan.staged().model();
        CorrectionRecipe recipe = CorrectionRecipe.of(m.modelId(), plan.classNames(), m.inputShape().height(), m.inputShape().width(), plan.params(),
                plan.regions());
        String recipePath = plan.out() + "/recipe.json";
        RunManifest.write(spark, recipePath, recipe);
        writeAffected(spark, training, plan.regions(), new Written(RunFolder.of(plan.out()).affectedImages(), plan.options().format()));
        LOG.info("[correct 1/5] recipe written to {}; affected training images to {}/affected_images", recipePath, plan.out());
        return recipePath;
    }

    /** 2. fine-tuning through dl4j-spark: the stream re-drawn each epoch, parameter averaging over the workers. */
    private static Tuned fineTune(SparkSession spark, Plan plan, TrainingStream stream, Dataset<Row> training, MultiLayerNetwork original)
            throws IOException {
        CorrectionParams params = plan.params();
        long seed = params.seed();
        List<ShortcutRegion> regions = plan.regions();
        List<RegionNeutraliser.Donors> donors = params.needsDonors() ? stream.donors(training, regions, seed, DONORS_PER_SIDE) : null;
        if (donors != null) {
            for (int r = 0; r < regions.size(); r++) {
                LOG.info("[correct 2/5] {}: {} donor patches from the class, {} from other classes", regions.get(r).className(),
                        donors.get(r).fromClass().length, donors.get(r).fromOthers().length);
            }
        }
        RegionNeutraliser neutraliser = new RegionNeutraliser(regions, params, plan.staged().model().inputShape(), donors);
        MultiLayerNetwork net = original.clone();
        net.setLearningRate(params.learningRate());
        SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(spark.sparkContext(), net, trainingMaster(params));
        CollectionAccumulator<String> unreadable = spark.sparkContext().collectionAccumulator("correct: unreadable training images");
        long trainingImages = training.count();
        for (int epoch = 0; epoch < params.epochs(); epoch++) {
            long te = System.nanoTime();
            JavaRDD<DataSet> batches = stream.batches(training, TrainingStream.neutralised(neutraliser, epoch), params.batchSize(), params.workers(),
                    seed + epoch, unreadable);
            sparkNet.fit(batches); // the training master persists the epoch's batches (memory, then disk) and releases them
            batches.unpersist();
            LOG.info("[correct 2/5] epoch {}/{}: {} images, score {} ({} s)", epoch + 1, params.epochs(), trainingImages,
                    String.format(Locale.ROOT, "%.4f", sparkNet.getScore()), String.format(Locale.ROOT, "%.1f", (System.nanoTime() - te) / 1e9));
        }
        String correctedPath = saveModel(spark, sparkNet.getNetwork(), plan.staged(), plan.manifest(), plan.out() + "/model/corrected.zip");
        LOG.info("[correct 2/5] corrected network written to {}", correctedPath);
        return new Tuned(sparkNet.getNetwork(), correctedPath, trainingImages, List.copyOf(new java.util.TreeSet<>(unreadable.value())));
    }

    /** 3. held-out accuracy before and after, with the artifact and with the regions hidden: dl4j-spark's distributed evaluation. */
    private static List<ClassAccuracy> heldOutAccuracy(SparkSession spark, Plan plan, TrainingStream stream, MultiLayerNetwork original,
                                                  MultiLayerNetwork corrected) {
        List<String> classNames = plan.classNames();
        long seed = plan.params().seed();
        LakeTables.Format format = plan.options().format();
        Dataset<Row> held = ImageSources.folder(spark, plan.heldOutPath(), slices(spark, plan.options()), null).select("path", "label")
                .where(col("label").isin(classNames.toArray())).persist();
        RegionMasker.Fill hide = ScanJob.auditFill(plan.findingsTable()); // hidden as the audit hid them when it confirmed the shortcut
        CollectionAccumulator<String> unreadable = spark.sparkContext().collectionAccumulator("correct: unreadable held-out images");
        List<ClassAccuracy> accuracy = new ArrayList<>();
        List<Row> confusion = new ArrayList<>();
        Map<String, MultiLayerNetwork> models = new LinkedHashMap<>();
        models.put("original", original);
        models.put("corrected", corrected);
        for (String variant : List.of("as_is", "regions_hidden")) {
            TrainingStream.Change change = variant.equals("as_is") ? TrainingStream.asIs() : TrainingStream.hidden(plan.regions(), hide, seed);
            JavaRDD<DataSet> batches = stream.batches(held, change, 64, Math.max(1, spark.sparkContext().defaultParallelism()), seed, unreadable).persist(
                    org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK_SER());
            for (Map.Entry<String, MultiLayerNetwork> m : models.entrySet()) {
                Evaluation e = new SparkDl4jMultiLayer(spark.sparkContext(), m.getValue(), trainingMaster(plan.params())).evaluate(batches, classNames);
                for (int c = 0; c < classNames.size(); c++) {
                    long count = 0;
                    for (int p = 0; p < classNames.size(); p++) {
                        int n = e.getConfusionMatrix().getCount(c, p);
                        count += n;
                        confusion.add(RowFactory.create(m.getKey(), variant, classNames.get(c), classNames.get(p), (long) n));
                    }
                    accuracy.add(new ClassAccuracy(m.getKey(), variant, classNames.get(c), count, e.getConfusionMatrix().getCount(c, c)));
                }
            }
            batches.unpersist();
        }
        held.unpersist();
        accuracy.sort(java.util.Comparator.comparing(ClassAccuracy::images).thenComparing(a -> classNames.indexOf(a.className()))
                .thenComparing(a -> a.model().equals("original") ? 0 : 1));
        LakeTables.replace(spark.createDataFrame(accuracy.stream().map(a -> RowFactory.create(a.model(), a.images(), a.className(), a.count(), a.correct(),
                a.accuracy())).toList(), ACCURACY).coalesce(1), plan.out() + "/accuracy", format, RunManifest.json(Map.of("job", "correct")));
        LakeTables.replace(spark.createDataFrame(confusion, CONFUSION).coalesce(1), plan.out() + "/confusion", format,
                RunManifest.json(Map.of("job", "correct")));
        for (ClassAccuracy a : accuracy) {
            LOG.info("[correct 3/5] {} {} {}: {}/{} = {}", a.model(), a.images(), a.className(), a.correct(), a.count(),
                    String.format(Locale.ROOT, "%.3f", a.accuracy()));
        }
        return accuracy;
    }

    /** 4. the earlier shortcut findings before and after, from the corrected network's audit (none when it was skipped), written. */
    private static List<FindingsDiff.Entry> beforeAfter(SparkSession spark, Plan plan, AuditJob.Result audit) {
        if (audit == null) {
            return List.of();
        }
        List<FindingsDiff.Entry> beforeAfter = audit.diff().stream().filter(e -> e.before() != null && e.before().verdict() == Verdict.SHORTCUT).toList();
        LakeTables.replace(spark.createDataFrame(beforeAfter.stream().map(e -> beforeAfterRow(e)).toList(), BEFORE_AFTER).coalesce(1),
                plan.out() + "/before_after", plan.options().format(), RunManifest.json(Map.of("job", "correct")));
        beforeAfter.forEach(e -> LOG.info("[correct 4/5] {}", e.describe()));
        if (!plan.params().fill().unlearnsTheArtifact() && beforeAfter.stream().anyMatch(e -> e.now() != null && e.now().verdict() == Verdict.SHORTCUT)) {
            LOG.warn("[correct 4/5] a shortcut is left: --fill {} hides the region on every image but never shows the artifact on other"
                    + " classes' images, so the network can keep reading it; try --fill spread (or paste)", plan.params().fill().label());
        }
        return beforeAfter;
    }

    /** 5. the manifest and the report. */
    private static Result finish(SparkSession spark, Plan plan, Outcome o, long t0) {
        double seconds = (System.nanoTime() - t0) / 1e9;
        ExplainManifest manifest = plan.manifest();
        CorrectionParams params = plan.params();
        JobManifests.Source source = new JobManifests.Source(plan.dir(), manifest.runId(),
                plan.options().model() != null ? plan.options().model() : manifest.model().path(), manifest.model().modelId());
        RunManifest.write(spark, RunFolder.of(plan.out()).manifest(), new JobManifests.Correction(JobManifests.Written.now("correct"), source,
                plan.options().train(), plan.heldOutPath(), params, o.corrected() == null ? null : JobManifests.FineTuning.of(params),
                plan.regions().stream().map(r -> new JobManifests.CorrectedRegion(r.findingIds(), r.className(), r.region().describe())).toList(),
                o.trainingImages(), o.unreadable(), o.recipePath(), o.corrected(), o.accuracy(),
                o.beforeAfter().stream().map(FindingsDiff.Entry::describe).toList(), Math.round(seconds * 10) / 10.0));
        String report = plan.out() + "/report.html";
        CorrectionReport.write(spark, report, new CorrectionReport.Contents(manifest, params, plan.regions(), o.accuracy(), o.beforeAfter(), o.corrected(),
                o.audit() == null ? null : o.audit().reportPath()));
        LOG.info("[correct 5/5] manifest {}/manifest.json, report {}; {} s", plan.out(), report, String.format(Locale.ROOT, "%.1f", seconds));
        return new Result(plan.regions(), o.recipePath(), o.corrected(), o.accuracy(), o.beforeAfter(), o.audit(), o.trainingImages(), o.unreadable(),
                report, seconds);
    }

    /** Parameter averaging with a fixed split of the stream: the stream arrives in {@code workers} partitions, never repartitioned. */
    static ParameterAveragingTrainingMaster trainingMaster(CorrectionParams p) {
        return new ParameterAveragingTrainingMaster.Builder(p.workers(), p.batchSize()).batchSizePerWorker(p.batchSize())
                .averagingFrequency(p.averagingFrequency()).workerPrefetchNumBatches(0).repartionData(Repartition.Never)
                .rddTrainingApproach(RDDTrainingApproach.Direct).storageLevel(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK_SER())
                .rngSeed(p.seed()).saveUpdater(true).build();
    }

    /** The run's audit's findings table (read as the scan job reads it). */
    private static Dataset<Row> findingsTable(SparkSession spark, String dir) {
        if (LakeTables.existing(spark, RunFolder.of(dir).findings()) == null) {
            throw new IllegalArgumentException("--findings " + dir + ": no findings table there (audit the run first: ./submit.sh audit --run " + dir + ")");
        }
        return LakeTables.read(spark, RunFolder.of(dir).findings());
    }

    /** The training images of each region's class: the images the recipe's region most often carries the shortcut in. */
    /** Where a table goes and in which format. */
    private record Written(String path, LakeTables.Format format) { }

    private static void writeAffected(SparkSession spark, Dataset<Row> training, List<ShortcutRegion> regions, Written to) {
        Dataset<Row> affected = null;
        for (ShortcutRegion r : regions) {
            Region g = r.region();
            Dataset<Row> part = training.where(col("label").equalTo(r.className())).select(lit(r.findingIds().get(0)).as("finding_id"),
                    lit(r.className()).as("class"), lit(g.describeBrief()).as("region"), lit(g.grid()).as("grid_size"), lit(g.row()).as("region_row"),
                    lit(g.col()).as("region_col"), lit(g.height()).as("region_height"), lit(g.width()).as("region_width"), col("path"), col("label"));
            affected = affected == null ? part : affected.unionByName(part);
        }
        if (affected == null) {
            affected = spark.createDataFrame(List.of(), AFFECTED);
        }
        LakeTables.replace(affected.orderBy("finding_id", "path").coalesce(1), to.path(), to.format(), RunManifest.json(Map.of("job", "correct")));
    }

    /**
     * Explains the held-out images with the corrected model as the run was explained (the command line its manifest
     * records, read back), then audits them as the run was audited (the command line its summary records).
     */
    private static AuditJob.Result reaudit(SparkSession spark, Plan plan, String corrected) {
        ExplainManifest manifest = plan.manifest();
        String dir = plan.dir();
        String explainOut = plan.out() + "/explain";
        ExplainOptions asExplained;
        if (manifest.arguments().isEmpty()) {
            LOG.warn("the run's manifest does not record its arguments (an older run): the corrected model is explained with each method's defaults");
            asExplained = ExplainOptions.builder(ImageSource.folder(manifest.input()), corrected, explainOut)
                    .methods(List.copyOf(manifest.rowsPerMethod().keySet())).build();
        } else {
            asExplained = ExplainJob.parse(manifest.arguments());
        }
        ExplainOptions.Builder explain = asExplained.toBuilder().modelPath(corrected)
                .output(new ExplainOptions.Output(explainOut, WriteMode.OVERWRITE, asExplained.output().format(), null));
        if (plan.options().heldOut() != null) {
            ImageSource run = asExplained.input();
            explain.input(new ImageSource(plan.options().heldOut(), ImageSource.FOLDER, run.where(), run.columns(), run.partitions()));
        }
        LOG.info("[correct 4/5] explaining the held-out images with the corrected network as the run did ({})", asExplained.methods());
        ExplainJob.run(spark, explain.build());

        List<String> auditArgs = RunManifest.read(spark, RunFolder.of(dir).auditSummary(), AuditSummary.class).arguments();
        AuditOptions asAudited = auditArgs.isEmpty() ? AuditOptions.builder(dir).build() : AuditJob.parse(auditArgs);
        AuditOptions audit = asAudited.toBuilder().run(explainOut).model(null)
                .pictures(asAudited.pictures().withEmbeddings(null)) // an embedding of the original model's features does not describe the corrected one
                .earlier(new AuditOptions.Earlier(dir, dir)).build();
        LOG.info("[correct 4/5] auditing the corrected network as the run was audited, the earlier shortcut regions tested again");
        return AuditJob.run(spark, audit);
    }

    private static String saveModel(SparkSession spark, MultiLayerNetwork net, ModelStaging.Staged staged, ExplainManifest manifest, String path)
            throws IOException {
        File local = Files.createTempFile("shortcutlens-corrected-", ".zip").toFile();
        local.deleteOnExit();
        ModelSerializer.writeModel(net, local, true);
        ModelLoader.writeMetadata(local, new ModelMetadata(staged.model().inputShape(), staged.model().classNames(), manifest.inputNormalisation()));
        Path target = new Path(path);
        FileSystem fs = target.getFileSystem(spark.sparkContext().hadoopConfiguration());
        fs.copyFromLocalFile(true, true, new Path(local.getAbsolutePath()), target);
        return fs.makeQualified(target).toString();
    }

    private static int slices(SparkSession spark, CorrectOptions o) {
        return o.partitions() > 0 ? o.partitions() : spark.sparkContext().defaultParallelism() * 4;
    }

    private static Row beforeAfterRow(FindingsDiff.Entry e) {
        FindingsDiff.Stated b = e.before();
        FindingsDiff.Stated a = e.now();
        return RowFactory.create(b.className(), b.method(), b.location(), e.change().label(), b.verdict().label(), b.share(), b.flipRate(),
                a == null ? null : a.verdict().label(), a == null ? null : a.share(), a == null ? null : a.flipRate());
    }

    public static void print(Result r) {
        System.out.printf(Locale.ROOT, "%d shortcut regions; recipe %s%n", r.regions().size(), r.recipePath());
        if (r.correctedModel() == null) {
            return;
        }
        System.out.printf(Locale.ROOT, "corrected model: %s (%d training images, %d unreadable)%n", r.correctedModel(), r.trainingImages(), r.unreadable().size());
        System.out.printf(Locale.ROOT, "%-10s %-15s %-9s %9s %9s%n", "class", "images", "", "original", "corrected");
        for (int i = 0; i + 1 < r.accuracy().size(); i += 2) {
            ClassAccuracy o = r.accuracy().get(i);
            ClassAccuracy c = r.accuracy().get(i + 1);
            System.out.printf(Locale.ROOT, "%-10s %-15s %-9s %9.3f %9.3f%n", o.className(), o.images(), "accuracy", o.accuracy(), c.accuracy());
        }
        r.beforeAfter().forEach(e -> System.out.println(e.describe()));
        System.out.printf(Locale.ROOT, "report: %s (%.1f s)%n", r.reportPath(), r.seconds());
    }

    static final StructType ACCURACY = DataTypes.createStructType(List.of(
            DataTypes.createStructField("model", DataTypes.StringType, false), DataTypes.createStructField("images", DataTypes.StringType, false),
            DataTypes.createStructField("class", DataTypes.StringType, false), DataTypes.createStructField("count", DataTypes.LongType, false),
            DataTypes.createStructField("correct", DataTypes.LongType, false), DataTypes.createStructField("accuracy", DataTypes.DoubleType, true)));

    static final StructType CONFUSION = DataTypes.createStructType(List.of(
            DataTypes.createStructField("model", DataTypes.StringType, false), DataTypes.createStructField("images", DataTypes.StringType, false),
            DataTypes.createStructField("label", DataTypes.StringType, false), DataTypes.createStructField("predicted", DataTypes.StringType, false),
            DataTypes.createStructField("count", DataTypes.LongType, false)));

    static final StructType BEFORE_AFTER = DataTypes.createStructType(List.of(
            DataTypes.createStructField("class", DataTypes.StringType, false), DataTypes.createStructField("method", DataTypes.StringType, true),
            DataTypes.createStructField("region", DataTypes.StringType, true), DataTypes.createStructField("change", DataTypes.StringType, false),
            DataTypes.createStructField("verdict_before", DataTypes.StringType, false), DataTypes.createStructField("share_before", DataTypes.DoubleType, false),
            DataTypes.createStructField("flip_rate_before", DataTypes.DoubleType, false), DataTypes.createStructField("verdict_after", DataTypes.StringType, true),
            DataTypes.createStructField("share_after", DataTypes.DoubleType, true), DataTypes.createStructField("flip_rate_after", DataTypes.DoubleType, true)));

    static final StructType AFFECTED = DataTypes.createStructType(List.of(
            DataTypes.createStructField("finding_id", DataTypes.IntegerType, false), DataTypes.createStructField("class", DataTypes.StringType, false),
            DataTypes.createStructField("region", DataTypes.StringType, false), DataTypes.createStructField("grid_size", DataTypes.IntegerType, false),
            DataTypes.createStructField("region_row", DataTypes.IntegerType, false), DataTypes.createStructField("region_col", DataTypes.IntegerType, false),
            DataTypes.createStructField("region_height", DataTypes.IntegerType, false), DataTypes.createStructField("region_width", DataTypes.IntegerType, false),
            DataTypes.createStructField("path", DataTypes.StringType, false), DataTypes.createStructField("label", DataTypes.StringType, true)));
}
