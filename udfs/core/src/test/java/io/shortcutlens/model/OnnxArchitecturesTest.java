package io.shortcutlens.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shortcutlens.image.InputShape;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The block types of the architectures users ship, exported from PyTorch by {@code scripts/make_onnx_models.py arch}:
 * a ResNet-style net (residual blocks, batch norm kept as nodes, global average pooling, Gemm) and a MobileNetV3-style
 * one (depthwise convolutions, squeeze-excite, hard-swish as torch exports it). ONNX Runtime's batched scores equal
 * torch's logits on the committed inputs, and the layers read from the graph equal torch's feature maps.
 */
class OnnxArchitecturesTest {
    @TempDir
    Path tmp;

    /** A committed little-endian float32 reference file. */
    static float[] floats(String resource) throws IOException {
        try (InputStream in = OnnxArchitecturesTest.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("test resource " + resource + " is missing: run scripts/make_onnx_models.py arch");
            }
            ByteBuffer b = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
            float[] out = new float[b.remaining() / 4];
            b.asFloatBuffer().get(out);
            return out;
        }
    }

    private LoadedModel load(String name) throws IOException {
        File f = tmp.resolve(name + ".onnx").toFile();
        try (InputStream in = getClass().getResourceAsStream("/onnx/" + name + ".onnx")) {
            Files.copy(in, f.toPath());
        }
        return ModelLoader.load(f, new ModelSpec(f.getPath(), null, null, null, ModelSpec.DEFAULT_MAX_MODEL_BYTES, OnnxOptions.defaults()));
    }

    private static double worst(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        return worst;
    }

    static double max(float[] v) {
        double m = 0;
        for (float x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    /**
     * The automatic layer (the last feature map larger than 1×1) is the last block's output torch computed; for the
     * ResNet-style net the penultimate layer (the Gemm's input) is that map's average over positions.
     */
    @ParameterizedTest
    @ValueSource(strings = {"resnet-style", "mobilenet-style"})
    void layersReadFromTheGraphEqualTorchsFeatureMaps(String name) throws IOException {
        LoadedModel m = load(name);
        LayerOutputs layers = (LayerOutputs) m.classifier();
        float[] input = floats("/onnx/" + name + "-ref/input.bin");
        float[] torch = floats("/onnx/" + name + "-ref/features.bin");
        Differentiable.LayerActivations a = layers.activations(input, 2, null);
        double diff = worst(torch, a.values());
        System.out.printf("%s: automatic layer %s [%d, %d, %d], largest |ONNX Runtime - torch| %.3g (largest value %.3g)%n", name, a.layer(),
                a.channels(), a.height(), a.width(), diff, max(torch));
        assertTrue(a.height() * a.width() > 1);
        assertEquals(torch.length / 2, a.size());
        assertTrue(diff <= 1e-4 * Math.max(1, max(torch)), name + ": " + diff);
        assertEquals(a.layer(), layers.activations(input, 2, a.layer()).layer(), "a tensor is found by its name");
        Differentiable.LayerActivations p = layers.activations(input, 2, LayerOutputs.PENULTIMATE);
        assertEquals(1, p.height() * p.width());
        if (name.equals("resnet-style")) {
            float[] pooled = new float[2 * a.channels()];
            int hw = a.height() * a.width();
            for (int i = 0; i < pooled.length; i++) {
                double s = 0;
                for (int q = 0; q < hw; q++) {
                    s += torch[i * hw + q];
                }
                pooled[i] = (float) (s / hw);
            }
            assertTrue(worst(pooled, p.values()) <= 1e-5, "the Gemm reads the feature map's average: " + worst(pooled, p.values()));
        }
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> layers.activations(input, 2, "no-such-layer"));
        assertTrue(e.getMessage().contains(a.layer()), "the error lists the graph's layers: " + e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"resnet-style", "mobilenet-style"})
    void onnxRuntimeScoresEqualTorchsLogits(String name) throws IOException {
        LoadedModel m = load(name);
        assertEquals(new InputShape(3, 64, 64), m.inputShape());
        assertEquals(List.of("a", "b", "c", "d", "e"), m.classNames());
        float[] input = floats("/onnx/" + name + "-ref/input.bin");
        float[] torch = floats("/onnx/" + name + "-ref/logits.bin");
        float[] scores = m.classifier().scores(input, 2);
        assertEquals(torch.length, scores.length);
        double scale = 0;
        double worst = 0;
        for (int i = 0; i < torch.length; i++) {
            scale = Math.max(scale, Math.abs(torch[i]));
            worst = Math.max(worst, Math.abs(torch[i] - scores[i]));
        }
        System.out.printf("%s: largest |ONNX Runtime - torch| logit difference %.3g (largest logit %.3g)%n", name, worst, scale);
        assertTrue(worst <= 1e-4 * Math.max(1, scale), name + ": " + worst);
        float[] one = m.classifier().scores(java.util.Arrays.copyOfRange(input, input.length / 2, input.length), 1);
        assertArrayEquals(java.util.Arrays.copyOfRange(scores, 5, 10), one, 1e-5f, "a batch of two scores each image as alone");
    }

    /** The explained classes torch used (meta.txt's {@code target} line). */
    static int[] targets(String name) throws IOException {
        try (InputStream in = OnnxArchitecturesTest.class.getResourceAsStream("/onnx/" + name + "-ref/meta.txt")) {
            for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith("target ")) {
                    return java.util.Arrays.stream(line.substring(7).trim().split(" ")).mapToInt(Integer::parseInt).toArray();
                }
            }
        }
        throw new IOException(name + "-ref/meta.txt has no target line");
    }

    /**
     * The gradients of the exported graphs, computed by ONNX Runtime on the graph extended with its backward pass, equal
     * torch's autograd gradients of the same logits: with respect to the input and to the automatic Grad-CAM layer.
     */
    @ParameterizedTest
    @ValueSource(strings = {"resnet-style", "mobilenet-style"})
    void gradientsEqualTorchAutograd(String name) throws IOException {
        Differentiable d = (Differentiable) load(name).classifier();
        float[] input = floats("/onnx/" + name + "-ref/input.bin");
        int[] targets = targets(name);
        float[] logits = floats("/onnx/" + name + "-ref/logits.bin");
        double logitDiff = worst(logits, d.logits(input, 2));
        float[] torchInput = floats("/onnx/" + name + "-ref/grad-input.bin");
        double inputDiff = worst(torchInput, d.inputGradients(input, 2, targets)) / max(torchInput);
        Differentiable.FeatureGradients f = d.featureGradients(input, 2, targets, null);
        float[] torchFeatures = floats("/onnx/" + name + "-ref/features.bin");
        float[] torchFeatureGrad = floats("/onnx/" + name + "-ref/grad-features.bin");
        double featureDiff = worst(torchFeatures, f.activations()) / max(torchFeatures);
        double featureGradDiff = worst(torchFeatureGrad, f.gradients()) / max(torchFeatureGrad);
        System.out.printf("%s: ONNX Runtime's backward pass against torch autograd, largest difference relative to the largest value: input gradient %.3g,"
                + " layer %s gradient %.3g, its activations %.3g; logits %.3g%n", name, inputDiff, f.layer(), featureGradDiff, featureDiff, logitDiff);
        assertTrue(logitDiff <= 1e-4 * Math.max(1, max(logits)), name + " logits: " + logitDiff);
        assertTrue(inputDiff <= 1e-4, name + " input gradient: " + inputDiff);
        assertTrue(featureDiff <= 1e-4, name + " features: " + featureDiff);
        assertTrue(featureGradDiff <= 1e-4, name + " feature gradient: " + featureGradDiff);

        // task threads share the classifier: concurrent gradient calls give what one call alone gives
        float[] alone = d.inputGradients(input, 2, targets);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<float[]>> runs = new java.util.ArrayList<>();
            for (int k = 0; k < 8; k++) {
                runs.add(pool.submit(() -> d.inputGradients(input, 2, targets)));
            }
            for (java.util.concurrent.Future<float[]> run : runs) {
                assertArrayEquals(alone, run.get(), 1e-6f * (float) max(alone));
            }
        } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
            throw new AssertionError(e);
        } finally {
            pool.shutdown();
        }
    }

    /** The route for graphs the backward pass does not cover, SameDiff's, still equals torch's autograd on the same graphs. */
    @ParameterizedTest
    @ValueSource(strings = {"resnet-style", "mobilenet-style"})
    void sameDiffsGradientsEqualTorchAutograd(String name) throws IOException {
        OnnxClassifier c = (OnnxClassifier) load(name).classifier();
        float[] input = floats("/onnx/" + name + "-ref/input.bin");
        float[] torchInput = floats("/onnx/" + name + "-ref/grad-input.bin");
        double inputDiff = worst(torchInput, c.sameDiffGradients().inputGradients(input, 2, targets(name), c.numClasses())) / max(torchInput);
        System.out.printf("%s: SameDiff against torch autograd, input gradient %.3g of the largest value%n", name, inputDiff);
        assertTrue(inputDiff <= 1e-4, name + " input gradient: " + inputDiff);
    }

    /**
     * The identity of Selvaraju et al.: on a net that ends in global average pooling and one Gemm, Grad-CAM's weights
     * are the Gemm's row of the class divided by the positions, so Grad-CAM equals CAM (Zhou et al.) up to scale. CAM is
     * computed here from torch's feature maps and the Gemm weights read from the ONNX file.
     */
    @org.junit.jupiter.api.Test
    void gradCamEqualsCamOnTheResNetStyleExport() throws IOException {
        LoadedModel m = load("resnet-style");
        Differentiable d = (Differentiable) m.classifier();
        float[] input = floats("/onnx/resnet-style-ref/input.bin");
        float[] torchFeatures = floats("/onnx/resnet-style-ref/features.bin");
        onnx.Onnx.ModelProto proto;
        try (InputStream in = getClass().getResourceAsStream("/onnx/resnet-style.onnx")) {
            proto = onnx.Onnx.ModelProto.parseFrom(in.readAllBytes());
        }
        org.nd4j.linalg.api.ndarray.INDArray fc = proto.getGraph().getInitializerList().stream().filter(t -> t.getName().equals("fc.weight"))
                .map(OnnxSameDiff::array).findFirst().orElseThrow(); // [classes, channels]
        for (int target = 0; target < 5; target++) {
            Differentiable.FeatureGradients fg = d.featureGradients(input, 2, new int[] {target, target}, null);
            int hw = fg.height() * fg.width();
            for (int i = 0; i < 2; i++) {
                float[] gradCam = io.shortcutlens.explain.GradCamExplainer.cam(fg, i);
                float[] cam = new float[hw];
                for (int k = 0; k < fg.channels(); k++) {
                    for (int p = 0; p < hw; p++) {
                        cam[p] += (float) (fc.getDouble(target, k) * torchFeatures[(i * fg.channels() + k) * hw + p]);
                    }
                }
                float camMax = 0;
                float gcMax = 0;
                for (int p = 0; p < hw; p++) {
                    cam[p] = Math.max(0, cam[p]);
                    camMax = Math.max(camMax, cam[p]);
                    gcMax = Math.max(gcMax, gradCam[p]);
                }
                if (camMax == 0) {
                    assertEquals(0f, gcMax, "no positive evidence for class " + target + " in either map");
                    continue;
                }
                double worst = 0;
                for (int p = 0; p < hw; p++) {
                    worst = Math.max(worst, Math.abs(cam[p] / camMax - gradCam[p] / gcMax));
                }
                assertTrue(worst <= 1e-4, "class " + target + " image " + i + ": " + worst);
                assertEquals(camMax / hw, gcMax, 1e-4 * camMax / hw, "Grad-CAM = CAM / positions before normalisation");
            }
        }
    }

    /**
     * Integrated gradients (128 steps, black baseline) sum to f(x) − f(baseline) within 1% on both exports (the
     * completeness axiom of Sundararajan et al.).
     */
    @ParameterizedTest
    @ValueSource(strings = {"resnet-style", "mobilenet-style"})
    void integratedGradientsAreComplete(String name) throws IOException {
        LoadedModel m = load(name);
        Differentiable d = (Differentiable) m.classifier();
        float[] input = floats("/onnx/" + name + "-ref/input.bin");
        int size = m.inputShape().size();
        for (int i = 0; i < 1; i++) { // one image: 128 backward passes of the whole graph
            float[] x = java.util.Arrays.copyOfRange(input, i * size, (i + 1) * size);
            float[] logits = d.logits(x, 1);
            float[] baseline = d.logits(new float[size], 1);
            int target = 0; // the class whose logit moves most between the baseline and the image: the sharpest check
            for (int c = 1; c < logits.length; c++) {
                target = Math.abs(logits[c] - baseline[c]) > Math.abs(logits[target] - baseline[target]) ? c : target;
            }
            float[] map = new io.shortcutlens.explain.IntegratedGradientsExplainer(new io.shortcutlens.explain.IntegratedGradientsExplainer.Params(128, 0f, 64))
                    .explain(io.shortcutlens.image.ImageTensor.ofInput(m.inputShape(), x), m.classifier().scores(x, 1), new int[] {target},
                            m.classifier(), 0).get(0).map().toPixels();
            double sum = 0;
            for (float v : map) {
                sum += v;
            }
            double expected = logits[target] - baseline[target];
            System.out.printf("%s integrated gradients image %d: sum %.5f, f(x) - f(0) %.5f%n", name, i, sum, expected);
            assertEquals(expected, sum, 0.01 * Math.abs(expected), "completeness within 1% at 128 steps");
        }
    }

    /**
     * A model holding an operator neither the backward pass nor the SameDiff translation covers (Erf, in a GELU) still
     * gives its scores, logits and layers; asking for gradients names the operator and the methods that still work.
     */
    @org.junit.jupiter.api.Test
    void anOperatorWithoutGradientsIsNamed() throws IOException {
        LoadedModel m = load("erf-gelu");
        float[] x = new float[m.inputShape().size()];
        assertEquals(3, m.classifier().scores(x, 1).length);
        assertEquals(3, ((Differentiable) m.classifier()).logits(x, 1).length);
        UnsupportedOperationException e = org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class,
                () -> ((Differentiable) m.classifier()).inputGradients(x, 1, new int[] {0}));
        assertTrue(e.getMessage().contains("[Erf]"), e.getMessage());
        // through a method, the refusal also says what to use instead
        UnsupportedOperationException advised = org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class,
                () -> new io.shortcutlens.explain.SaliencyExplainer().explain(io.shortcutlens.image.ImageTensor.ofInput(m.inputShape(), x),
                        new float[3], new int[] {0}, m.classifier(), 0));
        System.out.println("erf-gelu: " + advised.getMessage());
        assertTrue(advised.getMessage().contains("[Erf]"), advised.getMessage());
        assertTrue(advised.getMessage().contains("occlusion, lime or kernelshap"), advised.getMessage());
    }
}
