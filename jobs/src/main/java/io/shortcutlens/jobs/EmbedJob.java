package io.shortcutlens.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.row_number;

import io.shortcutlens.embed.Tsne;
import io.shortcutlens.image.DecodeLimits;
import io.shortcutlens.lake.ImageInput;
import io.shortcutlens.lake.LakeTables;
import io.shortcutlens.lake.RunFolder;
import io.shortcutlens.lake.RunManifest;
import io.shortcutlens.model.Differentiable;
import io.shortcutlens.model.LoadedModel;
import io.shortcutlens.model.ModelSpec;
import io.shortcutlens.spark.EmbedPartition;
import io.shortcutlens.spark.HadoopConf;
import io.shortcutlens.spark.ModelStaging;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The embedding job: one layer's activations per image (by default the penultimate layer, the input of the output
 * layer) with the model's prediction, to Parquet; then t-SNE of a sample per class, written beside it for the audit
 * report's plot, with how well the 2-D points separate the classes (leave-one-out k-nearest-neighbour accuracy).
 */
@Command(name = "embed", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true, usageHelpWidth = 120,
        version = "ShortcutLens " + Cli.VERSION,
        description = {"Writes a layer's activations per image (an embedding) to OUTPUT/embeddings and a t-SNE map of a sample",
            "per class to OUTPUT/tsne (Parquet); the audit draws it with --embeddings OUTPUT."})
public final class EmbedJob implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger("shortcutlens.embed");

    @Mixin
    ImageInput source = new ImageInput();

    @Option(names = "--model", required = true, paramLabel = "PATH", description = "DL4J MultiLayerNetwork zip (its recorded input shape, classes and normalisation are used).")
    String model;

    @Option(names = "--layer", paramLabel = "NAME|penultimate|auto", description = {"Layer whose activations are the embedding (name or index);",
        "penultimate = the input of the output layer; auto = the Grad-CAM layer (last convolution larger than 1x1)."})
    String layer = Differentiable.PENULTIMATE;

    @picocli.CommandLine.Mixin
    LakeTables.FormatOption tableFormat = new LakeTables.FormatOption();

    @Option(names = "--output", required = true, paramLabel = "PATH", description = "Output folder: embeddings/, tsne/ and embed-manifest.json (replaced on a rerun).")
    String output;

    @Option(names = "--tsne-per-class", paramLabel = "N", description = "Images per class in the t-SNE sample (first N by image id); 0 = no t-SNE.")
    int tsnePerClass = EmbedOptions.TsneMap.DEFAULT.perClass();

    @Option(names = "--tsne-perplexity", paramLabel = "P", description = "t-SNE perplexity (effective number of neighbours).")
    double perplexity = EmbedOptions.TsneMap.DEFAULT.perplexity();

    @Option(names = "--tsne-iterations", paramLabel = "N", description = "t-SNE gradient steps.")
    int iterations = EmbedOptions.TsneMap.DEFAULT.iterations();

    @Option(names = "--class-by", paramLabel = "label|predicted", converter = ClassView.ClassByConverter.class,
            description = "Class of an image for the per-class sample and the neighbour accuracy.")
    ClassView classBy = EmbedOptions.TsneMap.DEFAULT.classBy();

    @Option(names = "--batch-size", paramLabel = "N", description = "Images per forward pass.")
    int batchSize = EmbedOptions.DEFAULT_BATCH_SIZE;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the t-SNE start.")
    long seed = EmbedOptions.TsneMap.DEFAULT.seed();

    /**
     * @param knn2d      leave-one-out 5-NN accuracy of the t-SNE points (NaN without t-SNE)
     * @param knnFull    the same in the layer's own space, for comparison
     */
    public record Result(String embeddingsPath, String tsnePath, String layer, int dimension, long images, long errors, int sampled, double knn2d,
                  double knnFull, double seconds) { }

    static final StructType TSNE = DataTypes.createStructType(new StructField[] {
        DataTypes.createStructField("image_id", DataTypes.StringType, false),
        DataTypes.createStructField("path", DataTypes.StringType, true),
        DataTypes.createStructField("label", DataTypes.StringType, true),
        DataTypes.createStructField("predicted_class", DataTypes.StringType, true),
        DataTypes.createStructField("x", DataTypes.DoubleType, false),
        DataTypes.createStructField("y", DataTypes.DoubleType, false),
    });

    /** Neighbours in the accuracy printed and recorded. */
    static final int NEIGHBOURS = 5;

    public static void main(String[] args) {
        System.exit(Cli.commandLine(new EmbedJob()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        return Sessions.run("ShortcutLens embed", spark -> {
            Result r = run(spark);
            System.out.printf(Locale.ROOT, "embeddings: %s (layer %s, %d values per image; %d images, %d errors)%n", r.embeddingsPath(), r.layer(),
                    r.dimension(), r.images(), r.errors());
            if (r.sampled() > 0) {
                System.out.printf(Locale.ROOT, "t-SNE:      %s (%d images); %d-NN accuracy %.3f in 2-D, %.3f in the layer's space%n", r.tsnePath(),
                        r.sampled(), NEIGHBOURS, r.knn2d(), r.knnFull());
            }
            return 0;
        });
    }

    /** The t-SNE sample's outcome: its size and the neighbour accuracy in 2-D and in the layer's own space (NaN without t-SNE). */
    private record TsneOutcome(int sampled, double knn2d, double knnFull) {
        static final TsneOutcome NONE = new TsneOutcome(0, Double.NaN, Double.NaN);
    }

    /** The options these flags name. */
    EmbedOptions options() {
        return new EmbedOptions(source.source(), model, layer, output, tableFormat.format, batchSize,
                new EmbedOptions.TsneMap(tsnePerClass, perplexity, iterations, classBy, seed));
    }

    /** Runs the embedding these flags ask for, on an existing session. */
    Result run(SparkSession spark) {
        return run(spark, options());
    }

    /** Runs an embedding on an existing session: the API other jobs and programs call. */
    public static Result run(SparkSession spark, EmbedOptions o) {
        long t0 = System.nanoTime();
        ModelStaging.Staged staged = ModelStaging.stage(spark, new ModelSpec(o.model(), null, null, null, ModelSpec.DEFAULT_MAX_MODEL_BYTES));
        Differentiable.LayerActivations probe = probeLayer(staged.model(), o);
        String out = o.output();
        LakeTables.Writer tables = new LakeTables.Writer(o.format(), RunManifest.json(Map.of("job", "embed", "model", o.model(), "input", o.input().input())));
        String embeddings = RunFolder.of(out).embeddings();
        tables.replace(o.input().read(spark).mapPartitions(new EmbedPartition(staged.spec(), staged.shippedName(), null, DecodeLimits.defaults(), layerArg(o),
                o.batchSize(), o.input().isFolder() ? new HadoopConf(spark.sparkContext().hadoopConfiguration()) : null), Encoders.row(EmbedPartition.ROW)), embeddings);
        Dataset<Row> written = LakeTables.read(spark, embeddings);
        long count = written.count();
        long errors = written.where(col("error").isNotNull()).count();
        LOG.info("[2/3] wrote {} embeddings ({} errors) to {}", count, errors, embeddings);
        String tsnePath = RunFolder.of(out).tsne();
        EmbedOptions.TsneMap map = o.tsne();
        Tsne tsne = new Tsne(map.perplexity(), map.iterations(), 200, map.seed());
        TsneOutcome t = map.perClass() > 0 ? tsne(spark, written, new Sampled(map, tsne), tables, tsnePath) : TsneOutcome.NONE;
        Result r = new Result(embeddings, t.sampled() > 0 ? tsnePath : null, probe.layer(), probe.size(), count, errors, t.sampled(), t.knn2d(),
                t.knnFull(), (System.nanoTime() - t0) / 1e9);
        RunManifest.write(spark, RunFolder.of(out).embedManifest(), manifest(staged.model(), r, o, tsne));
        return r;
    }

    private static String layerArg(EmbedOptions o) {
        return "auto".equalsIgnoreCase(o.layer()) ? null : o.layer();
    }

    /** 1. the layer, read once on a blank input: a model without layers to read, or a layer that is not there, fails before any task. */
    private static Differentiable.LayerActivations probeLayer(LoadedModel loaded, EmbedOptions o) {
        Differentiable.LayerActivations probe;
        try {
            if (!(loaded.classifier() instanceof io.shortcutlens.model.LayerOutputs d)) {
                throw new IllegalArgumentException("its layers cannot be read (a DL4J network's or an ONNX graph's can)");
            }
            probe = d.activations(new float[loaded.inputShape().size()], 1, layerArg(o));
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            throw new IllegalArgumentException("model " + o.model() + " gives no activations of layer '" + o.layer() + "': " + e.getMessage(), e);
        }
        LOG.info("[1/3] model {}: layer {} gives {} values per image ({}x{}x{})", o.model(), probe.layer(), probe.size(), probe.channels(),
                probe.height(), probe.width());
        return probe;
    }

    /** 3. t-SNE of a per-class sample of the embeddings, written to {@code tsnePath}, with the neighbour accuracy in 2-D and in the layer's space. */
    /** The t-SNE map asked for and the t-SNE that draws it. */
    private record Sampled(EmbedOptions.TsneMap map, Tsne tsne) { }

    private static TsneOutcome tsne(SparkSession spark, Dataset<Row> written, Sampled asked, LakeTables.Writer tables, String tsnePath) {
        EmbedOptions.TsneMap map = asked.map();
        int tsnePerClass = map.perClass();
        String classCol = map.classBy() == ClassView.LABEL ? "label" : "predicted_class";
        List<Row> sample = written.where(col("error").isNull())
                .withColumn("class", coalesce(col(classCol), col("predicted_class")))
                .withColumn("rank", row_number().over(Window.partitionBy("class").orderBy("image_id")))
                .where(col("rank").leq(tsnePerClass)).orderBy("class", "image_id")
                .select("image_id", "path", "label", "predicted_class", "class", "embedding").collectAsList();
        int sampled = sample.size();
        if (sampled < 4) {
            throw new IllegalArgumentException("t-SNE needs at least 4 embedded images, found " + sampled + " (use --tsne-per-class 0 to skip it)");
        }
        float[][] x = new float[sampled][];
        String[] classes = new String[sampled];
        double[][] full = new double[sampled][];
        for (int i = 0; i < sampled; i++) {
            List<Float> e = sample.get(i).getList(5);
            x[i] = new float[e.size()];
            full[i] = new double[e.size()];
            for (int k = 0; k < x[i].length; k++) {
                x[i][k] = e.get(k);
                full[i][k] = e.get(k);
            }
            classes[i] = sample.get(i).getString(4);
        }
        LOG.info("[3/3] t-SNE of {} images ({} per class at most), perplexity {}, {} iterations", sampled, tsnePerClass, map.perplexity(), map.iterations());
        double[] y = asked.tsne().embed(x);
        double[][] points = new double[sampled][];
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < sampled; i++) {
            points[i] = new double[] {y[2 * i], y[2 * i + 1]};
            Row s = sample.get(i);
            rows.add(RowFactory.create(s.getString(0), s.getString(1), s.getString(2), s.getString(3), y[2 * i], y[2 * i + 1]));
        }
        TsneOutcome t = new TsneOutcome(sampled, Tsne.knnAccuracy(points, classes, NEIGHBOURS), Tsne.knnAccuracy(full, classes, NEIGHBOURS));
        tables.replace(spark.createDataFrame(rows, TSNE).coalesce(1), tsnePath);
        LOG.info("[3/3] t-SNE: {}-NN accuracy {} in 2-D, {} in the layer's space; {}", NEIGHBOURS, String.format(Locale.ROOT, "%.3f", t.knn2d()),
                String.format(Locale.ROOT, "%.3f", t.knnFull()), tsnePath);
        return t;
    }

    /** embed-manifest.json. */
    private static JobManifests.Embed manifest(LoadedModel loaded, Result r, EmbedOptions o, Tsne tsne) {
        EmbedOptions.TsneMap map = o.tsne();
        JobManifests.TsneSummary t = r.sampled() == 0 ? null : new JobManifests.TsneSummary(map.perClass(), map.classBy().label(), r.sampled(),
                tsne.perplexity(), tsne.iterations(), tsne.learningRate(), map.seed(), NEIGHBOURS, r.knn2d(), r.knnFull());
        return new JobManifests.Embed("embed", Cli.VERSION, Instant.now().toString(), o.input().input(),
                new JobManifests.EmbeddedModel(o.model(), loaded.modelId()), r.layer(), r.dimension(), r.images(), r.errors(), t, r.seconds());
    }
}
