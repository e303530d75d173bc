package io.shortcutlens.explain;

import io.shortcutlens.image.InputShape;
import io.shortcutlens.model.Dl4jClassifier;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** A dense-only DL4J network with identity activation: {@code f_c(x) = Σ_p W[p][c]·x_p + b_c}, known in closed form. */
public final class LinearModel {
    public final MultiLayerNetwork net;
    public final double[][] w;
    public final double[] b;
    public final Dl4jClassifier classifier;

    public LinearModel(InputShape shape, int classes, long seed) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER).list()
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(shape.size()).nOut(classes)
                        .activation(Activation.IDENTITY).build())
                .build();
        net = new MultiLayerNetwork(conf);
        net.init();
        net.setParam("0_b", org.nd4j.linalg.factory.Nd4j.rand(DataType.FLOAT, 1, classes));
        INDArray wp = net.getParam("0_W");
        w = new double[shape.size()][classes];
        b = new double[classes];
        for (int p = 0; p < shape.size(); p++) {
            for (int c = 0; c < classes; c++) {
                w[p][c] = wp.getDouble(p, c);
            }
        }
        classifier = Dl4jClassifier.of(net, shape);
        float[] atZero = classifier.scores(new float[shape.size()], 1);
        for (int c = 0; c < classes; c++) {
            b[c] = atZero[c];
        }
    }

    public double score(float[] x, int c) {
        double s = b[c];
        for (int p = 0; p < x.length; p++) {
            s += w[p][c] * x[p];
        }
        return s;
    }
}
