package io.shortcutlens.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shortcutlens.demo.DemoData;
import io.shortcutlens.image.DecodeLimits;
import io.shortcutlens.image.ImageDecoder;
import io.shortcutlens.image.Normalisation;
import io.shortcutlens.lake.LakeTables;
import io.shortcutlens.model.Differentiable;
import io.shortcutlens.model.LoadedModel;
import io.shortcutlens.model.ModelLoader;
import io.shortcutlens.model.ModelSpec;
import java.io.File;
import java.nio.file.Files;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The embedding job on real image files and a real trained model, its Parquet read back. */
class EmbedJobTest {

    @Test
    void embeddingsEqualTheLayerOutputAndABadFileIsOneErrorRow() throws Exception {
        SparkSession spark = TestSpark.session();
        File images = TestSpark.newDir("embed-images");
        List<File> files = DemoData.writeFolder(DemoData.split(6, DemoData.Stamping.BEARS, 61), images); // 18 photos
        Files.writeString(new File(images, "cow/broken.png").toPath(), "not a png");
        String model = TestSpark.model().getAbsolutePath();
        File out = TestSpark.newDir("embed-out");
        EmbedJob job = new EmbedJob();
        new CommandLine(job).parseArgs("--input", images.getAbsolutePath(), "--model", model, "--output", out.getAbsolutePath(),
                "--tsne-per-class", "5", "--tsne-iterations", "300", "--batch-size", "4");
        EmbedJob.Result r = job.run(spark);
        assertEquals(19, r.images());
        assertEquals(1, r.errors());
        assertEquals(64, r.dimension(), "the demo net's penultimate layer is a 64-unit dense layer");
        Row bad = spark.read().parquet(r.embeddingsPath()).where("error IS NOT NULL").first();
        assertTrue(bad.getString(bad.fieldIndex("path")).endsWith("broken.png"), bad.toString());
        assertTrue(bad.isNullAt(bad.fieldIndex("embedding")));

        // each row's embedding is the network's own layer output for that file, whatever the batch it went through
        LoadedModel loaded = ModelLoader.load(new File(model), new ModelSpec(model, null, null, null, ModelSpec.DEFAULT_MAX_MODEL_BYTES));
        Differentiable net = (Differentiable) loaded.classifier();
        ImageDecoder decoder = new ImageDecoder(DecodeLimits.defaults());
        Normalisation norm = loaded.trainedNormalisation() != null ? loaded.trainedNormalisation() : Normalisation.unitScale();
        for (File f : files.subList(0, 5)) {
            Row row = spark.read().parquet(r.embeddingsPath()).where(org.apache.spark.sql.functions.col("path").endsWith(f.getName())).first();
            assertNull(row.get(row.fieldIndex("error")));
            float[] expected = net.activations(decoder.decode(Files.readAllBytes(f.toPath()), loaded.inputShape(), norm).input(), 1,
                    Differentiable.PENULTIMATE).values();
            List<Float> got = row.getList(row.fieldIndex("embedding"));
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], got.get(i), 1e-4 * (1 + Math.abs(expected[i])), f + " value " + i);
            }
        }

        // t-SNE of the first 5 per class: 15 points, written with the classes and read back
        assertEquals(15, r.sampled());
        assertEquals(15, spark.read().parquet(r.tsnePath()).count());
        assertEquals(3, spark.read().parquet(r.tsnePath()).select("label").distinct().count());
        assertTrue(new File(out, "embed-manifest.json").isFile());
        assertTrue(r.knn2d() >= 0 && r.knn2d() <= 1, r.toString());
    }

    @Test
    void anUnknownLayerFailsBeforeAnyTaskNamingTheLayers() throws Exception {
        File images = TestSpark.newDir("embed-bad-layer");
        DemoData.writeFolder(DemoData.split(1, DemoData.Stamping.BEARS, 62), images);
        EmbedJob job = new EmbedJob();
        new CommandLine(job).parseArgs("--input", images.getAbsolutePath(), "--model", TestSpark.model().getAbsolutePath(), "--output",
                TestSpark.newDir("embed-bad-out").getAbsolutePath(), "--layer", "fc9");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> job.run(TestSpark.session()));
        assertTrue(e.getMessage().contains("fc9") && e.getMessage().contains("layers:"), e.getMessage());
    }

    @Test
    void theAutoLayerGivesFeatureMaps() throws Exception {
        File images = TestSpark.newDir("embed-auto");
        DemoData.writeFolder(DemoData.split(1, DemoData.Stamping.BEARS, 63), images);
        EmbedJob job = new EmbedJob();
        new CommandLine(job).parseArgs("--input", images.getAbsolutePath(), "--model", TestSpark.model().getAbsolutePath(), "--output",
                TestSpark.newDir("embed-auto-out").getAbsolutePath(), "--layer", "auto", "--tsne-per-class", "0");
        EmbedJob.Result r = job.run(TestSpark.session());
        assertEquals(32 * 16 * 16, r.dimension(), "the Grad-CAM layer: 32 channels of 16x16");
        assertNull(r.tsnePath());
    }

    /**
     * An ONNX model (the demo's net2 exported from PyTorch) embeds too: its penultimate layer is the input of its last
     * Gemm, so each stored embedding times that Gemm's weights, plus its bias, gives the scores the job stored.
     */
    @Test
    void anOnnxModelsEmbeddingIsTheInputOfItsLastGemm() throws Exception {
        SparkSession spark = TestSpark.session();
        File images = TestSpark.newDir("embed-onnx");
        DemoData.writeFolder(DemoData.split(2, DemoData.Stamping.BEARS, 64), images);
        File exported = new File(EmbedJobTest.class.getResource("/onnx/demo-net2.onnx").toURI());
        EmbedJob job = new EmbedJob();
        new CommandLine(job).parseArgs("--input", images.getAbsolutePath(), "--model", exported.getAbsolutePath(), "--output",
                TestSpark.newDir("embed-onnx-out").getAbsolutePath(), "--tsne-per-class", "0");
        EmbedJob.Result r = job.run(spark);
        assertEquals(6, r.images());
        assertEquals(0, r.errors());
        assertEquals(64, r.dimension(), "the input of net2's last Gemm: its 64-unit hidden layer");
        onnx.Onnx.GraphProto graph = onnx.Onnx.ModelProto.parseFrom(Files.readAllBytes(exported.toPath())).getGraph();
        float[] w = initializer(graph, "classifier.2.weight"); // [3, 64]
        float[] b = initializer(graph, "classifier.2.bias");
        LoadedModel loaded = ModelLoader.load(exported, new ModelSpec(exported.getPath(), null, null, null, ModelSpec.DEFAULT_MAX_MODEL_BYTES));
        ImageDecoder decoder = new ImageDecoder(DecodeLimits.defaults());
        for (Row row : LakeTables.read(spark, r.embeddingsPath()).collectAsList()) {
            List<Float> e = row.getList(row.fieldIndex("embedding"));
            byte[] bytes = Files.readAllBytes(new File(java.net.URI.create(row.getString(row.fieldIndex("path")))).toPath());
            float[] scores = loaded.classifier().scores(decoder.decode(bytes, loaded.inputShape(), Normalisation.unitScale()).input(), 1);
            for (int c = 0; c < 3; c++) {
                double logit = b[c];
                for (int k = 0; k < 64; k++) {
                    logit += w[c * 64 + k] * e.get(k);
                }
                assertEquals(scores[c], logit, 1e-4, row.getString(row.fieldIndex("path")) + " class " + c);
            }
        }
    }

    private static float[] initializer(onnx.Onnx.GraphProto graph, String name) {
        onnx.Onnx.TensorProto t = graph.getInitializerList().stream().filter(i -> i.getName().equals(name)).findFirst().orElseThrow();
        if (t.getFloatDataCount() > 0) {
            float[] out = new float[t.getFloatDataCount()];
            for (int i = 0; i < out.length; i++) {
                out[i] = t.getFloatData(i);
            }
            return out;
        }
        java.nio.FloatBuffer f = java.nio.ByteBuffer.wrap(t.getRawData().toByteArray()).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] out = new float[f.remaining()];
        f.get(out);
        return out;
    }
}
