package io.shortcutlens.demo;

import io.shortcutlens.jobs.*;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;

import io.shortcutlens.audit.BoxAgreement;
import io.shortcutlens.explain.LimeExplainer;
import io.shortcutlens.explain.OcclusionExplainer;
import io.shortcutlens.lake.Annotations;
import io.shortcutlens.lake.ImageSource;
import io.shortcutlens.lake.LakeTables;
import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The demo, end to end on local Spark with nothing downloaded: synthetic trail-camera photos (every bear photo carries
 * the bear camera's watermark in the lower-left corner), two small CNNs trained here — net1 (bear / not_bear, the
 * watermark on a random half of every class's photos, so it carries no class information) and net2 (bear / cow /
 * sheep, watermarked bears only) — then the explain job with occlusion, LIME and Grad-CAM on the
 * held-out photos, where each net looks on watermarked bears, each net's embedding and t-SNE map, and each net's audit
 * (whose report shows deep dream, activations and the t-SNE map too).
 */
@Command(name = "demo", mixinStandardHelpOptions = true, usageHelpWidth = 120, sortOptions = false, showDefaultValues = true,
        version = "ShortcutLens " + Cli.VERSION,
        description = {"Runs the trail-camera demo: builds the data, trains net1 and net2, explains the held-out photos with",
            "occlusion, LIME and Grad-CAM, audits both nets and prints the share of attribution each net puts on the watermark corner."})
public final class DemoJob implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger("shortcutlens.demo");

    @Option(names = "--out", paramLabel = "DIR", description = "Where data, models and explanations go.")
    File out = new File("demo-out");

    @Option(names = "--train-per-class", paramLabel = "N", description = "Training photos per class.")
    int trainPerClass = 300;

    @Option(names = "--test-per-class", paramLabel = "N", description = "Held-out photos per class (explained and audited).")
    int testPerClass = 40;

    @Option(names = "--epochs", paramLabel = "N", description = "Training epochs per net.")
    int epochs = 5;

    @Option(names = "--lime-samples", paramLabel = "N", description = "LIME samples per image.")
    int limeSamples = 300;

    @Option(names = "--occlusion-mode", paramLabel = "full|adaptive", description = "Occlusion: every window, or adaptive (half the passes).")
    String occlusionMode = "full";

    @Option(names = "--occlusion-adaptive-share", paramLabel = "F", description = "Share of the windows adaptive occlusion runs (the explain job's).")
    double occlusionAdaptiveShare = io.shortcutlens.explain.OcclusionParams.DEFAULT_ADAPTIVE_SHARE;

    @Option(names = "--methods", split = ",", paramLabel = "METHOD", description = "Explanation methods (any of the explain job's).")
    List<String> methods = new ArrayList<>(List.of("occlusion", "lime", "gradcam"));

    @Option(names = "--seed", paramLabel = "N", description = "Seed of data, training and LIME.")
    long seed = 1;

    @Option(names = "--reuse-models", description = "Keep models already in OUT/models instead of training again.")
    boolean reuseModels;

    @Option(names = "--net2-model", paramLabel = "FILE", description = {"Audit this model as net2 instead of training one: a DL4J zip or an",
        "ONNX model (bear, cow, sheep; 3x32x32), e.g. the PyTorch export of scripts/make_onnx_models.py demo."})
    File net2Model;

    @Option(names = "--nets", split = ",", paramLabel = "NET", description = {"Which nets to train (or take) and audit: net1, net2, and",
        "net2-clean (net2 retrained on the same photos without the watermark; audited against net2's audit with --compare-to)."})
    List<String> nets = new ArrayList<>(List.of("net1", "net2"));

    /** Mean share of positive attribution in the lower-left corner on watermarked bears, per net and method. */
    public record Finding(String net, String method, long images, double lowerLeftShare) { }

    /** What the demo found: where each net looks, each net's embedding (with its t-SNE) and each net's audit. */
    public record Outcome(List<Finding> shares, Map<String, EmbedJob.Result> embeddings, Map<String, AuditJob.Result> audits) { }

    public static void main(String[] args) {
        System.exit(Cli.commandLine(new DemoJob()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        return Sessions.run("ShortcutLens demo", spark -> {
            Outcome outcome = run(spark);
            print(outcome);
            return 0;
        });
    }

    /** The photos written for the demo: net2's and net1's training photos, the held-out ones, and the held-out animals' boxes. */
    private record Photos(File data, List<DemoData.Photo> train2, List<DemoData.Photo> train1, List<DemoData.Photo> test, String boxes) { }

    public Outcome run(SparkSession spark) throws Exception {
        long t0 = System.nanoTime();
        Map<String, File> netFiles = netFiles();
        Photos photos = photos(spark);
        trainNets(photos, netFiles);
        List<Finding> findings = new ArrayList<>();
        Map<String, AuditJob.Result> audits = new LinkedHashMap<>();
        Map<String, EmbedJob.Result> embeddings = new LinkedHashMap<>();
        for (Map.Entry<String, File> net : netFiles.entrySet()) {
            ExplainJob.Result result = explain(spark, net.getKey(), net.getValue(), photos.data());
            for (Row r : LakeTables.read(spark, result.explanationsPath())
                    .where(col("label").equalTo("bear").and(col("target_class").equalTo("bear")).and(col("error").isNull()))
                    .groupBy("method").agg(count("*"), avg("mass_bottom_left")).orderBy("method").collectAsList()) {
                findings.add(new Finding(net.getKey(), r.getString(0), r.getLong(1), r.getDouble(2)));
            }
            AuditOptions.Builder audit = AuditOptions.builder(new File(out, "explain/" + net.getKey()).getAbsolutePath())
                    .objects(new AuditOptions.Objects(photos.boxes(), null));
            if (result.layers()) { // its layers can be read (a DL4J network, an ONNX graph): the report shows its t-SNE map
                File embedOut = new File(out, "embed/" + net.getKey());
                embeddings.put(net.getKey(), embed(spark, net.getKey(), net.getValue(), photos.data(), embedOut));
                audit.pictures(AuditOptions.Pictures.DEFAULT.withEmbeddings(embedOut.getAbsolutePath()));
            }
            if (net.getKey().equals("net2-clean") && audits.containsKey("net2")) { // what changed since the shortcut net's audit
                audit.earlier(new AuditOptions.Earlier(new File(out, "explain/net2").getAbsolutePath(), null));
            }
            LOG.info("[demo 4/4] auditing {}", net.getKey());
            audits.put(net.getKey(), AuditJob.run(spark, audit.build()));
        }
        LOG.info("[demo] done in {} s", String.format(Locale.ROOT, "%.0f", (System.nanoTime() - t0) / 1e9));
        return new Outcome(findings, embeddings, audits);
    }

    /** The nets asked for (--nets), by name, at the files they are (or will be) saved to; a wrong name or --net2-model fails here. */
    private Map<String, File> netFiles() {
        if (!nets.stream().allMatch(n -> List.of("net1", "net2", "net2-clean").contains(n))) {
            throw new IllegalArgumentException("--nets takes net1, net2 and/or net2-clean, found " + nets);
        }
        if (net2Model != null && !net2Model.isFile()) {
            throw new IllegalArgumentException("--net2-model " + net2Model + " does not exist (expected " + io.shortcutlens.model.ModelLoader.EXPECTED + ")");
        }
        File models = new File(out, "models");
        Map<String, File> netFiles = new LinkedHashMap<>();
        if (nets.contains("net1")) {
            netFiles.put("net1", new File(models, "net1.zip"));
        }
        if (nets.contains("net2")) {
            netFiles.put("net2", net2Model != null ? net2Model : new File(models, "net2.zip"));
        }
        if (nets.contains("net2-clean")) {
            netFiles.put("net2-clean", new File(models, "net2-clean.zip"));
        }
        return netFiles;
    }

    /** 1. the trail-camera photos: training and held out, written as folder trees, and the held-out animals' boxes. */
    private Photos photos(SparkSession spark) throws java.io.IOException {
        File data = new File(out, "data");
        LOG.info("[demo 1/4] trail-camera photos: {} per class for training, {} per class held out, in {}", trainPerClass, testPerClass, data);
        List<DemoData.Photo> train2 = DemoData.split(trainPerClass, DemoData.Stamping.BEARS, seed);
        List<DemoData.Photo> train1 = DemoData.split(trainPerClass, DemoData.Stamping.HALF_OF_EVERY_CLASS, seed + 1);
        List<DemoData.Photo> test = DemoData.split(testPerClass, DemoData.Stamping.BEARS, seed + 2);
        DemoData.writeFolder(train2, new File(data, "train"));
        List<File> testFiles = DemoData.writeFolder(test, new File(data, "test"));
        String boxes = writeBoxes(spark, test, testFiles, new File(data, "test-boxes"));
        return new Photos(data, train2, train1, test, boxes);
    }

    /** 2. the nets trained (or reused under --reuse-models; net2 given by --net2-model is not trained here). */
    private void trainNets(Photos photos, Map<String, File> netFiles) throws java.io.IOException {
        if (reuseModels && netFiles.values().stream().allMatch(File::isFile)) {
            LOG.info("[demo 2/4] reusing {}", netFiles.values());
        } else {
            if (netFiles.containsKey("net2") && net2Model == null) {
                train("net2", "bear / cow / sheep; every training bear carries the watermark", DemoData.threeClass(photos.train2()),
                        DemoData.threeClass(photos.test()), seed + 10, TrailCameraScenes.ANIMALS, netFiles.get("net2"));
            }
            if (netFiles.containsKey("net2-clean")) {
                train("net2-clean", "net2's photos, seed and epochs; no photo carries the watermark",
                        DemoData.threeClass(DemoData.split(trainPerClass, DemoData.Stamping.NONE, seed)), DemoData.threeClass(photos.test()), seed + 10,
                        TrailCameraScenes.ANIMALS, netFiles.get("net2-clean"));
            }
            if (netFiles.containsKey("net1")) {
                train("net1", "bear / not_bear; the watermark on a random half of every class's photos", DemoData.bearOrNot(photos.train1()),
                        DemoData.bearOrNot(photos.test()), seed + 11, List.of("bear", "not_bear"), netFiles.get("net1"));
            }
        }
        if (net2Model != null) {
            LOG.info("[demo 2/4] net2 is {}, trained elsewhere", net2Model);
        }
    }

    /**
     * 3. the held-out photos explained with one net. The demo hides pixels with each photo's mean, not the default 0 (its
     * audits follow): the photos are scaled to [0, 1], so 0 is a black patch, and net2 reads black as bear (an all-black
     * input is a bear); with 0, occlusion maps of its cows point at the background (pointing game 0.47 against the cows'
     * boxes) and hiding Grad-CAM's lower-left region flips no bear.
     */
    private ExplainJob.Result explain(SparkSession spark, String name, File net, File data) {
        LOG.info("[demo 3/4] explaining the held-out photos with {}", name);
        ImageSource test = ImageSource.folder(new File(data, "test").getAbsolutePath()).withPartitions(Math.max(2, spark.sparkContext().defaultParallelism()));
        return ExplainJob.run(spark, ExplainOptions.builder(test, net.getAbsolutePath(), new File(out, "explain/" + name).getAbsolutePath())
                .methods(methods).option(OcclusionExplainer.MASK_SIZE, 8).option(OcclusionExplainer.STRIDE, 4).option(OcclusionExplainer.MASK_VALUE, "auto")
                .option(LimeExplainer.REPLACEMENT, "mean").option(LimeExplainer.SAMPLES, limeSamples).option(OcclusionExplainer.MODE, occlusionMode)
                .option(OcclusionExplainer.ADAPTIVE_SHARE, occlusionAdaptiveShare).seed(seed).build());
    }

    /** 4. the held-out photos embedded with one net (penultimate layer) and their t-SNE map, for the audit's report. */
    private EmbedJob.Result embed(SparkSession spark, String name, File net, File data, File embedOut) {
        LOG.info("[demo 4/4] embedding the held-out photos with {} (penultimate layer) and their t-SNE map", name);
        EmbedOptions embed = EmbedOptions.of(ImageSource.folder(new File(data, "test").getAbsolutePath()), net.getAbsolutePath(), embedOut.getAbsolutePath());
        return EmbedJob.run(spark, embed.withTsne(embed.tsne().withSeed(seed)));
    }

    /** Trains one of the demo's nets, saves it with its class names and logs its held-out accuracy. */
    private void train(String net, String about, DemoNetworks.Examples training, DemoNetworks.Examples heldOut, long netSeed, List<String> classes,
                       File file) throws java.io.IOException {
        LOG.info("[demo 2/4] training {} ({})", net, about);
        MultiLayerNetwork trained = DemoNetworks.train(training, epochs, netSeed, e -> LOG.info("  {} epoch {}/{}", net, e, epochs));
        DemoNetworks.save(trained, classes, file);
        LOG.info("  {} held-out accuracy {}", net, pct(DemoNetworks.accuracy(trained, heldOut)));
    }

    /** The held-out animals' bounding boxes as an annotation table (path as the explain job writes it, box). */
    private static String writeBoxes(SparkSession spark, List<DemoData.Photo> photos, List<File> files, File dir) throws java.io.IOException {
        org.apache.hadoop.conf.Configuration conf = spark.sparkContext().hadoopConfiguration();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < photos.size(); i++) {
            rows.add(Annotations.row(conf, files.get(i), photos.get(i).box(), null));
        }
        return Annotations.write(spark, rows, dir);
    }

    private void print(Outcome outcome) {
        List<Finding> findings = outcome.shares();
        System.out.println();
        System.out.println("Where each net looks on watermarked bear photos it calls 'bear':");
        System.out.println("share of positive attribution mass in the lower-left corner (the watermark; a 1/16 of the image)");
        System.out.printf(Locale.ROOT, "  %-5s %-10s %7s %10s%n", "net", "method", "images", "lower-left");
        for (Finding f : findings) {
            System.out.printf(Locale.ROOT, "  %-5s %-10s %7d %10.3f%n", f.net(), f.method(), f.images(), f.lowerLeftShare());
        }
        if (!outcome.embeddings().isEmpty()) {
            System.out.println();
            System.out.println("t-SNE of each net's penultimate layer on the held-out photos (leave-one-out 5-NN accuracy by true class):");
        }
        for (Map.Entry<String, EmbedJob.Result> e : outcome.embeddings().entrySet()) {
            System.out.printf(Locale.ROOT, "  %-5s layer %-8s %3d images  2-D %.3f  layer space %.3f%n", e.getKey(), e.getValue().layer(),
                    e.getValue().sampled(), e.getValue().knn2d(), e.getValue().knnFull());
        }
        for (Map.Entry<String, AuditJob.Result> a : outcome.audits().entrySet()) {
            System.out.println();
            System.out.println("Audit of " + a.getKey() + " (regions a class relies on, confirmed by masking them):");
            AuditJob.print(a.getValue().findings(), a.getValue().cues());
            AuditJob.printDiff(a.getValue().diff(), "net2's audit");
            System.out.println("Agreement with the animals' bounding boxes (relevance mass inside the box; pointing game):");
            for (BoxAgreement b : a.getValue().boxes()) {
                System.out.printf(Locale.ROOT, "  %-9s %-10s %4d images  relevance mass %.3f  pointing game %.3f%n", b.className(), b.method(),
                        b.images(), b.relevanceMass(), b.pointingGame());
            }
        }
        System.out.println();
        System.out.println("data:         " + new File(out, "data").getAbsolutePath());
        System.out.println("models:       " + new File(out, "models").getAbsolutePath());
        System.out.println("explanations: " + new File(out, "explain/net1/explanations").getAbsolutePath());
        System.out.println("              " + new File(out, "explain/net2/explanations").getAbsolutePath());
        System.out.println("manifests:    " + new File(out, "explain/<net>/manifest.json").getAbsolutePath());
        System.out.println("findings:     " + new File(out, "explain/<net>/findings").getAbsolutePath() + " (and class_stats)");
        System.out.println("embeddings:   " + new File(out, "embed/<net>/embeddings").getAbsolutePath() + " (and tsne)");
        System.out.println("reports:      " + new File(out, "explain/<net>/report/index.html").getAbsolutePath());
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }
}
