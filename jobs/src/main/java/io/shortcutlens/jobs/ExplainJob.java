package io.shortcutlens.jobs;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;

import io.shortcutlens.explain.MethodOption;
import io.shortcutlens.explain.Methods;
import io.shortcutlens.explain.OptionValues;
import io.shortcutlens.image.DecodeLimits;
import io.shortcutlens.image.InputShape;
import io.shortcutlens.image.Normalisation;
import io.shortcutlens.lake.ImageInput;
import io.shortcutlens.lake.LakeTables;
import io.shortcutlens.lake.RunManifest;
import io.shortcutlens.lake.TaskRetries;
import io.shortcutlens.model.LoadedModel;
import io.shortcutlens.model.ModelLoader;
import io.shortcutlens.model.ModelSpec;
import io.shortcutlens.model.OnnxOptions;
import io.shortcutlens.pipeline.ExplainManifest;
import io.shortcutlens.pipeline.ExplainSettings;
import io.shortcutlens.pipeline.ImageExplainPipeline;
import io.shortcutlens.pipeline.TargetSelection;
import io.shortcutlens.spark.ContentIds;
import io.shortcutlens.spark.ExplainPartition;
import io.shortcutlens.spark.ExplanationSchema;
import io.shortcutlens.spark.HadoopConf;
import io.shortcutlens.spark.ModelStaging;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.CollectionAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The explain job: for every image, the model's prediction and an occlusion and/or LIME map, written to
 * {@code OUTPUT/explanations} (Parquet, partitioned by run id and method) with {@code OUTPUT/manifest.json}.
 *
 * <pre>
 * read images ─► decode, predict, explain (per partition, model cached per executor) ─► Parquet ─► manifest
 * </pre>
 */
@Command(name = "explain", mixinStandardHelpOptions = true, modelTransformer = ExplainJob.MethodOptionsCli.class, usageHelpWidth = 120, sortOptions = false, showDefaultValues = true,
        version = "ShortcutLens " + Cli.VERSION,
        description = {"Explains an image classifier on every image of a data set: prediction and occlusion, LIME, Grad-CAM or",
            "gradient-attribution maps, written to OUTPUT/explanations (Parquet, one row per image x method x target class) and OUTPUT/manifest.json."},
        footer = {"", "Example:", "  ./submit.sh explain --input data/test --model models/net2.zip --output out/net2 --methods occlusion,lime"})
public final class ExplainJob implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger("shortcutlens.explain");

    @Mixin
    ImageInput source = new ImageInput();

    @Option(names = "--model", required = true, paramLabel = "PATH", description = {"DL4J model zip (MultiLayerNetwork or ComputationGraph,",
        "ModelSerializer format) or ONNX model (.onnx, run by ONNX Runtime); any Hadoop path."})
    String model;

    @Option(names = "--input-layout", paramLabel = "auto|nchw|nhwc", description = "ONNX: the input's layout; auto = read from the model's input shape.")
    OnnxOptions.InputLayout inputLayout = OnnxOptions.defaults().layout();

    @Option(names = "--softmax", description = "ONNX: apply softmax to the model's outputs, explaining probabilities instead of the logits it exports.")
    boolean softmax;

    @Option(names = "--onnx-threads", paramLabel = "N", description = "ONNX Runtime threads per forward pass; 0 = the task's cores (spark.task.cpus).")
    int onnxThreads;

    @Option(names = "--labels", paramLabel = "FILE", description = "Class names, one per line, in output order (default: names stored in the model, else class_0..).")
    String labelsFile;

    @Option(names = "--class-names", split = ",", paramLabel = "NAME", description = "Class names as a comma-separated list (instead of --labels).")
    List<String> classNames;

    @Option(names = "--input-shape", paramLabel = "C,H,W", description = "Model input shape when the model does not record it.")
    String inputShape;

    @Option(names = "--scale", paramLabel = "S", description = "Normalisation: pixel (0..255) multiplier (default: as recorded in the model, else 1/255).")
    Double scale;

    @Option(names = "--mean", split = ",", paramLabel = "M", description = "Normalisation: per-channel mean subtracted after scaling (default 0).")
    double[] mean;

    @Option(names = "--std", split = ",", paramLabel = "S", description = "Normalisation: per-channel std divided by (default 1).")
    double[] std;

    @Option(names = "--channel-order", paramLabel = "RGB|BGR", description = "Normalisation: channel order the model expects (default RGB).")
    Normalisation.ChannelOrder channelOrder;

    @Option(names = "--methods", split = ",", paramLabel = "METHOD", completionCandidates = MethodNames.class, description = {"Methods to run,",
        "any of ${COMPLETION-CANDIDATES}: the perturbation methods (occlusion, lime, kernelshap) explain any model from its class scores, the",
        "others need gradients or layers (DL4J networks; ONNX graphs of supported operators)."})
    List<String> methods = new ArrayList<>(ExplainOptions.DEFAULT_METHODS);

    /** The known methods' names, for the help. */
    static final class MethodNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Methods.names().iterator();
        }
    }

    /**
     * Adds every method's options ({@link Methods#options()}) to the command, after the annotated ones: the help shows
     * each once with the methods that read it and its default, and the values land in {@link #methodOptions}.
     */
    public static final class MethodOptionsCli implements CommandLine.IModelTransformer {
        @Override
        public CommandLine.Model.CommandSpec transform(CommandLine.Model.CommandSpec spec) {
            Map<String, String> values = ((ExplainJob) spec.userObject()).methodOptions;
            CommandLine.Model.ArgGroupSpec.Builder group = CommandLine.Model.ArgGroupSpec.builder().exclusive(false).multiplicity("0..1")
                    .heading("%nMethods' options (each names the methods that read it):%n");
            for (MethodOption o : Methods.options()) {
                group.addArg(CommandLine.Model.OptionSpec.builder(o.cli()).paramLabel(o.label()).type(String.class).defaultValue(o.defaultValue())
                        .description(Methods.help(o).replace("%", "%%"))
                        .setter(new CommandLine.Model.ISetter() {
                            @Override
                            public <T> T set(T value) {
                                values.put(o.name(), (String) value);
                                return null;
                            }
                        })
                        .getter(new CommandLine.Model.IGetter() {
                            @Override
                            @SuppressWarnings("unchecked")
                            public <T> T get() {
                                return (T) values.get(o.name());
                            }
                        }).build());
            }
            spec.addArgGroup(group.build());
            return spec;
        }
    }

    @Option(names = "--target", paramLabel = "predicted|all|CLASS", description = "Class to explain: the predicted one, every class, or a class name or index.")
    String target = ExplainSettings.DEFAULT_TARGET;

    @Option(names = "--per-class", paramLabel = "N", description = {"Explain a sample: at most N images per class (0 = every image), the images with",
        "the lowest ranks in their class, ranked by a hash of --seed and their content, so the same whatever the partitioning."})
    int perClass = 0;

    @Option(names = "--sample-by", paramLabel = "label|prediction", description = {"--per-class: an image's class is its label (class folders, a",
        "label column) or the model's prediction (one more forward pass per input image)."})
    io.shortcutlens.pipeline.ClassSample.By sampleBy = io.shortcutlens.pipeline.ClassSample.By.LABEL;

    @Option(names = "--seed", paramLabel = "N", description = "Run seed; each image's random stream is derived from it and the image's content hash.")
    long seed = ExplainSettings.DEFAULT_SEED;

    @Option(names = "--top-k", paramLabel = "K", description = "Top classes listed per row.")
    int topK = ExplainSettings.DEFAULT_TOP_K;

    @Option(names = "--grid-size", paramLabel = "G", description = "Side of the attribution-mass grid in the per-map statistics.")
    int gridSize = io.shortcutlens.maps.MapStatistics.DEFAULT_GRID;

    @Option(names = "--max-file-bytes", paramLabel = "N", description = "Images larger than this become error rows.")
    long maxFileBytes = DecodeLimits.DEFAULT_MAX_FILE_BYTES;

    @Option(names = "--max-pixels", paramLabel = "N", description = "Images declaring more pixels than this become error rows (checked before decoding).")
    long maxPixels = DecodeLimits.DEFAULT_MAX_PIXELS;

    @Option(names = "--max-model-bytes", paramLabel = "N", description = "Refuse model files larger than this.")
    long maxModelBytes = ModelSpec.DEFAULT_MAX_MODEL_BYTES;

    @Option(names = "--output", required = true, paramLabel = "PATH", description = "Output folder: explanations/ and manifest.json are written inside; any Hadoop path.")
    String output;

    @Option(names = "--mode", paramLabel = "overwrite|append-new|error", converter = WriteMode.Converter.class, description = {"When OUTPUT/explanations exists: overwrite this",
        "run's partitions (other runs' stay), append-new (explain only the images this run has not explained yet: same content,",
        "model and parameters = same row; a scheduled rerun is idempotent), or error."})
    WriteMode mode = WriteMode.OVERWRITE;

    @picocli.CommandLine.Mixin
    LakeTables.FormatOption tables = new LakeTables.FormatOption();

    @Option(names = "--run-id", paramLabel = "ID", description = "Run id written in every row (default: a hash of model, parameters and input).")
    String runId;

    /** The methods' options as given (option name to text); {@link MethodOptionsCli} adds one command-line option per {@link Methods#options()}. */
    final Map<String, String> methodOptions = new LinkedHashMap<>();

    @Option(names = "--app-name", paramLabel = "NAME", description = "Spark application name.", hidden = true)
    String appName = "ShortcutLens explain";

    /** The explanations' partition folders, and the key of a row: one per run, method, image and explained class. */
    static final String[] PARTITIONS = {"run_id", "method"};
    static final String[] ROW_KEY = {"run_id", "method", "image_id", "target_index"};

    /** What a finished run wrote. */
    /** @param rows the run's rows after this invocation; {@code newRows} those it added */
    /** @param gradients whether the model gives gradients and layer outputs (a DL4J network; not an ONNX model) */
    public record Result(String explanationsPath, String manifestPath, String runId, long images, long rows, long newRows, long errors, double seconds,
                  boolean layers) { }

    public static void main(String[] args) {
        System.exit(Cli.commandLine(new ExplainJob()).execute(args));
    }


    /** The options these flags name (the --labels file is read when the run starts). */
    ExplainOptions options() {
        io.shortcutlens.pipeline.ClassSample sample = null;
        if (perClass < 0) {
            throw new IllegalArgumentException("--per-class must be 0 (every image) or more, found " + perClass);
        }
        if (perClass > 0) {
            sample = new io.shortcutlens.pipeline.ClassSample(perClass, sampleBy, seed);
        }
        ExplainOptions.ModelChoice m = new ExplainOptions.ModelChoice(model, new OnnxOptions(inputLayout, softmax, onnxThreads),
                inputShape == null ? null : InputShape.parse(inputShape), classNames == null || classNames.isEmpty() ? null : classNames, labelsFile, maxModelBytes);
        return new ExplainOptions(source.source(), m, new ExplainOptions.Normalising(scale, mean, std, channelOrder), methods, methodOptions, target,
                sample, seed, topK, gridSize, new DecodeLimits(maxFileBytes, maxPixels),
                new ExplainOptions.Output(output, mode, tables.format, runId));
    }

    /** The options a recorded command line names (a manifest's {@code arguments}), parsed as the command line would be. */
    static ExplainOptions parse(List<String> args) {
        return Cli.parsed(new ExplainJob(), args).options();
    }

    /** Runs the job as these flags ask, on an existing session. */
    Result run(SparkSession spark) {
        return run(spark, options());
    }

    @Override
    public Integer call() throws Exception {
        return Sessions.run(appName, spark -> {
            Result r = run(spark);
            System.out.printf(Locale.ROOT, "explanations: %s%nmanifest:     %s%nrun %s: %d images, %d rows, %d errors, %.1f s%n",
                    r.explanationsPath(), r.manifestPath(), r.runId(), r.images(), r.rows(), r.errors(), r.seconds());
            return 0;
        });
    }

    /** The model staged for the executors (and loaded here) and the settings the run explains with, its run id set. */
    private record Prepared(ModelStaging.Staged staged, ExplainSettings settings, String preprocessing) {
        LoadedModel loaded() {
            return staged.model();
        }
    }

    /** The images to explain (after the sample), how many, and whether they are files of a folder tree (read by path) or rows with bytes. */
    private record Input(Dataset<Row> images, long count, boolean folder) { }

    /** What the write did: the run's rows before it (append-new), task attempts that failed, executors lost, the devices tasks ran on. */
    private record Committed(long before, long failedAttempts, long executorsLost, java.util.Set<String> devices) { }

    /** A run's counts, for its manifest; {@link #pending} before the write (a Delta commit's metadata carries the settings only). */
    private record Counts(long images, long rows, long newRows, long errors, Map<String, Long> perMethod, double seconds, Committed committed,
                          ExplainManifest.Table table) {
        static Counts pending(long images) {
            return new Counts(images, 0, 0, 0, Map.of(), 0, new Committed(0, 0, 0, java.util.Set.of()), null);
        }
    }

    /** Runs an explain job on an existing session: the API other jobs and programs call. */
    public static Result run(SparkSession spark, ExplainOptions o) {
        long t0 = System.nanoTime();
        Prepared prepared = prepare(spark, o);
        Input in = input(spark, o, prepared);
        String explanations = o.output().folder().explanations();
        boolean runHasRows = checkOutput(spark, o.output(), explanations, prepared.settings().runId());
        Committed committed = explainAndWrite(spark, o, prepared, in, runHasRows);
        return readBack(spark, o, prepared, in.count(), committed, t0);
    }

    /** 1. model: fetched, loaded and checked on the driver before any task starts; the settings and the run id. */
    private static Prepared prepare(SparkSession spark, ExplainOptions o) {
        ExplainOptions.ModelChoice model = o.model();
        ModelSpec spec = new ModelSpec(model.path(), null, model.inputShape(), classNames(spark, model), model.maxBytes(), model.onnx());
        ModelStaging.Staged staged = ModelStaging.stage(spark, spec);
        LoadedModel loaded = staged.model();
        LOG.info("[1/4] model {} ({}): input {}, {} classes {}", model.path(), loaded.modelId().substring(0, 12), loaded.inputShape(),
                loaded.numClasses(), loaded.classNames());
        ExplainSettings settings = settings(o, loaded, staged.spec());
        settings.check(loaded); // fail before any task: a target the model lacks, gradient methods on a model without gradients
        ImageExplainPipeline probe = new ImageExplainPipeline(settings, loaded);
        String id = o.output().runId() != null ? o.output().runId() : defaultRunId(settings, probe.preprocessing(), loaded, o.sample());
        return new Prepared(staged, settings.withRunId(id), probe.preprocessing());
    }

    /** 2. input: the images, and the sample asked for with --per-class. */
    private static Input input(SparkSession spark, ExplainOptions o, Prepared prepared) {
        ExplainSettings settings = prepared.settings();
        boolean folder = o.input().isFolder();
        Dataset<Row> images = o.input().read(spark);
        long imageCount = images.count();
        LOG.info("[2/4] input {}: {} images in {} partitions", o.input().input(), imageCount, images.rdd().getNumPartitions());
        io.shortcutlens.pipeline.ClassSample sample = o.sample();
        if (sample != null) {
            images = Sampling.sample(images, sample, settings, prepared.staged().shippedName(), folder
                    ? new HadoopConf(spark.sparkContext().hadoopConfiguration()) : null);
            imageCount = images.count();
            LOG.info("[2/4] sample of {} images per class by {}: {} images", sample.perClass(), sample.by().name().toLowerCase(Locale.ROOT), imageCount);
        }
        return new Input(images, imageCount, folder);
    }

    /**
     * The output table checked before any work: its format is this run's, nothing an interrupted run left is committed as
     * ours, no layout of an older ShortcutLens. Returns whether the table already holds rows of this run.
     */
    private static boolean checkOutput(SparkSession spark, ExplainOptions.Output output, String explanations, String id) {
        LakeTables.Format format = output.format();
        LakeTables.Format existing = LakeTables.existing(spark, explanations);
        if (existing != null && existing != format) {
            throw new IllegalArgumentException("output " + explanations + " is a " + existing.name().toLowerCase(Locale.ROOT) + " table; this run asks for --table-format "
                    + format.name().toLowerCase(Locale.ROOT) + ": give the table's format, or another --output");
        }
        Path explanationsDir = new Path(explanations);
        try {
            org.apache.hadoop.fs.FileSystem fs = explanationsDir.getFileSystem(spark.sparkContext().hadoopConfiguration());
            boolean runHasRows;
            if (format == LakeTables.Format.DELTA) {
                runHasRows = output.mode() == WriteMode.APPEND_NEW && LakeTables.hasCommit(spark, explanations)
                        && !LakeTables.read(spark, explanations).where(col("run_id").equalTo(id)).isEmpty(); // only append-new asks
                LakeTables.claim(spark, explanations);
            } else {
                clearInterruptedWrites(fs, explanationsDir);
                runHasRows = hasCommittedRows(fs, explanationsDir, id);
            }
            org.apache.hadoop.fs.FileStatus[] old = fs.globStatus(new Path(explanationsDir, "method=*"));
            if (old != null && old.length > 0) {
                throw new IllegalArgumentException("output " + explanations + " holds explanations partitioned by method only (ShortcutLens"
                        + " before run_id partitions); move it away or choose another --output");
            }
            return runHasRows;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot check output " + explanations + ": " + e.getMessage(), e);
        }
    }

    /** 3. explain and write: partitions (run_id, method), so an overwrite replaces only this run's and older runs stay readable beside it. */
    private static Committed explainAndWrite(SparkSession spark, ExplainOptions o, Prepared prepared, Input in, boolean runHasRows) {
        ExplainSettings settings = prepared.settings();
        String explanations = o.output().folder().explanations();
        WriteMode mode = o.output().mode();
        String id = settings.runId();
        Configuration hadoopConf = spark.sparkContext().hadoopConfiguration();
        Dataset<Row> images = in.images();
        long before = 0;
        if (mode == WriteMode.APPEND_NEW && runHasRows) {
            before = LakeTables.read(spark, explanations).where(col("run_id").equalTo(id)).count();
            // the key of a row is (image content, run id = model and parameters, method): skip the images this run has
            Dataset<Row> known = LakeTables.read(spark, explanations).where(col("run_id").equalTo(id)).select("image_id").distinct();
            images = images.mapPartitions(new ContentIds(in.folder() ? new HadoopConf(hadoopConf) : null, settings.limits().maxFileBytes()),
                            Encoders.row(ExplainPartition.INPUT))
                    .join(broadcast(known), "image_id", "left_anti")
                    .select("image_id", "path", "label", "bytes");
        }
        LOG.info("[3/4] explaining with {} (target {}), writing {} ({})", settings.methods(), settings.target(), explanations, mode.label());
        CollectionAccumulator<String> devices = spark.sparkContext().collectionAccumulator("shortcutlens task devices");
        Dataset<Row> rows = images.mapPartitions(new ExplainPartition(settings, prepared.staged().shippedName(),
                in.folder() ? new HadoopConf(hadoopConf) : null, devices), Encoders.row(ExplanationSchema.ROW));
        LakeTables.Format format = o.output().format();
        // Delta: the write is one commit whose metadata is the run's manifest (its settings; the counts come after).
        // A retried task (a lost executor) leaves no duplicate: only committed task outputs become visible.
        String commitInfo = format == LakeTables.Format.DELTA ? manifest(spark, o, prepared, Counts.pending(in.count())).settingsJson() : null;
        try (TaskRetries retries = new TaskRetries(spark)) {
            switch (mode) {
                case OVERWRITE -> LakeTables.replaceSlice(rows, explanations, format, "run_id", id, commitInfo, PARTITIONS);
                case APPEND_NEW -> LakeTables.appendNew(rows, explanations, format, commitInfo, ROW_KEY, PARTITIONS);
                case ERROR -> LakeTables.create(rows, explanations, format, commitInfo, PARTITIONS);
            }
            if (retries.failedAttempts() > 0) {
                LOG.warn("[3/4] {} task attempts failed and were retried ({} executors lost)", retries.failedAttempts(), retries.executorsLost());
            }
            return new Committed(before, retries.failedAttempts(), retries.executorsLost(), new java.util.TreeSet<>(devices.value()));
        }
    }

    /** 4. read back what was committed, and the manifest. */
    private static Result readBack(SparkSession spark, ExplainOptions o, Prepared prepared, long imageCount, Committed committed, long t0) {
        String explanations = o.output().folder().explanations();
        String id = prepared.settings().runId();
        Long version = LakeTables.version(spark, explanations);
        Dataset<Row> written = LakeTables.read(spark, explanations, version).where(col("run_id").equalTo(id));
        long rowCount = 0;
        long errors = 0;
        Map<String, Long> perMethod = new LinkedHashMap<>();
        for (Row r : written.groupBy("method").agg(org.apache.spark.sql.functions.count("*"),
                org.apache.spark.sql.functions.count(col("error"))).orderBy("method").collectAsList()) { // one pass over the run's rows
            perMethod.put(r.getString(0), r.getLong(1));
            rowCount += r.getLong(1);
            errors += r.getLong(2);
        }
        long newRows = o.output().mode() == WriteMode.APPEND_NEW ? rowCount - committed.before() : rowCount;
        double seconds = (System.nanoTime() - t0) / 1e9;
        String manifestPath = o.output().folder().manifest();
        RunManifest.writeText(spark, manifestPath, manifest(spark, o, prepared, new Counts(imageCount, rowCount, newRows, errors, perMethod, seconds,
                committed, new ExplainManifest.Table(o.output().format().name().toLowerCase(Locale.ROOT), version))).toJson());
        LOG.info("[4/4] wrote {} new rows; the run holds {} rows ({} errors) for {} images, {} s; manifest {}", newRows, rowCount, errors, imageCount,
                String.format(Locale.ROOT, "%.1f", seconds), manifestPath);
        return new Result(explanations, manifestPath, id, imageCount, rowCount, newRows, errors, seconds,
                prepared.loaded().classifier() instanceof io.shortcutlens.model.LayerOutputs);
    }

    private static List<String> classNames(SparkSession spark, ExplainOptions.ModelChoice model) {
        if (model.classNames() != null) {
            return model.classNames();
        }
        String labelsFile = model.labelsFile();
        if (labelsFile == null) {
            return null;
        }
        Path p = new Path(labelsFile);
        try (InputStream in = p.getFileSystem(spark.sparkContext().hadoopConfiguration()).open(p)) {
            return Arrays.stream(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\r?\n"))
                    .map(String::trim).filter(s -> !s.isEmpty()).toList();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read labels file " + labelsFile + " (--labels): " + e.getMessage(), e);
        }
    }

    static ExplainSettings settings(ExplainOptions o, LoadedModel loaded, ModelSpec spec) {
        Normalisation norm = o.normalising().apply(loaded.trainedNormalisation() != null ? loaded.trainedNormalisation() : Normalisation.unitScale());
        return new ExplainSettings(spec, norm, o.limits(), TargetSelection.parse(o.target()),
                io.shortcutlens.explain.Methods.runs(o.methods(), new OptionValues(o.methodOptions(), MethodOption::cli), loaded.inputShape()), o.topK(),
                o.seed(), "pending", o.gridSize());
    }

    /** Same model, parameters and input → same id, so reruns are recognisable; anything changed → a new one. */
    private static String defaultRunId(ExplainSettings s, String preprocessing, LoadedModel loaded, io.shortcutlens.pipeline.ClassSample sample) {
        String key = String.join("|", loaded.modelId(), preprocessing, s.target().toString(), String.valueOf(s.seed()), String.valueOf(s.topK()),
                String.valueOf(s.gridSize()), s.limits().toString(), String.valueOf(loaded.classNames()))
                + s.runs().stream().map(r -> "|" + r.method() + r.json()).collect(java.util.stream.Collectors.joining())
                + (s.model().onnx().softmax() ? "|softmax" : "") + (s.model().onnx().layout() == OnnxOptions.InputLayout.AUTO ? "" : "|" + s.model().onnx().layout().label())
                + (sample == null ? "" : "|sample" + sample.toJson());
        // a letter first: the run id is a partition folder (run_id=...), and Spark reads all-digit folder values as numbers
        return "r" + ModelLoader.sha256(key.getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    }

    private static ExplainManifest manifest(SparkSession spark, ExplainOptions o, Prepared prepared, Counts n) {
        ExplainSettings s = prepared.settings();
        LoadedModel loaded = prepared.loaded();
        ExplainManifest.Model m = new ExplainManifest.Model(o.model().path(), loaded.modelId(), loaded.inputShape(), loaded.classNames(),
                loaded.classifier() instanceof io.shortcutlens.model.OnnxClassifier ? "onnxruntime" : "dl4j", o.model().onnx().layout().label(),
                o.model().onnx().softmax());
        Map<String, Object> params = new LinkedHashMap<>();
        params.put(ExplainManifest.ARGUMENTS, o.commandLine());
        params.put("methods", s.methods());
        params.put("target", s.target().toString());
        for (io.shortcutlens.explain.MethodRun r : s.runs()) {
            params.put(r.method(), RunManifest.parse(r.json()));
        }
        params.put("seed", s.seed());
        params.put("top_k", s.topK());
        params.put("grid_size", s.gridSize());
        params.put("max_file_bytes", s.limits().maxFileBytes());
        params.put("max_pixels", s.limits().maxPixels());
        params.put("partitions", o.input().partitions());
        if (o.sample() != null) {
            params.put("sample", RunManifest.parse(o.sample().toJson()));
        }
        return new ExplainManifest(s.runId(), Instant.now().toString(), Cli.VERSION, spark.version(), spark.sparkContext().master(), o.input().input(),
                o.input().format(), o.input().where(), o.output().folder().explanations(), m, prepared.preprocessing(),
                ImageExplainPipeline.effectiveNormalisation(s, loaded).toString(), s.limits().maxFileBytes(), s.limits().maxPixels(), params, n.images(),
                o.output().mode().label(), n.rows(), n.newRows(), n.perMethod(), n.errors(), n.committed().failedAttempts(), n.committed().executorsLost(),
                List.copyOf(n.committed().devices()), Math.round(n.seconds() * 10) / 10.0, n.table());
    }

    /**
     * Removes what a run whose driver died while writing left behind: task output that was never committed (Spark's
     * committers keep it under {@code _temporary} and {@code .spark-staging-*}, hidden from readers). A later append
     * would otherwise commit it as its own, and rows would appear twice. One writer per output folder at a time.
     */
    static void clearInterruptedWrites(org.apache.hadoop.fs.FileSystem fs, Path dir) throws IOException {
        if (!fs.exists(dir)) {
            return;
        }
        org.apache.hadoop.fs.FileStatus[] leftovers = fs.listStatus(dir, p -> p.getName().equals("_temporary") || p.getName().startsWith(".spark-staging-"));
        for (org.apache.hadoop.fs.FileStatus f : leftovers) {
            LOG.warn("removing {}: uncommitted output of an interrupted run", f.getPath());
            fs.delete(f.getPath(), true);
        }
        if (leftovers.length > 0 && fs.listStatus(dir).length == 0) {
            fs.delete(dir, false); // nothing was ever committed here
        }
    }

    /**
     * Whether this run already has rows in the output: decided from its data files, not from a marker — a dynamic
     * partition overwrite leaves no {@code _SUCCESS} at the root, and an append-new after it would explain and write
     * every image again.
     */
    static boolean hasCommittedRows(org.apache.hadoop.fs.FileSystem fs, Path explanations, String runId) throws IOException {
        Path run = new Path(explanations, "run_id=" + org.apache.spark.sql.catalyst.catalog.ExternalCatalogUtils.escapePathName(runId));
        org.apache.hadoop.fs.FileStatus[] files = fs.globStatus(new Path(run, "method=*/*.parquet"));
        return files != null && files.length > 0;
    }

}
