package io.shortcutlens.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shortcutlens.image.ImageTensor;
import io.shortcutlens.image.InputShape;
import io.shortcutlens.model.Differentiable;
import io.shortcutlens.model.Dl4jClassifier;
import java.util.List;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Gradient methods against independent answers: saliency of a linear model is its weight vector; integrated gradients
 * sum to f(x) − f(baseline) (completeness); Grad-CAM equals CAM on a trained network that ends in global average
 * pooling and a dense layer (Selvaraju et al.).
 */
class GradientMethodsTest {
    private static final InputShape SHAPE = new InputShape(1, 16, 16);
    private static MultiLayerNetwork gap;
    private static MultiLayerNetwork cnn;

    /** Images with a bright 4×4 square in one of three places; the class is the place. */
    static DataSet squares(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n * SHAPE.size()];
        float[] y = new float[n * 3];
        for (int i = 0; i < n; i++) {
            int c = r.nextInt(3);
            for (int p = 0; p < SHAPE.size(); p++) {
                x[i * SHAPE.size() + p] = (float) (0.2 * r.nextDouble());
            }
            int y0 = c == 0 ? 2 : c == 1 ? 10 : 2;
            int x0 = c == 0 ? 2 : c == 1 ? 6 : 10;
            for (int dy = 0; dy < 4; dy++) {
                for (int dx = 0; dx < 4; dx++) {
                    x[i * SHAPE.size() + (y0 + dy) * 16 + x0 + dx] = 0.8f + (float) (0.2 * r.nextDouble());
                }
            }
            y[i * 3 + c] = 1;
        }
        return new DataSet(Nd4j.create(x, new long[] {n, 1, 16, 16}, 'c'), Nd4j.create(y, new long[] {n, 3}, 'c'));
    }

    @BeforeAll
    static void train() {
        MultiLayerConfiguration gapConf = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT).updater(new Adam(0.01))
                .weightInit(WeightInit.RELU).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(6).activation(Activation.RELU).build())
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(8).activation(Activation.RELU).build())
                .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(16, 16, 1)).build();
        gap = new MultiLayerNetwork(gapConf);
        gap.init();
        MultiLayerConfiguration cnnConf = new NeuralNetConfiguration.Builder().seed(4).dataType(DataType.FLOAT).updater(new Adam(0.01))
                .weightInit(WeightInit.RELU).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(6).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(16).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(16, 16, 1)).build();
        cnn = new MultiLayerNetwork(cnnConf);
        cnn.init();
        for (int epoch = 0; epoch < 150; epoch++) {
            DataSet d = squares(64, epoch);
            gap.fit(d);
            cnn.fit(d);
        }
        DataSet test = squares(60, 999);
        for (MultiLayerNetwork net : new MultiLayerNetwork[] {gap, cnn}) {
            INDArray predicted = net.output(test.getFeatures()).argMax(1);
            double accuracy = predicted.eq(test.getLabels().argMax(1)).castTo(DataType.FLOAT).meanNumber().doubleValue();
            assertTrue(accuracy > 0.9, "the test networks learn the squares: accuracy " + accuracy);
        }
    }

    @Test
    void saliencyOfALinearModelIsItsWeightVector() {
        LinearModel m = new LinearModel(SHAPE, 3, 5);
        float[] x = squares(1, 7).getFeatures().data().asFloat();
        ImageTensor image = ImageTensor.ofInput(SHAPE, x);
        float[] base = m.classifier.scores(x, 1);
        for (int c = 0; c < 3; c++) {
            float[] map = new SaliencyExplainer().explain(image, base, new int[] {c}, m.classifier, 0)
                    .get(0).map().toPixels();
            for (int p = 0; p < SHAPE.size(); p++) {
                assertEquals(m.w[p][c], map[p], 1e-6, "class " + c + " pixel " + p);
            }
        }
    }

    @Test
    void integratedGradientsAreComplete() {
        Dl4jClassifier classifier = Dl4jClassifier.of(cnn, SHAPE);
        DataSet d = squares(5, 21);
        for (int i = 0; i < 5; i++) {
            float[] x = d.getFeatures().slice(i).dup('c').data().asFloat();
            float[] logits = classifier.logits(x, 1);
            // the logits are the network's own: their softmax is its output
            float[] probs = classifier.scores(x, 1);
            double z = 0;
            for (float l : logits) {
                z += Math.exp(l);
            }
            for (int c = 0; c < 3; c++) {
                assertEquals(probs[c], Math.exp(logits[c]) / z, 1e-5);
            }
            int target = d.getLabels().slice(i).argMax().getInt(0);
            float[] baseline = classifier.logits(new float[SHAPE.size()], 1);
            float[] map = new IntegratedGradientsExplainer(new IntegratedGradientsExplainer.Params(128, 0f, 64))
                    .explain(ImageTensor.ofInput(SHAPE, x), probs, new int[] {target}, classifier, 0).get(0).map().toPixels();
            double sum = 0;
            for (float v : map) {
                sum += v;
            }
            double expected = logits[target] - baseline[target];
            System.out.printf("integrated gradients image %d: sum %.5f, f(x) - f(0) %.5f%n", i, sum, expected);
            assertEquals(expected, sum, 0.01 * Math.abs(expected), "completeness within 1% at 128 steps");
        }
    }

    @Test
    void gradCamEqualsCamOnAGlobalAveragePoolingNetwork() {
        Dl4jClassifier classifier = Dl4jClassifier.of(gap, SHAPE);
        DataSet d = squares(6, 33);
        INDArray w = gap.getLayer(3).getParam("W"); // [channels, classes]
        for (int i = 0; i < 6; i++) {
            INDArray x = d.getFeatures().slice(i).reshape(1, 1, 16, 16);
            int target = d.getLabels().slice(i).argMax().getInt(0);
            Differentiable.FeatureGradients fg = classifier.featureGradients(x.dup('c').data().asFloat(), 1, new int[] {target}, null);
            assertEquals("layer1", fg.layer(), "the automatic layer is the last convolution");
            float[] gradCam = GradCamExplainer.cam(fg, 0);
            // CAM (Zhou et al.): Σ_k w_k,c A_k from the network's own feature maps and output weights
            INDArray a = gap.feedForward(x, false).get(2); // output of layer 1
            int hw = (int) (a.size(2) * a.size(3));
            float[] cam = new float[hw];
            for (int k = 0; k < a.size(1); k++) {
                for (int p = 0; p < hw; p++) {
                    cam[p] += (float) (w.getDouble(k, target) * a.getDouble(0, k, p / a.size(3), p % a.size(3)));
                }
            }
            for (int p = 0; p < hw; p++) {
                cam[p] = Math.max(0, cam[p]);
            }
            // both as the explainer stores them (less their minimum), then scaled to a maximum of 1
            cam = GradCamExplainer.floorAtMinimum(cam);
            gradCam = GradCamExplainer.floorAtMinimum(gradCam);
            float camMax = 0;
            float gcMax = 0;
            for (int p = 0; p < hw; p++) {
                camMax = Math.max(camMax, cam[p]);
                gcMax = Math.max(gcMax, gradCam[p]);
            }
            assertTrue(camMax > 0, "the class has positive evidence somewhere");
            for (int p = 0; p < hw; p++) {
                assertEquals(cam[p] / camMax, gradCam[p] / gcMax, 1e-4, "image " + i + " position " + p);
            }
        }
    }

    @Test
    void deepDreamRaisesTheChannelsMeanActivationFivefold() {
        Dl4jClassifier classifier = Dl4jClassifier.of(cnn, SHAPE);
        float[] start = squares(1, 55).getFeatures().dup('c').data().asFloat();
        int checked = 0;
        for (int channel = 0; channel < 6; channel++) {
            float before = classifier.channelGradients(start, 1, "0", channel).means()[0];
            if (before <= 1e-3) {
                continue; // a channel silent on the start image: any rise is an infinite ratio, tells nothing
            }
            float[] dreamed = DeepDream.of("0", channel).dream(classifier, SHAPE, start);
            float after = classifier.channelGradients(dreamed, 1, "0", channel).means()[0];
            System.out.printf("deep dream channel %d: mean activation %.4f -> %.4f (%.1fx)%n", channel, before, after, after / before);
            assertTrue(after >= 5 * before, "channel " + channel + ": " + before + " -> " + after);
            checked++;
        }
        assertTrue(checked >= 2, "channels active on the start image: " + checked);
    }

    @Test
    void imageBatchedMethodsEqualOneImageAtATime() {
        Dl4jClassifier classifier = Dl4jClassifier.of(cnn, SHAPE);
        float[] all21 = squares(21, 77).getFeatures().dup('c').data().asFloat();
        List<io.shortcutlens.image.ImageTensor> images = new java.util.ArrayList<>();
        List<float[]> scores = new java.util.ArrayList<>();
        List<int[]> targets = new java.util.ArrayList<>();
        for (int i = 0; i < 21; i++) {
            float[] x = java.util.Arrays.copyOfRange(all21, i * SHAPE.size(), (i + 1) * SHAPE.size());
            images.add(io.shortcutlens.image.ImageTensor.ofInput(SHAPE, x));
            scores.add(classifier.scores(x, 1));
            // every second image explained for all three classes: 43 (image, target) pairs, two Grad-CAM passes; maps equal
            // to float rounding (the batched products sum in another order)
            targets.add(i % 2 == 0 ? new int[] {0, 1, 2} : new int[] {i % 3});
        }
        long[] seeds = new long[21];
        for (Explainer e : List.of(new GradCamExplainer(new GradCamParams(null)), new SaliencyExplainer(),
                new InputXGradientExplainer(), new ActivationExplainer(new ActivationParams(null)))) {
            assertTrue(e.batchesImages(), e.method());
            List<List<Explanation>> all = e.explainAll(images, scores, targets, classifier, seeds);
            assertEquals(21, all.size());
            for (int i = 0; i < 21; i++) {
                List<Explanation> one = e.explain(images.get(i), scores.get(i), targets.get(i), classifier, 0L);
                assertEquals(one.size(), all.get(i).size());
                for (int k = 0; k < one.size(); k++) {
                    assertEquals(one.get(k).target(), all.get(i).get(k).target());
                    float[] a = one.get(k).map().toPixels();
                    float[] b = all.get(i).get(k).map().toPixels();
                    float scale = 1e-12f;
                    for (float v : a) {
                        scale = Math.max(scale, Math.abs(v));
                    }
                    for (int p = 0; p < a.length; p++) {
                        assertEquals(a[p], b[p], 1e-4 * scale, e.method() + " image " + i + " target " + k + " pixel " + p);
                    }
                }
            }
        }
    }

    @Test
    void activationsMapIsTheLayersStrongestChannelUpsampled() {
        Dl4jClassifier classifier = Dl4jClassifier.of(cnn, SHAPE);
        for (int image = 0; image < 4; image++) {
            float[] x = squares(1, 91 + image).getFeatures().dup('c').data().asFloat();
            // the layer's output straight from DL4J, and the channel holding its largest value
            float[] act = cnn.feedForwardToLayer(0, Nd4j.create(x, new long[] {1, 1, 16, 16}, 'c'), false).get(1).dup('c').data().asFloat();
            long[] shape = cnn.feedForwardToLayer(0, Nd4j.create(x, new long[] {1, 1, 16, 16}, 'c'), false).get(1).shape();
            int hw = (int) (shape[2] * shape[3]);
            int best = 0;
            for (int p = 1; p < act.length; p++) {
                best = act[p] > act[best] ? p : best;
            }
            int channel = best / hw;
            float[] expected = io.shortcutlens.maps.Resize.bilinear(java.util.Arrays.copyOfRange(act, channel * hw, (channel + 1) * hw), (int) shape[2],
                    (int) shape[3], 16, 16);
            float[] map = new ActivationExplainer(new ActivationParams("0")).explain(io.shortcutlens.image.ImageTensor.ofInput(SHAPE, x),
                    classifier.scores(x, 1), new int[] {0}, classifier, 0L).get(0).map().toPixels();
            for (int p = 0; p < map.length; p++) {
                assertEquals(expected[p], map[p], 1e-5, "image " + image + " pixel " + p + " (channel " + channel + ")");
            }
        }
    }

    @Test
    void deepDreamOfAClassMakesTheNetworkPredictThatClass() {
        Dl4jClassifier classifier = Dl4jClassifier.of(cnn, SHAPE);
        // MATLAB's start: noise; here uniform over the training images' value range, no square anywhere
        SplittableRandom r = new SplittableRandom(56);
        float[] start = new float[SHAPE.size()];
        for (int p = 0; p < start.length; p++) {
            start[p] = (float) r.nextDouble();
        }
        int classes = classifier.logits(start, 1).length;
        for (int c = 0; c < classes; c++) {
            DeepDream dream = DeepDream.ofClass(c);
            float before = dream.objective(classifier, start);
            float[] logits = classifier.logits(dream.dream(classifier, SHAPE, start), 1);
            int best = 0;
            for (int k = 1; k < classes; k++) {
                best = logits[k] > logits[best] ? k : best;
            }
            System.out.printf("deep dream class %d: logit %.3f -> %.3f%n", c, before, logits[c]);
            assertEquals(c, best, "class " + c + " dreamed, logits " + java.util.Arrays.toString(logits));
            assertTrue(logits[c] > before + 1, "class " + c + ": " + before + " -> " + logits[c]);
        }
    }

    @Test
    void gradCamPointsAtTheSquareAndGradientMethodsRefuseModelsWithoutGradients() {
        Dl4jClassifier classifier = Dl4jClassifier.of(gap, SHAPE);
        DataSet d = squares(1, 44);
        float[] x = d.getFeatures().dup('c').data().asFloat();
        int target = d.getLabels().argMax(1).getInt(0);
        float[] base = classifier.scores(x, 1);
        float[] map = new GradCamExplainer(new GradCamParams(null)).explain(ImageTensor.ofInput(SHAPE, x), base, new int[] {target}, classifier, 0).get(0).map()
                .toPixels();
        int best = 0;
        for (int p = 1; p < map.length; p++) {
            best = map[p] > map[best] ? p : best;
        }
        int by = best / 16;
        int bx = best % 16;
        int y0 = target == 1 ? 10 : 2;
        int x0 = target == 0 ? 2 : target == 1 ? 6 : 10;
        assertTrue(by >= y0 - 2 && by < y0 + 6 && bx >= x0 - 2 && bx < x0 + 6, "peak (" + by + "," + bx + ") near the square at (" + y0 + "," + x0 + ")");

        io.shortcutlens.model.ImageClassifier opaque = new io.shortcutlens.model.ImageClassifier() {
            public InputShape inputShape() {
                return SHAPE;
            }

            public int numClasses() {
                return 3;
            }

            public float[] scores(float[] batch, int n) {
                return classifier.scores(batch, n);
            }
        };
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> new SaliencyExplainer().explain(ImageTensor.ofInput(SHAPE, x), base, new int[] {0}, opaque, 0));
        assertTrue(e.getMessage().contains("occlusion, lime or kernelshap"), e.getMessage());
    }
}
