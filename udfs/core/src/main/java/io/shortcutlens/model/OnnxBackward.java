package io.shortcutlens.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import onnx.Onnx;
import org.nd4j.shade.protobuf.ByteString;

/**
 * An ONNX graph extended with its own backward pass, written as ONNX nodes, so that ONNX Runtime computes a gradient
 * in the same run (and at the same speed) as the forward pass it differentiates.
 *
 * <p>The built model takes the image batch and a <em>seed</em>: the gradient of the objective with respect to one
 * tensor of the graph (a one-hot row per image on the class scores for saliency and Grad-CAM; one channel's weights for
 * deep dream), broadcast to that tensor's shape. It returns the tensors asked for and, for each tensor in {@code wrt},
 * the seed pulled back to it ({@link #GRADIENT} + its name). Only the nodes between a {@code wrt} tensor and the seed's
 * tensor are differentiated: Grad-CAM's backward pass covers the layers after its feature map and nothing else.
 *
 * <p>Each operator's vector-Jacobian product is one rule below, in ONNX operators that exist from opset 11 on:
 * <ul>
 *   <li>Conv: at stride 1, the convolution of the gradient with the weights transposed and flipped (ONNX Runtime's
 *   fast convolution kernels); strided, the transposed convolution of the gradient with the same weights (same groups,
 *   strides, pads and dilations; the output padding restores the input's size). Splitting a strided one into a
 *   convolution per residue of the stride, interleaved by DepthToSpace, measured no faster on ResNet-18 and slower
 *   on MobileNetV3-Small's depthwise kernels.</li>
 *   <li>MaxPool: the pooling also returns where each maximum came from; each output's gradient goes to that input
 *   position, summed where windows overlap as torch does: one ScatterElements adding them (opset 16; a graph of
 *   opset 13 to 15 is raised to it, see {@link #RAISABLE_OPSET}), else MaxUnpool one subset of non-overlapping
 *   windows at a time and their sum (on ResNet-18's saliency 9 ms of 95 for two images, the scatter 3.5).</li>
 *   <li>AveragePool: a transposed depthwise convolution with the averaging kernel (the divisor per output position where
 *   padding is not counted).</li>
 *   <li>BatchNormalization (inference): the gradient times the per-channel scale γ / √(σ² + ε).</li>
 *   <li>Elementwise activations from their outputs or inputs (Relu, LeakyRelu, Sigmoid, Tanh, HardSigmoid, HardSwish,
 *   Clip); Add, Sub, Mul and Div with the gradient summed over broadcast axes; Gemm and MatMul with a constant
 *   operand; reshapes, transposes, concatenation, global pooling and mean reductions.</li>
 * </ul>
 * Where a tensor feeds several nodes its gradients are summed. {@link #unsupported} names what a graph holds beyond
 * these rules before anything is built.
 */
final class OnnxBackward {
    /** The input the seed is fed to. */
    static final String SEED = "shortcutlens_seed";
    /** Prefix of the gradient outputs: {@code GRADIENT + tensor}. */
    static final String GRADIENT = "shortcutlens_gradient:";
    /** The lowest opset whose operators the rules use in the form they are written (Clip's bounds as inputs, etc.). */
    static final long MIN_OPSET = 11;
    /** The opset of ScatterElements with {@code reduction = "add"}, max pooling's one-node backward pass. */
    static final long SCATTER_ADD_OPSET = 16;
    /**
     * The lowest opset a graph can be raised to {@link #SCATTER_ADD_OPSET} from: from 13 on, no operator changes its
     * meaning up to 16 under its default attributes (14 to 16 add types and attributes whose defaults keep the old
     * behaviour) but those named in {@link #CHANGED_BY_SCATTER_ADD_OPSET}; below 13, Squeeze, Unsqueeze, Split and
     * ReduceSum take their axes differently.
     */
    static final long RAISABLE_OPSET = 13;
    /** Operators whose meaning a raise from 13 to 16 changes (RoiAlign-16's default coordinate mode): such a graph keeps its opset. */
    static final Set<String> CHANGED_BY_SCATTER_ADD_OPSET = Set.of("RoiAlign");

    /** Operators differentiated (some only for certain attributes: see {@link #unsupported}). */
    static final Set<String> OPERATORS = Set.of("Conv", "BatchNormalization", "Relu", "LeakyRelu", "Sigmoid", "Tanh", "HardSigmoid", "HardSwish",
            "Clip", "Add", "Sub", "Mul", "Div", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "Flatten", "Reshape", "Squeeze",
            "Unsqueeze", "Gemm", "MatMul", "Identity", "Dropout", "Concat", "ReduceMean", "Transpose");

    private final Onnx.ModelProto model;
    private final long opset;
    /** Whether max pooling's gradient may be one scatter-add (the graph's opset is 16, or can be raised to it). */
    private final boolean scatterAdd;
    /** Whether a scatter-add was built: the built model then declares opset 16 at least. */
    private boolean scattered;
    /** Per-image shapes of the graph's float tensors (the image input's among them). */
    private final Map<String, long[]> shapes;
    /** Constant tensors by name: initializers, Constant nodes, and Identity nodes passing either. */
    private final Map<String, Onnx.TensorProto> constants = new HashMap<>();
    /** Tensors computed from a {@code wrt} tensor. */
    private final Set<String> active = new HashSet<>();
    /** Tensors on a path from a {@code wrt} tensor to the seed's tensor. */
    private final Set<String> relevant = new HashSet<>();

    private final Onnx.GraphProto.Builder out;
    private final Map<String, List<String>> parts = new HashMap<>();
    private int counter;
    private String zero;

    private OnnxBackward(Onnx.ModelProto model, Map<String, long[]> shapes, String seed, List<String> wrt) {
        this.model = model;
        this.opset = opset(model);
        this.shapes = shapes;
        Onnx.GraphProto g = model.getGraph();
        this.scatterAdd = opset >= SCATTER_ADD_OPSET
                || opset >= RAISABLE_OPSET && g.getNodeList().stream().noneMatch(n -> CHANGED_BY_SCATTER_ADD_OPSET.contains(n.getOpType()));
        g.getInitializerList().forEach(t -> constants.put(t.getName(), t));
        for (Onnx.NodeProto node : g.getNodeList()) {
            if (node.getOpType().equals("Constant") && node.getOutputCount() == 1) {
                node.getAttributeList().stream().filter(a -> a.getName().equals("value")).findFirst()
                        .ifPresent(a -> constants.put(node.getOutput(0), a.getT()));
            } else if (node.getOpType().equals("Identity") && constants.containsKey(node.getInput(0))) {
                constants.put(node.getOutput(0), constants.get(node.getInput(0)));
            }
        }
        active.addAll(wrt);
        for (Onnx.NodeProto node : g.getNodeList()) {
            if (dataInputs(node).stream().map(node::getInput).anyMatch(active::contains)) {
                node.getOutputList().stream().filter(o -> !o.isEmpty()).forEach(active::add);
            }
        }
        relevant.add(seed);
        List<Onnx.NodeProto> nodes = g.getNodeList();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Onnx.NodeProto node = nodes.get(i);
            if (node.getOutputList().stream().anyMatch(relevant::contains)) {
                dataInputs(node).stream().map(node::getInput).filter(active::contains).forEach(relevant::add);
            }
        }
        this.out = g.toBuilder().clearOutput();
    }

    /** The class scores before any final softmax: the graph's first output, or the input of a Softmax or LogSoftmax computing it. */
    static String scores(Onnx.GraphProto g) {
        String first = g.getOutput(0).getName();
        for (Onnx.NodeProto node : g.getNodeList()) {
            if (node.getOutput(0).equals(first) && (node.getOpType().equals("Softmax") || node.getOpType().equals("LogSoftmax"))) {
                return node.getInput(0);
            }
        }
        return first;
    }

    /** The model's opset of the default domain. */
    static long opset(Onnx.ModelProto m) {
        return m.getOpsetImportList().stream().filter(o -> o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")).mapToLong(Onnx.OperatorSetIdProto::getVersion)
                .findFirst().orElse(1);
    }

    /** The inputs of a node a gradient flows to (shape and bound inputs take none). */
    private static List<Integer> dataInputs(Onnx.NodeProto node) {
        return switch (node.getOpType()) {
            case "Conv", "BatchNormalization", "Reshape", "Squeeze", "Unsqueeze", "Clip", "ReduceMean", "Dropout", "MaxPool", "AveragePool" -> List.of(0);
            default -> {
                List<Integer> all = new ArrayList<>();
                for (int i = 0; i < node.getInputCount(); i++) {
                    if (!node.getInput(i).isEmpty()) {
                        all.add(i);
                    }
                }
                yield all;
            }
        };
    }

    /**
     * What the backward pass from {@code seed} to {@code wrt} cannot differentiate, each as {@code op} or
     * {@code op (why)}; empty when it can be built.
     *
     * @param shapes per-image shapes of the graph's float tensors, the {@code wrt} tensors' among them
     */
    static List<String> unsupported(Onnx.ModelProto model, Map<String, long[]> shapes, String seed, List<String> wrt) {
        Set<String> why = new TreeSet<>();
        long opset = opset(model);
        if (opset < MIN_OPSET) {
            why.add("opset " + opset + " (the backward pass is written for opset " + MIN_OPSET + " or later)");
        }
        OnnxBackward b = new OnnxBackward(model, shapes, seed, wrt);
        for (Onnx.NodeProto node : model.getGraph().getNodeList()) {
            if (b.differentiated(node)) {
                String w = b.why(node);
                if (w != null) {
                    why.add(node.getOpType() + (w.isEmpty() ? "" : " (" + w + ")"));
                }
            }
        }
        return new ArrayList<>(why);
    }

    /** Whether a node lies between a {@code wrt} tensor and the seed: its output matters and one of its data inputs moves. */
    private boolean differentiated(Onnx.NodeProto node) {
        return node.getOutputList().stream().anyMatch(relevant::contains) && dataInputs(node).stream().map(node::getInput).anyMatch(active::contains);
    }

    /** Null when the node's rule applies; else why not ("" for an operator without a rule). */
    private String why(Onnx.NodeProto node) {
        String op = node.getOpType();
        if (!OPERATORS.contains(op)) {
            return "";
        }
        Attributes a = new Attributes(node);
        switch (op) {
            case "Conv", "MaxPool", "AveragePool" -> {
                if (!a.string("auto_pad", "NOTSET").equals("NOTSET") && !a.string("auto_pad", "NOTSET").equals("VALID")) {
                    return "auto_pad " + a.string("auto_pad", "");
                }
                if (op.equals("Conv") && !constants.containsKey(node.getInput(1))) {
                    return "weights computed in the graph";
                }
                long[] k = op.equals("Conv") ? Arrays.copyOfRange(dims(constants.get(node.getInput(1))), 2, 4) : a.ints("kernel_shape", null);
                if (k == null || k.length != 2 || shape(node.getInput(0)) == null || shape(node.getInput(0)).length != 3) {
                    return "not a 2-d " + (op.equals("Conv") ? "convolution" : "pooling");
                }
                if (!op.equals("Conv") && a.ints("ceil_mode", new long[] {0})[0] != 0) {
                    return "ceil_mode 1";
                }
                if (op.equals("MaxPool") && (Arrays.stream(a.ints("dilations", new long[] {1, 1})).anyMatch(d -> d != 1)
                        || a.ints("storage_order", new long[] {0})[0] != 0)) {
                    return "dilations or column-major indices";
                }
            }
            case "Gemm", "MatMul" -> {
                boolean left = active.contains(node.getInput(0));
                boolean right = active.contains(node.getInput(1));
                if (left && right) {
                    return "both operands computed from the image";
                }
                if (op.equals("MatMul") && dims(constants.get(node.getInput(left ? 1 : 0))).length != 2) {
                    return "constant operand of rank other than 2";
                }
                if (op.equals("Gemm") && right) {
                    return "image in the second operand";
                }
            }
            case "Concat" -> {
                long axis = a.ints("axis", new long[] {0})[0];
                if (axis == 0 || node.getInputList().stream().anyMatch(i -> shape(i) == null)) {
                    return "along the batch, or an input of unknown shape";
                }
            }
            case "ReduceMean" -> {
                long[] axes = reduceAxes(node, a);
                if (axes == null || Arrays.stream(axes).anyMatch(x -> x == 0)) {
                    return "over the batch";
                }
            }
            case "Add", "Sub", "Mul", "Div" -> {
                if (dataInputs(node).stream().map(node::getInput).filter(active::contains).anyMatch(i -> shape(i) == null)
                        || shape(node.getOutput(0)) == null) {
                    return "operand of unknown shape";
                }
            }
            case "BatchNormalization" -> {
                for (int i = 1; i <= 4; i++) {
                    if (!constants.containsKey(node.getInput(i))) {
                        return "statistics computed in the graph";
                    }
                }
            }
            case "Clip" -> {
                for (int i = 1; i < node.getInputCount(); i++) {
                    if (!node.getInput(i).isEmpty() && !constants.containsKey(node.getInput(i))) {
                        return "bounds computed in the graph";
                    }
                }
            }
            default -> { }
        }
        return null;
    }

    /**
     * The model extended with the backward pass: inputs the graph's own plus {@link #SEED} (broadcast to {@code seed}'s
     * shape); outputs {@code outputs} and {@link #GRADIENT} + each {@code wrt} tensor.
     *
     * @param shapes per-image shapes of the graph's float tensors, the image input's among them
     * @throws UnsupportedOperationException naming what {@link #unsupported} names
     */
    static byte[] build(Onnx.ModelProto model, Map<String, long[]> shapes, String seed, List<String> wrt, List<String> outputs) {
        List<String> missing = unsupported(model, shapes, seed, wrt);
        if (!missing.isEmpty()) {
            throw new UnsupportedOperationException("no backward pass for " + missing);
        }
        OnnxBackward b = new OnnxBackward(model, shapes, seed, wrt);
        return b.assemble(seed, wrt, outputs).toByteArray();
    }

    private Onnx.ModelProto assemble(String seed, List<String> wrt, List<String> outputs) {
        long[] seedShape = shape(seed);
        Onnx.TensorShapeProto.Builder dims = Onnx.TensorShapeProto.newBuilder();
        for (int i = 0; i <= seedShape.length; i++) {
            dims.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("seed_" + i));
        }
        out.addInput(Onnx.ValueInfoProto.newBuilder().setName(SEED).setType(Onnx.TypeProto.newBuilder().setTensorType(
                Onnx.TypeProto.Tensor.newBuilder().setElemType(Onnx.TensorProto.DataType.FLOAT_VALUE).setShape(dims))));
        parts.computeIfAbsent(seed, k -> new ArrayList<>()).add(node("Expand", List.of(SEED, node("Shape", List.of(seed)))));
        List<Onnx.NodeProto> nodes = model.getGraph().getNodeList();
        List<Onnx.NodeProto> forward = new ArrayList<>(nodes);
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Onnx.NodeProto node = nodes.get(i);
            if (!differentiated(node)) {
                continue;
            }
            String dy = gradient(node.getOutput(0));
            if (dy == null) {
                continue;
            }
            if (node.getOpType().equals("MaxPool") && (node.getOutputCount() < 2 || node.getOutput(1).isEmpty())) {
                Onnx.NodeProto withIndices = node.toBuilder().clearOutput().addOutput(node.getOutput(0)).addOutput(fresh("indices")).build();
                forward.set(i, withIndices);
                node = withIndices;
            }
            differentiate(node, dy);
        }
        List<Onnx.NodeProto> backward = new ArrayList<>(out.getNodeList().subList(nodes.size(), out.getNodeCount()));
        out.clearNode().addAllNode(forward).addAllNode(backward);
        Set<String> names = new LinkedHashSet<>(outputs);
        for (String w : wrt) {
            String g = gradient(w);
            String name = GRADIENT + w;
            out.addNode(Onnx.NodeProto.newBuilder().setOpType(g == null ? "Mul" : "Identity").addInput(g == null ? w : g)
                    .addAllInput(g == null ? List.of(zero()) : List.of()).addOutput(name));
            names.add(name);
        }
        for (String n : names) {
            out.addOutput(Onnx.ValueInfoProto.newBuilder().setName(n).setType(Onnx.TypeProto.newBuilder().setTensorType(
                    Onnx.TypeProto.Tensor.newBuilder().setElemType(Onnx.TensorProto.DataType.FLOAT_VALUE))));
        }
        Onnx.ModelProto.Builder built = model.toBuilder().setGraph(out);
        if (scattered && opset < SCATTER_ADD_OPSET) {
            for (int i = 0; i < built.getOpsetImportCount(); i++) {
                Onnx.OperatorSetIdProto o = built.getOpsetImport(i);
                if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                    built.setOpsetImport(i, o.toBuilder().setVersion(SCATTER_ADD_OPSET));
                }
            }
        }
        return built.build();
    }

    /** The gradient of a tensor: its parts summed; null when nothing flows back to it. */
    private String gradient(String tensor) {
        List<String> p = parts.get(tensor);
        if (p == null || p.isEmpty()) {
            return null;
        }
        if (p.size() > 1) {
            String sum = node("Sum", p);
            p.clear();
            p.add(sum);
        }
        return p.get(0);
    }

    private void add(String tensor, String gradient) {
        if (active.contains(tensor)) {
            parts.computeIfAbsent(tensor, k -> new ArrayList<>()).add(gradient);
        }
    }

    /** Adds the node's vector-Jacobian products to its inputs' gradient parts. */
    private void differentiate(Onnx.NodeProto node, String dy) {
        Attributes a = new Attributes(node);
        String x = node.getInput(0);
        String y = node.getOutput(0);
        switch (node.getOpType()) {
            case "Identity", "Dropout" -> add(x, dy);
            case "Flatten", "Reshape", "Squeeze", "Unsqueeze" -> add(x, node("Reshape", List.of(dy, node("Shape", List.of(x)))));
            case "Transpose" -> {
                long[] perm = a.ints("perm", null);
                if (perm == null) {
                    perm = new long[shape(x).length + 1];
                    for (int i = 0; i < perm.length; i++) {
                        perm[i] = perm.length - 1 - i;
                    }
                }
                long[] inverse = new long[perm.length];
                for (int i = 0; i < perm.length; i++) {
                    inverse[(int) perm[i]] = i;
                }
                add(x, node("Transpose", List.of(dy), ints("perm", inverse)));
            }
            case "Relu" -> add(x, node("Mul", List.of(dy, node("Sign", List.of(y))))); // y ≥ 0: its sign is the mask y > 0
            case "LeakyRelu" -> add(x, node("Where", List.of(node("Greater", List.of(x, zero())), dy,
                    node("Mul", List.of(dy, scalar(a.real("alpha", 0.01f)))))));
            case "Sigmoid" -> add(x, node("Mul", List.of(dy, node("Mul", List.of(y, node("Sub", List.of(scalar(1f), y)))))));
            case "Tanh" -> add(x, node("Mul", List.of(dy, node("Sub", List.of(scalar(1f), node("Mul", List.of(y, y)))))));
            case "HardSigmoid" -> { // α where 0 < y < 1, that is where y·(1 - y) > 0
                float alpha = a.real("alpha", 0.2f);
                String inside = node("Sign", List.of(node("Mul", List.of(y, node("Sub", List.of(scalar(1f), y))))));
                add(x, node("Mul", List.of(dy, node("Mul", List.of(inside, scalar(alpha))))));
            }
            case "HardSwish" -> { // y = x · hardsigmoid(x), hardsigmoid with α = 1/6, β = 1/2
                float alpha = 1f / 6;
                String hs = node("HardSigmoid", List.of(x), real("alpha", alpha), real("beta", 0.5f));
                String inner = node("Where", List.of(linearPart(x, alpha, 0.5f), node("Mul", List.of(x, scalar(alpha))), zero()));
                add(x, node("Mul", List.of(dy, node("Add", List.of(hs, inner)))));
            }
            case "Clip" -> add(x, node("Where", List.of(clipMask(node, a, x), dy, zero())));
            case "Add" -> {
                add(x, unbroadcast(dy, y, x));
                add(node.getInput(1), unbroadcast(dy, y, node.getInput(1)));
            }
            case "Sub" -> {
                add(x, unbroadcast(dy, y, x));
                if (active.contains(node.getInput(1))) {
                    add(node.getInput(1), unbroadcast(node("Neg", List.of(dy)), y, node.getInput(1)));
                }
            }
            case "Mul" -> {
                String b = node.getInput(1);
                if (active.contains(x)) {
                    add(x, unbroadcast(node("Mul", List.of(dy, b)), y, x));
                }
                if (active.contains(b)) {
                    add(b, unbroadcast(node("Mul", List.of(dy, x)), y, b));
                }
            }
            case "Div" -> {
                String b = node.getInput(1);
                if (active.contains(x)) {
                    add(x, unbroadcast(node("Div", List.of(dy, b)), y, x));
                }
                if (active.contains(b)) { // d(a / b) / db = -(a / b) / b
                    add(b, unbroadcast(node("Neg", List.of(node("Div", List.of(node("Mul", List.of(dy, y)), b)))), y, b));
                }
            }
            case "BatchNormalization" -> add(x, node("Mul", List.of(dy, batchNormScale(node, a))));
            case "Conv" -> add(x, convBackward(node, a, dy));
            case "MaxPool" -> add(x, maxPoolBackward(node, a, dy));
            case "AveragePool" -> add(x, averagePoolBackward(node, a, dy));
            case "GlobalAveragePool" -> add(x, node("Mul", List.of(node("Expand", List.of(dy, node("Shape", List.of(x)))),
                    scalar(1f / positions(shape(x))))));
            case "GlobalMaxPool" -> add(x, node("Where", List.of(node("Equal", List.of(x, y)), node("Expand", List.of(dy, node("Shape", List.of(x)))),
                    zero())));
            case "Gemm" -> {
                boolean transA = a.ints("transA", new long[] {0})[0] != 0;
                boolean transB = a.ints("transB", new long[] {0})[0] != 0;
                String d = node("Gemm", List.of(dy, node.getInput(1)), real("alpha", a.real("alpha", 1f)), integer("transB", transB ? 0 : 1));
                add(x, transA ? node("Transpose", List.of(d), ints("perm", new long[] {1, 0})) : d);
            }
            case "MatMul" -> {
                String b = node.getInput(1);
                if (active.contains(x)) {
                    add(x, node("MatMul", List.of(dy, node("Transpose", List.of(b), ints("perm", new long[] {1, 0})))));
                } else {
                    add(b, node("MatMul", List.of(node("Transpose", List.of(x), ints("perm", new long[] {1, 0})), dy)));
                }
            }
            case "Concat" -> {
                int rank = shape(y).length + 1;
                long axis = a.ints("axis", null)[0];
                axis = axis < 0 ? axis + rank : axis;
                long at = 0;
                for (String in : node.getInputList()) {
                    long size = shape(in)[(int) axis - 1];
                    if (active.contains(in)) {
                        add(in, node("Slice", List.of(dy, longs(new long[] {at}), longs(new long[] {at + size}), longs(new long[] {axis}))));
                    }
                    at += size;
                }
            }
            case "ReduceMean" -> {
                long[] axes = reduceAxes(node, a);
                long[] kept = shape(x).clone();
                long count = 1;
                for (long ax : axes) {
                    count *= kept[(int) ax - 1];
                    kept[(int) ax - 1] = 1;
                }
                long[] to = new long[kept.length + 1];
                to[0] = -1;
                System.arraycopy(kept, 0, to, 1, kept.length);
                String r = node("Reshape", List.of(dy, longs(to)));
                add(x, node("Mul", List.of(node("Expand", List.of(r, node("Shape", List.of(x)))), scalar(1f / count))));
            }
            default -> throw new UnsupportedOperationException("no backward rule for " + node.getOpType());
        }
    }

    /** Where α·x + β lies strictly inside (0, 1): the linear part of a hard sigmoid. */
    private String linearPart(String x, float alpha, float beta) {
        String z = node("Add", List.of(node("Mul", List.of(x, scalar(alpha))), scalar(beta)));
        return node("And", List.of(node("Greater", List.of(z, zero())), node("Less", List.of(z, scalar(1f)))));
    }

    /** Where x lies inside Clip's bounds (bounds included, as torch's clamp differentiates). */
    private String clipMask(Onnx.NodeProto node, Attributes a, String x) {
        Float lo = node.getInputCount() > 1 && !node.getInput(1).isEmpty() ? value(constants.get(node.getInput(1)))[0]
                : a.has("min") ? a.real("min", 0f) : null;
        Float hi = node.getInputCount() > 2 && !node.getInput(2).isEmpty() ? value(constants.get(node.getInput(2)))[0]
                : a.has("max") ? a.real("max", 0f) : null;
        String mask = null;
        if (lo != null) {
            mask = node("Not", List.of(node("Less", List.of(x, scalar(lo)))));
        }
        if (hi != null) {
            String upper = node("Not", List.of(node("Greater", List.of(x, scalar(hi)))));
            mask = mask == null ? upper : node("And", List.of(mask, upper));
        }
        return mask == null ? node("Equal", List.of(x, x)) : mask;
    }

    /** dy summed over the axes {@code operand} was broadcast along, in {@code operand}'s shape. */
    private String unbroadcast(String dy, String result, String operand) {
        if (!active.contains(operand)) {
            return dy;
        }
        long[] r = shape(result);
        long[] o = shape(operand);
        if (Arrays.equals(r, o)) {
            return dy;
        }
        int lead = r.length - o.length;
        List<Long> axes = new ArrayList<>();
        for (int i = 0; i < r.length; i++) {
            if (i < lead || o[i - lead] == 1 && r[i] != 1) {
                axes.add((long) i + 1);
            }
        }
        String summed = axes.isEmpty() ? dy : reduceSum(dy, axes.stream().mapToLong(Long::longValue).toArray());
        return node("Reshape", List.of(summed, node("Shape", List.of(operand))));
    }

    private String reduceSum(String x, long[] axes) {
        if (opset >= 13) {
            return node("ReduceSum", List.of(x, longs(axes)), integer("keepdims", 1));
        }
        return node("ReduceSum", List.of(x), ints("axes", axes), integer("keepdims", 1));
    }

    /** γ / √(σ² + ε) per channel, shaped to broadcast over the channel axis of the node's input. */
    private String batchNormScale(Onnx.NodeProto node, Attributes a) {
        float[] gamma = value(constants.get(node.getInput(1)));
        float[] var = value(constants.get(node.getInput(4)));
        float eps = a.real("epsilon", 1e-5f);
        float[] s = new float[gamma.length];
        for (int c = 0; c < s.length; c++) {
            s[c] = (float) (gamma[c] / Math.sqrt((double) var[c] + eps));
        }
        long[] dims = new long[shape(node.getInput(0)).length];
        Arrays.fill(dims, 1);
        dims[0] = s.length;
        return floats(s, dims);
    }

    /** Spatial geometry of a 2-d convolution or pooling node: kernel, strides, pads (top, left, bottom, right), dilations. */
    private record Window(long[] kernel, long[] strides, long[] pads, long[] dilations) {
        /** The output padding that makes a transposed convolution of an {@code out}-sized gradient {@code in} sized again. */
        long[] outputPadding(long[] in, long[] out) {
            long[] p = new long[2];
            for (int i = 0; i < 2; i++) {
                p[i] = in[i] - (strides[i] * (out[i] - 1) + (kernel[i] - 1) * dilations[i] + 1 - pads[i] - pads[i + 2]);
            }
            return p;
        }
    }

    private static Window window(Attributes a, long[] kernel) {
        return new Window(kernel, a.ints("strides", new long[] {1, 1}), a.ints("pads", new long[] {0, 0, 0, 0}), a.ints("dilations", new long[] {1, 1}));
    }

    /** A transposed convolution putting {@code z} back on the input grid of a window over {@code x}. */
    private String transposed(String z, String weights, long group, Window w, String x, String y) {
        long[] in = Arrays.copyOfRange(shape(x), 1, 3);
        long[] outHw = Arrays.copyOfRange(shape(y), 1, 3);
        return node("ConvTranspose", List.of(z, weights), integer("group", group), ints("kernel_shape", w.kernel()), ints("strides", w.strides()),
                ints("pads", w.pads()), ints("dilations", w.dilations()), ints("output_padding", w.outputPadding(in, outHw)));
    }

    /**
     * A stride-1 convolution's input gradient is itself a convolution: of the gradient, with each group's weights
     * transposed (output and input channels swapped) and flipped, padded by the kernel's extent less the forward pads.
     * ONNX Runtime runs that on its fast convolution kernels; other strides take the transposed convolution.
     */
    private String convBackward(Onnx.NodeProto node, Attributes a, String dy) {
        Onnx.TensorProto weights = constants.get(node.getInput(1));
        long[] wd = dims(weights);
        Window w = window(a, Arrays.copyOfRange(wd, 2, 4));
        long group = a.ints("group", new long[] {1})[0];
        long[] pads = new long[4];
        for (int i = 0; i < 4; i++) {
            pads[i] = (w.kernel()[i % 2] - 1) * w.dilations()[i % 2] - w.pads()[i];
        }
        if (Arrays.stream(w.strides()).anyMatch(st -> st != 1) || Arrays.stream(pads).anyMatch(p -> p < 0)) {
            return transposed(dy, node.getInput(1), group, w, node.getInput(0), node.getOutput(0));
        }
        float[] v = value(weights);
        long outPerGroup = wd[0] / group;
        long inPerGroup = wd[1];
        long kh = wd[2];
        long kw = wd[3];
        float[] flipped = new float[v.length];
        for (long g = 0; g < group; g++) {
            for (long m = 0; m < outPerGroup; m++) {
                for (long c = 0; c < inPerGroup; c++) {
                    for (long i = 0; i < kh; i++) {
                        for (long j = 0; j < kw; j++) {
                            long from = (((g * outPerGroup + m) * inPerGroup + c) * kh + i) * kw + j;
                            long to = (((g * inPerGroup + c) * outPerGroup + m) * kh + (kh - 1 - i)) * kw + (kw - 1 - j);
                            flipped[(int) to] = v[(int) from];
                        }
                    }
                }
            }
        }
        return node("Conv", List.of(dy, floats(flipped, group * inPerGroup, outPerGroup, kh, kw)), integer("group", group),
                ints("kernel_shape", w.kernel()), ints("pads", pads), ints("dilations", w.dilations()));
    }

    /**
     * Each output's gradient to the input position its maximum came from (the pooling's indices), summed where windows
     * overlap: one ScatterElements adding them where the opset allows ({@link #scatterAdd}). Below it, MaxUnpool
     * scatters a gradient to those positions but overwrites where two windows chose the same one, so the outputs are
     * split into subsets of windows that do not overlap (every ⌈k/s⌉-th window along each axis), each subset unpooled
     * on its own and the subsets summed.
     */
    private String maxPoolBackward(Onnx.NodeProto node, Attributes a, String dy) {
        String idx = node.getOutput(1);
        if (scatterAdd) { // every output's gradient added at its index: the indices count from the batch's first value
            scattered = true;
            String flat = longs(new long[] {-1});
            String zeros = node("ConstantOfShape", List.of(node("Reshape", List.of(node("Size", List.of(node.getInput(0))), flat))),
                    Onnx.AttributeProto.newBuilder().setName("value").setType(Onnx.AttributeProto.AttributeType.TENSOR)
                            .setT(Onnx.TensorProto.newBuilder().setDataType(Onnx.TensorProto.DataType.FLOAT_VALUE).addDims(1).addFloatData(0f)).build());
            String summed = node("ScatterElements", List.of(zeros, node("Reshape", List.of(idx, flat)), node("Reshape", List.of(dy, flat))),
                    integer("axis", 0), Onnx.AttributeProto.newBuilder().setName("reduction").setType(Onnx.AttributeProto.AttributeType.STRING)
                            .setS(ByteString.copyFromUtf8("add")).build());
            return node("Reshape", List.of(summed, node("Shape", List.of(node.getInput(0)))));
        }
        Window w = window(a, a.ints("kernel_shape", null));
        long qh = (w.kernel()[0] + w.strides()[0] - 1) / w.strides()[0];
        long qw = (w.kernel()[1] + w.strides()[1] - 1) / w.strides()[1];
        String size = node("Shape", List.of(node.getInput(0)));
        List<String> parts = new ArrayList<>();
        for (long i = 0; i < qh; i++) {
            for (long j = 0; j < qw; j++) {
                String d = dy;
                String at = idx;
                if (qh * qw > 1) {
                    List<String> bounds = List.of(longs(new long[] {i, j}), longs(new long[] {Long.MAX_VALUE, Long.MAX_VALUE}), longs(new long[] {2, 3}),
                            longs(new long[] {qh, qw}));
                    d = node("Slice", concat(List.of(dy), bounds));
                    at = node("Slice", concat(List.of(idx), bounds));
                }
                parts.add(node("MaxUnpool", List.of(d, at, size), ints("kernel_shape", w.kernel()), ints("strides", w.strides()), ints("pads", w.pads())));
            }
        }
        return parts.size() == 1 ? parts.get(0) : node("Sum", parts);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private String averagePoolBackward(Onnx.NodeProto node, Attributes a, String dy) {
        String x = node.getInput(0);
        long[] xs = shape(x);
        long[] ys = shape(node.getOutput(0));
        long c = xs[0];
        Window w = window(a, a.ints("kernel_shape", null));
        long kh = w.kernel()[0];
        long kw = w.kernel()[1];
        boolean countPad = a.ints("count_include_pad", new long[] {0})[0] != 0 || Arrays.stream(w.pads()).allMatch(p -> p == 0);
        float[] kernel = new float[(int) (c * kh * kw)];
        Arrays.fill(kernel, countPad ? 1f / (kh * kw) : 1f);
        String z = dy;
        if (!countPad) { // each output divided by the window cells inside the image
            long oh = ys[1];
            long ow = ys[2];
            float[] inv = new float[(int) (oh * ow)];
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    long r0 = i * w.strides()[0] - w.pads()[0];
                    long c0 = j * w.strides()[1] - w.pads()[1];
                    long rows = Math.min(xs[1], r0 + kh) - Math.max(0, r0);
                    long cols = Math.min(xs[2], c0 + kw) - Math.max(0, c0);
                    inv[(int) (i * ow + j)] = 1f / Math.max(1, rows * cols);
                }
            }
            z = node("Mul", List.of(dy, floats(inv, oh, ow)));
        }
        return transposed(z, floats(kernel, c, 1, kh, kw), c, w, x, node.getOutput(0));
    }

    /** ReduceMean's axes over the full tensor (batch axis 0), non-negative; null when it reduces every axis. */
    private long[] reduceAxes(Onnx.NodeProto node, Attributes a) {
        long[] axes = a.ints("axes", null);
        if (axes == null && node.getInputCount() > 1 && constants.containsKey(node.getInput(1))) {
            float[] v = value(constants.get(node.getInput(1)));
            axes = new long[v.length];
            for (int i = 0; i < v.length; i++) {
                axes[i] = (long) v[i];
            }
        }
        long[] s = shape(node.getInput(0));
        if (axes == null || s == null) {
            return null;
        }
        int rank = s.length + 1;
        return Arrays.stream(axes).map(x -> x < 0 ? x + rank : x).toArray();
    }

    private static long positions(long[] perImage) {
        long p = 1;
        for (int i = 1; i < perImage.length; i++) {
            p *= perImage[i];
        }
        return p;
    }

    /** A float tensor's per-image shape: probed, or a constant's dims. */
    private long[] shape(String tensor) {
        return shapes.get(tensor);
    }

    // ---- building nodes and constants ----

    private String fresh(String what) {
        return "shortcutlens_backward/" + what + "_" + counter++;
    }

    private String node(String op, List<String> inputs, Onnx.AttributeProto... attributes) {
        String o = fresh(op);
        out.addNode(Onnx.NodeProto.newBuilder().setOpType(op).setName(o).addAllInput(inputs).addOutput(o).addAllAttribute(Arrays.asList(attributes)));
        return o;
    }

    private String zero() {
        if (zero == null) {
            zero = scalar(0f);
        }
        return zero;
    }

    private String scalar(float v) {
        return floats(new float[] {v});
    }

    private String floats(float[] v, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return constant(Onnx.TensorProto.DataType.FLOAT_VALUE, b.array(), dims);
    }

    /** An int64 constant; without dims a vector of its values. */
    private String longs(long[] v, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(v);
        return constant(Onnx.TensorProto.DataType.INT64_VALUE, b.array(), dims.length == 0 ? new long[] {v.length} : dims);
    }

    private String constant(int type, byte[] raw, long[] dims) {
        String name = fresh("constant");
        Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name).setDataType(type).setRawData(ByteString.copyFrom(raw));
        for (long d : dims) {
            t.addDims(d);
        }
        out.addInitializer(t);
        return name;
    }

    static Onnx.AttributeProto integer(String name, long v) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INT).setI(v).build();
    }

    static Onnx.AttributeProto ints(String name, long... v) {
        Onnx.AttributeProto.Builder b = Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INTS);
        for (long x : v) {
            b.addInts(x);
        }
        return b.build();
    }

    static Onnx.AttributeProto real(String name, float v) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.FLOAT).setF(v).build();
    }

    private static long[] dims(Onnx.TensorProto t) {
        return t.getDimsList().stream().mapToLong(Long::longValue).toArray();
    }

    private static float[] value(Onnx.TensorProto t) {
        return NdArrays.floats(OnnxSameDiff.array(t));
    }

    /** A node's attributes by name, with defaults. */
    private static final class Attributes {
        private final Map<String, Onnx.AttributeProto> byName = new HashMap<>();

        Attributes(Onnx.NodeProto node) {
            node.getAttributeList().forEach(a -> byName.put(a.getName(), a));
        }

        boolean has(String name) {
            return byName.containsKey(name);
        }

        long[] ints(String name, long[] fallback) {
            Onnx.AttributeProto a = byName.get(name);
            if (a == null) {
                return fallback;
            }
            return a.getIntsCount() > 0 ? a.getIntsList().stream().mapToLong(Long::longValue).toArray() : new long[] {a.getI()};
        }

        float real(String name, float fallback) {
            Onnx.AttributeProto a = byName.get(name);
            return a == null ? fallback : a.getF();
        }

        String string(String name, String fallback) {
            Onnx.AttributeProto a = byName.get(name);
            return a == null ? fallback : a.getS().toStringUtf8();
        }
    }
}
