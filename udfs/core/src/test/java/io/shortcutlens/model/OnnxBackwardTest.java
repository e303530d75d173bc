package io.shortcutlens.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import onnx.Onnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every backward rule of {@link OnnxBackward} against central finite differences of ONNX Runtime's own scores: a tiny
 * graph per operator (and per attribute that changes its rule: strides, pads, groups, dilations, overlapping pooling
 * windows, padding left out of an average, broadcasting), the image [3, 8, 8] through the operator, then a Flatten and
 * a Gemm with seeded weights to three class scores. The models are built here, loaded by {@link ModelLoader} as a user's
 * file is, and differentiated by ONNX Runtime (the test checks that the SameDiff route was not taken). The committed
 * ResNet- and MobileNet-style exports are held to torch's autograd in {@link OnnxArchitecturesTest}.
 */
class OnnxBackwardTest {
    @TempDir
    Path tmp;

    /** A graph under test: nodes from "x" to "y", y's per-image shape, the opset it needs. */
    record Case(String name, List<Onnx.NodeProto> nodes, List<Onnx.TensorProto> constants, long[] yShape, long opset) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Onnx.NodeProto node(String op, List<String> in, String out, Onnx.AttributeProto... attributes) {
        return Onnx.NodeProto.newBuilder().setOpType(op).setName(out).addAllInput(in).addOutput(out).addAllAttribute(List.of(attributes)).build();
    }

    private static Onnx.AttributeProto ints(String name, long... v) {
        return OnnxBackward.ints(name, v);
    }

    private static Onnx.AttributeProto integer(String name, long v) {
        return OnnxBackward.integer(name, v);
    }

    private static Onnx.AttributeProto real(String name, float v) {
        return OnnxBackward.real(name, v);
    }

    static Onnx.TensorProto floats(String name, float[] v, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name).setDataType(1)
                .setRawData(org.nd4j.shade.protobuf.ByteString.copyFrom(b.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    static Onnx.TensorProto longs(String name, long... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(v);
        return Onnx.TensorProto.newBuilder().setName(name).setDataType(7).addDims(v.length).setRawData(org.nd4j.shade.protobuf.ByteString.copyFrom(b.array()))
                .build();
    }

    static float[] seeded(int n, long seed, float scale) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() * scale);
        }
        return v;
    }

    private static Case one(String name, Onnx.NodeProto node, long... yShape) {
        return new Case(name, List.of(node), List.of(), yShape, 13);
    }

    static Stream<Case> cases() {
        List<Case> c = new ArrayList<>();
        c.add(one("Relu", node("Relu", List.of("x"), "y"), 3, 8, 8));
        c.add(one("LeakyRelu", node("LeakyRelu", List.of("x"), "y", real("alpha", 0.1f)), 3, 8, 8));
        c.add(one("Sigmoid", node("Sigmoid", List.of("x"), "y"), 3, 8, 8));
        c.add(one("Tanh", node("Tanh", List.of("x"), "y"), 3, 8, 8));
        c.add(one("HardSigmoid", node("HardSigmoid", List.of("x"), "y", real("alpha", 0.4f), real("beta", 0.5f)), 3, 8, 8));
        c.add(new Case("HardSwish (opset 14)", List.of(node("HardSwish", List.of("x"), "y")), List.of(), new long[] {3, 8, 8}, 14));
        c.add(new Case("Clip with bounds as inputs", List.of(node("Clip", List.of("x", "lo", "hi"), "y")),
                List.of(floats("lo", new float[] {-0.8f}), floats("hi", new float[] {0.6f})), new long[] {3, 8, 8}, 13));
        c.add(new Case("Sub, both operands from the image", List.of(node("Tanh", List.of("x"), "t"), node("Sub", List.of("x", "t"), "y")), List.of(),
                new long[] {3, 8, 8}, 13));
        c.add(new Case("Div, both operands from the image", List.of(node("Mul", List.of("x", "x"), "xx"), node("Add", List.of("xx", "one"), "d"),
                node("Div", List.of("x", "d"), "y")), List.of(floats("one", new float[] {1f})), new long[] {3, 8, 8}, 13));
        c.add(new Case("Mul broadcast over positions (squeeze-excite)", List.of(node("GlobalAveragePool", List.of("x"), "g"),
                node("Sigmoid", List.of("g"), "s"), node("Mul", List.of("x", "s"), "y")), List.of(), new long[] {3, 8, 8}, 13));
        c.add(new Case("Add broadcast, ReduceMean keepdims", List.of(node("ReduceMean", List.of("x"), "m", ints("axes", 2, 3), integer("keepdims", 1)),
                node("Mul", List.of("m", "m"), "mm"), node("Add", List.of("x", "mm"), "y")), List.of(), new long[] {3, 8, 8}, 13));
        c.add(one("ReduceMean over channels, keepdims 0", node("ReduceMean", List.of("x"), "y", ints("axes", 1), integer("keepdims", 0)), 8, 8));
        c.add(new Case("BatchNormalization", List.of(node("BatchNormalization", List.of("x", "gamma", "beta", "mean", "var"), "y", real("epsilon", 1e-3f))),
                List.of(floats("gamma", new float[] {1.5f, -0.7f, 0.4f}, 3), floats("beta", new float[] {0.1f, 0.2f, 0f}, 3),
                        floats("mean", new float[] {0.3f, -0.2f, 0f}, 3), floats("var", new float[] {0.5f, 2f, 1f}, 3)), new long[] {3, 8, 8}, 13));
        c.add(new Case("Conv 3x3, stride 2, pads 1", List.of(node("Conv", List.of("x", "w", "b"), "y", ints("kernel_shape", 3, 3), ints("strides", 2, 2),
                ints("pads", 1, 1, 1, 1))), List.of(floats("w", seeded(3 * 3 * 9, 1, 0.4f), 3, 3, 3, 3), floats("b", new float[] {0.1f, 0f, -0.1f}, 3)),
                new long[] {3, 4, 4}, 13));
        c.add(new Case("Conv stride 2 without pads (output padding 1)", List.of(node("Conv", List.of("x", "w"), "y", ints("strides", 2, 2))),
                List.of(floats("w", seeded(2 * 3 * 9, 2, 0.4f), 2, 3, 3, 3)), new long[] {2, 3, 3}, 13));
        c.add(new Case("Conv dilated 2, asymmetric pads", List.of(node("Conv", List.of("x", "w"), "y", ints("dilations", 2, 2), ints("pads", 2, 1, 1, 2))),
                List.of(floats("w", seeded(3 * 3 * 9, 3, 0.4f), 3, 3, 3, 3)), new long[] {3, 7, 7}, 13));
        c.add(new Case("Conv depthwise, channel multiplier 2", List.of(node("Conv", List.of("x", "w"), "y", ints("pads", 1, 1, 1, 1), integer("group", 3))),
                List.of(floats("w", seeded(6 * 9, 4, 0.4f), 6, 1, 3, 3)), new long[] {6, 8, 8}, 13));
        c.add(new Case("Conv 5x5 stride 3, asymmetric pads, 2 groups of 2", List.of(node("Conv", List.of("x", "e"), "four"),
                node("Conv", List.of("four", "w"), "y", ints("strides", 3, 3), ints("pads", 2, 1, 0, 2), integer("group", 2))),
                List.of(floats("e", seeded(4 * 3, 9, 0.5f), 4, 3, 1, 1), floats("w", seeded(6 * 2 * 25, 6, 0.3f), 6, 2, 5, 5)), new long[] {6, 2, 3}, 13));
        c.add(new Case("Conv 2x2 stride 2, pads at the end only", List.of(node("Conv", List.of("x", "w"), "y", ints("strides", 2, 2), ints("pads", 0, 0, 1, 1),
                integer("group", 1))), List.of(floats("w", seeded(4 * 3 * 4, 7, 0.3f), 4, 3, 2, 2)), new long[] {4, 4, 4}, 13));
        c.add(new Case("Conv depthwise stride 2", List.of(node("Conv", List.of("x", "w"), "y", ints("strides", 2, 2), ints("pads", 1, 1, 1, 1),
                integer("group", 3))), List.of(floats("w", seeded(3 * 9, 8, 0.4f), 3, 1, 3, 3)), new long[] {3, 4, 4}, 13));
        c.add(one("MaxPool 3x3 stride 2 pads 1 (overlapping windows)", node("MaxPool", List.of("x"), "y", ints("kernel_shape", 3, 3), ints("strides", 2, 2),
                ints("pads", 1, 1, 1, 1)), 3, 4, 4));
        c.add(one("MaxPool 2x2 stride 2", node("MaxPool", List.of("x"), "y", ints("kernel_shape", 2, 2), ints("strides", 2, 2)), 3, 4, 4));
        // below opset 13 the graph is not raised to ScatterElements' opset: the MaxUnpool route
        c.add(new Case("MaxPool 3x3 stride 2 pads 1, opset 11 (MaxUnpool)", List.of(node("MaxPool", List.of("x"), "y", ints("kernel_shape", 3, 3),
                ints("strides", 2, 2), ints("pads", 1, 1, 1, 1))), List.of(), new long[] {3, 4, 4}, 11));
        c.add(new Case("MaxPool 2x2 stride 2, opset 11 (MaxUnpool)", List.of(node("MaxPool", List.of("x"), "y", ints("kernel_shape", 2, 2),
                ints("strides", 2, 2))), List.of(), new long[] {3, 4, 4}, 11));
        c.add(new Case("MaxPool 3x3 stride 1 pads 1, opset 16", List.of(node("MaxPool", List.of("x"), "y", ints("kernel_shape", 3, 3),
                ints("pads", 1, 1, 1, 1))), List.of(), new long[] {3, 8, 8}, 16));
        c.add(one("AveragePool 3x3 stride 2 pads 1, padding not counted", node("AveragePool", List.of("x"), "y", ints("kernel_shape", 3, 3),
                ints("strides", 2, 2), ints("pads", 1, 1, 1, 1)), 3, 4, 4));
        c.add(one("AveragePool 3x3 pads 1, padding counted", node("AveragePool", List.of("x"), "y", ints("kernel_shape", 3, 3), ints("pads", 1, 1, 1, 1),
                integer("count_include_pad", 1)), 3, 8, 8));
        c.add(one("GlobalMaxPool", node("GlobalMaxPool", List.of("x"), "y"), 3, 1, 1));
        c.add(one("Transpose", node("Transpose", List.of("x"), "y", ints("perm", 0, 2, 3, 1)), 8, 8, 3));
        c.add(new Case("Unsqueeze, Squeeze, Reshape", List.of(node("Unsqueeze", List.of("x", "ax"), "u"), node("Squeeze", List.of("u", "ax"), "s"),
                node("Reshape", List.of("s", "shape"), "y")), List.of(longs("ax", 1), longs("shape", -1, 8, 24)), new long[] {8, 24}, 13));
        c.add(new Case("Concat along channels", List.of(node("Tanh", List.of("x"), "t"), node("Concat", List.of("x", "t"), "y", integer("axis", 1))),
                List.of(), new long[] {6, 8, 8}, 13));
        c.add(new Case("MatMul with a constant", List.of(node("Flatten", List.of("x"), "f"), node("MatMul", List.of("f", "w"), "y")),
                List.of(floats("w", seeded(192 * 6, 5, 0.2f), 192, 6)), new long[] {6}, 13));
        c.add(new Case("Identity, Dropout", List.of(node("Identity", List.of("x"), "i"), node("Dropout", List.of("i"), "y")), List.of(),
                new long[] {3, 8, 8}, 13));
        return c.stream();
    }

    /** The case's graph followed by Flatten and Gemm to three scores; input "x" [N, 3, 8, 8]. */
    static byte[] model(Case c) {
        long features = 1;
        for (long d : c.yShape()) {
            features *= d;
        }
        Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder().setName(c.name()).addAllNode(c.nodes())
                .addNode(node("Flatten", List.of("y"), "flat")).addNode(node("Gemm", List.of("flat", "head", "bias"), "scores", integer("transB", 1)))
                .addAllInitializer(c.constants()).addInitializer(floats("head", seeded((int) (3 * features), 11, 0.3f), 3, features))
                .addInitializer(floats("bias", new float[] {0f, 0.1f, -0.1f}, 3));
        Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder()
                .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"));
        for (long d : new long[] {3, 8, 8}) {
            shape.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        g.addInput(Onnx.ValueInfoProto.newBuilder().setName("x").setType(Onnx.TypeProto.newBuilder().setTensorType(
                Onnx.TypeProto.Tensor.newBuilder().setElemType(1).setShape(shape))));
        g.addOutput(Onnx.ValueInfoProto.newBuilder().setName("scores").setType(Onnx.TypeProto.newBuilder().setTensorType(
                Onnx.TypeProto.Tensor.newBuilder().setElemType(1))));
        return Onnx.ModelProto.newBuilder().setIrVersion(8).addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(c.opset()))
                .setGraph(g).build().toByteArray();
    }

    private OnnxClassifier load(Case c) throws IOException {
        File f = tmp.resolve("case.onnx").toFile();
        Files.write(f.toPath(), model(c));
        return (OnnxClassifier) ModelLoader.load(f, new ModelSpec(f.getPath(), null, null, null, ModelSpec.DEFAULT_MAX_MODEL_BYTES,
                new OnnxOptions(OnnxOptions.InputLayout.NCHW, false, 1))).classifier();
    }

    /** Central differences of one image's target score, in double from float32 scores. */
    private static float[] finiteDifferences(OnnxClassifier m, float[] x, int target, double eps) {
        float[] g = new float[x.length];
        int k = m.numClasses();
        float[] both = new float[2 * x.length];
        for (int i = 0; i < x.length; i++) {
            System.arraycopy(x, 0, both, 0, x.length);
            System.arraycopy(x, 0, both, x.length, x.length);
            both[i] += (float) eps;
            both[x.length + i] -= (float) eps;
            float[] s = m.scores(both, 2);
            g[i] = (float) ((s[target] - s[k + target]) / (2 * eps));
        }
        return g;
    }

    private static double largest(float[] v) {
        return OnnxArchitecturesTest.max(v);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachRuleEqualsFiniteDifferences(Case c) throws IOException {
        OnnxClassifier m = load(c);
        assertTrue(m.differentiatedByOnnxRuntime(), c + ": ONNX Runtime's backward pass, not SameDiff's");
        float[] x = seeded(3 * 8 * 8, 42, 0.6f);
        int target = 1;
        float[] g = m.inputGradients(x, 1, new int[] {target});
        float[] fd = finiteDifferences(m, x, target, 1e-3);
        double worst = 0;
        for (int i = 0; i < g.length; i++) {
            worst = Math.max(worst, Math.abs(g[i] - fd[i]));
        }
        double scale = largest(fd);
        System.out.printf("%-55s largest |backward - finite differences| %.2g of the largest gradient %.3g%n", c, worst / scale, scale);
        assertTrue(scale > 1e-3, c + ": the gradient is not zero");
        assertTrue(worst <= 5e-3 * scale, c + ": " + worst + " against " + scale);
    }

    /**
     * Max pooling's two routes (one scatter-add where the opset allows, MaxUnpool per subset of windows below it) give
     * the same gradients, image by image in a batch (the pooling's indices count from the batch's first value), with
     * ties inside windows (a flat image: every window's values equal, the first position takes the gradient, as in
     * torch); the scatter raises the graph's opset to 16 and nothing else.
     */
    @Test
    void maxPoolRoutesAgreeImageByImageAndOnTies() throws IOException {
        Onnx.NodeProto pool = node("MaxPool", List.of("x"), "y", ints("kernel_shape", 3, 3), ints("strides", 2, 2), ints("pads", 1, 1, 1, 1));
        OnnxClassifier scatter = load(new Case("MaxPool, opset 13", List.of(pool), List.of(), new long[] {3, 4, 4}, 13));
        OnnxClassifier unpool = load(new Case("MaxPool, opset 11", List.of(pool), List.of(), new long[] {3, 4, 4}, 11));
        float[] x = seeded(3 * 3 * 8 * 8, 44, 0.6f);
        java.util.Arrays.fill(x, 2 * 192, 3 * 192, 0.25f); // the third image flat: ties in every window
        int[] targets = {0, 2, 1};
        float[] a = scatter.inputGradients(x, 3, targets);
        float[] b = unpool.inputGradients(x, 3, targets);
        org.junit.jupiter.api.Assertions.assertArrayEquals(b, a, 1e-6f);
        for (int i = 0; i < 3; i++) {
            float[] one = scatter.inputGradients(java.util.Arrays.copyOfRange(x, i * 192, (i + 1) * 192), 1, new int[] {targets[i]});
            org.junit.jupiter.api.Assertions.assertArrayEquals(one, java.util.Arrays.copyOfRange(a, i * 192, (i + 1) * 192), 1e-6f);
        }
        // a flat image: each window's gradient at its first position in row-major order only (window i covers rows
        // 2i - 1 .. 2i + 1, the padding row -1 not a position): rows and columns 0, 1, 3, 5
        java.util.Set<Integer> firsts = java.util.Set.of(0, 1, 3, 5);
        long nonzero = 0;
        for (int p = 0; p < 192; p++) {
            if (a[2 * 192 + p] != 0) {
                nonzero++;
                int r = p % 64 / 8;
                int col = p % 8;
                assertTrue(firsts.contains(r) && firsts.contains(col), "a tie's gradient at row " + r + ", column " + col);
            }
        }
        assertTrue(nonzero > 0, "the flat image has a gradient");

        Onnx.ModelProto m13 = Onnx.ModelProto.parseFrom(model(new Case("MaxPool, opset 13", List.of(pool), List.of(), new long[] {3, 4, 4}, 13)));
        Map<String, long[]> shapes = Map.of("x", new long[] {3, 8, 8}, "y", new long[] {3, 4, 4}, "flat", new long[] {48}, "scores", new long[] {3});
        Onnx.ModelProto built = Onnx.ModelProto.parseFrom(OnnxBackward.build(m13, shapes, "scores", List.of("x"), List.of()));
        assertEquals(OnnxBackward.SCATTER_ADD_OPSET, OnnxBackward.opset(built));
        assertTrue(built.getGraph().getNodeList().stream().anyMatch(n -> n.getOpType().equals("ScatterElements")));
        Onnx.ModelProto m11 = Onnx.ModelProto.parseFrom(model(new Case("MaxPool, opset 11", List.of(pool), List.of(), new long[] {3, 4, 4}, 11)));
        Onnx.ModelProto kept = Onnx.ModelProto.parseFrom(OnnxBackward.build(m11, shapes, "scores", List.of("x"), List.of()));
        assertEquals(11, OnnxBackward.opset(kept));
        assertTrue(kept.getGraph().getNodeList().stream().anyMatch(n -> n.getOpType().equals("MaxUnpool")));
        Onnx.ModelProto noPool = Onnx.ModelProto.parseFrom(model(new Case("Relu, opset 13", List.of(node("Relu", List.of("x"), "y")), List.of(),
                new long[] {3, 8, 8}, 13)));
        Map<String, long[]> reluShapes = Map.of("x", new long[] {3, 8, 8}, "y", new long[] {3, 8, 8}, "flat", new long[] {192}, "scores", new long[] {3});
        assertEquals(13, OnnxBackward.opset(Onnx.ModelProto.parseFrom(OnnxBackward.build(noPool, reluShapes, "scores", List.of("x"), List.of()))),
                "a graph without max pooling keeps its opset");
    }

    /**
     * A batch gives each image its own target's gradient, and the two other routes through the backward pass agree
     * with finite differences too: a layer's gradient (Grad-CAM's) and a channel mean's input gradient (deep dream's).
     */
    @Test
    void layerAndChannelGradientsEqualFiniteDifferences() throws IOException {
        Case c = cases().filter(k -> k.name().startsWith("Conv 3x3")).findFirst().orElseThrow();
        List<Onnx.NodeProto> nodes = new ArrayList<>(c.nodes());
        nodes.set(0, nodes.get(0).toBuilder().setOutput(0, "conv").setName("conv").build());
        nodes.add(node("Tanh", List.of("conv"), "y"));
        OnnxClassifier m = load(new Case("Conv then Tanh", nodes, c.constants(), c.yShape(), 13));
        float[] x = seeded(2 * 3 * 8 * 8, 43, 0.6f);
        float[] batch = m.inputGradients(x, 2, new int[] {0, 2});
        float[] second = m.inputGradients(java.util.Arrays.copyOfRange(x, 192, 384), 1, new int[] {2});
        org.junit.jupiter.api.Assertions.assertArrayEquals(second, java.util.Arrays.copyOfRange(batch, 192, 384), 1e-6f);

        // d(score 1) / d(conv output) through Tanh, Flatten and Gemm, against differences of the scores when the
        // conv output moves: the Gemm's weights times (1 - tanh²) is that gradient analytically
        Differentiable.FeatureGradients f = m.featureGradients(java.util.Arrays.copyOf(x, 192), 1, new int[] {1}, "conv");
        assertEquals(3 * 4 * 4, f.activations().length);
        float[] head = seeded(3 * 48, 11, 0.3f);
        double worst = 0;
        for (int i = 0; i < 48; i++) {
            double t = Math.tanh(f.activations()[i]);
            worst = Math.max(worst, Math.abs(f.gradients()[i] - head[48 + i] * (1 - t * t)));
        }
        assertTrue(worst <= 1e-5 * largest(head), "layer gradient: " + worst);

        // deep dream's objective: the mean of channel 1 of the conv output
        float[] one = java.util.Arrays.copyOf(x, 192);
        Differentiable.ChannelGradients cg = m.channelGradients(one, 1, "conv", 1);
        double eps = 1e-3;
        float[] fd = new float[one.length];
        for (int i = 0; i < one.length; i++) {
            float[] up = one.clone();
            float[] down = one.clone();
            up[i] += (float) eps;
            down[i] -= (float) eps;
            fd[i] = (float) ((channelMean(m, up) - channelMean(m, down)) / (2 * eps));
        }
        double diff = 0;
        for (int i = 0; i < fd.length; i++) {
            diff = Math.max(diff, Math.abs(fd[i] - cg.gradients()[i]));
        }
        assertEquals(channelMean(m, one), cg.means()[0], 1e-6);
        assertTrue(diff <= 5e-3 * largest(fd), "channel gradient: " + diff + " of " + largest(fd));
    }

    private static double channelMean(OnnxClassifier m, float[] x) {
        float[] a = m.activations(x, 1, "conv").values();
        double s = 0;
        for (int q = 16; q < 32; q++) {
            s += a[q];
        }
        return s / 16;
    }
}
