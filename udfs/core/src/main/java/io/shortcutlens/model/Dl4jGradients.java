package io.shortcutlens.model;

import io.shortcutlens.image.InputShape;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link Differentiable} over a DL4J {@link MultiLayerNetwork} whose last layer is an {@link OutputLayer}. DL4J
 * backpropagates from external errors only through layers without a loss, so the network is rebuilt once with its
 * output layer as a dense layer with identity activation and the same parameters: its outputs are the logits, and
 * backpropagating a one-hot error through it gives d(logit)/d(anything below). Copies are pooled per calling thread
 * like the classifier's.
 */
public final class Dl4jGradients implements Differentiable {

    private final MultiLayerNetwork prototype;
    private final InputShape shape;
    private final boolean flatInput;
    private final int numClasses;
    private final ConcurrentLinkedDeque<MultiLayerNetwork> idle = new ConcurrentLinkedDeque<>();

    private Dl4jGradients(MultiLayerNetwork logits, InputShape shape, boolean flatInput, int numClasses) {
        this.prototype = logits;
        this.shape = shape;
        this.flatInput = flatInput;
        this.numClasses = numClasses;
        idle.push(logits);
    }

    /**
     * @throws UnsupportedOperationException for a network these gradients cannot be taken through, naming the methods
     *                                       that work on any model
     */
    public static Dl4jGradients of(Object network, InputShape shape, boolean flatInput) {
        if (!(network instanceof MultiLayerNetwork net)) {
            throw new UnsupportedOperationException("gradient methods (Grad-CAM, saliency, integrated gradients, SmoothGrad) need a DL4J"
                    + " MultiLayerNetwork; this model is a " + network.getClass().getSimpleName() + ": use occlusion or lime");
        }
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations().clone();
        int last = conf.getConfs().size() - 1;
        NeuralNetConfiguration lastConf = conf.getConf(last);
        if (!(lastConf.getLayer() instanceof OutputLayer out)) {
            throw new UnsupportedOperationException("gradient methods need a network ending in an OutputLayer (dense + activation);"
                    + " this one ends in " + lastConf.getLayer().getClass().getSimpleName() + ": use occlusion or lime");
        }
        DenseLayer logits = new DenseLayer.Builder().nIn(out.getNIn()).nOut(out.getNOut()).activation(Activation.IDENTITY)
                .hasBias(out.hasBias()).updater(new org.nd4j.linalg.learning.config.NoOp()).biasUpdater(new org.nd4j.linalg.learning.config.NoOp())
                .build(); // never trained; DL4J still asks every layer for its updater when a copy is made
        logits.setLayerName(out.getLayerName());
        lastConf.setLayer(logits);
        MultiLayerNetwork m = new MultiLayerNetwork(conf);
        m.init(net.params().dup(), false);
        m.initGradientsView(); // layers write parameter gradients there while backpropagating
        return new Dl4jGradients(m, shape, flatInput, (int) out.getNOut());
    }

    @Override
    public float[] logits(float[] batch, int n) {
        MultiLayerNetwork m = borrow();
        try {
            return floats(m.output(input(batch, n, m), false));
        } finally {
            idle.push(m);
        }
    }

    @Override
    public float[] inputGradients(float[] batch, int n, int[] targets) {
        MultiLayerNetwork m = borrow();
        try {
            m.setInput(input(batch, n, m));
            m.feedForward(false, false);
            return floats(backpropTo(m, -1, oneHot(n, targets, m)));
        } finally {
            m.clear();
            idle.push(m);
        }
    }

    @Override
    public FeatureGradients featureGradients(float[] batch, int n, int[] targets, String layer) {
        return atLayer(batch, n, layer, (m, k, a) -> new FeatureGradients(layerName(m, k), (int) a.size(1), (int) a.size(2), (int) a.size(3),
                floats(a), floats(backpropTo(m, k, oneHot(n, targets, m)))));
    }

    @Override
    public LayerActivations activations(float[] batch, int n, String layer) {
        return atLayer(batch, n, layer, false, (m, k, a) -> {
            long[] s = a.shape();
            int channels = (int) s[1];
            int height = s.length == 4 ? (int) s[2] : 1;
            int width = s.length == 4 ? (int) s[3] : 1;
            return new LayerActivations(layerName(m, k), channels, height, width, floats(a));
        });
    }

    /** What a method computes from a network after a forward pass, at the chosen layer {@code k} with output {@code a}. */
    private interface AtLayer<T> {
        T apply(MultiLayerNetwork m, int k, INDArray a);
    }

    /** Borrows a copy, runs the batch forward keeping every layer's input, picks the layer and applies {@code f}. */
    private <T> T atLayer(float[] batch, int n, String layer, AtLayer<T> f) {
        return atLayer(batch, n, layer, true, f);
    }

    private <T> T atLayer(float[] batch, int n, String layer, boolean spatialOnly, AtLayer<T> f) {
        MultiLayerNetwork m = borrow();
        try {
            m.setInput(input(batch, n, m));
            List<INDArray> acts = m.feedForward(false, false);
            int k = PENULTIMATE.equals(layer) ? m.getnLayers() - 2 : featureLayer(m, acts, layer, spatialOnly);
            if (k < 0) {
                throw new IllegalArgumentException("the network has no layer before its output layer; layers: " + layerNames(m));
            }
            return f.apply(m, k, acts.get(k + 1));
        } finally {
            m.clear();
            idle.push(m);
        }
    }

    private static String layerName(MultiLayerNetwork m, int k) {
        String name = m.getLayer(k).conf().getLayer().getLayerName();
        return name != null ? name : String.valueOf(k);
    }

    @Override
    public ChannelGradients channelGradients(float[] batch, int n, String layer, int channel) {
        return atLayer(batch, n, layer, (m, k, a) -> {
            if (channel < 0 || channel >= a.size(1)) {
                throw new IllegalArgumentException("layer " + k + " has " + a.size(1) + " channels; channel " + channel + " does not exist");
            }
            long hw = a.size(2) * a.size(3);
            INDArray eps = Nd4j.zeros(a.dataType(), a.shape());
            float[] means = new float[n];
            for (int i = 0; i < n; i++) {
                eps.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i), org.nd4j.linalg.indexing.NDArrayIndex.point(channel)).assign(1.0 / hw);
                means[i] = a.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i), org.nd4j.linalg.indexing.NDArrayIndex.point(channel)).meanNumber()
                        .floatValue();
            }
            return new ChannelGradients(layerName(m, k), means, floats(backpropFrom(m, k, -1, eps)));
        });
    }

    /**
     * The layer index: by name, else the last convolution (or activation) layer whose output is a feature map larger
     * than 1×1 — MATLAB's choice, the last ReLU with non-singleton spatial size, where DL4J fuses the ReLU into the
     * convolution — else the last layer of any kind with such output.
     */
    private static int featureLayer(MultiLayerNetwork m, List<INDArray> acts, String layer, boolean spatialOnly) {
        int found = -1;
        int foundAny = -1;
        for (int i = 0; i < m.getnLayers(); i++) {
            INDArray a = acts.get(i + 1);
            boolean spatial = a.rank() == 4 && a.size(2) * a.size(3) > 1;
            String name = m.getLayer(i).conf().getLayer().getLayerName();
            if (layer != null && (layer.equals(name) || layer.equals(String.valueOf(i)))) {
                if (spatialOnly && !spatial) {
                    throw new IllegalArgumentException("layer '" + layer + "' outputs " + java.util.Arrays.toString(a.shape())
                            + ", not feature maps [n, channels, height, width] larger than 1x1");
                }
                return i;
            }
            if (layer == null && spatial) {
                foundAny = i;
                org.deeplearning4j.nn.conf.layers.Layer conf = m.getLayer(i).conf().getLayer();
                if (conf instanceof org.deeplearning4j.nn.conf.layers.ConvolutionLayer || conf instanceof org.deeplearning4j.nn.conf.layers.ActivationLayer) {
                    found = i;
                }
            }
        }
        if (layer != null) {
            throw new IllegalArgumentException("no layer named '" + layer + "'; layers: " + layerNames(m));
        }
        if (found < 0 && foundAny < 0) {
            throw new IllegalArgumentException("the network has no layer with feature maps larger than 1x1 (Grad-CAM needs one)");
        }
        return found >= 0 ? found : foundAny;
    }

    private static List<String> layerNames(MultiLayerNetwork m) {
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < m.getnLayers(); i++) {
            String name = m.getLayer(i).conf().getLayer().getLayerName();
            names.add(i + ":" + (name != null ? name : m.getLayer(i).getClass().getSimpleName()));
        }
        return names;
    }

    /** Backpropagates {@code eps} (at the logits) down to the output of layer {@code k} (k = -1: the network input). */
    private static INDArray backpropTo(MultiLayerNetwork m, int k, INDArray eps) {
        return backpropFrom(m, m.getnLayers() - 1, k, eps);
    }

    /** Backpropagates {@code eps}, an error at the output of layer {@code top}, down to the output of layer {@code k}. */
    private static INDArray backpropFrom(MultiLayerNetwork m, int top, int k, INDArray eps) {
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        long n = eps.size(0);
        for (int j = top; j > k; j--) {
            Layer layer = m.getLayer(j);
            eps = layer.backpropGradient(eps, mgr).getSecond();
            InputPreProcessor pp = m.getLayerWiseConfigurations().getInputPreProcess(j);
            if (pp != null) {
                eps = pp.backprop(eps, (int) n, mgr);
            }
        }
        return eps;
    }

    private INDArray oneHot(int n, int[] targets, MultiLayerNetwork m) {
        INDArray eps = Nd4j.zeros(m.params().dataType(), n, numClasses);
        for (int i = 0; i < n; i++) {
            eps.putScalar(i, targets[i], 1.0);
        }
        return eps;
    }

    private INDArray input(float[] batch, int n, MultiLayerNetwork m) {
        int size = shape.size();
        float[] data = batch.length == n * size ? batch : java.util.Arrays.copyOf(batch, n * size);
        long[] dims = flatInput ? new long[] {n, size} : new long[] {n, shape.channels(), shape.height(), shape.width()};
        return Nd4j.create(data, dims, 'c').castTo(m.params().dataType());
    }

    private static float[] floats(INDArray a) {
        return NdArrays.floats(a);
    }

    private MultiLayerNetwork borrow() {
        MultiLayerNetwork m = idle.poll();
        if (m == null) {
            m = prototype.clone();
            m.initGradientsView();
        }
        return m;
    }
}
