package io.shortcutlens.explain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shortcutlens.image.ImageTensor;
import io.shortcutlens.image.InputShape;
import io.shortcutlens.model.Dl4jClassifier;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * SmoothGrad against its closed form. For one ReLU unit, {@code f(x) = relu(w·x + b)}, the gradient is
 * {@code w · 1[w·x + b > 0]}; with Gaussian noise of deviation σ on every input the unit's pre-activation is
 * {@code N(w·x + b, σ²‖w‖²)}, so SmoothGrad's expectation is {@code w · Φ((w·x + b) / (σ‖w‖))}.
 */
class SmoothGradExplainerTest {
    private static final InputShape SHAPE = new InputShape(1, 4, 4);
    private static final double NOISE = 0.2;
    private static final double Z = 0.5; // (w·x + b) / (σ‖w‖): the unit is on for Φ(0.5) ≈ 0.69 of the noisy copies

    private final float[] w = new float[SHAPE.size()];
    private final float[] x = new float[SHAPE.size()];
    private final Dl4jClassifier model;

    SmoothGradExplainerTest() {
        double norm = 0;
        double wx = 0;
        for (int p = 0; p < w.length; p++) {
            w[p] = (float) (0.3 * ((p * 7) % 5 - 2) + 0.1);
            x[p] = p / (float) (w.length - 1); // from 0 to 1: the image's range is 1, so σ = NOISE
            norm += w[p] * w[p];
            wx += w[p] * x[p];
        }
        float b = (float) (Z * NOISE * Math.sqrt(norm) - wx);
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).list()
                .layer(new DenseLayer.Builder().nIn(SHAPE.size()).nOut(1).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(1).nOut(2).activation(Activation.IDENTITY).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        net.setParam("0_W", Nd4j.create(w, new long[] {SHAPE.size(), 1}, 'c'));
        net.setParam("0_b", Nd4j.create(new float[] {b}, new long[] {1, 1}, 'c'));
        net.setParam("1_W", Nd4j.create(new float[] {1, -1}, new long[] {1, 2}, 'c'));
        net.setParam("1_b", Nd4j.zeros(DataType.FLOAT, 1, 2));
        model = Dl4jClassifier.of(net, SHAPE);
    }

    private float[] map(SmoothGradExplainer.Params p, long seed) {
        ImageTensor image = ImageTensor.ofInput(SHAPE, x);
        return new SmoothGradExplainer(p).explain(image, model.scores(x, 1), new int[] {0}, model, seed).get(0).map().toPixels();
    }

    @Test
    void theMapIsTheWeightsTimesTheShareOfNoisyCopiesThatKeepTheUnitOn() {
        int samples = 4000;
        float[] map = map(new SmoothGradExplainer.Params(samples, NOISE, 500), 11);
        double share = map[0] / w[0];
        for (int p = 0; p < w.length; p++) {
            assertEquals(share, map[p] / w[p], 1e-4, "one share for every pixel: pixel " + p);
        }
        double expected = normalCdf(Z);
        double tolerance = 4 * Math.sqrt(expected * (1 - expected) / samples); // four Monte-Carlo standard errors
        System.out.printf("SmoothGrad on a ReLU unit: share %.4f, closed form Phi(%.1f) = %.4f (tolerance %.4f)%n", share, Z, expected, tolerance);
        assertEquals(expected, share, tolerance);
    }

    @Test
    void withoutNoiseItIsSaliencyAndTheNoiseIsSeededPerImage() {
        float[] saliency = new SaliencyExplainer().explain(ImageTensor.ofInput(SHAPE, x), model.scores(x, 1), new int[] {0}, model, 0)
                .get(0).map().toPixels();
        assertArrayEquals(saliency, map(new SmoothGradExplainer.Params(3, 0, 2), 5), 1e-6f);
        SmoothGradExplainer.Params p = new SmoothGradExplainer.Params(40, NOISE, 16);
        assertArrayEquals(map(p, 5), map(p, 5), "same image seed, same map");
        float diff = 0;
        float[] a = map(p, 5);
        float[] b = map(p, 6);
        for (int i = 0; i < a.length; i++) {
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
        }
        assertTrue(diff > 1e-3, "another seed draws other noise: " + diff);
    }

    @Test
    void itsDescriptorReadsItsOptions() {
        assertTrue(Methods.names().contains("smoothgrad"));
        assertEquals(ExplainMethod.Needs.GRADIENTS, SmoothGradExplainer.METHOD.needs());
        assertEquals(new SmoothGradExplainer.Params(25, 0.15, OcclusionParams.DEFAULT_BATCH), SmoothGradExplainer.METHOD.defaults(SHAPE));
        List<MethodRun> runs = Methods.runs(List.of("smoothgrad"), new OptionValues(Map.of("smoothgrad-samples", "8", "smoothgrad-noise", "0.1",
                "batch-size", "4"), MethodOption::cli), SHAPE);
        assertEquals("{\"samples\":8,\"noise\":0.1,\"batch_size\":4}", runs.get(0).json());
        assertTrue(Methods.readers(MethodOption.BATCH_SIZE).contains("smoothgrad"));
    }

    /** Φ by Simpson's rule on the standard normal density (no library in the loop). */
    private static double normalCdf(double z) {
        int n = 1000;
        double h = z / n;
        double sum = 0;
        for (int i = 0; i <= n; i++) {
            double t = i * h;
            double f = Math.exp(-t * t / 2) / Math.sqrt(2 * Math.PI);
            sum += (i == 0 || i == n ? 1 : i % 2 == 1 ? 4 : 2) * f;
        }
        return 0.5 + sum * h / 3;
    }
}
