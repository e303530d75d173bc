package io.shortcutlens.bench;

import io.shortcutlens.decoy.DecoyFashion;
import io.shortcutlens.decoy.FashionMnist;
import io.shortcutlens.model.LoadedModel;
import io.shortcutlens.model.ModelLoader;
import io.shortcutlens.model.ModelSpec;
import io.shortcutlens.pipeline.ExplainSettings;
import io.shortcutlens.pipeline.ImageExplainPipeline;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What a lake run costs as it grows: the explain, audit and scan jobs, each a whole {@code ./submit.sh} run (JVM,
 * embedded Spark, listing, reading, writing), over Fashion-MNIST PNGs in class folders at several sizes, beside the
 * explaining step alone (the same per-image work, {@link ImageExplainPipeline}, on bytes already in memory, in as many
 * threads as the jobs' local Spark has cores). A fit of time against images gives each job's fixed part and its cost per
 * image, and projects a million images.
 */
@Command(name = "bench-lake", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true, usageHelpWidth = 120,
        description = {"Explain, audit and scan time at lake sizes (Fashion-MNIST PNGs in class folders, the decoy model's standard marks),",
            "beside the explaining step alone; fixed part, cost per image, and a projection to a million images."},
        footer = {"", "Example:", "  ./submit.sh bench-lake --sizes 6000,60000"})
public final class LakeBenchmark implements Callable<Integer> {
    @Option(names = "--sizes", split = ",", paramLabel = "N", description = "Images per lake (Fashion-MNIST has 60,000 training images).")
    List<Integer> sizes = new ArrayList<>(List.of(6000, 60000));

    @Option(names = "--out", paramLabel = "DIR", description = "Where the image folders (kept and reused) and the runs go.")
    File out = new File("bench-out/lake");

    @Option(names = "--model", paramLabel = "FILE", description = "Model (default: the committed decoy ONNX CNN, trained on the standard marks).")
    File model;

    @Option(names = "--methods", paramLabel = "METHODS", description = "Explain methods, as the explain job takes them.")
    String methods = "occlusion";

    @Option(names = "--fashion-mnist", paramLabel = "DIR", description = "Fashion-MNIST's IDX files (Debian's dataset-fashion-mnist).")
    File fashion = FashionMnist.DEFAULT_DIR;

    @Option(names = "--step-images", paramLabel = "N", description = "Images the explaining step alone is timed on.")
    int stepImages = 3000;

    @Option(names = "--project", paramLabel = "N", description = "Projected lake size.")
    long project = 1_000_000;

    private final File root = new File(System.getProperty("shortcutlens.root", "."));

    public static void main(String[] args) {
        System.exit(new CommandLine(new LakeBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        File m = model != null ? model : new File(root, "jobs/src/test/resources/onnx/decoy-fashion.onnx");
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf(Locale.ROOT, "lake benchmark: model %s, methods %s, %d cores, sizes %s%n", m, methods, cores, sizes);
        Map<Integer, File> lakes = new LinkedHashMap<>();
        for (int size : sizes) {
            lakes.put(size, lake(size));
        }
        File largest = lakes.get(sizes.stream().mapToInt(Integer::intValue).max().orElseThrow());
        double step = explainingStep(m, largest, cores);
        System.out.printf(Locale.ROOT, "explaining step alone: %.3f ms per image (%d images in memory, %d threads, groups of 16 as a task reads them)%n",
                step * 1e3, stepImages, cores);

        Map<Integer, double[]> seconds = new LinkedHashMap<>();
        for (int size : sizes) {
            File run = new File(out, "run-" + size);
            deleteTree(run);
            File logs = new File(out, "logs");
            logs.mkdirs();
            double explain = job(new File(logs, "explain-" + size + ".log"), "explain", "--input", lakes.get(size).getPath(), "--model", m.getPath(),
                    "--methods", methods, "--output", run.getPath());
            double audit = job(new File(logs, "audit-" + size + ".log"), "audit", "--run", run.getPath());
            double scan = job(new File(logs, "scan-" + size + ".log"), "scan", "--findings", run.getPath(), "--input", lakes.get(size).getPath());
            seconds.put(size, new double[] {explain, audit, scan});
            System.out.printf(Locale.ROOT, "%,d images: explain %.1f s (listing the input %s s), audit %.1f s, scan %.1f s (listing %s s); logs in %s%n", size,
                    explain, listing(new File(logs, "explain-" + size + ".log")), audit, scan, listing(new File(logs, "scan-" + size + ".log")), logs);
        }
        print(seconds, step);
        return 0;
    }

    /** The lake of {@code size} images, written once: the first {@code size} training images with the standard decoy marks. */
    private File lake(int size) throws IOException {
        File dir = new File(out, "images-" + size);
        File done = new File(dir, ".complete");
        if (done.exists()) {
            return dir;
        }
        deleteTree(dir);
        long t0 = System.nanoTime();
        DecoyFashion.standard().writeFolder(FashionMnist.read(fashion, "train", size), "train", 1, dir);
        Files.writeString(done.toPath(), Integer.toString(size));
        System.out.printf(Locale.ROOT, "wrote %,d PNGs into %s (%.1f s)%n", size, dir, (System.nanoTime() - t0) / 1e9);
        return dir;
    }

    /** Seconds per image of the explain job's per-image work alone: images already read, {@code threads} at a time. */
    private double explainingStep(File m, File lake, int threads) throws Exception {
        List<ImageExplainPipeline.Input> inputs = new ArrayList<>();
        try (var files = Files.walk(lake.toPath())) {
            for (java.nio.file.Path p : files.filter(f -> f.toString().endsWith(".png")).limit(stepImages).toList()) {
                inputs.add(new ImageExplainPipeline.Input(null, p.toString(), p.getParent().getFileName().toString(), Files.readAllBytes(p)));
            }
        }
        ModelSpec spec = new ModelSpec(m.getPath(), null, null, null, ModelSpec.DEFAULT_MAX_MODEL_BYTES);
        LoadedModel loaded = ModelLoader.load(m, spec);
        ExplainSettings defaults = ExplainSettings.defaults(spec);
        ExplainSettings settings = defaults.withRuns(defaults.runs().stream().filter(r -> List.of(methods.split(",")).contains(r.method())).toList());
        ImageExplainPipeline pipeline = new ImageExplainPipeline(settings, loaded);
        pipeline.explainAll(inputs.subList(0, Math.min(64, inputs.size()))); // warm-up
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long t0 = System.nanoTime();
            List<Future<?>> work = new ArrayList<>();
            for (int from = 0; from < inputs.size(); from += 16) {
                List<ImageExplainPipeline.Input> group = inputs.subList(from, Math.min(inputs.size(), from + 16));
                work.add(pool.submit(() -> pipeline.explainAll(group)));
            }
            for (Future<?> f : work) {
                f.get();
            }
            return (System.nanoTime() - t0) / 1e9 / inputs.size();
        } finally {
            pool.shutdown();
        }
    }

    /** One {@code ./submit.sh} job, its output into {@code log}; its wall time in seconds (a failure stops the benchmark). */
    private double job(File log, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(new File(root, "submit.sh").getPath()));
        cmd.addAll(List.of(args));
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start();
        int rc = p.waitFor();
        double s = (System.nanoTime() - t0) / 1e9;
        if (rc != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed (exit " + rc + "); see " + log);
        }
        return s;
    }

    /** The seconds a job's log says listing its input took ({@code ImageSources}: "listed N files under ROOT in S s"); "?" when it says none. */
    static String listing(File log) throws IOException {
        java.util.regex.Pattern line = java.util.regex.Pattern.compile("listed [0-9]+ files under .* in ([0-9.]+) s");
        for (String l : Files.readAllLines(log.toPath())) {
            java.util.regex.Matcher m = line.matcher(l);
            if (m.find()) {
                return m.group(1);
            }
        }
        return "?";
    }

    private void print(Map<Integer, double[]> seconds, double step) {
        String[] jobs = {"explain", "audit", "scan"};
        System.out.printf(Locale.ROOT, "%n%-8s %10s %10s %14s %18s%n", "job", "images", "seconds", "ms per image", "vs explaining step");
        seconds.forEach((size, s) -> {
            for (int j = 0; j < jobs.length; j++) {
                System.out.printf(Locale.ROOT, "%-8s %,10d %10.1f %14.3f %18s%n", jobs[j], size, s[j], s[j] / size * 1e3,
                        j == 0 ? String.format(Locale.ROOT, "%.2f", s[j] / size / step) : "");
            }
        });
        if (seconds.size() >= 2) {
            List<Integer> n = new ArrayList<>(seconds.keySet());
            int a = n.get(0);
            int b = n.get(n.size() - 1);
            System.out.printf(Locale.ROOT, "%nfit through %,d and %,d images: fixed part + cost per image, projected to %,d images%n", a, b, project);
            for (int j = 0; j < jobs.length; j++) {
                double perImage = (seconds.get(b)[j] - seconds.get(a)[j]) / (b - a);
                double fixed = seconds.get(a)[j] - perImage * a;
                System.out.printf(Locale.ROOT, "%-8s fixed %6.1f s, %.3f ms per image -> %,.0f s (%.1f h) for %,d images%n", jobs[j], fixed, perImage * 1e3,
                        fixed + perImage * project, (fixed + perImage * project) / 3600, project);
            }
        }
        System.out.println("vs explaining step: the explain job's seconds per image (listing, Spark, reading, writing and all) over the explaining step's alone.");
    }

    private static void deleteTree(File f) throws IOException {
        if (!f.exists()) {
            return;
        }
        try (var walk = Files.walk(f.toPath())) {
            for (java.nio.file.Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
