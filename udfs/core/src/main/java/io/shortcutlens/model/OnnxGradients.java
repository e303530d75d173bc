package io.shortcutlens.model;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import onnx.Onnx;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The gradients of an ONNX model, from its graph rebuilt in SameDiff ({@link OnnxSameDiff}) and differentiated by
 * SameDiff: input gradients of a target logit, a layer's feature maps with the gradient of the target logit at them,
 * and the input gradient of a channel's mean activation (deep dream). Each objective is its own SameDiff graph (the
 * ONNX graph plus that objective as the loss), kept in a pool so that task threads never share one.
 */
final class OnnxGradients {
    private static final String ONE_HOT = "target_one_hot";
    private static final String MASK = "channel_mask";

    private final String name;
    private final Onnx.ModelProto model;
    private final long[] inputDims;
    private final Map<String, long[]> shapes;
    private final List<String> unsupported;
    /** Objective ("logits"; "head:" + tensor, Grad-CAM's; "channel:" + tensor, deep dream's) -> idle graphs. */
    private final Map<String, ConcurrentLinkedQueue<Objective>> pools = new ConcurrentHashMap<>();

    /**
     * @param inputDims the model's input dims, batch first
     * @param shapes    per-image shapes of the graph's float tensors, as ONNX Runtime computed them
     */
    OnnxGradients(String name, Onnx.ModelProto model, long[] inputDims, Map<String, long[]> shapes) {
        this.name = name;
        this.model = model;
        this.inputDims = inputDims;
        this.shapes = shapes;
        this.unsupported = OnnxSameDiff.unsupported(model.getGraph(), shapes);
    }

    /** Operators the translation does not cover (empty when the model's gradients can be computed). */
    List<String> unsupported() {
        return unsupported;
    }

    /** A graph and its loss: the sum over the batch of the target logits, or of one channel's mean activation of a tensor. */
    private record Objective(OnnxSameDiff graph, String tensor) { }

    private Objective build(String key) {
        boolean head = key.startsWith("head:");
        OnnxSameDiff g = OnnxSameDiff.build(name, model, inputDims, shapes, head ? key.substring("head:".length()) : null);
        SameDiff sd = g.sameDiff();
        if (!key.startsWith("channel:")) { // the target logits: of the whole graph (input gradients) or of its head (Grad-CAM)
            SDVariable oneHot = sd.placeHolder(ONE_HOT, DataType.FLOAT, -1, shapes.get(g.scoresName())[0]);
            sd.setLossVariables(anchored(sd, g.logits().mul(oneHot).sum()));
            String tensor = head ? key.substring("head:".length()) : null;
            differentiate(sd, head ? g.placeholders().get(tensor) : OnnxSameDiff.INPUT);
            return new Objective(g, tensor);
        }
        String tensor = key.substring("channel:".length());
        long[] s = shapes.get(tensor);
        SDVariable mask = sd.placeHolder(MASK, DataType.FLOAT, maskShape(tensor));
        long positions = 1;
        for (int i = 1; i < s.length; i++) {
            positions *= s[i];
        }
        sd.setLossVariables(anchored(sd, g.variable(tensor).mul(mask).sum().div(positions)));
        differentiate(sd, OnnxSameDiff.INPUT);
        return new Objective(g, tensor);
    }

    /** [1, C, 1, …]: one weight per channel of a tensor, broadcast over its positions and the batch. */
    private long[] maskShape(String tensor) {
        long[] s = shapes.get(tensor);
        long[] out = new long[s.length + 1];
        java.util.Arrays.fill(out, 1);
        out[1] = s[0];
        return out;
    }

    /**
     * Builds the graph's gradient function, with the gradient of {@code placeholder} (SameDiff gives a placeholder's
     * gradient only when asked for). SameDiff prints a line per differentiated operator to standard output while it
     * builds: those lines are dropped, every other line written meanwhile passes.
     */
    private static void differentiate(SameDiff sd, String placeholder) {
        synchronized (OnnxGradients.class) {
            java.io.PrintStream original = System.out;
            System.setOut(new java.io.PrintStream(new DroppingLines(original, "Added differentiated op "), true));
            try {
                sd.createGradFunction(placeholder);
            } finally {
                System.out.flush();
                System.setOut(original);
            }
        }
    }

    /** Passes whole lines to a stream, except those starting with a prefix. */
    private static final class DroppingLines extends java.io.OutputStream {
        private final java.io.PrintStream target;
        private final byte[] prefix;
        private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

        DroppingLines(java.io.PrintStream target, String prefix) {
            this.target = target;
            this.prefix = prefix.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }

        @Override
        public synchronized void write(int b) {
            line.write(b);
            if (b == '\n') {
                flush();
            }
        }

        @Override
        public synchronized void flush() {
            byte[] bytes = line.toByteArray();
            line.reset();
            if (bytes.length > 0 && !java.util.Arrays.equals(bytes, 0, Math.min(bytes.length, prefix.length), prefix, 0, prefix.length)) {
                target.write(bytes, 0, bytes.length);
                target.flush();
            }
        }
    }

    /**
     * The loss plus zero times a scalar variable: SameDiff differentiates only losses that depend on a trainable
     * variable, and the model's weights are constants here (their gradients are never computed).
     */
    private static SDVariable anchored(SameDiff sd, SDVariable loss) {
        return loss.add(sd.var("gradient_anchor", Nd4j.scalar(0f)).mul(0));
    }

    private <T> T with(String key, Function<Objective, T> work) {
        ConcurrentLinkedQueue<Objective> pool = pools.computeIfAbsent(key, k -> new ConcurrentLinkedQueue<>());
        Objective o = pool.poll();
        if (o == null) {
            o = build(key);
        }
        try {
            return work.apply(o);
        } finally {
            pool.offer(o);
        }
    }

    private INDArray input(float[] modelLayout, int n) {
        long[] dims = inputDims.clone();
        dims[0] = n;
        return Nd4j.create(modelLayout, dims, 'c');
    }

    private static float[] floats(INDArray a) {
        return NdArrays.floats(a);
    }

    /** Logits of {@code n} images given in the model's input layout. */
    float[] logits(float[] modelLayout, int n) {
        return with("logits", o -> {
            SDVariable l = o.graph().logits();
            return floats(o.graph().sameDiff().output(Map.of(OnnxSameDiff.INPUT, input(modelLayout, n)), l.name()).get(l.name()));
        });
    }

    private INDArray oneHot(int n, int[] targets, int classes) {
        float[] v = new float[n * classes];
        for (int i = 0; i < n; i++) {
            v[i * classes + targets[i]] = 1;
        }
        return Nd4j.create(v, new long[] {n, classes}, 'c');
    }

    /** d(target logit) / d(input), in the model's input layout. */
    float[] inputGradients(float[] modelLayout, int n, int[] targets, int classes) {
        return with("logits", o -> {
            Map<String, INDArray> g = o.graph().sameDiff().calculateGradients(Map.of(OnnxSameDiff.INPUT, input(modelLayout, n), ONE_HOT,
                    oneHot(n, targets, classes)), OnnxSameDiff.INPUT);
            return floats(g.get(OnnxSameDiff.INPUT));
        });
    }

    /**
     * The tensors the head graph downstream of {@code tensor} reads, {@code tensor} among them: what a forward pass
     * must return for {@link #headGradients}.
     */
    List<String> headInputs(String tensor) {
        return with("head:" + tensor, o -> List.copyOf(o.graph().placeholders().keySet()));
    }

    /**
     * d(target logit) / d(tensor) from the head graph alone, fed the values of {@link #headInputs} ({@code n} images
     * each) that a forward pass computed.
     */
    float[] headGradients(Map<String, float[]> values, int n, int[] targets, int classes, String tensor) {
        return with("head:" + tensor, o -> {
            Map<String, INDArray> feed = new java.util.HashMap<>();
            o.graph().placeholders().forEach((onnxName, ph) -> {
                long[] per = shapes.get(onnxName);
                long[] dims = new long[per.length + 1];
                dims[0] = n;
                System.arraycopy(per, 0, dims, 1, per.length);
                feed.put(ph, Nd4j.create(values.get(onnxName), dims, 'c'));
            });
            feed.put(ONE_HOT, oneHot(n, targets, classes));
            String ph = o.graph().placeholders().get(tensor);
            return floats(o.graph().sameDiff().calculateGradients(feed, ph).get(ph));
        });
    }

    /** Each image's mean activation of one channel of a tensor, and its gradient with respect to the input (model layout). */
    float[][] channelGradients(float[] modelLayout, int n, String tensor, int channel) {
        return with("channel:" + tensor, o -> {
            long[] s = shapes.get(tensor);
            INDArray mask = Nd4j.zeros(DataType.FLOAT, maskShape(tensor));
            mask.putScalar(channel, 1f);
            String v = o.graph().variable(tensor).name();
            OutAndGrad r = o.graph().sameDiff().calculateGradientsAndOutputs(Map.of(OnnxSameDiff.INPUT, input(modelLayout, n), MASK, mask),
                    List.of(v), List.of(OnnxSameDiff.INPUT));
            INDArray act = r.getOutputs().get(v);
            float[] means = new float[n];
            long per = act.length() / n / s[0];
            float[] all = floats(act);
            for (int i = 0; i < n; i++) {
                double sum = 0;
                for (int q = 0; q < per; q++) {
                    sum += all[(int) ((i * s[0] + channel) * per + q)];
                }
                means[i] = (float) (sum / per);
            }
            return new float[][] {means, floats(r.getGradients().get(OnnxSameDiff.INPUT))};
        });
    }
}
