package io.shortcutlens.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shortcutlens.explain.Explanation;
import io.shortcutlens.explain.KernelShapExplainer;
import io.shortcutlens.explain.KernelShapParams;
import io.shortcutlens.explain.OcclusionExplainer;
import io.shortcutlens.explain.OcclusionParams;
import io.shortcutlens.explain.SuperpixelSegmenter;
import io.shortcutlens.image.DecodeLimits;
import io.shortcutlens.image.ImageDecoder;
import io.shortcutlens.image.ImageTensor;
import io.shortcutlens.image.InputShape;
import io.shortcutlens.image.Normalisation;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX models exported from PyTorch by scripts/make_onnx_models.py, run by ONNX Runtime: outputs against the logits
 * torch computed, layout and metadata read from the model, and the perturbation methods against closed forms.
 */
class OnnxClassifierTest {

    static final List<String> FASHION = List.of("t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle-boot");
    private static final InputShape SHAPE = new InputShape(1, 28, 28);

    @TempDir
    Path tmp;

    /** A committed resource copied to a file, as a user's model would be. */
    private File resource(String name) throws IOException {
        File f = tmp.resolve(name.substring(name.lastIndexOf('/') + 1)).toFile();
        try (InputStream in = getClass().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("test resource " + name + " is missing: run scripts/make_onnx_models.py");
            }
            Files.copy(in, f.toPath());
        }
        return f;
    }

    private LoadedModel load(String resource, OnnxOptions options) throws IOException {
        File f = resource(resource);
        return ModelLoader.load(f, new ModelSpec(f.getPath(), null, null, null, ModelSpec.DEFAULT_MAX_MODEL_BYTES, options));
    }

    record Reference(String file, ImageTensor image, float[] logits) { }

    /** The 20 Fashion-MNIST test images the script saved, decoded the way the explain job decodes them, with torch's logits. */
    static List<Reference> references() throws IOException {
        List<Reference> out = new ArrayList<>();
        ImageDecoder decoder = new ImageDecoder(DecodeLimits.defaults());
        try (InputStream in = OnnxClassifierTest.class.getResourceAsStream("/onnx/fashion-ref/torch-logits.csv")) {
            List<String> lines = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().skip(1).toList();
            for (String line : lines) {
                String[] f = line.split(",");
                float[] logits = new float[f.length - 1];
                for (int i = 1; i < f.length; i++) {
                    logits[i - 1] = Float.parseFloat(f[i]);
                }
                byte[] png;
                try (InputStream img = OnnxClassifierTest.class.getResourceAsStream("/onnx/fashion-ref/" + f[0])) {
                    png = img.readAllBytes();
                }
                try {
                    out.add(new Reference(f[0], decoder.decode(png, SHAPE, Normalisation.unitScale()), logits));
                } catch (io.shortcutlens.image.ImageDecodeException e) {
                    throw new IOException(e);
                }
            }
        }
        return out;
    }

    @Test
    void onnxRuntimeGivesTorchsLogitsOnTheCommittedImages() throws IOException {
        List<Reference> refs = references();
        assertEquals(20, refs.size());
        for (String model : List.of("/io/shortcutlens/onnx/fashion-cnn.onnx", "/onnx/fashion-cnn-nhwc.onnx")) {
            LoadedModel m = load(model, OnnxOptions.defaults());
            assertEquals(SHAPE.size(), m.inputShape().size());
            assertEquals(FASHION, m.classNames(), "class names from the model's metadata");
            assertEquals(model.contains("nhwc") ? "NHWC" : "NCHW", ((OnnxClassifier) m.classifier()).layout(), "layout read from the input shape");
            float[] batch = new float[refs.size() * SHAPE.size()];
            double worst = 0;
            for (int i = 0; i < refs.size(); i++) {
                Reference r = refs.get(i);
                System.arraycopy(r.image().input(), 0, batch, i * SHAPE.size(), SHAPE.size());
                float[] one = m.classifier().scores(r.image().input(), 1);
                for (int c = 0; c < 10; c++) {
                    assertEquals(r.logits()[c], one[c], 1e-5, model + " " + r.file() + " class " + c);
                    worst = Math.max(worst, Math.abs(r.logits()[c] - one[c]));
                }
            }
            float[] all = m.classifier().scores(batch, refs.size());
            for (int i = 0; i < refs.size(); i++) {
                for (int c = 0; c < 10; c++) {
                    assertEquals(refs.get(i).logits()[c], all[i * 10 + c], 1e-5, model + " batched " + refs.get(i).file());
                }
            }
            System.out.printf("%s: largest |ONNX Runtime - torch| over 20 images x 10 logits = %.3g%n", model, worst);
        }
    }

    @Test
    void softmaxOptionTurnsLogitsIntoProbabilities() throws IOException {
        Reference r = references().get(3);
        float[] p = load("/io/shortcutlens/onnx/fashion-cnn.onnx", new OnnxOptions(OnnxOptions.InputLayout.AUTO, true, 1)).classifier().scores(r.image().input(), 1);
        double max = Double.NEGATIVE_INFINITY;
        for (float v : r.logits()) {
            max = Math.max(max, v);
        }
        double z = 0;
        for (float v : r.logits()) {
            z += Math.exp(v - max);
        }
        double sum = 0;
        for (int c = 0; c < 10; c++) {
            assertEquals(Math.exp(r.logits()[c] - max) / z, p[c], 1e-6);
            sum += p[c];
        }
        assertEquals(1.0, sum, 1e-5);
    }

    /** The linear model's weight the script wrote: W[p][c] = ((7p + 13c) mod 17 − 8) / 16, b[c] = c / 4. */
    private static double weight(int p, int c) {
        return ((p * 7 + c * 13) % 17 - 8) / 16.0;
    }

    @Test
    void occlusionOfTheLinearGemmModelEqualsTheClosedForm() throws IOException {
        LoadedModel m = load("/onnx/fashion-linear.onnx", OnnxOptions.defaults());
        ImageTensor img = references().get(5).image();
        float[] x = img.input();
        float[] base = m.classifier().scores(x, 1);
        for (int c = 0; c < 10; c++) { // the model itself is the formula
            double s = c / 4.0;
            for (int p = 0; p < x.length; p++) {
                s += weight(p, c) * x[p];
            }
            assertEquals(s, base[c], 1e-4);
        }
        int mask = 6;
        int stride = 4;
        float fill = 0.5f;
        List<Explanation> maps = new OcclusionExplainer(new OcclusionParams(mask, stride, fill, 64)).explain(img, base, new int[] {0, 3, 9}, m.classifier(), 0);
        double worst = 0;
        for (Explanation e : maps) {
            double[] sum = new double[x.length];
            int[] count = new int[x.length];
            for (int oy : io.shortcutlens.maps.AttributionMap.origins(28, mask, stride)) {
                for (int ox : io.shortcutlens.maps.AttributionMap.origins(28, mask, stride)) {
                    double delta = 0; // hiding the window changes the score by Σ W[p][c]·(x_p − fill)
                    for (int y = oy; y < Math.min(28, oy + mask); y++) {
                        for (int xx = ox; xx < Math.min(28, ox + mask); xx++) {
                            delta += weight(y * 28 + xx, e.target()) * (x[y * 28 + xx] - fill);
                        }
                    }
                    for (int y = oy; y < Math.min(28, oy + mask); y++) {
                        for (int xx = ox; xx < Math.min(28, ox + mask); xx++) {
                            sum[y * 28 + xx] += delta;
                            count[y * 28 + xx]++;
                        }
                    }
                }
            }
            float[] actual = e.map().toPixels();
            for (int p = 0; p < x.length; p++) {
                double expected = count[p] == 0 ? 0 : sum[p] / count[p];
                assertEquals(expected, actual[p], 1e-5, "class " + e.target() + " pixel " + p);
                worst = Math.max(worst, Math.abs(expected - actual[p]));
            }
        }
        System.out.printf("linear Gemm ONNX model: largest |occlusion - closed form| = %.3g%n", worst);
    }

    @Test
    void batchedOcclusionOnTheCnnEqualsOnePerturbationAtATime() throws IOException {
        LoadedModel m = load("/io/shortcutlens/onnx/fashion-cnn.onnx", OnnxOptions.defaults());
        for (Reference r : references().subList(0, 4)) {
            float[] base = m.classifier().scores(r.image().input(), 1);
            int[] targets = {0, 4, 8};
            // mask 4, stride 2 on 28x28: 13 x 13 = 169 windows, all in one pass or one per pass
            List<Explanation> batched = new OcclusionExplainer(new OcclusionParams(4, 2, 0f, 169)).explain(r.image(), base, targets, m.classifier(), 0);
            List<Explanation> single = new OcclusionExplainer(new OcclusionParams(4, 2, 0f, 1)).explain(r.image(), base, targets, m.classifier(), 0);
            assertEquals(169, batched.get(0).forwardPasses());
            for (int t = 0; t < targets.length; t++) {
                assertArrayEquals(single.get(t).map().values(), batched.get(t).map().values(), 0f, r.file() + " class " + targets[t]);
            }
            assertNotEquals(0f, batched.get(0).map().values()[0] + batched.get(0).map().values()[84], "a map that can be compared");
        }
    }

    @Test
    void kernelShapOnOnnxSumsToTheScoreGap() throws IOException {
        LoadedModel m = load("/io/shortcutlens/onnx/fashion-cnn.onnx", OnnxOptions.defaults());
        Reference r = references().get(7);
        float[] base = m.classifier().scores(r.image().input(), 1);
        KernelShapParams p = new KernelShapParams(SuperpixelSegmenter.Kind.GRID, 16, 200, 0f, 64);
        Explanation e = new KernelShapExplainer(p).explain(r.image(), base, new int[] {2}, m.classifier(), 42).get(0);
        float[] off = m.classifier().scores(new float[SHAPE.size()], 1);
        float[] values = e.map().values();
        double sum = 0;
        for (float v : values) {
            sum += v;
        }
        assertEquals(base[2] - off[2], sum, 1e-4);
        assertEquals(off[2], e.intercept(), 1e-4);
    }

    @Test
    void taskThreadsShareOneSession() throws Exception {
        LoadedModel m = load("/io/shortcutlens/onnx/fashion-cnn.onnx", OnnxOptions.defaults().withThreads(2));
        List<Reference> refs = references();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> futures = new ArrayList<>();
            for (int k = 0; k < 40; k++) {
                Reference r = refs.get(k % refs.size());
                futures.add(pool.submit(() -> m.classifier().scores(r.image().input(), 1)));
            }
            for (int k = 0; k < 40; k++) {
                assertArrayEquals(refs.get(k % refs.size()).logits(), futures.get(k).get(), 1e-5f);
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void badOnnxInputFailsNamingTheFileAndShapes() throws IOException {
        File junk = tmp.resolve("broken.onnx").toFile();
        Files.writeString(junk.toPath(), "not a model");
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> ModelLoader.load(junk, new ModelSpec(junk.getPath(), null, null, null, ModelSpec.DEFAULT_MAX_MODEL_BYTES)));
        assertTrue(e.getMessage().contains(junk.getPath()) && e.getMessage().contains("ONNX"), e.getMessage());

        File cnn = resource("/io/shortcutlens/onnx/fashion-cnn.onnx");
        ModelLoadException shape = assertThrows(ModelLoadException.class, () -> ModelLoader.load(cnn,
                new ModelSpec(cnn.getPath(), null, new InputShape(3, 32, 32), null, ModelSpec.DEFAULT_MAX_MODEL_BYTES)));
        assertTrue(shape.getMessage().contains(cnn.getPath()) && shape.getMessage().contains("[-1, 1, 28, 28]")
                && shape.getMessage().contains("3,32,32"), shape.getMessage());

        ModelLoadException names = assertThrows(ModelLoadException.class, () -> ModelLoader.load(cnn,
                new ModelSpec(cnn.getPath(), null, null, List.of("a", "b"), ModelSpec.DEFAULT_MAX_MODEL_BYTES)));
        assertTrue(names.getMessage().contains("10 outputs"), names.getMessage());

        // gradients: a graph with an operator whose gradient ShortcutLens cannot build (Erf) is refused for the methods
        // that differentiate through it, naming the operator and the methods that work; the explainers refuse it too
        File erf = resource("/onnx/erf-gelu.onnx");
        LoadedModel erfModel = ModelLoader.load(erf, new ModelSpec(erf.getPath(), null, null, null, ModelSpec.DEFAULT_MAX_MODEL_BYTES));
        io.shortcutlens.image.ImageTensor blank = io.shortcutlens.image.ImageTensor.ofInput(erfModel.inputShape(), new float[erfModel.inputShape().size()]);
        UnsupportedOperationException grad = assertThrows(UnsupportedOperationException.class, () -> new io.shortcutlens.explain.SaliencyExplainer()
                .explain(blank, new float[3], new int[] {0}, erfModel.classifier(), 0));
        assertTrue(grad.getMessage().contains("[Erf]") && grad.getMessage().contains("kernelshap"), grad.getMessage());

        // the jobs and the Spark ML stage refuse before any task, naming what was asked and what to use instead
        io.shortcutlens.pipeline.ExplainSettings erfSaliency = settings(erf, io.shortcutlens.explain.MethodRun.of(io.shortcutlens.explain.SaliencyExplainer.METHOD,
                new io.shortcutlens.explain.NoParams()));
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> erfSaliency.check(erfModel));
        assertTrue(refused.getMessage().contains("[Erf]") && refused.getMessage().contains(erf.getPath())
                && refused.getMessage().contains("occlusion, lime or kernelshap"), refused.getMessage());
        // Grad-CAM differentiates only the layers after its map (the GELU's output: average pooling and a Gemm), which
        // have backward rules: accepted, and it explains
        gradCamSettings(erf).check(erfModel);
        float[] cam = new io.shortcutlens.explain.GradCamExplainer(new io.shortcutlens.explain.GradCamParams(null)).explain(blank, new float[3],
                new int[] {0}, erfModel.classifier(), 0).get(0).map().values();
        assertEquals(erfModel.inputShape().pixels(), cam.length);
        // ... and accept the CNN, whose operators all translate
        LoadedModel onnx = ModelLoader.load(cnn, new ModelSpec(cnn.getPath(), null, null, null, ModelSpec.DEFAULT_MAX_MODEL_BYTES));
        gradCamSettings(cnn).check(onnx);

        // activations read a tensor of the graph: accepted before any task, and a layer the graph lacks is named
        for (String layer : new String[] {null, "no-such-layer"}) {
            io.shortcutlens.pipeline.ExplainSettings acts = new io.shortcutlens.pipeline.ExplainSettings(new ModelSpec(cnn.getPath(), null, null,
                    null, ModelSpec.DEFAULT_MAX_MODEL_BYTES), null, DecodeLimits.defaults(), io.shortcutlens.pipeline.TargetSelection.predicted(),
                    List.of(io.shortcutlens.explain.MethodRun.of(io.shortcutlens.explain.ActivationExplainer.METHOD,
                            new io.shortcutlens.explain.ActivationParams(layer))), 3, 0L, "t", io.shortcutlens.maps.MapStatistics.DEFAULT_GRID);
            if (layer == null) {
                acts.check(onnx);
            } else {
                IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> acts.check(onnx));
                assertTrue(missing.getMessage().contains("no-such-layer") && missing.getMessage().contains(cnn.getPath()), missing.getMessage());
            }
        }
    }

    private static io.shortcutlens.pipeline.ExplainSettings gradCamSettings(File model) {
        return settings(model, io.shortcutlens.explain.MethodRun.of(io.shortcutlens.explain.GradCamExplainer.METHOD,
                new io.shortcutlens.explain.GradCamParams(null)));
    }

    private static io.shortcutlens.pipeline.ExplainSettings settings(File model, io.shortcutlens.explain.MethodRun run) {
        return new io.shortcutlens.pipeline.ExplainSettings(new ModelSpec(model.getPath(), null, null, null, ModelSpec.DEFAULT_MAX_MODEL_BYTES), null,
                DecodeLimits.defaults(), io.shortcutlens.pipeline.TargetSelection.predicted(),
                List.of(run), 3, 0L, "t", io.shortcutlens.maps.MapStatistics.DEFAULT_GRID);
    }
}
