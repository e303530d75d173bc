package io.shortcutlens.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import onnx.Onnx;

/**
 * The tensors inside an ONNX graph, read as extra graph outputs: an ONNX model's layers for the activations method,
 * the report's activation panels and the embedding job. The graph itself is not changed, only what it returns; a
 * layer is named by its tensor or its node, or chosen by the rules DL4J networks follow ({@code null}: the last feature
 * map still larger than 1×1, Grad-CAM's layer; {@value LayerOutputs#PENULTIMATE}: the input of the last Gemm or
 * MatMul before the scores).
 */
final class OnnxLayers {
    /** Elementwise or reshaping operators between the last Gemm/MatMul and the scores, passed over to find the penultimate layer. */
    private static final Set<String> PASS_THROUGH = Set.of("Softmax", "LogSoftmax", "Identity", "Flatten", "Reshape", "Squeeze", "Unsqueeze",
            "Sigmoid", "Dropout", "Cast");

    /** A node's output: the tensor's name, the node's name and operator, and its shape for one image (null until probed). */
    record Tensor(String name, String node, String op, long[] shape) {
        String describe() {
            return name + " (" + op + (shape == null ? "" : " " + Arrays.toString(shape)) + ")";
        }
    }

    private final Onnx.ModelProto model;
    private final List<Tensor> tensors;
    /** Each tensor's per-image shape by name (null shapes until probed). */
    private final Map<String, long[]> shapes = new HashMap<>();

    private OnnxLayers(Onnx.ModelProto model, List<Tensor> tensors) {
        this.model = model;
        this.tensors = tensors;
        tensors.forEach(t -> shapes.put(t.name(), t.shape()));
    }

    /** The graph of {@code bytes}; every node output, in graph (topological) order, shapes not yet known. */
    static OnnxLayers of(String name, byte[] bytes) {
        Onnx.ModelProto m;
        try {
            m = Onnx.ModelProto.parseFrom(bytes);
        } catch (org.nd4j.shade.protobuf.InvalidProtocolBufferException e) {
            throw new ModelLoadException("model file " + name + " is not a readable ONNX model: " + e.getMessage(), e);
        }
        // layers are what the image flows through: tensors computed from the graph's input, not from weights alone
        // (exporters pass shared weights through Identity nodes)
        Set<String> fromInput = new java.util.HashSet<>();
        Set<String> initializers = new java.util.HashSet<>();
        m.getGraph().getInitializerList().forEach(t -> initializers.add(t.getName()));
        m.getGraph().getInputList().stream().map(Onnx.ValueInfoProto::getName).filter(n -> !initializers.contains(n)).forEach(fromInput::add);
        List<Tensor> out = new ArrayList<>();
        for (Onnx.NodeProto node : m.getGraph().getNodeList()) {
            if (node.getInputList().stream().noneMatch(fromInput::contains)) {
                continue;
            }
            for (String o : node.getOutputList()) {
                if (!o.isEmpty()) {
                    fromInput.add(o);
                    out.add(new Tensor(o, node.getName(), node.getOpType(), null));
                }
            }
        }
        return new OnnxLayers(m, out);
    }

    List<Tensor> tensors() {
        return tensors;
    }

    Onnx.ModelProto model() {
        return model;
    }

    /** Each probed tensor's per-image shape, by tensor name. */
    Map<String, long[]> shapes() {
        return java.util.Collections.unmodifiableMap(shapes);
    }

    /** The same layers with each tensor's per-image shape, as one run of {@link #withOutputs} over all of them reported. */
    OnnxLayers withShapes(Map<String, long[]> shapes) {
        List<Tensor> out = new ArrayList<>();
        for (Tensor t : tensors) {
            if (shapes.containsKey(t.name())) { // non-float tensors (shapes, indices) are not layers
                long[] s = shapes.get(t.name());
                out.add(new Tensor(t.name(), t.node(), t.op(), Arrays.copyOfRange(s, 1, s.length)));
            }
        }
        return new OnnxLayers(model, out);
    }

    /** The model returning {@code names} after its own outputs, their types and shapes left to ONNX Runtime's inference. */
    byte[] withOutputs(List<String> names) {
        Onnx.GraphProto.Builder g = model.getGraph().toBuilder();
        Set<String> already = new java.util.HashSet<>();
        g.getOutputList().forEach(o -> already.add(o.getName()));
        for (String n : names) {
            if (already.add(n)) {
                g.addOutput(Onnx.ValueInfoProto.newBuilder().setName(n));
            }
        }
        return model.toBuilder().setGraph(g).build().toByteArray();
    }

    /** Names of the graph's node outputs that may be float tensors (every one; the probe finds out which are). */
    List<String> names() {
        return tensors.stream().map(Tensor::name).toList();
    }

    /**
     * The tensor a layer argument names (shapes probed): a tensor or node name; {@code null} or {@code auto}: the last
     * feature map ([C, H, W]) with H·W &gt; 1; {@value LayerOutputs#PENULTIMATE}: the input of the last Gemm or MatMul.
     */
    Tensor resolve(String layer) {
        if (layer == null || layer.equals("auto")) {
            for (int i = tensors.size() - 1; i >= 0; i--) {
                long[] s = tensors.get(i).shape();
                if (s.length == 3 && s[1] * s[2] > 1) {
                    return tensors.get(i);
                }
            }
            throw new IllegalArgumentException("the graph has no feature map larger than 1x1 ([C, H, W] tensors: none); name a tensor: " + sample());
        }
        if (layer.equals(LayerOutputs.PENULTIMATE)) {
            return penultimate();
        }
        for (Tensor t : tensors) {
            if (t.name().equals(layer)) {
                return t;
            }
        }
        for (Tensor t : tensors) {
            if (t.node().equals(layer)) {
                return t;
            }
        }
        throw new IllegalArgumentException("no float tensor or node named '" + layer + "' in the graph; its layers include " + sample());
    }

    /** Walks back from the first graph output over reshaping and elementwise nodes to a Gemm or MatMul; its data input. */
    private Tensor penultimate() {
        Map<String, Onnx.NodeProto> producer = new HashMap<>();
        for (Onnx.NodeProto node : model.getGraph().getNodeList()) {
            node.getOutputList().forEach(o -> producer.put(o, node));
        }
        String at = model.getGraph().getOutput(0).getName();
        for (int steps = 0; steps < 64; steps++) {
            Onnx.NodeProto node = producer.get(at);
            if (node == null) {
                break;
            }
            if (node.getOpType().equals("Gemm") || node.getOpType().equals("MatMul")) {
                String input = node.getInput(0);
                for (Tensor t : tensors) {
                    if (t.name().equals(input)) {
                        return t;
                    }
                }
                throw new IllegalArgumentException("the last " + node.getOpType() + " reads '" + input + "', which no node computes (the graph's input?)");
            }
            if (!PASS_THROUGH.contains(node.getOpType())) {
                break;
            }
            at = node.getInput(0);
        }
        throw new IllegalArgumentException("no Gemm or MatMul feeds the scores (through " + PASS_THROUGH + "); name a tensor: " + sample());
    }

    /** A few of the layers, for error messages: the last ten tensors with their shapes. */
    private String sample() {
        Map<String, String> last = new LinkedHashMap<>();
        tensors.subList(Math.max(0, tensors.size() - 10), tensors.size()).forEach(t -> last.put(t.name(), t.describe()));
        return String.join(", ", last.values());
    }
}
