package io.shortcutlens.bench;

import io.shortcutlens.demo.DemoData;
import io.shortcutlens.demo.DemoNetworks;
import io.shortcutlens.demo.TrailCameraScenes;
import io.shortcutlens.explain.Explainer;
import io.shortcutlens.explain.LimeExplainer;
import io.shortcutlens.explain.LimeParams;
import io.shortcutlens.explain.OcclusionExplainer;
import io.shortcutlens.explain.OcclusionParams;
import io.shortcutlens.explain.SuperpixelSegmenter;
import io.shortcutlens.image.ImageTensor;
import io.shortcutlens.image.InputShape;
import io.shortcutlens.model.ImageClassifier;
import io.shortcutlens.model.LoadedModel;
import io.shortcutlens.model.ModelLoader;
import io.shortcutlens.model.ModelSpec;
import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Explanation overhead, measured in one run on one machine: for occlusion and LIME on the demo model, the time an
 * explainer takes over the time pure batched inference takes for the same number of forward passes. The explainer's
 * own work (building perturbed images, segmenting, fitting, bookkeeping) is what the ratio exposes; a ratio of 1 means
 * explaining costs exactly the forward passes it needs.
 *
 * <p>Each explainer runs on the same in-memory images (decoding is excluded from both sides); the prediction of the
 * unperturbed image is computed once beforehand, as the explain job shares it between methods. Pure inference scores
 * pre-built inputs with {@link ImageClassifier#scores}, in the same batch sizes the explainer issued. Measurements are
 * interleaved, repeated, and the median ratio is reported.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true, usageHelpWidth = 120,
        description = {"Measures explanation time over pure batched-inference time for occlusion and LIME, and for Grad-CAM",
        "and integrated gradients, on the demo model."})
public final class ExplainBenchmark implements Callable<Integer> {

    @Option(names = "--model", paramLabel = "FILE", description = "Model zip; default: demo-out/models/net2.zip if present, else a demo net2 trained now into bench-out/.")
    File model;

    @Option(names = "--images", paramLabel = "N", description = "Images explained per repetition.")
    int images = 24;

    @Option(names = "--repeats", paramLabel = "N", description = "Interleaved repetitions; the median is reported.")
    int repeats = 3;

    @Option(names = "--batch-size", paramLabel = "N", description = "Perturbed images per forward pass.")
    int batchSize = OcclusionParams.DEFAULT_BATCH;

    @Option(names = "--occlusion-mask-size", paramLabel = "N", description = "Occlusion window.")
    int mask = 8;

    @Option(names = "--occlusion-stride", paramLabel = "N", description = "Occlusion stride.")
    int stride = 4;

    @Option(names = "--lime-samples", paramLabel = "N", description = "LIME samples per image.")
    int limeSamples = 300;

    @Option(names = "--lime-features", paramLabel = "N", description = "LIME superpixels.")
    int limeFeatures = LimeParams.DEFAULT_FEATURES;

    @Option(names = "--onnx", negatable = true, defaultValue = "true", fallbackValue = "true", description = {"Also compare ONNX Runtime with DL4J on the small Fashion-MNIST CNN (conv 5x5x8,",
        "max-pool, conv 3x3x16, max-pool, dense 10; 1x28x28) and time occlusion, LIME and KernelSHAP on the ONNX model."})
    boolean onnx = true;

    @Option(names = "--torchvision", negatable = true, defaultValue = "true", fallbackValue = "true", description = {"Also time torchvision's ResNet-18 and MobileNetV3-Small exported to ONNX at",
        "3x224x224 (needs /usr/bin/python3 with torch and torchvision): forward, Grad-CAM, occlusion (100 windows), saliency, IG."})
    boolean torchvision = true;

    @Option(names = "--torchvision-batch", paramLabel = "N", description = {"Images per batched forward pass and per Grad-CAM call on the torchvision",
        "models (default: the images Grad-CAM sends through the model per pass in a task)."})
    int torchvisionBatch = io.shortcutlens.explain.ImageBatchedExplainer.PAIRS_PER_PASS;

    @Option(names = "--torchvision-repeats", paramLabel = "N", description = {"Interleaved (forward, explain) pairs per method on the torchvision models;",
        "each row gives the median of the pairs' ratios (one pair of ResNet-18 occlusion is about 10 s)."})
    int torchvisionRepeats = 11;

    @Option(names = "--at-scale", negatable = true, defaultValue = "true", fallbackValue = "true", description = {"Also time LIME and KernelSHAP at 3x224x224 (needs /usr/bin/python3 with torch):",
        "the time split on a near-free linear model, the explain job's wall time per image on local[2], the overhead on ResNet-18."})
    boolean atScale = true;

    @Option(names = "--at-scale-samples", paramLabel = "N", description = "LIME samples and KernelSHAP coalitions per image at 224x224.")
    int atScaleSamples = 900;

    @Option(names = "--at-scale-features", paramLabel = "N", description = "SLIC superpixels asked for at 224x224.")
    int atScaleFeatures = 190;

    @Option(names = "--at-scale-job-images", paramLabel = "N", description = "Images the explain job explains on local[2] at 224x224.")
    int atScaleJobImages = 120;

    @Option(names = "--threads", paramLabel = "N", description = "ONNX Runtime intra-op threads in the ONNX comparison (DL4J: OMP_NUM_THREADS).")
    int threads = 2;

    @Option(names = "--onnx-batch", paramLabel = "N", description = "Images per forward pass in the ONNX comparison (169 = one occlusion map's windows).")
    int onnxBatch = 169;

    @Option(names = "--seconds", paramLabel = "S", description = "ONNX comparison: seconds of inference per measurement.")
    double seconds = 2;

    /** Scores pre-built inputs in a recorded sequence of batch sizes: the inference an explainer issued, and nothing else. */
    static final class RecordingClassifier implements ImageClassifier {
        private final ImageClassifier inner;
        final List<Integer> batches = new ArrayList<>();

        RecordingClassifier(ImageClassifier inner) {
            this.inner = inner;
        }

        @Override
        public InputShape inputShape() {
            return inner.inputShape();
        }

        @Override
        public int numClasses() {
            return inner.numClasses();
        }

        @Override
        public float[] scores(float[] batch, int n) {
            batches.add(n);
            return inner.scores(batch, n);
        }
    }

    record Measure(String method, double explainSeconds, double inferenceSeconds, double fullBatchSeconds, long passes) {
        double ratio() {
            return explainSeconds / inferenceSeconds;
        }

        double fullBatchRatio() {
            return explainSeconds / fullBatchSeconds;
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new ExplainBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        File file = resolveModel();
        LoadedModel loaded = ModelLoader.load(file, new ModelSpec(file.getPath(), null, null, null, ModelSpec.DEFAULT_MAX_MODEL_BYTES));
        ImageClassifier clf = loaded.classifier();
        InputShape shape = clf.inputShape();
        List<ImageTensor> tensors = new ArrayList<>();
        for (DemoData.Photo p : DemoData.split((images + 2) / 3, DemoData.Stamping.BEARS, 77)) {
            float[] x = TrailCameraScenes.toInput(p.render());
            float[] px = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                px[i] = x[i] * 255f;
            }
            tensors.add(new ImageTensor(shape, px, x));
        }
        tensors = tensors.subList(0, images);
        float[][] base = new float[images][];
        for (int i = 0; i < images; i++) {
            base[i] = clf.scores(tensors.get(i).input(), 1);
        }
        List<Explainer> explainers = List.of(
                new OcclusionExplainer(new OcclusionParams(mask, stride, null, batchSize)),
                new LimeExplainer(new LimeParams(SuperpixelSegmenter.Kind.SLIC, limeFeatures, limeSamples, LimeParams.DEFAULT_KERNEL_WIDTH,
                        null, LimeParams.DEFAULT_RIDGE, batchSize)));
        System.out.printf(Locale.ROOT, "model %s, input %s, %d images, batch size %d, OMP_NUM_THREADS=%s, %d cores%n", file, shape, images,
                batchSize, System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"), Runtime.getRuntime().availableProcessors());
        // warm-up: JIT, ND4J workspaces, native caches
        for (Explainer e : explainers) {
            measure(e, clf, tensors.subList(0, Math.min(6, images)), base, shape);
        }
        System.out.printf(Locale.ROOT, "%-10s %10s %12s %12s %12s %12s %14s%n", "method", "images/s", "passes/img", "explain s",
                "inference s", "overhead", "vs full batch");
        for (Explainer e : explainers) {
            List<Measure> runs = new ArrayList<>();
            for (int r = 0; r < repeats; r++) {
                runs.add(measure(e, clf, tensors, base, shape));
            }
            runs.sort((a, b) -> Double.compare(a.ratio(), b.ratio()));
            Measure m = runs.get(runs.size() / 2);
            System.out.printf(Locale.ROOT, "%-10s %10.1f %12.1f %12.3f %12.3f %12.3f %14.3f%n", e.method(), images / m.explainSeconds(),
                    (double) m.passes() / images, m.explainSeconds(), m.inferenceSeconds(), m.ratio(), m.fullBatchRatio());
        }
        System.out.println("overhead = explain time / pure batched inference time for the same forward passes in the same batch sizes;");
        System.out.println("vs full batch = the same, with inference in full batches of --batch-size.");
        gradientMethods(clf, tensors, base, shape);
        if (onnx) {
            new OnnxComparison(threads, onnxBatch, seconds, repeats, images, limeSamples).run();
        }
        if (torchvision || atScale) {
            File dir = RealArchitectures.export();
            if (dir != null && torchvision) {
                new RealArchitectures(threads, torchvisionBatch, torchvisionRepeats).run(dir);
            }
            if (dir != null && atScale) {
                new PerturbationAtScale(atScaleSamples, atScaleFeatures, 8, atScaleJobImages, batchSize).run(new File(dir, "linear224.onnx"),
                        new File(dir, "resnet18.onnx"));
            }
        }
        return 0;
    }

    /** One timed comparison: an explanation and the plain inference it is measured against. */
    private record GradientCase(String name, Runnable explain, Runnable infer) { }

    /**
     * Grad-CAM (one forward and one backward pass per batch of images) and integrated gradients (32 steps: 33 path
     * points per image, batched) against plain inference of the same inputs in the same batches: Grad-CAM one image
     * per pass and 16 per pass (the explain job's group of images), the path points in batches of --batch-size.
     */
    private void gradientMethods(ImageClassifier clf, List<ImageTensor> tensors, float[][] base, InputShape shape) {
        if (!(clf instanceof io.shortcutlens.model.Differentiable)) {
            System.out.println("gradient methods: this model gives no gradients");
            return;
        }
        Explainer gradCam = new io.shortcutlens.explain.GradCamExplainer(new io.shortcutlens.explain.GradCamParams(null));
        Explainer ig = new io.shortcutlens.explain.IntegratedGradientsExplainer(new io.shortcutlens.explain.IntegratedGradientsExplainer.Params(32, 0f,
                batchSize));
        int size = shape.size();
        int group = 16;
        int igPoints = 33;
        List<GradientCase> cases = List.of(
                new GradientCase("gradcam, 1 image/pass", () -> {
                    for (int i = 0; i < tensors.size(); i++) {
                        gradCam.explain(tensors.get(i), base[i], new int[] {0}, clf, 0L);
                    }
                }, () -> inferInGroups(clf, tensors, 1, size)),
                new GradientCase("gradcam, 16 images/pass", () -> {
                    for (int start = 0; start < tensors.size(); start += group) {
                        int end = Math.min(tensors.size(), start + group);
                        List<float[]> scores = new java.util.ArrayList<>();
                        List<int[]> targets = new java.util.ArrayList<>();
                        for (int i = start; i < end; i++) {
                            scores.add(base[i]);
                            targets.add(new int[] {0});
                        }
                        gradCam.explainAll(tensors.subList(start, end), scores, targets, clf, new long[end - start]);
                    }
                }, () -> inferInGroups(clf, tensors, group, size)),
                new GradientCase("integrated-gradients 32", () -> {
                    for (int i = 0; i < tensors.size(); i++) {
                        ig.explain(tensors.get(i), base[i], new int[] {0}, clf, 1000L + i);
                    }
                }, () -> {
                    for (ImageTensor t : tensors) {
                        inferInGroups(clf, java.util.Collections.nCopies(igPoints, t), batchSize, size);
                    }
                }));
        System.out.printf(Locale.ROOT, "%-26s %10s %12s %14s %16s%n", "method", "images/s", "explain s", "inference s", "explain/inference");
        for (GradientCase c : cases) {
            c.explain().run(); // warm-up
            c.infer().run();
            double[] ratios = new double[repeats];
            double[] explainS = new double[repeats];
            double[] inferS = new double[repeats];
            for (int r = 0; r < repeats; r++) {
                long t0 = System.nanoTime();
                c.explain().run();
                explainS[r] = (System.nanoTime() - t0) / 1e9;
                long t1 = System.nanoTime();
                c.infer().run();
                inferS[r] = (System.nanoTime() - t1) / 1e9;
                ratios[r] = explainS[r] / inferS[r];
            }
            Integer[] order = new Integer[repeats];
            for (int r = 0; r < repeats; r++) {
                order[r] = r;
            }
            Arrays.sort(order, (a, b) -> Double.compare(ratios[a], ratios[b]));
            int m = order[repeats / 2];
            System.out.printf(Locale.ROOT, "%-26s %10.1f %12.3f %14.3f %16.2f%n", c.name(), tensors.size() / explainS[m], explainS[m], inferS[m],
                    ratios[m]);
        }
        System.out.println("explain/inference = gradient method time / plain inference of the same inputs in the same batches (Grad-CAM:");
        System.out.println("the images, 1 or 16 per pass; integrated gradients: its 33 path points per image in batches of --batch-size),");
        System.out.println("median of --repeats.");
    }

    /** Plain inference of {@code tensors}, {@code perPass} inputs per forward pass. */
    private static void inferInGroups(ImageClassifier clf, List<ImageTensor> tensors, int perPass, int size) {
        for (int start = 0; start < tensors.size(); start += perPass) {
            int n = Math.min(perPass, tensors.size() - start);
            float[] batch = new float[n * size];
            for (int j = 0; j < n; j++) {
                System.arraycopy(tensors.get(start + j).input(), 0, batch, j * size, size);
            }
            clf.scores(batch, n);
        }
    }

    private Measure measure(Explainer explainer, ImageClassifier clf, List<ImageTensor> tensors, float[][] base, InputShape shape) {
        return measure(explainer, clf, tensors, base, shape, batchSize);
    }

    /** Explains {@code tensors} (class 0), then replays the forward passes the explainer issued as plain inference. */
    static Measure measure(Explainer explainer, ImageClassifier clf, List<ImageTensor> tensors, float[][] base, InputShape shape, int batchSize) {
        RecordingClassifier recorder = new RecordingClassifier(clf);
        long t0 = System.nanoTime();
        for (int i = 0; i < tensors.size(); i++) {
            explainer.explain(tensors.get(i), base[i], new int[] {0}, recorder, 1000L + i);
        }
        double explainSeconds = (System.nanoTime() - t0) / 1e9;
        long passes = recorder.batches.stream().mapToLong(Integer::longValue).sum();
        // the same number of forward passes, same batch sizes, on ready-made inputs
        int size = shape.size();
        float[] pool = new float[batchSize * size];
        for (int i = 0; i < batchSize; i++) {
            System.arraycopy(tensors.get(i % tensors.size()).input(), 0, pool, i * size, size);
        }
        List<float[]> buffers = new ArrayList<>();
        for (int n = 1; n <= batchSize; n++) {
            buffers.add(Arrays.copyOf(pool, n * size));
        }
        long t1 = System.nanoTime();
        for (int n : recorder.batches) {
            clf.scores(buffers.get(n - 1), n);
        }
        double inferenceSeconds = (System.nanoTime() - t1) / 1e9;
        long t2 = System.nanoTime();
        for (long done = 0; done < passes; done += batchSize) {
            int n = (int) Math.min(batchSize, passes - done);
            clf.scores(buffers.get(n - 1), n);
        }
        double fullBatchSeconds = (System.nanoTime() - t2) / 1e9;
        return new Measure(explainer.method(), explainSeconds, inferenceSeconds, fullBatchSeconds, passes);
    }

    private File resolveModel() throws Exception {
        if (model != null) {
            return model;
        }
        File demo = new File("demo-out/models/net2.zip");
        if (demo.isFile()) {
            return demo;
        }
        File trained = new File("bench-out/models/net2.zip");
        if (!trained.isFile()) {
            System.out.println("training a demo net2 for the benchmark (speed does not depend on how well it is trained) ...");
            DemoNetworks.save(DemoNetworks.train(DemoData.threeClass(DemoData.split(60, DemoData.Stamping.BEARS, 1)), 1, 11, null),
                    TrailCameraScenes.ANIMALS, trained);
        }
        return trained;
    }
}
