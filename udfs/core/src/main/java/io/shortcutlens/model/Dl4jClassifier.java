package io.shortcutlens.model;

import io.shortcutlens.image.InputShape;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link ImageClassifier} over a DL4J {@link MultiLayerNetwork} or {@link ComputationGraph}.
 *
 * <p>DL4J's {@code output} is synchronized per network instance, so task threads sharing one instance would take
 * turns. The loaded network is kept as a prototype and each concurrent caller borrows a clone from a small pool:
 * the file is read once per JVM, the parameters are copied once per concurrent thread and device (a task bound to a
 * GPU by {@code io.shortcutlens.spark.GpuBinder} borrows copies made on its own device).
 */
public final class Dl4jClassifier implements ImageClassifier, Differentiable, Randomisable {

    private final Object prototype;
    private final InputShape shape;
    private final boolean flatInput;
    private final int numClasses;
    /** Idle copies per ND4J device (always 0 on the CPU backend): a copy's parameters live on the device it was made on. */
    private final java.util.concurrent.ConcurrentHashMap<Integer, ConcurrentLinkedDeque<Object>> idle = new java.util.concurrent.ConcurrentHashMap<>();

    Dl4jClassifier(Object network, InputShape shape, boolean flatInput, int numClasses) {
        if (!(network instanceof MultiLayerNetwork) && !(network instanceof ComputationGraph)) {
            throw new IllegalArgumentException("expected a MultiLayerNetwork or ComputationGraph, found " + network.getClass().getName());
        }
        this.prototype = network;
        this.shape = shape;
        this.flatInput = flatInput;
        this.numClasses = numClasses;
        idle.computeIfAbsent(Nd4j.getAffinityManager().getDeviceForCurrentThread(), d -> new ConcurrentLinkedDeque<>()).push(network);
    }

    /** Wraps a network already in memory (tests, training code); the input layout is probed with one forward pass. */
    public static Dl4jClassifier of(Object network, InputShape shape) {
        Probe probe = probe(network, shape);
        if (probe.error != null) {
            throw new IllegalArgumentException("network does not accept input of shape " + shape + ": " + probe.error.getMessage(), probe.error);
        }
        return new Dl4jClassifier(network, shape, probe.flat, probe.numClasses);
    }

    /** Result of trying the network on zeros: whether it wants NCHW or flattened input, and its number of outputs. */
    record Probe(boolean flat, int numClasses, Exception error) { }

    static Probe probe(Object network, InputShape shape) {
        Exception first = null;
        for (boolean flat : new boolean[] {false, true}) {
            try {
                INDArray x = flat ? Nd4j.zeros(DataType.FLOAT, 1, shape.size()) : Nd4j.zeros(DataType.FLOAT, 1, shape.channels(), shape.height(), shape.width());
                INDArray out = forward(network, x);
                if (out.rank() != 2 || out.size(0) != 1) {
                    throw new IllegalStateException("expected class scores of shape [1, classes], the network returned " + java.util.Arrays.toString(out.shape()));
                }
                return new Probe(flat, (int) out.size(1), null);
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        return new Probe(false, 0, first);
    }

    private static INDArray forward(Object network, INDArray x) {
        if (network instanceof MultiLayerNetwork m) {
            return m.output(x.castTo(m.params().dataType()), false);
        }
        ComputationGraph g = (ComputationGraph) network;
        return g.outputSingle(false, x.castTo(g.params().dataType()));
    }

    private volatile Dl4jGradients gradients;

    /** The logit-gradient view of this network, built on first use (gradient methods only). */
    private Dl4jGradients gradients() {
        Dl4jGradients g = gradients;
        if (g == null) {
            synchronized (this) {
                if (gradients == null) {
                    gradients = Dl4jGradients.of(prototype, shape, flatInput);
                }
                g = gradients;
            }
        }
        return g;
    }

    @Override
    public float[] logits(float[] batch, int n) {
        return gradients().logits(batch, n);
    }

    @Override
    public float[] inputGradients(float[] batch, int n, int[] targets) {
        return gradients().inputGradients(batch, n, targets);
    }

    @Override
    public FeatureGradients featureGradients(float[] batch, int n, int[] targets, String layer) {
        return gradients().featureGradients(batch, n, targets, layer);
    }

    @Override
    public ChannelGradients channelGradients(float[] batch, int n, String layer, int channel) {
        return gradients().channelGradients(batch, n, layer, channel);
    }

    @Override
    public LayerActivations activations(float[] batch, int n, String layer) {
        return gradients().activations(batch, n, layer);
    }

    /** The network this classifier borrows its copies from. */
    public Object prototype() {
        return prototype;
    }

    /** The network's layers that hold parameters, input side first (a graph's in its topological order). */
    private static org.deeplearning4j.nn.api.Layer[] parameterLayers(Object network) {
        org.deeplearning4j.nn.api.Layer[] all = network instanceof MultiLayerNetwork m ? m.getLayers() : ((ComputationGraph) network).getLayers();
        return java.util.Arrays.stream(all).filter(l -> l.numParams() > 0).toArray(org.deeplearning4j.nn.api.Layer[]::new);
    }

    @Override
    public java.util.List<String> parameterLayers() {
        java.util.List<String> names = new java.util.ArrayList<>();
        for (org.deeplearning4j.nn.api.Layer l : parameterLayers(prototype)) {
            String name = l.conf().getLayer().getLayerName();
            names.add((name == null ? "layer" : name) + " (" + l.getIndex() + ", " + l.getClass().getSimpleName() + ")");
        }
        return names;
    }

    @Override
    public ImageClassifier randomisedTop(int layers, long seed) {
        Object copy = prototype instanceof MultiLayerNetwork m ? m.clone() : ((ComputationGraph) prototype).clone();
        org.deeplearning4j.nn.api.Layer[] params = parameterLayers(copy);
        for (int i = Math.max(0, params.length - layers); i < params.length; i++) {
            for (java.util.Map.Entry<String, INDArray> e : new java.util.TreeMap<>(params[i].paramTable()).entrySet()) {
                if (java.util.Set.of("mean", "var", "log10stdev").contains(e.getKey())) {
                    continue; // a batch norm's running statistics: not learned by gradient, and a variance must stay positive
                }
                INDArray p = e.getValue();
                float[] noise = Randomisable.noiseLike(NdArrays.floats(p), seed * 1_000_003L + i * 31L + e.getKey().hashCode());
                p.assign(Nd4j.create(noise, p.shape(), 'c').castTo(p.dataType()));
            }
        }
        return new Dl4jClassifier(copy, shape, flatInput, numClasses);
    }

    @Override
    public InputShape inputShape() {
        return shape;
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    /** Whether the network takes images flattened to {@code [n, C·H·W]} rather than {@code [n, C, H, W]}. */
    public boolean flatInput() {
        return flatInput;
    }

    @Override
    public float[] scores(float[] batch, int n) {
        int size = shape.size();
        if (batch.length < n * size) {
            throw new IllegalArgumentException("batch of " + n + " images of shape " + shape + " needs " + (n * size) + " floats, found " + batch.length);
        }
        float[] data = batch.length == n * size ? batch : java.util.Arrays.copyOf(batch, n * size);
        long[] dims = flatInput ? new long[] {n, size} : new long[] {n, shape.channels(), shape.height(), shape.width()};
        INDArray x = Nd4j.create(data, dims, 'c');
        ConcurrentLinkedDeque<Object> pool = idle.computeIfAbsent(Nd4j.getAffinityManager().getDeviceForCurrentThread(),
                d -> new ConcurrentLinkedDeque<>());
        Object net = pool.poll();
        if (net == null) {
            net = prototype instanceof MultiLayerNetwork m ? m.clone() : ((ComputationGraph) prototype).clone();
        }
        try {
            INDArray out = forward(net, x);
            return out.castTo(DataType.FLOAT).dup('c').data().asFloat();
        } finally {
            pool.push(net);
        }
    }
}
