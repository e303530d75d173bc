package io.shortcutlens.decoy;

import io.shortcutlens.jobs.*;
import io.shortcutlens.audit.RegionMasker;
import io.shortcutlens.correct.ClassAccuracy;
import io.shortcutlens.correct.CorrectionParams;
import io.shortcutlens.demo.DemoNetworks;
import io.shortcutlens.explain.LimeExplainer;
import io.shortcutlens.explain.OcclusionExplainer;
import io.shortcutlens.image.InputShape;
import io.shortcutlens.lake.Annotations;
import io.shortcutlens.lake.ImageSource;
import io.shortcutlens.lake.LakeTables;
import io.shortcutlens.lake.RunFolder;
import io.shortcutlens.lake.RunManifest;
import io.shortcutlens.model.ImageClassifier;
import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The Decoy Fashion-MNIST benchmark: builds the decoy data from the real Fashion-MNIST, trains one CNN on it and one on
 * clean data (seeded; models stay out of git), explains the audited split with both, audits both runs, and prints
 * precision and recall of the confirmed findings against the poisoned classes.
 */
@Command(name = "decoy", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true, usageHelpWidth = 120,
        version = "ShortcutLens " + Cli.VERSION,
        description = "Decoy Fashion-MNIST: build, train a decoy and a clean CNN, explain, audit, and score the audit against the planted swatches.")
public final class DecoyJob implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger("shortcutlens.decoy");
    static final InputShape SHAPE = new InputShape(1, FashionMnist.SIDE, FashionMnist.SIDE);
    /** The benchmark's defaults, as the flags' help shows them. */
    private static final DecoyOptions.Benchmark DEFAULT = DecoyOptions.Benchmark.of(new File("decoy-out"), "standard");

    @Option(names = "--data", paramLabel = "DIR", description = "Fashion-MNIST IDX files (Debian: dataset-fashion-mnist).")
    File data = DEFAULT.data();

    @Option(names = "--out", paramLabel = "DIR", description = "Where decoy data, models, explanations and audits go.")
    File out = DEFAULT.out();

    @Option(names = "--train-images", paramLabel = "N", description = "Training images used (0 = all 60,000).")
    int trainImages = DEFAULT.trainImages();

    @Option(names = "--audit-per-class", paramLabel = "N", description = "Audited test images per class (0 = the whole test split).")
    int auditPerClass = DEFAULT.auditPerClass();

    @Option(names = "--epochs", paramLabel = "N", description = "Training epochs.")
    int epochs = DEFAULT.epochs();

    @Option(names = "--methods", split = ",", paramLabel = "METHOD", description = "Explanation methods audited separately.")
    List<String> methods = new ArrayList<>(DecoyOptions.Explaining.DEFAULT.methods());

    @Option(names = "--occlusion-mask-size", paramLabel = "PX", description = "Occlusion window side.")
    int occlusionMask = DecoyOptions.Explaining.DEFAULT.occlusionMask();

    @Option(names = "--occlusion-stride", paramLabel = "PX", description = "Occlusion window step.")
    int occlusionStride = DecoyOptions.Explaining.DEFAULT.occlusionStride();

    @Option(names = "--lime-samples", paramLabel = "N", description = "LIME samples per image.")
    int limeSamples = DecoyOptions.Explaining.DEFAULT.limeSamples();

    @Option(names = "--occlusion-mode", paramLabel = "full|adaptive", description = "Occlusion: every window, or adaptive (half the passes).")
    String occlusionMode = DecoyOptions.Explaining.DEFAULT.occlusionMode();

    @Option(names = "--occlusion-adaptive-share", paramLabel = "F", description = "Share of the windows adaptive occlusion runs (the explain job's).")
    double occlusionAdaptiveShare = DecoyOptions.Explaining.DEFAULT.adaptiveShare();

    @Option(names = "--per-class", paramLabel = "N", description = {"Explain and audit a sample of at most N of the audited images per label (the",
        "explain job's --per-class; 0 = all of them)."})
    int perClass = 0;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the swatches, training and LIME.")
    long seed = DEFAULT.seed();

    @Option(names = "--variant", paramLabel = "NAME", description = {
        "standard: pullover, coat and shirt carry a 4x4 swatch in the lower-left corner; random-corner: every class, in a random",
        "corner per image; random-corner-coded: the same with a white 4x4 pattern per class instead of a shade; subgroup: 30%%",
        "of the coats. The audit benchmark's family (./submit.sh decoy-family): top-right (t-shirt, dress), edge (3x3 at the",
        "right edge: sandal, sneaker, ankle-boot), line (2x14 along the top: pullover, shirt), centre (3x3 on the garment: coat,",
        "shirt), places (standard in a random corner per image), half (half of the shirts), dimmed (every shirt at 55%%",
        "intensity, no mark), low-contrast (pullovers' contrast halved), background (diagonal stripes of period 4, gray 90, over",
        "the dresses' black background, off the garment), background-fine (t-shirts, period 2, gray 40), background-coarse",
        "(sandals, period 8, gray 60), anywhere (a white 4x4 mark at a place drawn anywhere per image: shirt), anywhere-small",
        "(3x3, coat), dark-dot (a 2x2 black mark, the default hidden value, on the coats' middle), clean (no cue)."})
    String variant = DEFAULT.variant();

    @Option(names = "--hide", paramLabel = "mean|zero", converter = HideConverter.class, description = {"What stands in for hidden pixels, in occlusion windows and switched-off",
        "LIME superpixels: the image's mean, or 0 (Fashion-MNIST's black background). Under random-corner some swatch shades",
        "(bag 95, ankle-boot 75) equal their images' mean, so only zero hides them."})
    RegionMasker.Fill hide = DecoyOptions.Explaining.DEFAULT.hide();

    /** picocli's reading of {@code --hide}: the explainers hide pixels with the image's mean or with zero. */
    static final class HideConverter implements CommandLine.ITypeConverter<RegionMasker.Fill> {
        @Override
        public RegionMasker.Fill convert(String value) {
            RegionMasker.Fill f = CliEnums.parse(RegionMasker.Fill.class, "--hide", value);
            if (f != RegionMasker.Fill.MEAN && f != RegionMasker.Fill.ZERO) {
                throw new IllegalArgumentException("--hide must be mean or zero, found '" + value + "'");
            }
            return f;
        }
    }

    @Option(names = "--audit-fill", paramLabel = "zero|mean|inpaint|blur|noise", description = {"How the audit's tests hide a region (the audit's",
        "--fill); by default as the explainers hid pixels (--hide)."})
    RegionMasker.Fill auditFill;

    @Option(names = "--correct", description = {"Then correct the decoy model (a DL4J network trained here) with the correct job: its training",
        "images written to OUT/data/train, each confirmed shortcut region neutralised, fine-tuned with dl4j-spark, audited again; the",
        "swatch's hold measured again without explanations."})
    boolean correct;

    @Option(names = "--correct-epochs", paramLabel = "N", description = "--correct: fine-tuning epochs over the training images.")
    int correctEpochs = DecoyOptions.Correcting.NONE.epochs();

    @Option(names = "--correct-fill", paramLabel = "mean|noise|paste|spread", description = {"--correct: what stands in for a shortcut region in",
        "training (the correct job's --fill; on this benchmark spread removes all three shortcuts, mean leaves pullover's: see the README)."})
    String correctFill = DecoyOptions.Correcting.NONE.fill();

    @Option(names = "--skip-clean", description = "Train and audit the decoy model only.")
    boolean skipClean;

    @Option(names = "--annotations", negatable = true, fallbackValue = "true", description = {"Give the audit the garments' masks as object",
        "annotations (--no-annotations: audit as most users do, without them)."})
    boolean annotate = true;

    @Option(names = "--reuse", description = "Reuse the models and explain runs already in --out (re-audit only).")
    boolean reuse;

    @Option(names = "--audit-dreams", negatable = true, fallbackValue = "true", description = {"Deep dream pictures in the audit's report",
        "(--no-audit-dreams: the verdicts and the rest of the report, minutes sooner)."})
    boolean auditDreams = true;

    @Option(names = "--decoy-model", paramLabel = "FILE", description = {"Audit this decoy model instead of training one: a DL4J zip or an ONNX",
        "model of the ten classes (1x28x28), e.g. the PyTorch export of scripts/make_onnx_models.py decoy (standard variant)."})
    File decoyModel;

    /**
     * Precision and recall of one model's confirmed findings for one method: a class counts when a finding confirmed
     * as a shortcut (for the whole class or a subgroup of it) covers a place where the variant puts the swatch.
     */
    public record Score(String model, String method, List<String> flagged, double precision, double recall) { }

    /** Under the subgroup variant: the size of the confirmed subgroup against the number of images carrying the swatch. */
    public record SubgroupSize(String method, String className, long reported, long truth, long membersWithSwatch) { }

    /** How long one model's explain and audit took, and over how many maps. */
    public record Timing(String model, long maps, double explainSeconds, double auditSeconds) { }

    /**
     * The ground truth of the decoy model's dependence, measured without any explanation: of a poisoned class's audited
     * images that carry the swatch and are predicted right, how many change prediction when the swatch is removed.
     */
    public record Reliance(String className, long swatched, long rightWithSwatch, long changedWithout) {
        public double share() {
            return rightWithSwatch == 0 ? 0 : (double) changedWithout / rightWithSwatch;
        }
    }

    public record Outcome(DecoyFashion decoy, List<Score> scores, List<SubgroupSize> subgroups, List<Timing> timings, List<Reliance> reliance,
                   Map<String, AuditJob.Result> audits, Correction correction) { }

    /**
     * The decoy model corrected ({@code --correct}): the correct job's result, and per poisoned class, measured without
     * explanations before and after: the swatch's hold ({@link Reliance}) and the accuracy on the audited images of the
     * class with their swatch and with none (the clean garments), then the same over all classes.
     */
    public record Correction(CorrectJob.Result result, List<Reliance> relianceAfter, List<ClassAccuracy> accuracy) { }

    /**
     * One class's (or all classes', {@link #ALL}) accuracy on the audited images with the swatch where the variant puts it
     * and with none: the decoy model before and after its correction, and the clean model (trained without any swatch;
     * NaN under {@code --skip-clean}) as the yardstick of what a model that ignores the swatch can reach.
     */
    public record ClassAccuracy(String className, double withSwatchBefore, double withSwatchAfter, double cleanBefore, double cleanAfter,
                         double withSwatchCleanModel, double cleanCleanModel) { }

    static final String ALL = "all classes";

    /** The named variants, {@link #variant} by name. */
    static final List<String> VARIANTS = List.of("standard", "random-corner", "random-corner-coded", "subgroup", "top-right", "edge", "line",
            "centre", "places", "half", "dimmed", "low-contrast", "background", "background-fine", "background-coarse", "anywhere",
            "anywhere-small", "dark-dot", "clean");

    static DecoyFashion variant(String name) {
        return switch (name) {
            case "standard" -> DecoyFashion.standard();
            case "random-corner" -> DecoyFashion.anyCorner();
            case "random-corner-coded" -> DecoyFashion.anyCornerCoded();
            case "subgroup" -> DecoyFashion.subgroup();
            case "top-right" -> DecoyFashion.mark(List.of(0, 3), 4, 4, 0, 24);
            case "edge" -> DecoyFashion.mark(List.of(5, 7, 9), 3, 3, 12, 25);
            case "line" -> DecoyFashion.mark(List.of(2, 6), 2, 14, 0, 7);
            case "centre" -> DecoyFashion.mark(List.of(4, 6), 3, 3, 12, 12);
            case "places" -> DecoyFashion.standard().inRandomCorners();
            case "half" -> DecoyFashion.mark(List.of(6), 4, 4, 24, 0).withFraction(0.5);
            case "dimmed" -> DecoyFashion.dimmed(List.of(6), 0.55);
            case "low-contrast" -> DecoyFashion.lowContrast(List.of(2), 0.5);
            case "background" -> DecoyFashion.background(List.of(3), 4, 90);
            case "background-fine" -> DecoyFashion.background(List.of(0), 2, 40);
            case "background-coarse" -> DecoyFashion.background(List.of(5), 8, 60);
            case "anywhere" -> DecoyFashion.anywhere(List.of(6), 4, 4);
            case "anywhere-small" -> DecoyFashion.anywhere(List.of(4), 3, 3);
            case "dark-dot" -> DecoyFashion.mark(List.of(4), 2, 2, 14, 13).withShade(0);
            case "clean" -> DecoyFashion.clean();
            default -> throw new IllegalArgumentException("--variant must be one of " + VARIANTS + ", found '" + name + "'");
        };
    }

    public static void main(String[] args) {
        System.exit(Cli.commandLine(new DecoyJob()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        return Sessions.run("ShortcutLens decoy", spark -> {
            Outcome o = run(spark);
            System.out.println();
            for (Score s : o.scores()) {
                System.out.printf(Locale.ROOT, "%-6s %-10s confirmed shortcut classes %-40s precision %.2f recall %.2f%n", s.model(), s.method(),
                        s.flagged(), s.precision(), s.recall());
            }
            for (Timing t : o.timings()) {
                System.out.printf(Locale.ROOT, "%-6s %d maps: explain %.0f s, audit %.0f s%n", t.model(), t.maps(), t.explainSeconds(), t.auditSeconds());
            }
            for (Reliance r : o.reliance()) {
                System.out.printf(Locale.ROOT, "decoy model, %-10s removing the swatch changes %3d of %3d right predictions (%.2f)%n", r.className(),
                        r.changedWithout(), r.rightWithSwatch(), r.share());
            }
            for (SubgroupSize g : o.subgroups()) {
                System.out.printf(Locale.ROOT, "%-10s %-8s subgroup of %d images reported; %d audited images carry the swatch (%.1f%% off);"
                        + " %d of the reported carry it%n", g.method(), g.className(), g.reported(), g.truth(),
                        100.0 * (g.reported() - g.truth()) / Math.max(1, g.truth()), g.membersWithSwatch());
            }
            if (o.correction() != null) {
                CorrectJob.print(o.correction().result());
                for (Reliance r : o.correction().relianceAfter()) {
                    System.out.printf(Locale.ROOT, "corrected,   %-10s removing the swatch changes %3d of %3d right predictions (%.2f)%n", r.className(),
                            r.changedWithout(), r.rightWithSwatch(), r.share());
                }
                for (ClassAccuracy a : o.correction().accuracy()) {
                    System.out.printf(Locale.ROOT, "%-11s accuracy with the swatch %.3f -> %.3f (clean model %.3f), clean garments %.3f -> %.3f"
                            + " (clean model %.3f)%n", a.className(), a.withSwatchBefore(), a.withSwatchAfter(), a.withSwatchCleanModel(),
                            a.cleanBefore(), a.cleanAfter(), a.cleanCleanModel());
                }
            }
            return 0;
        });
    }

    /** The audited split written as a folder tree, the garments' masks as annotations, and which of its images carry the swatch. */
    private record Audited(FashionMnist.Split train, FashionMnist.Split test, File folder, String annotations, java.util.Set<String> swatched) { }

    /** The models to explain and audit (decoy, and clean unless skipped) and how much the decoy model relies on the swatch. */
    private record Models(Map<String, File> files, List<Reliance> reliance) { }

    /** What the benchmark gathers over the models: scores per method, subgroup sizes, timings and each model's audit. */
    private record Gathered(List<Score> scores, List<SubgroupSize> sizes, List<Timing> timings, Map<String, AuditJob.Result> audits) { }

    /** The options this instance runs with (null in the one picocli fills from the command line; that one runs {@link #options()}). */
    private final DecoyOptions o;

    public DecoyJob() {
        this.o = null;
    }

    private DecoyJob(DecoyOptions o) {
        this.o = o;
    }

    /** The options these flags name. */
    public DecoyOptions options() {
        return new DecoyOptions(new DecoyOptions.Benchmark(data, out, variant, trainImages, auditPerClass, epochs, seed, skipClean, reuse, decoyModel),
                new DecoyOptions.Explaining(methods, occlusionMask, occlusionStride, limeSamples, occlusionMode, occlusionAdaptiveShare, perClass, hide),
                new DecoyOptions.Auditing(auditFill, annotate, auditDreams), new DecoyOptions.Correcting(correct, correctEpochs, correctFill));
    }

    /** Runs the benchmark these flags ask for, on an existing session. */
    public Outcome run(SparkSession spark) throws Exception {
        return run(spark, options());
    }

    /** Runs a decoy benchmark on an existing session: the API the family job calls for each of its cases. */
    public static Outcome run(SparkSession spark, DecoyOptions o) throws Exception {
        return new DecoyJob(o).execute(spark);
    }

    private Outcome execute(SparkSession spark) throws Exception {
        DecoyFashion decoy = variant(o.bench().variant());
        Audited audited = audited(spark, decoy);
        Models models = models(audited, decoy);
        Gathered g = new Gathered(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new LinkedHashMap<>());
        for (Map.Entry<String, File> m : models.files().entrySet()) {
            File run = new File(o.bench().out(), "explain/" + m.getKey());
            ExplainJob.Result explained = explain(spark, m.getKey(), m.getValue(), run, audited.folder());
            AuditJob.Result report = audit(spark, m.getKey(), run, audited.annotations());
            g.timings().add(new Timing(m.getKey(), explained == null ? 0 : explained.rows() - explained.errors(), explained == null ? 0 : explained.seconds(),
                    report.seconds()));
            g.audits().put(m.getKey(), report);
            AuditJob.print(report.findings(), report.cues());
            List<String> truth = m.getKey().equals("decoy") ? decoy.poisoned().stream().map(FashionMnist.CLASSES::get).toList() : List.of();
            for (String method : o.explaining().methods()) {
                g.scores().add(score(m.getKey(), method, report.findings(), truth, decoy));
                if (m.getKey().equals("decoy") && decoy.fraction() < 1) {
                    // every concentrated subgroup of a poisoned class at the swatch, confirmed or not, against the truth
                    for (io.shortcutlens.audit.SubgroupDetector.Subgroup s : report.subgroups()) {
                        io.shortcutlens.audit.ShortcutFinding f = s.finding();
                        if (f.method().equals(method) && truth.contains(f.className()) && atSwatch(f.region(), decoy)) {
                            g.sizes().add(subgroupSize(spark, run, f, s.clusters(), audited.swatched()));
                        }
                    }
                }
            }
        }
        Correction correction = o.correcting().correct() ? correct(spark, decoy, audited.train(), audited.test(), models.files().get("decoy"), models.files().get("clean"))
                : null;
        return new Outcome(decoy, g.scores(), g.sizes(), g.timings(), models.reliance(), g.audits(), correction);
    }

    /** 1. the data: training images, the audited split written with the swatch, the garments' masks, the images that carry it. */
    private Audited audited(SparkSession spark, DecoyFashion decoy) throws java.io.IOException {
        FashionMnist.Split train = FashionMnist.read(o.bench().data(), "train", o.bench().trainImages());
        FashionMnist.Split test = perClass(FashionMnist.read(o.bench().data(), "t10k", 0), o.bench().auditPerClass());
        File folder = new File(o.bench().out(), "data/test");
        LOG.info("[decoy 1/4] {} training images, {} audited; poisoned classes {}", train.size(), test.size(),
                decoy.poisoned().stream().map(FashionMnist.CLASSES::get).toList());
        List<File> files = decoy.writeFolder(test, "test", o.bench().seed() + 1, folder);
        // the garments' masks, drawn from the clean images: the audit tells a confirmed region on the garment from one beside it
        List<org.apache.spark.sql.Row> objects = new ArrayList<>();
        for (int i = 0; i < test.size(); i++) {
            objects.add(Annotations.row(spark.sparkContext().hadoopConfiguration(), files.get(i), null, DecoyFashion.garmentMask(test.images()[i])));
        }
        String annotations = Annotations.write(spark, objects, new File(o.bench().out(), "data/test-objects"));
        java.util.Set<String> swatched = new java.util.HashSet<>();
        for (int i = 0; i < test.size(); i++) {
            if (decoy.carries(test.labels()[i], (o.bench().seed() + 1) * 1_000_003L + i)) {
                swatched.add(FashionMnist.CLASSES.get(test.labels()[i]) + String.format("/test-%05d.png", i));
            }
        }
        return new Audited(train, test, folder, annotations, swatched);
    }

    /** 2. the models: given (--decoy-model), reused (--reuse) or trained; the decoy model's reliance on its swatch measured. */
    private Models models(Audited audited, DecoyFashion decoy) throws java.io.IOException {
        Map<String, File> models = new LinkedHashMap<>();
        List<Reliance> reliance = List.of();
        for (String kind : o.bench().skipClean() ? List.of("decoy") : List.of("decoy", "clean")) {
            File file = kind.equals("decoy") && o.bench().decoyModel() != null ? o.bench().decoyModel() : new File(o.bench().out(), "models/" + kind + ".zip");
            ImageClassifier net;
            if (kind.equals("decoy") && o.bench().decoyModel() != null) {
                LOG.info("[decoy 2/4] the decoy model is {}, trained elsewhere", o.bench().decoyModel());
                net = load(file);
            } else if (o.bench().reuse() && file.isFile()) {
                LOG.info("[decoy 2/4] reusing the {} model {}", kind, file);
                net = kind.equals("decoy") ? load(file) : null;
            } else {
                DemoNetworks.Examples examples = examples(audited.train(), kind.equals("decoy") ? decoy : null, o.bench().seed() * 7_919L, 1);
                LOG.info("[decoy 2/4] training the {} model", kind);
                MultiLayerNetwork trained = DemoNetworks.train(examples, o.bench().epochs(), o.bench().seed() + kind.hashCode(), e -> LOG.info("  {} epoch {}/{}", kind, e, o.bench().epochs()));
                DemoNetworks.save(trained, SHAPE, FashionMnist.CLASSES, file);
                net = io.shortcutlens.model.Dl4jClassifier.of(trained, SHAPE);
            }
            models.put(kind, file);
            if (kind.equals("decoy")) {
                reliance = reliance(net, audited.test(), decoy, o.bench().seed());
            }
        }
        return new Models(models, reliance);
    }

    /** 3. the audited split explained with one model (null: explained before and reused). */
    private ExplainJob.Result explain(SparkSession spark, String kind, File model, File run, File audited) {
        String hidden = o.explaining().hide() == RegionMasker.Fill.ZERO ? "0" : "auto";
        LOG.info("[decoy 3/4] explaining the audited split with the {} model", kind);
        ExplainOptions explain = ExplainOptions.builder(ImageSource.folder(audited.getAbsolutePath()), model.getAbsolutePath(), run.getAbsolutePath())
                .methods(o.explaining().methods()).option(OcclusionExplainer.MASK_SIZE, o.explaining().occlusionMask()).option(OcclusionExplainer.STRIDE, o.explaining().occlusionStride())
                .option(OcclusionExplainer.MASK_VALUE, hidden).option(LimeExplainer.REPLACEMENT, hidden.equals("auto") ? "mean" : hidden)
                .option(LimeExplainer.SAMPLES, o.explaining().limeSamples()).seed(o.bench().seed()).option(OcclusionExplainer.MODE, o.explaining().occlusionMode())
                .option(OcclusionExplainer.ADAPTIVE_SHARE, o.explaining().adaptiveShare())
                .sample(o.explaining().perClass() == 0 ? null : new io.shortcutlens.pipeline.ClassSample(o.explaining().perClass(), io.shortcutlens.pipeline.ClassSample.By.LABEL, o.bench().seed())).build();
        boolean explainedBefore = o.bench().reuse() && new File(RunFolder.of(run).manifest()).isFile()
                && RunManifest.readExplain(spark, new File(RunFolder.of(run).manifest()).getAbsolutePath()).rowsPerMethod().keySet().containsAll(o.explaining().methods());
        return explainedBefore ? null : ExplainJob.run(spark, explain);
    }

    /** 4. the run audited (with the garments' masks as annotations under --annotate). */
    private AuditJob.Result audit(SparkSession spark, String kind, File run, String annotations) {
        LOG.info("[decoy 4/4] auditing the {} model", kind);
        AuditOptions.Builder audit = AuditOptions.builder(run.getAbsolutePath()).fill(o.auditing().fill() == null ? o.explaining().hide() : o.auditing().fill())
                .objects(o.auditing().annotate() ? new AuditOptions.Objects(annotations, null) : null);
        if (!o.auditing().dreams()) {
            audit.pictures(AuditOptions.Pictures.DEFAULT.withoutDreams());
        }
        return AuditJob.run(spark, audit.build());
    }

    /** One model's shortcut verdicts under one method against the truth: a hit is a poisoned class confirmed where the swatch is. */
    private static Score score(String kind, String method, List<io.shortcutlens.audit.AuditFinding> findings, List<String> truth, DecoyFashion decoy) {
        List<io.shortcutlens.audit.AuditFinding> confirmed = findings.stream()
                .filter(f -> f.finding().method().equals(method) && f.verdict() == io.shortcutlens.audit.Verdict.SHORTCUT).toList();
        List<String> flagged = confirmed.stream().map(f -> f.finding().className()).distinct().sorted().toList();
        long hits = flagged.stream().filter(c -> truth.contains(c) && confirmed.stream()
                .anyMatch(f -> f.finding().className().equals(c) && atSwatch(f, decoy))).count();
        double precision = flagged.isEmpty() ? (truth.isEmpty() ? 1 : 0) : (double) hits / flagged.size();
        double recall = truth.isEmpty() ? 1 : (double) hits / truth.size();
        return new Score(kind, method, flagged, precision, recall);
    }

    /**
     * The decoy model's correction: its training images as a folder, the correct job, then the ground truth again, with
     * the clean model (null under --skip-clean) beside it.
     */
    private Correction correct(SparkSession spark, DecoyFashion decoy, FashionMnist.Split train, FashionMnist.Split test, File decoyFile,
                               File cleanFile) throws Exception {
        File trainDir = new File(o.bench().out(), "data/train");
        LOG.info("[decoy correct] writing the decoy model's {} training images to {}", train.size(), trainDir);
        decoy.writeFolder(train, "train", o.bench().seed() * 7_919L, 1, trainDir);
        CorrectionParams.Fill fill = CorrectionParams.Fill.parse(o.correcting().fill());
        CorrectionParams params = new CorrectionParams(fill, CorrectionParams.defaultFraction(fill), o.bench().seed(), o.correcting().epochs(), CorrectionParams.DEFAULT_BATCH_SIZE,
                CorrectionParams.DEFAULT_WORKERS, CorrectionParams.DEFAULT_AVERAGING_FREQUENCY, CorrectionParams.DEFAULT_LEARNING_RATE);
        CorrectJob.Result result = CorrectJob.run(spark, CorrectOptions.of(new File(o.bench().out(), "explain/decoy").getAbsolutePath(), trainDir.getAbsolutePath(),
                new File(o.bench().out(), "correct/decoy").getAbsolutePath(), params));
        if (result.correctedModel() == null) {
            return new Correction(result, List.of(), List.of());
        }
        List<ImageClassifier> models = new ArrayList<>(List.of(load(decoyFile), load(new File(java.net.URI.create(result.correctedModel())))));
        if (cleanFile != null) {
            models.add(load(cleanFile));
        }
        DemoNetworks.Examples withSwatch = examples(test, decoy, (o.bench().seed() + 1) * 1_000_003L, 1);
        DemoNetworks.Examples clean = examples(test, null, 0, 1);
        // predicted[m][0]: model m on the images with their swatch, predicted[m][1]: on the clean images
        int[][][] predicted = new int[3][][];
        for (int m = 0; m < models.size(); m++) {
            predicted[m] = new int[][] {DemoNetworks.predictions(models.get(m), withSwatch), DemoNetworks.predictions(models.get(m), clean)};
        }
        List<ClassAccuracy> accuracy = new ArrayList<>();
        List<Integer> rows = new ArrayList<>(decoy.poisoned());
        rows.add(-1);
        for (int c : rows) {
            double[][] right = new double[3][2];
            long n = 0;
            for (int i = 0; i < test.size(); i++) {
                if (c == -1 || test.labels()[i] == c) {
                    n++;
                    for (int m = 0; m < models.size(); m++) {
                        for (int k = 0; k < 2; k++) {
                            right[m][k] += predicted[m][k][i] == test.labels()[i] ? 1 : 0;
                        }
                    }
                }
            }
            accuracy.add(new ClassAccuracy(c == -1 ? ALL : FashionMnist.CLASSES.get(c), right[0][0] / n, right[1][0] / n, right[0][1] / n,
                    right[1][1] / n, cleanFile == null ? Double.NaN : right[2][0] / n, cleanFile == null ? Double.NaN : right[2][1] / n));
        }
        return new Correction(result, reliance(models.get(1), test, decoy, o.bench().seed()), accuracy);
    }

    private static ImageClassifier load(File model) {
        return io.shortcutlens.model.ModelLoader.load(model, new io.shortcutlens.model.ModelSpec(model.getPath(), null, null, null,
                io.shortcutlens.model.ModelSpec.DEFAULT_MAX_MODEL_BYTES)).classifier();
    }

    /** Per poisoned class: the decoy model's predictions on the audited images with their swatch and without it. */
    private static List<Reliance> reliance(ImageClassifier net, FashionMnist.Split test, DecoyFashion decoy, long seed) {
        int[] withSwatch = DemoNetworks.predictions(net, examples(test, decoy, (seed + 1) * 1_000_003L, 1));
        int[] without = DemoNetworks.predictions(net, examples(test, null, 0, 1));
        List<Reliance> out = new ArrayList<>();
        for (int c : decoy.poisoned()) {
            long swatched = 0;
            long right = 0;
            long changed = 0;
            for (int i = 0; i < test.size(); i++) {
                if (test.labels()[i] == c && decoy.carries(c, (seed + 1) * 1_000_003L + i)) {
                    swatched++;
                    if (withSwatch[i] == c) {
                        right++;
                        changed += without[i] != c ? 1 : 0;
                    }
                }
            }
            out.add(new Reliance(FashionMnist.CLASSES.get(c), swatched, right, changed));
        }
        return out;
    }

    /** Whether every place of the finding covers a place where the variant puts the swatch. */
    public static boolean atSwatch(io.shortcutlens.audit.AuditFinding f, DecoyFashion decoy) {
        return f.places().stream().allMatch(place -> atSwatch(place.region(), decoy));
    }

    public static boolean atSwatch(io.shortcutlens.audit.Region region, DecoyFashion decoy) {
        int[] r = region.pixelBox(FashionMnist.SIDE, FashionMnist.SIDE);
        return decoy.swatchBoxes().stream().anyMatch(b -> r[0] < b[2] && b[0] < r[2] && r[1] < b[3] && b[1] < r[3]);
    }

    /** The confirmed subgroup's members (from the audit's subgroup_members) against the images that carry the swatch. */
    private static SubgroupSize subgroupSize(SparkSession spark, File run, io.shortcutlens.audit.ShortcutFinding f, List<Integer> clusters,
                                             java.util.Set<String> swatched) {
        List<String> members = LakeTables.read(spark, new File(run, "subgroup_members").getAbsolutePath())
                .where(org.apache.spark.sql.functions.col("class").equalTo(f.className())
                        .and(org.apache.spark.sql.functions.col("method").equalTo(f.method()))
                        .and(org.apache.spark.sql.functions.col("cluster").isin(clusters.toArray())))
                .select("path").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
        long withSwatch = members.stream().filter(p -> swatched.stream().anyMatch(p::endsWith)).count();
        String prefix = f.className() + "/";
        long truth = swatched.stream().filter(p -> p.startsWith(prefix)).count();
        return new SubgroupSize(f.method(), f.className(), members.size(), truth, withSwatch);
    }

    /** Model inputs of a split, image i carrying its swatch drawn with seed {@code base + step * i} (none without a decoy). */
    private static DemoNetworks.Examples examples(FashionMnist.Split split, DecoyFashion decoy, long base, long step) {
        float[][] x = new float[split.size()][];
        for (int i = 0; i < split.size(); i++) {
            byte[] img = decoy == null ? split.images()[i] : decoy.apply(split.images()[i], split.labels()[i], base + step * i);
            float[] f = new float[img.length];
            for (int p = 0; p < img.length; p++) {
                f[p] = (img[p] & 0xff) / 255f;
            }
            x[i] = f;
        }
        return new DemoNetworks.Examples(x, split.labels(), FashionMnist.CLASSES.size(), SHAPE);
    }

    /** The first {@code n} images of each class (all when n ≤ 0). */
    private static FashionMnist.Split perClass(FashionMnist.Split split, int n) {
        if (n <= 0) {
            return split;
        }
        int[] taken = new int[FashionMnist.CLASSES.size()];
        List<Integer> keep = new ArrayList<>();
        for (int i = 0; i < split.size(); i++) {
            if (taken[split.labels()[i]]++ < n) {
                keep.add(i);
            }
        }
        byte[][] x = new byte[keep.size()][];
        int[] y = new int[keep.size()];
        for (int i = 0; i < keep.size(); i++) {
            x[i] = split.images()[keep.get(i)];
            y[i] = split.labels()[keep.get(i)];
        }
        return new FashionMnist.Split(x, y);
    }
}
