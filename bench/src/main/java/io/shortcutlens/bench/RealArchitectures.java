package io.shortcutlens.bench;

import io.shortcutlens.explain.Explainer;
import io.shortcutlens.explain.GradCamExplainer;
import io.shortcutlens.explain.GradCamParams;
import io.shortcutlens.explain.IntegratedGradientsExplainer;
import io.shortcutlens.explain.SaliencyExplainer;
import io.shortcutlens.explain.OcclusionExplainer;
import io.shortcutlens.explain.OcclusionParams;
import io.shortcutlens.image.ImageTensor;
import io.shortcutlens.image.InputShape;
import io.shortcutlens.model.ImageClassifier;
import io.shortcutlens.model.ModelLoader;
import io.shortcutlens.model.ModelSpec;
import io.shortcutlens.model.OnnxOptions;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * torchvision's ResNet-18 and MobileNetV3-Small, exported to ONNX at 3×224×224 by scripts/make_onnx_models.py (Debian's
 * python3-torchvision; seeded random weights, which do not change their speed): batched forward passes, Grad-CAM
 * (ONNX Runtime's forward pass and its backward pass through the layers after the feature maps, in one run), occlusion
 * with 100 windows against plain inference of the same passes, and the input-gradient methods (the backward pass
 * through the whole graph); then torch autograd on the same architectures, inputs and thread count, timed in the same
 * run by scripts/torch_gradient_times.py. Skipped, saying why, where Python or torchvision is missing.
 */
final class RealArchitectures {
    private static final InputShape SHAPE = new InputShape(3, 224, 224);

    private final int threads;
    private final int batch;
    private final int repeats;
    /** Seconds per image measured here, by "model method" (forward, saliency, ig16). */
    private final java.util.Map<String, Double> measured = new java.util.LinkedHashMap<>();

    RealArchitectures(int threads, int batch, int repeats) {
        this.threads = threads;
        this.batch = batch;
        this.repeats = repeats;
    }

    /**
     * Exports torchvision's ResNet-18 and MobileNetV3-Small and the near-free linear model at 224×224 into a new folder
     * with scripts/make_onnx_models.py; null, saying why, where Python, torch or torchvision is missing.
     */
    static File export() throws IOException, InterruptedException {
        File dir = Files.createTempDirectory("shortcutlens-bench-torchvision").toFile();
        dir.deleteOnExit();
        File script = new File(System.getProperty("shortcutlens.root", "."), "scripts/make_onnx_models.py");
        Process p = new ProcessBuilder("/usr/bin/python3", script.getAbsolutePath(), "torchvision", dir.getAbsolutePath()).redirectErrorStream(true)
                .start();
        String log = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            System.out.println("\nmodels at 224x224: skipped (" + script + " torchvision failed: " + log.strip().lines().reduce((a, b) -> b).orElse("")
                    + "; it needs apt-get install python3-torch python3-torchvision python3-onnx)");
            return null;
        }
        for (File f : dir.listFiles()) {
            f.deleteOnExit();
        }
        return dir;
    }

    void run(File dir) {
        System.out.printf(Locale.ROOT, "%ntorchvision models at 3x224x224 (ONNX Runtime %d threads; batches of %d; medians of %d interleaved pairs)%n", threads, batch, repeats);
        System.out.printf(Locale.ROOT, "%-20s %-18s %10s %12s %14s%n", "model", "method", "images/s", "s/image", "vs forward");
        for (String name : List.of("resnet18", "mobilenet_v3_small")) {
            File f = new File(dir, name + ".onnx");
            ImageClassifier clf = ModelLoader.load(f, new ModelSpec(f.getPath(), null, null, null, 512L << 20, OnnxOptions.defaults().withThreads(threads)))
                    .classifier();
            measure(name, clf);
        }
        System.out.println("vs forward: explain time per image / one batched forward pass per image (Grad-CAM: the median of the pairs' ratios; the bound is 3);");
        System.out.println("occlusion: 44x44 windows, stride 20 (100 windows), its row: explain time / plain inference of the same passes in the same batches.");
        againstTorch();
    }

    /** torch autograd on the same work, timed now by scripts/torch_gradient_times.py; a line saying why where it cannot run. */
    private void againstTorch() {
        File script = new File(System.getProperty("shortcutlens.root", "."), "scripts/torch_gradient_times.py");
        java.util.Map<String, Double> torch = new java.util.HashMap<>();
        String log;
        int rc;
        try {
            Process p = new ProcessBuilder("/usr/bin/python3", script.getAbsolutePath(), Integer.toString(threads), Integer.toString(Math.max(3, repeats / 2)))
                    .redirectErrorStream(true).start();
            log = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            rc = p.waitFor();
        } catch (IOException | InterruptedException e) {
            System.out.println("\ntorch autograd: skipped (" + e.getMessage() + ")");
            return;
        }
        for (String line : log.split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length == 4 && f[0].equals("torch")) {
                torch.put(f[1] + " " + f[2], Double.parseDouble(f[3]));
            }
        }
        if (rc != 0 || torch.isEmpty()) {
            System.out.println("\ntorch autograd: skipped (" + script + ": " + log.strip().lines().reduce((a, b) -> b).orElse("no output")
                    + "; it needs apt-get install python3-torch python3-torchvision)");
            return;
        }
        System.out.printf(Locale.ROOT, "%ntorch autograd on the same work (torch %d threads, the same inputs' sizes and targets; seconds per image)%n", threads);
        System.out.printf(Locale.ROOT, "%-20s %-14s %14s %12s %18s%n", "model", "method", "ShortcutLens", "torch", "ShortcutLens/torch");
        measured.forEach((key, ours) -> {
            Double theirs = torch.get(key);
            if (theirs != null) {
                String[] k = key.split(" ");
                System.out.printf(Locale.ROOT, "%-20s %-14s %14.4f %12.4f %18.2f%n", k[0], k[1], ours, theirs, ours / theirs);
            }
        });
        System.out.println("ShortcutLens/torch below 1: ShortcutLens is faster. saliency: 2 images in one batch; ig16: 16 trapezoid steps (17 path points) per image, in one batch (the method's default batch size holds them).");
    }

    private void measure(String name, ImageClassifier clf) {
        Random r = new Random(7);
        List<ImageTensor> images = new ArrayList<>();
        float[] all = new float[batch * SHAPE.size()];
        for (int i = 0; i < batch; i++) {
            float[] x = new float[SHAPE.size()];
            for (int k = 0; k < x.length; k++) {
                x[k] = r.nextFloat();
            }
            System.arraycopy(x, 0, all, i * x.length, x.length);
            images.add(ImageTensor.ofInput(SHAPE, x));
        }
        List<float[]> base = new ArrayList<>();
        List<int[]> targets = new ArrayList<>();
        float[] scores = clf.scores(all, batch);
        int k = clf.numClasses();
        for (int i = 0; i < batch; i++) {
            base.add(java.util.Arrays.copyOfRange(scores, i * k, (i + 1) * k));
            targets.add(new int[] {i % k});
        }
        long[] seeds = new long[batch];
        GradCamExplainer gradCam = new GradCamExplainer(new GradCamParams(null));
        gradCam.explainAll(images, base, targets, clf, seeds); // builds the head graph
        clf.scores(all, batch);
        // interleaved pairs, so that a slower spell of a shared machine falls on both halves of a ratio
        double[] forward = new double[repeats];
        double[] explain = new double[repeats];
        double[] ratio = new double[repeats];
        for (int rep = 0; rep < repeats; rep++) {
            forward[rep] = seconds(() -> clf.scores(all, batch)) / batch; // seconds per image
            explain[rep] = seconds(() -> gradCam.explainAll(images, base, targets, clf, seeds)) / batch;
            ratio[rep] = explain[rep] / forward[rep];
        }
        double f = median(forward);
        measured.put(name + " forward", f);
        row(name, "forward (batched)", f, 1);
        row(name, "gradcam", median(explain), median(ratio));

        OcclusionExplainer occlusion = new OcclusionExplainer(new OcclusionParams(44, 20, 0f, 50));
        List<ExplainBenchmark.Measure> runs = new ArrayList<>();
        float[][] baseArray = base.toArray(new float[0][]);
        for (int rep = 0; rep < repeats; rep++) {
            runs.add(ExplainBenchmark.measure(occlusion, clf, images.subList(0, 2), baseArray, SHAPE, 50));
        }
        runs.sort((a, b) -> Double.compare(a.ratio(), b.ratio()));
        ExplainBenchmark.Measure m = runs.get(runs.size() / 2);
        System.out.printf(Locale.ROOT, "%-20s %-18s %10.2f %12.3f %14s   overhead %.3f over inference of the same %d passes%n", name, "occlusion",
                2 / m.explainSeconds(), m.explainSeconds() / 2, "", m.ratio(), m.passes() / 2);

        List<ImageTensor> two = images.subList(0, 2);
        for (Explainer e : List.<Explainer>of(new SaliencyExplainer(),
                new IntegratedGradientsExplainer(new IntegratedGradientsExplainer.Params(16, 0f, io.shortcutlens.explain.OcclusionParams.DEFAULT_BATCH)))) {
            e.explainAll(two, base.subList(0, 2), targets.subList(0, 2), clf, new long[2]); // builds the graph
            double[] times = new double[Math.max(3, repeats / 3)];
            for (int rep = 0; rep < times.length; rep++) {
                times[rep] = seconds(() -> e.explainAll(two, base.subList(0, 2), targets.subList(0, 2), clf, new long[2])) / 2;
            }
            double perImage = median(times);
            measured.put(name + (e.method().equals("integrated-gradients") ? " ig16" : " saliency"), perImage);
            row(name, e.method().equals("integrated-gradients") ? "ig (16 steps)" : e.method(), perImage, perImage / f);
        }
    }

    private static void row(String model, String method, double perImage, double vsForward) {
        System.out.printf(Locale.ROOT, "%-20s %-18s %10.2f %12.3f %14.2f%n", model, method, 1 / perImage, perImage, vsForward);
    }

    private static double seconds(Runnable work) {
        long t0 = System.nanoTime();
        work.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        java.util.Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
