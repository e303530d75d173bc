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

    private static double max(float[] v) {
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
}
