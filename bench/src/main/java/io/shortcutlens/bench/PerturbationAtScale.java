package io.shortcutlens.bench;

import io.shortcutlens.explain.Explainer;
import io.shortcutlens.explain.KernelShapExplainer;
import io.shortcutlens.explain.KernelShapParams;
import io.shortcutlens.explain.LimeExplainer;
import io.shortcutlens.explain.LimeParams;
import io.shortcutlens.explain.Segmentation;
import io.shortcutlens.explain.SuperpixelSegmenter;
import io.shortcutlens.explain.WeightedRidge;
import io.shortcutlens.image.DrawnScene;
import io.shortcutlens.image.ImageTensor;
import io.shortcutlens.image.InputShape;
import io.shortcutlens.model.ImageClassifier;
import io.shortcutlens.model.ModelLoader;
import io.shortcutlens.model.ModelSpec;
import io.shortcutlens.model.OnnxOptions;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * LIME and KernelSHAP at 224×224 (about 190 SLIC superpixels, 900 samples): where the time of one image goes
 * (segmentation, building the perturbed images, the model, the fit) on a near-free model (one Gemm over the input), the
 * explain job's wall time per image on local[2] with that model, and the overhead over plain batched inference of the
 * same passes on torchvision's ResNet-18. The images are drawn scenes (shapes on a shaded background) so that SLIC finds
 * real boundaries.
 */
final class PerturbationAtScale {
    static final InputShape SHAPE = new InputShape(3, 224, 224);

    private final int samples;
    private final int features;
    private final int images;
    private final int jobImages;
    private final int batch;

    PerturbationAtScale(int samples, int features, int images, int jobImages, int batch) {
        this.samples = samples;
        this.features = features;
        this.images = images;
        this.jobImages = jobImages;
        this.batch = batch;
    }

    /** A drawn 224×224 scene ({@link DrawnScene}): 0..255 RGB, planar. */
    static float[] scene(long seed) {
        return DrawnScene.draw(seed, SHAPE.height()).pixels();
    }

    static ImageTensor tensor(float[] px) {
        float[] x = new float[px.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = px[i] / 255f;
        }
        return new ImageTensor(SHAPE, px, x);
    }

    void run(File linear, File resnet) throws Exception {
        System.out.printf(Locale.ROOT, "%nLIME and KernelSHAP at 3x224x224: %d samples, %d SLIC superpixels asked, batches of %d%n", samples, features, batch);
        ImageClassifier free = load(linear, 1);
        List<ImageTensor> tensors = new ArrayList<>();
        for (int i = 0; i < images; i++) {
            tensors.add(tensor(scene(100 + i)));
        }
        split(free, tensors);
        job(linear);
        if (resnet != null) {
            ImageClassifier net = load(resnet, 2);
            List<ImageTensor> two = tensors.subList(0, 2);
            float[][] base = new float[2][];
            for (int i = 0; i < 2; i++) {
                base[i] = net.scores(two.get(i).input(), 1);
            }
            System.out.printf(Locale.ROOT, "ResNet-18 (ONNX Runtime 2 threads), 2 images, one run each:%n");
            for (Explainer e : List.of(lime(), shap())) {
                ExplainBenchmark.Measure m = ExplainBenchmark.measure(e, net, two, base, SHAPE, batch);
                System.out.printf(Locale.ROOT, "  %-10s explain %.2f s/image, inference of the same %d passes %.2f s/image: overhead %.3f%n", e.method(),
                        m.explainSeconds() / 2, m.passes() / 2, m.inferenceSeconds() / 2, m.ratio());
            }
        }
    }

    private LimeExplainer lime() {
        return new LimeExplainer(new LimeParams(SuperpixelSegmenter.Kind.SLIC, features, samples, LimeParams.DEFAULT_KERNEL_WIDTH, 0f,
                LimeParams.DEFAULT_RIDGE, batch));
    }

    private KernelShapExplainer shap() {
        return new KernelShapExplainer(new KernelShapParams(SuperpixelSegmenter.Kind.SLIC, features, samples, 0f, batch));
    }

    private static ImageClassifier load(File f, int threads) {
        return ModelLoader.load(f, new ModelSpec(f.getPath(), null, null, null, 512L << 20, OnnxOptions.defaults().withThreads(threads))).classifier();
    }

    /** One task's time per image, split: segmentation, building the perturbed images, the model, the fit (one thread, ONNX Runtime 1 thread). */
    private void split(ImageClassifier model, List<ImageTensor> tensors) {
        SuperpixelSegmenter segmenter = new SuperpixelSegmenter(SuperpixelSegmenter.Kind.SLIC, features);
        ImageClassifier none = new ImageClassifier() { // scores nothing: what is left is building the images and the fit
            @Override
            public InputShape inputShape() {
                return SHAPE;
            }

            @Override
            public int numClasses() {
                return model.numClasses();
            }

            @Override
            public float[] scores(float[] b, int n) {
                return new float[n * model.numClasses()];
            }
        };
        for (Explainer e : List.of(lime(), shap())) {
            double seg = 0;
            double buildAndFit = 0;
            double fit = 0;
            double total = 0;
            double segments = 0;
            int[] target = {0};
            for (int rep = 0; rep < 2; rep++) { // the first pass warms up
                seg = buildAndFit = fit = total = segments = 0;
                for (int i = 0; i < tensors.size(); i++) {
                    ImageTensor t = tensors.get(i);
                    float[] base = model.scores(t.input(), 1);
                    long t0 = System.nanoTime();
                    Segmentation s = segmenter.segment(t);
                    long t1 = System.nanoTime();
                    if (e instanceof LimeExplainer l) {
                        l.explain(t, s, base, target, none, i);
                    } else {
                        ((KernelShapExplainer) e).explain(t, s, base, target, none, i);
                    }
                    long t2 = System.nanoTime();
                    fit += fitSeconds(s.count());
                    long t3 = System.nanoTime();
                    e.explain(t, base, target, model, i);
                    long t4 = System.nanoTime();
                    seg += (t1 - t0) / 1e9;
                    buildAndFit += (t2 - t1) / 1e9;
                    total += (t4 - t3) / 1e9;
                    segments += s.count();
                }
            }
            int n = tensors.size();
            double modelSeconds = Math.max(0, total - seg - buildAndFit);
            System.out.printf(Locale.ROOT, "%-10s one task, s/image: total %.3f = segmentation %.3f (%.0f superpixels) + perturbed images, sampling"
                    + " and fit %.3f (LIME's ridge fit alone %.3f) + model %.3f%n", e.method(), total / n, seg / n, segments / n, buildAndFit / n, fit / n,
                    modelSeconds / n);
        }
    }

    /** The weighted ridge fit LIME runs for one target on {@code samples × k} binary features. */
    private double fitSeconds(int k) {
        SplittableRandom r = new SplittableRandom(k);
        double[][] z = new double[samples][k];
        double[] w = new double[samples];
        double[] y = new double[samples];
        for (int i = 0; i < samples; i++) {
            for (int j = 0; j < k; j++) {
                z[i][j] = r.nextBoolean() ? 1 : 0;
            }
            w[i] = r.nextDouble();
            y[i] = r.nextDouble();
        }
        long t0 = System.nanoTime();
        new WeightedRidge(z, w, LimeParams.DEFAULT_RIDGE).fit(y);
        return (System.nanoTime() - t0) / 1e9;
    }

    /** The explain job on local[2] over {@code jobImages} PNG scenes with the near-free model: wall seconds per image. */
    private void job(File linear) throws IOException {
        File dir = Files.createTempDirectory("shortcutlens-bench-scenes").toFile();
        File input = new File(dir, "input/scene");
        input.mkdirs();
        for (int i = 0; i < jobImages; i++) {
            float[] px = scene(1000 + i);
            BufferedImage img = new BufferedImage(224, 224, BufferedImage.TYPE_INT_RGB);
            int plane = 224 * 224;
            for (int p = 0; p < plane; p++) {
                img.setRGB(p % 224, p / 224, (int) px[p] << 16 | (int) px[plane + p] << 8 | (int) px[2 * plane + p]);
            }
            ImageIO.write(img, "png", new File(input, String.format(Locale.ROOT, "scene-%04d.png", i)));
        }
        org.apache.spark.sql.SparkSession spark = org.apache.spark.sql.SparkSession.builder().master("local[2]").appName("ShortcutLens bench: explain job")
                .config("spark.ui.enabled", "false").getOrCreate();
        try {
            for (String method : List.of("lime", "kernelshap")) {
                File out = new File(dir, "out-" + method);
                long t0 = System.nanoTime();
                io.shortcutlens.jobs.ExplainOptions.ModelChoice model = new io.shortcutlens.jobs.ExplainOptions.ModelChoice(linear.getPath(),
                        new io.shortcutlens.model.OnnxOptions(io.shortcutlens.model.OnnxOptions.InputLayout.AUTO, false, 1), null, null, null,
                        io.shortcutlens.model.ModelSpec.DEFAULT_MAX_MODEL_BYTES);
                io.shortcutlens.jobs.ExplainJob.Result r = io.shortcutlens.jobs.ExplainJob.run(spark, io.shortcutlens.jobs.ExplainOptions.builder(
                                io.shortcutlens.lake.ImageSource.folder(new File(dir, "input").getPath()).withPartitions(4), linear.getPath(), out.getPath())
                        .model(model).methods(List.of(method)).option(io.shortcutlens.explain.LimeExplainer.SAMPLES, samples)
                        .option(io.shortcutlens.explain.KernelShapExplainer.SAMPLES, samples).option(io.shortcutlens.explain.LimeExplainer.FEATURES, features)
                        .option(io.shortcutlens.explain.MethodOption.BATCH_SIZE, batch).build());
                double wall = (System.nanoTime() - t0) / 1e9;
                System.out.printf(Locale.ROOT, "%-10s explain job, local[2], %d images of 224x224 (%d errors): %.3f s/image of wall time (%.1f s in the job;"
                        + " %.1f s with the session's start)%n", method, jobImages, r.errors(), r.seconds() / jobImages, r.seconds(), wall);
            }
        } finally {
            spark.stop();
        }
    }
}
