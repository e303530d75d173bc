package io.shortcutlens.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import onnx.Onnx;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Pooling2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An ONNX graph rebuilt node by node as a SameDiff graph, so that SameDiff's automatic differentiation gives its
 * gradients. Only the forward operators are translated (each ONNX operator into the SameDiff operators that compute
 * it); every derivative comes from SameDiff. The weights become constants; batch normalisation (inference form) becomes
 * its per-channel scale and shift; reshapes take the per-image shapes ONNX Runtime reported for the same graph.
 *
 * <p>What cannot be translated is known before anything runs: {@link #unsupported} names the operators (and the
 * attribute values) the graph holds that this translation does not cover.
 */
final class OnnxSameDiff {
    /** The placeholder the image batch is fed to, in the model's own input layout. */
    static final String INPUT = "input";

    /** Operators translated (some only for certain attributes: see {@link #unsupported}). */
    static final Set<String> OPERATORS = Set.of("Conv", "BatchNormalization", "Relu", "LeakyRelu", "Sigmoid", "Tanh", "HardSigmoid", "HardSwish",
            "Clip", "Add", "Sub", "Mul", "Div", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "Flatten", "Reshape", "Squeeze",
            "Unsqueeze", "Gemm", "MatMul", "Softmax", "LogSoftmax", "Identity", "Dropout", "Concat", "ReduceMean", "Transpose", "Constant");
    /** Operators that only compute shapes for a Reshape (their outputs are integer tensors the translation does not need). */
    private static final Set<String> SHAPE_ONLY = Set.of("Shape", "Gather", "Cast", "Constant", "Unsqueeze", "Concat", "Slice", "Squeeze");

    private final SameDiff sd;
    /** ONNX tensor name -> SameDiff variable. */
    private final Map<String, SDVariable> vars;
    private final String scores;
    /** ONNX tensor name -> the placeholder it is fed to (the image input, or a head graph's inputs). */
    private final Map<String, String> placeholders;

    private OnnxSameDiff(SameDiff sd, Map<String, SDVariable> vars, String scores, Map<String, String> placeholders) {
        this.sd = sd;
        this.vars = vars;
        this.scores = scores;
        this.placeholders = placeholders;
    }

    /** The tensors this graph is fed (ONNX name -> placeholder name). */
    Map<String, String> placeholders() {
        return placeholders;
    }

    SameDiff sameDiff() {
        return sd;
    }

    /** The SameDiff variable of an ONNX tensor (null when the translation skipped it). */
    SDVariable variable(String onnxName) {
        return vars.get(onnxName);
    }

    /** The class scores before any final softmax: what the gradient methods differentiate. */
    SDVariable logits() {
        return vars.get(scores);
    }

    /** The ONNX name of {@link #logits}. */
    String scoresName() {
        return scores;
    }

    /**
     * Operators of {@code graph} this translation cannot build, each as {@code op} or {@code op (why)}; empty when every
     * node translates.
     *
     * @param floatShapes the per-image shapes of the graph's float tensors (those ONNX Runtime computed)
     */
    static List<String> unsupported(Onnx.GraphProto graph, Map<String, long[]> floatShapes) {
        Set<String> out = new TreeSet<>();
        for (Onnx.NodeProto node : graph.getNodeList()) {
            String why = why(node, floatShapes);
            if (why != null) {
                out.add(node.getOpType() + (why.isEmpty() ? "" : " (" + why + ")"));
            }
        }
        return new ArrayList<>(out);
    }

    /** Null when the node translates (or computes shapes only); else why not ("" for an unknown operator). */
    private static String why(Onnx.NodeProto node, Map<String, long[]> floatShapes) {
        String op = node.getOpType();
        boolean computesFloats = node.getOutputList().stream().anyMatch(floatShapes::containsKey);
        if (!computesFloats && SHAPE_ONLY.contains(op)) {
            return null;
        }
        if (!OPERATORS.contains(op)) {
            return "";
        }
        Map<String, Onnx.AttributeProto> a = attributes(node);
        switch (op) {
            case "Conv" -> {
                if (a.containsKey("auto_pad") && !List.of("NOTSET", "VALID").contains(a.get("auto_pad").getS().toStringUtf8())) {
                    return "auto_pad " + a.get("auto_pad").getS().toStringUtf8();
                }
                long[] k = ints(a, "kernel_shape", null);
                if (k != null && k.length != 2) {
                    return k.length + "-d kernel";
                }
            }
            case "MaxPool", "AveragePool" -> {
                if (ints(a, "ceil_mode", new long[] {0})[0] != 0) {
                    return "ceil_mode 1";
                }
                if (a.containsKey("auto_pad") && !List.of("NOTSET", "VALID").contains(a.get("auto_pad").getS().toStringUtf8())) {
                    return "auto_pad " + a.get("auto_pad").getS().toStringUtf8();
                }
            }
            default -> { }
        }
        return null;
    }

    /**
     * Builds the whole graph, fed the image batch at {@link #INPUT}.
     *
     * @param inputDims   the model's input shape with the batch first (-1 for any)
     * @param floatShapes per-image shapes of the graph's float tensors, as ONNX Runtime computed them
     */
    static OnnxSameDiff build(String name, Onnx.ModelProto model, long[] inputDims, Map<String, long[]> floatShapes) {
        return build(name, model, inputDims, floatShapes, null);
    }

    /**
     * Builds the graph, or with {@code from} only its head: the nodes downstream of that tensor, fed that tensor and
     * any other tensor they read from upstream (a residual branch, say) as placeholders. Grad-CAM needs no more: the
     * feature maps and those inputs come from ONNX Runtime's forward pass, and SameDiff differentiates the head alone.
     */
    static OnnxSameDiff build(String name, Onnx.ModelProto model, long[] inputDims, Map<String, long[]> floatShapes, String from) {
        Onnx.GraphProto g = model.getGraph();
        List<String> missing = unsupported(g, floatShapes);
        if (!missing.isEmpty()) {
            throw new UnsupportedOperationException("model " + name + " holds operators ShortcutLens cannot differentiate: " + missing);
        }
        SameDiff sd = SameDiff.create();
        Map<String, SDVariable> vars = new HashMap<>();
        Map<String, INDArray> constants = new HashMap<>();
        for (Onnx.TensorProto t : g.getInitializerList()) {
            constants.put(t.getName(), array(t));
        }
        Map<String, String> placeholders = new LinkedHashMap<>();
        Set<String> downstream = new java.util.HashSet<>();
        if (from == null) {
            String inputName = null;
            for (Onnx.ValueInfoProto in : g.getInputList()) {
                if (!constants.containsKey(in.getName())) {
                    inputName = in.getName();
                }
            }
            long[] dims = inputDims.clone();
            dims[0] = -1;
            vars.put(inputName, sd.placeHolder(INPUT, DataType.FLOAT, dims));
            placeholders.put(inputName, INPUT);
        } else {
            downstream.add(from);
            for (Onnx.NodeProto node : g.getNodeList()) {
                if (node.getInputList().stream().anyMatch(downstream::contains)) {
                    downstream.addAll(node.getOutputList());
                }
            }
        }
        int[] counter = {0};
        for (Onnx.NodeProto node : g.getNodeList()) {
            boolean computesFloats = node.getOutputList().stream().anyMatch(floatShapes::containsKey);
            if (node.getOpType().equals("Constant")) {
                constants.put(node.getOutput(0), array(attributes(node).get("value").getT()));
                continue;
            }
            if (node.getOpType().equals("Identity") && constants.containsKey(node.getInput(0))) {
                constants.put(node.getOutput(0), constants.get(node.getInput(0))); // exporters pass shared weights through Identity
                continue;
            }
            if (!computesFloats || (from != null && (node.getOutput(0).equals(from) || !downstream.contains(node.getOutput(0))))) {
                continue; // shape arithmetic (the reshapes use the shapes ONNX Runtime reported), or upstream of the head
            }
            SDVariable out = new Translator(sd, vars, constants, floatShapes, node, counter, from == null ? null : placeholders).translate();
            vars.put(node.getOutput(0), out);
        }
        String scores = OnnxBackward.scores(g);
        if (!vars.containsKey(scores)) {
            throw new IllegalArgumentException("model " + name + ": the class scores do not depend on tensor '" + from + "'");
        }
        return new OnnxSameDiff(sd, vars, scores, placeholders);
    }

    /** One node's translation. */
    private record Translator(SameDiff sd, Map<String, SDVariable> vars, Map<String, INDArray> constants, Map<String, long[]> shapes,
                              Onnx.NodeProto node, int[] counter, Map<String, String> headInputs) {

        SDVariable translate() {
            Map<String, Onnx.AttributeProto> a = attributes(node);
            return switch (node.getOpType()) {
                case "Conv" -> conv(a);
                case "BatchNormalization" -> batchNorm(a);
                case "Relu" -> sd.nn().relu(in(0), 0);
                case "LeakyRelu" -> sd.nn().leakyRelu(in(0), a.containsKey("alpha") ? a.get("alpha").getF() : 0.01);
                case "Sigmoid" -> sd.nn().sigmoid(in(0));
                case "Tanh" -> sd.math().tanh(in(0));
                case "HardSigmoid" -> hardSigmoid(in(0), a.containsKey("alpha") ? a.get("alpha").getF() : 0.2, a.containsKey("beta") ? a.get("beta").getF() : 0.5);
                case "HardSwish" -> in(0).mul(hardSigmoid(in(0), 1.0 / 6, 0.5));
                case "Clip" -> clip(a);
                case "Add" -> in(0).add(in(1));
                case "Sub" -> in(0).sub(in(1));
                case "Mul" -> in(0).mul(in(1));
                case "Div" -> in(0).div(in(1));
                case "MaxPool", "AveragePool" -> pool(a);
                case "GlobalAveragePool" -> sd.mean(in(0), true, 2, 3);
                case "GlobalMaxPool" -> sd.max(in(0), true, 2, 3);
                case "Flatten", "Reshape", "Squeeze", "Unsqueeze" -> reshape();
                case "Gemm" -> gemm(a);
                case "MatMul" -> sd.mmul(in(0), in(1));
                case "Softmax" -> sd.nn().softmax(in(0), (int) ints(a, "axis", new long[] {-1})[0]);
                case "LogSoftmax" -> sd.nn().logSoftmax(in(0), (int) ints(a, "axis", new long[] {-1})[0]);
                case "Identity", "Dropout" -> in(0);
                case "Concat" -> sd.concat((int) ints(a, "axis", null)[0], inputs());
                case "ReduceMean" -> sd.mean(in(0), ints(a, "keepdims", new long[] {1})[0] != 0, toInt(ints(a, "axes", null)));
                case "Transpose" -> sd.permute(in(0), toInt(ints(a, "perm", null)));
                default -> throw new UnsupportedOperationException("operator " + node.getOpType());
            };
        }

        private SDVariable[] inputs() {
            SDVariable[] v = new SDVariable[node.getInputCount()];
            for (int i = 0; i < v.length; i++) {
                v[i] = in(i);
            }
            return v;
        }

        /** Input {@code i}: a computed tensor or a constant. */
        private SDVariable in(int i) {
            String n = node.getInput(i);
            SDVariable v = vars.get(n);
            if (v != null) {
                return v;
            }
            INDArray c = constants.get(n);
            if (c == null && headInputs != null && shapes.containsKey(n)) { // a head graph's input, computed upstream
                long[] per = shapes.get(n);
                long[] dims = new long[per.length + 1];
                dims[0] = -1;
                System.arraycopy(per, 0, dims, 1, per.length);
                String ph = "head_input_" + headInputs.size();
                headInputs.put(n, ph);
                SDVariable p = sd.placeHolder(ph, DataType.FLOAT, dims);
                vars.put(n, p);
                return p;
            }
            if (c == null) {
                throw new IllegalStateException("node " + node.getName() + " (" + node.getOpType() + ") reads '" + n + "', which nothing computes");
            }
            SDVariable s = sd.constant("c" + counter[0]++, c.castTo(DataType.FLOAT));
            vars.put(n, s);
            return s;
        }

        private INDArray constant(int i) {
            INDArray c = i < node.getInputCount() ? constants.get(node.getInput(i)) : null;
            if (c == null && i < node.getInputCount() && !node.getInput(i).isEmpty()) {
                throw new UnsupportedOperationException(node.getOpType() + " node " + node.getName() + ": input " + i + " must be a constant");
            }
            return c;
        }

        private SDVariable hardSigmoid(SDVariable x, double alpha, double beta) {
            return sd.math().clipByValue(x.mul(alpha).add(beta), 0, 1);
        }

        private SDVariable clip(Map<String, Onnx.AttributeProto> a) {
            double min = a.containsKey("min") ? a.get("min").getF() : -Float.MAX_VALUE;
            double max = a.containsKey("max") ? a.get("max").getF() : Float.MAX_VALUE;
            INDArray lo = constant(1);
            INDArray hi = constant(2);
            return sd.math().clipByValue(in(0), lo == null ? min : lo.getDouble(0), hi == null ? max : hi.getDouble(0));
        }

        /** Conv as SameDiff's conv2d (weights as [kH, kW, in, out]) or, with one group per channel, its depthwise conv2d. */
        private SDVariable conv(Map<String, Onnx.AttributeProto> a) {
            INDArray w = constant(1); // [out, in / group, kH, kW]
            INDArray b = constant(2);
            long group = ints(a, "group", new long[] {1})[0];
            long[] pads = ints(a, "pads", new long[] {0, 0, 0, 0});
            long[] strides = ints(a, "strides", new long[] {1, 1});
            long[] dil = ints(a, "dilations", new long[] {1, 1});
            SDVariable x = padded(in(0), pads);
            long[] symmetric = symmetric(pads);
            Conv2DConfig cfg = Conv2DConfig.builder().kH(w.size(2)).kW(w.size(3)).sH(strides[0]).sW(strides[1]).pH(symmetric[0]).pW(symmetric[1])
                    .dH(dil[0]).dW(dil[1]).paddingMode(PaddingMode.VALID).dataFormat(Conv2DConfig.NCHW).build();
            long inChannels = shapes.containsKey(node.getInput(0)) ? shapes.get(node.getInput(0))[0] : w.size(1) * group;
            SDVariable bias = b == null ? null : sd.constant("c" + counter[0]++, b.castTo(DataType.FLOAT));
            if (group == 1) {
                SDVariable weights = sd.constant("c" + counter[0]++, w.permute(2, 3, 1, 0).dup('c').castTo(DataType.FLOAT));
                return bias == null ? sd.cnn().conv2d(x, weights, cfg) : sd.cnn().conv2d(x, weights, bias, cfg);
            }
            if (group == inChannels && w.size(1) == 1) {
                long multiplier = w.size(0) / group; // ONNX output channel c * m + j reads input channel c, as the depthwise op orders them
                INDArray dw = w.reshape('c', group, multiplier, w.size(2), w.size(3)).permute(2, 3, 0, 1).dup('c');
                SDVariable weights = sd.constant("c" + counter[0]++, dw.castTo(DataType.FLOAT));
                return bias == null ? sd.cnn().depthWiseConv2d(x, weights, cfg) : sd.cnn().depthWiseConv2d(x, weights, bias, cfg);
            }
            // grouped convolution: each group's channels through its own conv2d, concatenated
            long perGroupIn = w.size(1);
            long perGroupOut = w.size(0) / group;
            SDVariable[] parts = new SDVariable[(int) group];
            for (int gi = 0; gi < group; gi++) {
                SDVariable xs = sd.stridedSlice(x, new long[] {0, gi * perGroupIn, 0, 0}, new long[] {0, (gi + 1) * perGroupIn, 0, 0}, new long[] {1, 1, 1, 1},
                        0b1101, 0b1101, 0, 0, 0);
                INDArray wg = w.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(gi * perGroupOut, (gi + 1) * perGroupOut),
                        org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all());
                SDVariable weights = sd.constant("c" + counter[0]++, wg.permute(2, 3, 1, 0).dup('c').castTo(DataType.FLOAT));
                parts[gi] = sd.cnn().conv2d(xs, weights, cfg);
            }
            SDVariable y = sd.concat(1, parts);
            return bias == null ? y : y.add(bias.reshape(1, -1, 1, 1));
        }

        /** Pads an input explicitly when its ONNX pads differ between the two sides (SameDiff pads both sides alike). */
        private SDVariable padded(SDVariable x, long[] pads) {
            if (pads[0] == pads[2] && pads[1] == pads[3]) {
                return x;
            }
            INDArray p = Nd4j.createFromArray(new int[][] {{0, 0}, {0, 0}, {(int) pads[0], (int) pads[2]}, {(int) pads[1], (int) pads[3]}});
            return sd.nn().pad(x, sd.constant("c" + counter[0]++, p), org.nd4j.enums.PadMode.CONSTANT, 0.0);
        }

        private static long[] symmetric(long[] pads) {
            return pads[0] == pads[2] && pads[1] == pads[3] ? new long[] {pads[0], pads[1]} : new long[] {0, 0};
        }

        /** Inference batch normalisation as its per-channel scale and shift. */
        private SDVariable batchNorm(Map<String, Onnx.AttributeProto> a) {
            double eps = a.containsKey("epsilon") ? a.get("epsilon").getF() : 1e-5;
            INDArray gamma = constant(1).castTo(DataType.DOUBLE);
            INDArray beta = constant(2).castTo(DataType.DOUBLE);
            INDArray mean = constant(3).castTo(DataType.DOUBLE);
            INDArray var = constant(4).castTo(DataType.DOUBLE);
            long c = gamma.length();
            float[] scale = new float[(int) c];
            float[] shift = new float[(int) c];
            for (int i = 0; i < c; i++) {
                double s = gamma.getDouble(i) / Math.sqrt(var.getDouble(i) + eps);
                scale[i] = (float) s;
                shift[i] = (float) (beta.getDouble(i) - mean.getDouble(i) * s);
            }
            long[] shape = shapes.get(node.getOutput(0));
            long[] bshape = new long[shape.length + 1];
            Arrays.fill(bshape, 1);
            bshape[1] = c;
            SDVariable s = sd.constant("c" + counter[0]++, Nd4j.create(scale, bshape, 'c'));
            SDVariable t = sd.constant("c" + counter[0]++, Nd4j.create(shift, bshape, 'c'));
            return in(0).mul(s).add(t);
        }

        private SDVariable pool(Map<String, Onnx.AttributeProto> a) {
            long[] k = ints(a, "kernel_shape", null);
            long[] pads = ints(a, "pads", new long[] {0, 0, 0, 0});
            long[] strides = ints(a, "strides", new long[] {1, 1});
            long[] dil = ints(a, "dilations", new long[] {1, 1});
            boolean max = node.getOpType().equals("MaxPool");
            boolean countPad = ints(a, "count_include_pad", new long[] {0})[0] != 0;
            SDVariable x = in(0);
            long[] sym = symmetric(pads);
            if (sym[0] * 2 != pads[0] + pads[2] || sym[1] * 2 != pads[1] + pads[3]) {
                if (max) {
                    throw new UnsupportedOperationException("MaxPool node " + node.getName() + " with asymmetric pads " + Arrays.toString(pads));
                }
                x = padded(x, pads);
                countPad = true;
            }
            Pooling2DConfig cfg = Pooling2DConfig.builder().kH(k[0]).kW(k[1]).sH(strides[0]).sW(strides[1]).pH(sym[0]).pW(sym[1]).dH(dil[0]).dW(dil[1])
                    .type(max ? Pooling2D.Pooling2DType.MAX : Pooling2D.Pooling2DType.AVG)
                    .divisor(countPad ? Pooling2D.Divisor.INCLUDE_PADDING : Pooling2D.Divisor.EXCLUDE_PADDING)
                    .paddingMode(PaddingMode.VALID).isNHWC(false).build();
            return max ? sd.cnn().maxPooling2d(x, cfg) : sd.cnn().avgPooling2d(x, cfg);
        }

        /** Any reshape, to the per-image shape ONNX Runtime reported for its output. */
        private SDVariable reshape() {
            long[] per = shapes.get(node.getOutput(0));
            long[] to = new long[per.length + 1];
            to[0] = -1;
            System.arraycopy(per, 0, to, 1, per.length);
            return sd.reshape(in(0), to);
        }

        private SDVariable gemm(Map<String, Onnx.AttributeProto> a) {
            double alpha = a.containsKey("alpha") ? a.get("alpha").getF() : 1;
            double beta = a.containsKey("beta") ? a.get("beta").getF() : 1;
            boolean transA = ints(a, "transA", new long[] {0})[0] != 0;
            boolean transB = ints(a, "transB", new long[] {0})[0] != 0;
            SDVariable y = sd.mmul(in(0), in(1), transA, transB, false);
            if (alpha != 1) {
                y = y.mul(alpha);
            }
            if (node.getInputCount() > 2 && !node.getInput(2).isEmpty()) {
                SDVariable c = in(2);
                y = y.add(beta == 1 ? c : c.mul(beta));
            }
            return y;
        }
    }

    static Map<String, Onnx.AttributeProto> attributes(Onnx.NodeProto node) {
        Map<String, Onnx.AttributeProto> out = new LinkedHashMap<>();
        node.getAttributeList().forEach(at -> out.put(at.getName(), at));
        return out;
    }

    /** An attribute's ints (or its single int), or {@code fallback} when absent. */
    private static long[] ints(Map<String, Onnx.AttributeProto> a, String name, long[] fallback) {
        Onnx.AttributeProto at = a.get(name);
        if (at == null) {
            return fallback;
        }
        if (at.getIntsCount() > 0) {
            return at.getIntsList().stream().mapToLong(Long::longValue).toArray();
        }
        return new long[] {at.getI()};
    }

    private static int[] toInt(long[] v) {
        return Arrays.stream(v).mapToInt(x -> (int) x).toArray();
    }

    /** An ONNX tensor (float, double, int32 or int64; raw little-endian or typed fields) as an INDArray. */
    static INDArray array(Onnx.TensorProto t) {
        long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        int n = (int) Arrays.stream(dims).reduce(1, (x, y) -> x * y);
        ByteBuffer raw = t.getRawData().isEmpty() ? null : ByteBuffer.wrap(t.getRawData().toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
        double[] v = new double[n];
        switch (t.getDataType()) {
            case 1 -> { // FLOAT
                for (int i = 0; i < n; i++) {
                    v[i] = raw != null ? raw.getFloat() : t.getFloatData(i);
                }
            }
            case 11 -> { // DOUBLE
                for (int i = 0; i < n; i++) {
                    v[i] = raw != null ? raw.getDouble() : t.getDoubleData(i);
                }
            }
            case 7 -> { // INT64
                for (int i = 0; i < n; i++) {
                    v[i] = raw != null ? raw.getLong() : t.getInt64Data(i);
                }
            }
            case 6 -> { // INT32
                for (int i = 0; i < n; i++) {
                    v[i] = raw != null ? raw.getInt() : t.getInt32Data(i);
                }
            }
            default -> throw new UnsupportedOperationException("ONNX tensor " + t.getName() + " of data type " + t.getDataType());
        }
        if (dims.length == 0) {
            return Nd4j.scalar(v[0]).castTo(DataType.FLOAT);
        }
        return Nd4j.create(v, dims, DataType.FLOAT);
    }
}
