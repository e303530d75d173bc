package io.shortcutlens.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shortcutlens.image.InputShape;
import java.io.File;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Cascading randomisation's models: the top layers' weights replaced by seeded noise, the rest and the original untouched. */
class RandomisationTest {

    private static float[] input(InputShape s) {
        float[] x = new float[s.size()];
        java.util.Random r = new java.util.Random(2);
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat();
        }
        return x;
    }

    @Test
    void onnxTopLayersAreRandomisedSeededAndTheRestKept() throws Exception {
        File f = new File(getClass().getResource("/onnx/resnet-style.onnx").toURI());
        OnnxClassifier m = (OnnxClassifier) ModelLoader.load(f, new ModelSpec(f.getPath(), null, null, null, ModelSpec.DEFAULT_MAX_MODEL_BYTES,
                OnnxOptions.defaults())).classifier();
        List<String> layers = m.parameterLayers();
        assertTrue(layers.size() >= 4, layers.toString());
        assertTrue(layers.get(layers.size() - 1).endsWith("(Gemm)"), layers.toString());
        float[] x = input(m.inputShape());
        float[] before = m.scores(x, 1);
        ImageClassifier top1 = m.randomisedTop(1, 5);
        float[] a = top1.scores(x, 1);
        assertFalse(java.util.Arrays.equals(before, a));
        assertArrayEquals(a, m.randomisedTop(1, 5).scores(x, 1), 0f);
        assertFalse(java.util.Arrays.equals(a, m.randomisedTop(1, 6).scores(x, 1)));
        assertArrayEquals(before, m.scores(x, 1), 0f); // the original is unchanged
        // every layer randomised: the features below the head change as well, so the head alone cannot reproduce the scores
        assertFalse(java.util.Arrays.equals(a, m.randomisedTop(layers.size(), 5).scores(x, 1)));
    }

    @Test
    void dl4jTopLayersAreRandomisedWithTheirOwnSpreadAndBatchNormStatisticsKept() {
        InputShape shape = new InputShape(1, 8, 8);
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(8, 8, 1)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        net.getLayer(1).setParam("mean", net.getLayer(1).getParam("mean").add(0.5));
        Dl4jClassifier m = Dl4jClassifier.of(net, shape);
        assertEquals(3, m.parameterLayers().size());
        INDArray conv = net.getLayer(0).getParam("W").dup();
        INDArray out = net.getLayer(2).getParam("W").dup();
        Dl4jClassifier top2 = (Dl4jClassifier) m.randomisedTop(2, 9);
        float[] x = input(shape);
        assertFalse(java.util.Arrays.equals(m.scores(x, 1), top2.scores(x, 1)));
        assertEquals(conv, net.getLayer(0).getParam("W")); // the original network is not touched
        assertEquals(out, net.getLayer(2).getParam("W"));
        assertArrayEquals(top2.scores(x, 1), m.randomisedTop(2, 9).scores(x, 1), 0f);
        // the bottom layer kept, the batch norm's running mean kept, the output weights replaced with about their own spread
        MultiLayerNetwork copy = (MultiLayerNetwork) top2prototype(top2);
        assertEquals(conv, copy.getLayer(0).getParam("W"));
        assertEquals(net.getLayer(1).getParam("mean"), copy.getLayer(1).getParam("mean"));
        INDArray w = copy.getLayer(2).getParam("W");
        assertFalse(out.equals(w));
        double sd = out.stdNumber().doubleValue();
        assertEquals(sd, w.stdNumber().doubleValue(), 0.25 * sd);
    }

    private static Object top2prototype(Dl4jClassifier c) {
        return c.prototype();
    }
}
