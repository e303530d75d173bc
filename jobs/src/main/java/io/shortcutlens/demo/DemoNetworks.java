package io.shortcutlens.demo;

import io.shortcutlens.image.InputShape;
import io.shortcutlens.image.Normalisation;
import io.shortcutlens.model.ModelLoader;
import io.shortcutlens.model.ModelMetadata;
import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The demo's two small CNNs, trained here from the project's own synthetic photos and saved with their metadata. */
public final class DemoNetworks {

    public static final InputShape SHAPE = new InputShape(3, TrailCameraScenes.SIZE, TrailCameraScenes.SIZE);

    /** A labelled set of scenes held in memory as model input. */
    public record Examples(float[][] inputs, int[] labels, int classes, InputShape shape) {
        public int size() {
            return labels.length;
        }
    }

    private DemoNetworks() { }

    /**
     * The story's small CNN: conv 3×3×16, max-pool, conv 3×3×32, max-pool, dense 64, softmax.
     */
    public static MultiLayerNetwork untrained(InputShape shape, int classes, long seed) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.FLOAT)
                .updater(new Adam(2e-3)).weightInit(WeightInit.RELU).l2(1e-4).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(16).activation(Activation.RELU).convolutionMode(ConvolutionMode.Same).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(32).activation(Activation.RELU).convolutionMode(ConvolutionMode.Same).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(64).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(classes).activation(Activation.SOFTMAX)
                        .weightInit(WeightInit.XAVIER).build())
                .setInputType(InputType.convolutional(shape.height(), shape.width(), shape.channels()))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /** Mini-batch Adam over shuffled examples; the shuffle is seeded. */
    public static MultiLayerNetwork train(Examples data, int epochs, long seed, java.util.function.IntConsumer onEpoch) {
        InputShape shape = data.shape();
        MultiLayerNetwork net = untrained(shape, data.classes(), seed);
        int n = data.size();
        int batch = 32;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom r = new SplittableRandom(seed);
        int size = shape.size();
        for (int epoch = 0; epoch < epochs; epoch++) {
            for (int i = n - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            for (int start = 0; start < n; start += batch) {
                int b = Math.min(batch, n - start);
                float[] x = new float[b * size];
                float[] y = new float[b * data.classes()];
                for (int i = 0; i < b; i++) {
                    int idx = order[start + i];
                    System.arraycopy(data.inputs()[idx], 0, x, i * size, size);
                    y[i * data.classes() + data.labels()[idx]] = 1;
                }
                INDArray features = Nd4j.create(x, new long[] {b, shape.channels(), shape.height(), shape.width()}, 'c');
                INDArray labels = Nd4j.create(y, new long[] {b, data.classes()}, 'c');
                net.fit(new DataSet(features, labels));
            }
            if (onEpoch != null) {
                onEpoch.accept(epoch + 1);
            }
        }
        return net;
    }

    /** Fraction of examples whose arg-max output equals the label. */
    public static double accuracy(MultiLayerNetwork net, Examples data) {
        int[] predicted = predictions(net, data);
        int correct = 0;
        for (int i = 0; i < predicted.length; i++) {
            correct += predicted[i] == data.labels()[i] ? 1 : 0;
        }
        return (double) correct / data.size();
    }

    /** The arg-max class of every example, in batches of 128. */
    public static int[] predictions(MultiLayerNetwork net, Examples data) {
        return predictions(io.shortcutlens.model.Dl4jClassifier.of(net, data.shape()), data);
    }

    /** The arg-max class of every example under any classifier (a DL4J network, an ONNX model), in batches of 128. */
    public static int[] predictions(io.shortcutlens.model.ImageClassifier model, Examples data) {
        int size = data.shape().size();
        int k = model.numClasses();
        int[] predicted = new int[data.size()];
        for (int start = 0; start < data.size(); start += 128) {
            int b = Math.min(128, data.size() - start);
            float[] x = new float[b * size];
            for (int i = 0; i < b; i++) {
                System.arraycopy(data.inputs()[start + i], 0, x, i * size, size);
            }
            float[] scores = model.scores(x, b);
            for (int i = 0; i < b; i++) {
                int best = 0;
                for (int c = 1; c < k; c++) {
                    best = scores[i * k + c] > scores[i * k + best] ? c : best;
                }
                predicted[start + i] = best;
            }
        }
        return predicted;
    }

    /** Saves the network with the input shape, class names and normalisation the explain job reads back. */
    public static void save(MultiLayerNetwork net, List<String> classNames, File file) throws IOException {
        save(net, SHAPE, classNames, file);
    }

    public static void save(MultiLayerNetwork net, InputShape shape, List<String> classNames, File file) throws IOException {
        file.getParentFile().mkdirs();
        ModelSerializer.writeModel(net, file, false);
        ModelLoader.writeMetadata(file, new ModelMetadata(shape, classNames, Normalisation.unitScale()));
    }
}
