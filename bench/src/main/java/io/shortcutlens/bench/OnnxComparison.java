package io.shortcutlens.bench;

import io.shortcutlens.decoy.FashionMnist;
import io.shortcutlens.explain.Explainer;
import io.shortcutlens.explain.KernelShapExplainer;
import io.shortcutlens.explain.KernelShapParams;
import io.shortcutlens.explain.LimeExplainer;
import io.shortcutlens.explain.LimeParams;
import io.shortcutlens.explain.OcclusionExplainer;
import io.shortcutlens.explain.OcclusionParams;
import io.shortcutlens.explain.SuperpixelSegmenter;
import io.shortcutlens.image.ImageTensor;
import io.shortcutlens.image.InputShape;
import io.shortcutlens.model.Dl4jClassifier;
import io.shortcutlens.model.ImageClassifier;
import io.shortcutlens.model.ModelLoader;
import io.shortcutlens.model.ModelSpec;
import io.shortcutlens.model.OnnxOptions;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * ONNX Runtime against DL4J on one small CNN (conv 5×5×8, max-pool, conv 3×3×16, max-pool, dense 10; 1×28×28): the
 * PyTorch-trained ONNX export that ships with ShortcutLens, and the same architecture built in DL4J. Prints batched
 * inference images/s of both in one run, then occlusion (169 windows), LIME and KernelSHAP on the ONNX model with their
 * overhead over plain inference of the same forward passes.
 */
final class OnnxComparison {
    private static final InputShape SHAPE = new InputShape(1, 28, 28);

    private final int threads;
    private final int batch;
    private final double seconds;
    private final int repeats;
    private final int images;
    private final int limeSamples;

    OnnxComparison(int threads, int batch, double seconds, int repeats, int images, int limeSamples) {
        this.threads = threads;
        this.batch = batch;
        this.seconds = seconds;
        this.repeats = repeats;
        this.images = images;
        this.limeSamples = limeSamples;
    }

    void run() throws IOException {
        File file = File.createTempFile("shortcutlens-bench-", "-fashion-cnn.onnx");
        file.deleteOnExit();
        try (InputStream in = OnnxComparison.class.getResourceAsStream("/io/shortcutlens/onnx/fashion-cnn.onnx")) {
            Files.copy(in, file.toPath(), StandardCopyOption.REPLACE_EXISTING);
        }
        ImageClassifier ort = ModelLoader.load(file, new ModelSpec(file.getPath(), null, null, null, ModelSpec.DEFAULT_MAX_MODEL_BYTES,
                OnnxOptions.defaults().withThreads(threads))).classifier();
        ImageClassifier dl4j = Dl4jClassifier.of(dl4jTwin(), SHAPE);
        List<ImageTensor> tensors = fashionImages(Math.max(images, batch));
        float[] input = new float[batch * SHAPE.size()];
        for (int i = 0; i < batch; i++) {
            System.arraycopy(tensors.get(i).input(), 0, input, i * SHAPE.size(), SHAPE.size());
        }
        System.out.printf(Locale.ROOT, "%nONNX Runtime vs DL4J, Fashion-MNIST CNN 1x28x28, batch %d, ONNX Runtime %d threads, OMP_NUM_THREADS=%s%n",
                batch, threads, System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"));
        rate(ort, input); // warm-up
        rate(dl4j, input);
        double[] ortRates = new double[repeats];
        double[] dl4jRates = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            ortRates[r] = rate(ort, input);
            dl4jRates[r] = rate(dl4j, input);
        }
        double o = median(ortRates);
        double d = median(dl4jRates);
        System.out.printf(Locale.ROOT, "%-14s %12s%n%-14s %12.0f%n%-14s %12.0f%n%-14s %12.1f%n", "runtime", "images/s", "onnxruntime", o, "dl4j", d,
                "onnx / dl4j", o / d);

        List<ImageTensor> explained = tensors.subList(0, images);
        float[][] base = new float[images][];
        for (int i = 0; i < images; i++) {
            base[i] = ort.scores(explained.get(i).input(), 1);
        }
        List<Explainer> explainers = List.of(
                new OcclusionExplainer(new OcclusionParams(4, 2, 0f, batch)),
                new LimeExplainer(new LimeParams(SuperpixelSegmenter.Kind.GRID, 49, limeSamples, LimeParams.DEFAULT_KERNEL_WIDTH, 0f,
                        LimeParams.DEFAULT_RIDGE, batch)),
                new KernelShapExplainer(new KernelShapParams(SuperpixelSegmenter.Kind.GRID, 49, limeSamples, 0f, batch)));
        System.out.printf(Locale.ROOT, "%-10s %10s %12s %12s %12s %12s%n", "on onnx", "images/s", "s/image", "passes/img", "overhead", "vs full batch");
        for (Explainer e : explainers) {
            ExplainBenchmark.measure(e, ort, explained.subList(0, Math.min(4, images)), base, SHAPE, batch); // warm-up
            List<ExplainBenchmark.Measure> runs = new ArrayList<>();
            for (int r = 0; r < repeats; r++) {
                runs.add(ExplainBenchmark.measure(e, ort, explained, base, SHAPE, batch));
            }
            runs.sort((a, b) -> Double.compare(a.ratio(), b.ratio()));
            ExplainBenchmark.Measure m = runs.get(runs.size() / 2);
            System.out.printf(Locale.ROOT, "%-10s %10.1f %12.4f %12.1f %12.3f %12.3f%n", e.method(), images / m.explainSeconds(),
                    m.explainSeconds() / images, (double) m.passes() / images, m.ratio(), m.fullBatchRatio());
        }
        System.out.println("occlusion: 4x4 windows, stride 2 (169 per image, one pass); LIME and KernelSHAP: 7x7 grid cells, --lime-samples each;");
        System.out.println("overhead = explain time / plain ONNX Runtime inference of the same passes in the same batches; median of --repeats.");
    }

    /** Images per second of plain batched inference, over about {@code seconds}. */
    private double rate(ImageClassifier clf, float[] input) {
        long t0 = System.nanoTime();
        long n = 0;
        while (System.nanoTime() - t0 < seconds * 1e9) {
            clf.scores(input, batch);
            n += batch;
        }
        return n / ((System.nanoTime() - t0) / 1e9);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    /** The same architecture in DL4J (its weights do not change its speed). */
    static MultiLayerNetwork dl4jTwin() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT).list()
                .layer(new ConvolutionLayer.Builder(5, 5).nOut(8).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(16).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(28, 28, 1))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /** Fashion-MNIST test images where dataset-fashion-mnist is installed, else noise (speed does not depend on content). */
    private static List<ImageTensor> fashionImages(int n) throws IOException {
        List<ImageTensor> out = new ArrayList<>();
        if (new File(FashionMnist.DEFAULT_DIR, "t10k-images-idx3-ubyte.gz").isFile()) {
            FashionMnist.Split split = FashionMnist.read(FashionMnist.DEFAULT_DIR, "t10k", n);
            for (byte[] img : split.images()) {
                out.add(tensor(img));
            }
            return out;
        }
        Random r = new Random(5);
        for (int i = 0; i < n; i++) {
            byte[] img = new byte[SHAPE.size()];
            r.nextBytes(img);
            out.add(tensor(img));
        }
        return out;
    }

    private static ImageTensor tensor(byte[] gray) {
        float[] px = new float[gray.length];
        float[] x = new float[gray.length];
        for (int i = 0; i < gray.length; i++) {
            px[i] = gray[i] & 0xff;
            x[i] = px[i] / 255f;
        }
        return new ImageTensor(SHAPE, px, x);
    }
}
