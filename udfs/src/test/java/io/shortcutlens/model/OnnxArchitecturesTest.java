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
 * torch's logits on the committed inputs.
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

    @ParameterizedTest
    @ValueSource(strings = {"resnet-style", "mobilenet-style"})
    void onnxRuntimeScoresEqualTorchsLogits(String name) throws IOException {
        File f = tmp.resolve(name + ".onnx").toFile();
        try (InputStream in = getClass().getResourceAsStream("/onnx/" + name + ".onnx")) {
            Files.copy(in, f.toPath());
        }
        LoadedModel m = ModelLoader.load(f, new ModelSpec(f.getPath(), null, null, null, ModelSpec.DEFAULT_MAX_MODEL_BYTES, OnnxOptions.defaults()));
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
