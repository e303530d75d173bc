package io.shortcutlens.jobs;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shortcutlens.demo.DemoData;
import io.shortcutlens.demo.TrailCameraScenes;
import io.shortcutlens.lake.RunManifest;
import io.shortcutlens.maps.AttributionMap;
import io.shortcutlens.model.ModelLoadException;
import io.shortcutlens.model.ModelRegistry;
import io.shortcutlens.spark.ExplanationRows;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ExplainJobTest {

    private static SparkSession spark;
    private static String model;

    @BeforeAll
    static void setUp() throws Exception {
        spark = TestSpark.session();
        model = TestSpark.model().getAbsolutePath();
    }

    private static BufferedImage scene(long seed) {
        int[] px = TrailCameraScenes.scene("cow", false, seed);
        BufferedImage img = new BufferedImage(TrailCameraScenes.SIZE, TrailCameraScenes.SIZE, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, TrailCameraScenes.SIZE, TrailCameraScenes.SIZE, px, 0, TrailCameraScenes.SIZE);
        return img;
    }

    private static byte[] encode(BufferedImage img, String format) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, format, out), "no writer for " + format);
        return out.toByteArray();
    }

    private static BufferedImage scaled(BufferedImage src, int w, int h, int type) {
        BufferedImage img = new BufferedImage(w, h, type);
        img.getGraphics().drawImage(src, 0, 0, w, h, null);
        return img;
    }

    @Test
    void mixedFolderGivesExactlyOneRowPerFilePerMethodWithClearErrors() throws Exception {
        File dir = TestSpark.newDir("mixed");
        File cls = new File(dir, "cow");
        cls.mkdirs();
        BufferedImage base = scene(5);
        byte[] jpeg = encode(base, "jpg");
        Map<String, String> expectedError = new TreeMap<>();
        Files.write(new File(cls, "good.png").toPath(), encode(base, "png"));
        expectedError.put("good.png", null);
        Files.write(new File(cls, "good.jpg").toPath(), jpeg);
        expectedError.put("good.jpg", null);
        Files.write(new File(cls, "good.bmp").toPath(), encode(base, "bmp"));
        expectedError.put("good.bmp", null);
        Files.write(new File(cls, "good.gif").toPath(), encode(base, "gif"));
        expectedError.put("good.gif", null);
        Files.write(new File(cls, "truncated.jpg").toPath(), Arrays.copyOf(jpeg, jpeg.length / 2));
        expectedError.put("truncated.jpg", "truncated");
        Files.write(new File(cls, "zero.png").toPath(), new byte[0]);
        expectedError.put("zero.png", "empty file");
        Files.write(new File(cls, "notes.jpg").toPath(), "these are field notes, not a photo\n".getBytes(StandardCharsets.UTF_8));
        expectedError.put("notes.jpg", "not a recognised image format");
        Files.write(new File(cls, "one-pixel.png").toPath(), encode(scaled(base, 1, 1, BufferedImage.TYPE_INT_RGB), "png"));
        expectedError.put("one-pixel.png", null);
        Files.write(new File(cls, "gray.png").toPath(), encode(scaled(base, 40, 30, BufferedImage.TYPE_BYTE_GRAY), "png"));
        expectedError.put("gray.png", null);
        Files.write(new File(cls, "gray16.png").toPath(), encode(scaled(base, 20, 20, BufferedImage.TYPE_USHORT_GRAY), "png"));
        expectedError.put("gray16.png", null);
        Files.write(new File(cls, "rgba.png").toPath(), encode(scaled(base, 32, 32, BufferedImage.TYPE_INT_ARGB), "png"));
        expectedError.put("rgba.png", null);
        Files.write(new File(cls, "palette.png").toPath(), encode(scaled(base, 32, 32, BufferedImage.TYPE_BYTE_INDEXED), "png"));
        expectedError.put("palette.png", null);

        File out = TestSpark.newDir("mixed-out");
        ExplainJob.Result result = TestSpark.explainJob("--input", dir.getAbsolutePath(), "--model", model, "--output", out.getAbsolutePath(),
                "--lime-samples", "40", "--occlusion-mask-size", "8", "--occlusion-stride", "8").run(spark);

        Dataset<Row> rows = spark.read().parquet(result.explanationsPath());
        assertEquals(expectedError.size(), result.images());
        assertEquals(expectedError.size() * 2L, rows.count(), "one row per file per method");
        assertEquals(expectedError.size() * 2L, result.rows());
        for (Row r : rows.select("path", "method", "error", "map", "label", "predicted_class").collectAsList()) {
            String name = new File(r.getString(0)).getName();
            assertTrue(expectedError.containsKey(name), "unexpected file " + name);
            String want = expectedError.get(name);
            String error = r.getString(2);
            assertEquals("cow", r.getString(4));
            if (want == null) {
                assertNull(error, name + " " + r.getString(1) + ": " + error);
                assertNotNull(r.get(3), name + " has a map");
                assertNotNull(r.getString(5));
            } else {
                assertNotNull(error, name + " must carry an error");
                assertTrue(error.contains(want), name + ": expected '" + want + "' in '" + error + "'");
                assertNull(r.get(3));
            }
        }
        long errorFiles = expectedError.values().stream().filter(v -> v != null).count();
        assertEquals(errorFiles * 2, result.errors());
        Map<String, Object> manifest = RunManifest.read(spark, result.manifestPath());
        assertEquals(expectedError.size(), ((Number) manifest.get("input_images")).intValue());
        assertEquals(errorFiles * 2, ((Number) manifest.get("error_rows")).intValue());
        assertEquals(result.runId(), manifest.get("run_id"));
        assertTrue(((Map<?, ?>) manifest.get("model")).get("model_id").toString().length() == 64);
        Map<?, ?> params = (Map<?, ?>) manifest.get("parameters");
        assertEquals(8, ((Map<?, ?>) params.get("occlusion")).get("mask_size"));
        assertEquals(40, ((Map<?, ?>) params.get("lime")).get("num_samples"));
    }

    private static Map<String, float[]> limeMaps(String explanations) {
        Map<String, float[]> maps = new HashMap<>();
        for (Row r : spark.read().parquet(explanations).where(col("method").equalTo("lime")).select("path", "map").collectAsList()) {
            AttributionMap m = ExplanationRows.fromRow(r.getStruct(1));
            maps.put(r.getString(0), m.toPixels());
        }
        return maps;
    }

    @Test
    void limeMapsDoNotDependOnPartitioning() throws Exception {
        File dir = TestSpark.newDir("determinism");
        DemoData.writeFolder(DemoData.split(4, DemoData.Stamping.BEARS, 21), dir);
        List<Map<String, float[]>> runs = new ArrayList<>();
        for (int partitions : new int[] {1, 4}) {
            File out = TestSpark.newDir("determinism-out-" + partitions);
            ExplainJob.Result r = TestSpark.explainJob("--input", dir.getAbsolutePath(), "--model", model, "--output", out.getAbsolutePath(),
                    "--methods", "lime", "--lime-samples", "60", "--lime-ridge", "2", "--partitions", String.valueOf(partitions), "--seed", "9")
                    .run(spark);
            assertEquals(12, r.rows());
            runs.add(limeMaps(r.explanationsPath()));
        }
        assertEquals(runs.get(0).keySet(), runs.get(1).keySet());
        for (String path : runs.get(0).keySet()) {
            assertArrayEquals(runs.get(0).get(path), runs.get(1).get(path), path);
        }
    }

    @Test
    void tableInputUsesItsColumnsAndTheModelIsLoadedOncePerJvm() throws Exception {
        List<Row> data = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            data.add(RowFactory.create("img-" + i, i % 2 == 0 ? "cow" : "sheep", encode(scene(100 + i), "png")));
        }
        StructType schema = DataTypes.createStructType(List.of(DataTypes.createStructField("id", DataTypes.StringType, false),
                DataTypes.createStructField("species", DataTypes.StringType, true),
                DataTypes.createStructField("image", DataTypes.BinaryType, true)));
        File table = new File(TestSpark.newDir("table"), "images.parquet");
        spark.createDataFrame(data, schema).write().mode("overwrite").parquet(table.getAbsolutePath());
        File out = TestSpark.newDir("table-out");
        int loadsBefore = ModelRegistry.loadCount();
        ExplainJob.Result r = TestSpark.explainJob("--input", table.getAbsolutePath(), "--input-format", "parquet", "--image-col", "image",
                "--id-col", "id", "--label-col", "species", "--model", model, "--output", out.getAbsolutePath(),
                "--methods", "occlusion", "--target", "all", "--partitions", "3", "--run-id", "table-run").run(spark);
        assertTrue(ModelRegistry.loadCount() - loadsBefore <= 1, "model read once per JVM, not per task");
        Dataset<Row> rows = spark.read().parquet(r.explanationsPath());
        assertEquals(6 * 3, rows.count(), "target all: one row per class");
        assertEquals(6, rows.select("image_id").distinct().where(col("image_id").startsWith("img-")).count());
        assertEquals(3, rows.where(col("image_id").equalTo("img-1")).select("target_class").distinct().count());
        assertEquals("sheep", rows.where(col("image_id").equalTo("img-1")).first().getAs("label"));
        assertEquals("table-run", rows.first().getAs("run_id"));
    }

    @Test
    void appendNewRerunsAreIdempotentAndIncremental() throws Exception {
        File lake = TestSpark.newDir("incremental");
        DemoData.writeFolder(DemoData.split(4, DemoData.Stamping.BEARS, 51), lake); // 12 images
        File out = TestSpark.newDir("incremental-out");
        String[] args = {"--input", lake.getAbsolutePath(), "--model", model, "--output", out.getAbsolutePath(), "--methods", "occlusion,lime",
            "--occlusion-mask-size", "16", "--occlusion-stride", "16", "--lime-samples", "20", "--mode", "append-new"};
        ExplainJob.Result first = TestSpark.explainJob(args).run(spark);
        assertEquals(24, first.newRows());
        // the same input, model and parameters again: nothing new, no duplicate
        ExplainJob.Result again = TestSpark.explainJob(args).run(spark);
        assertEquals(first.runId(), again.runId());
        assertEquals(0, again.newRows());
        assertEquals(24, again.rows());
        // ten new images (new content; the folder layout names them apart): exactly ten new rows per method
        File extra = new File(lake, "extra");
        DemoData.writeFolder(DemoData.split(4, DemoData.Stamping.BEARS, 52).subList(0, 10), extra);
        ExplainJob.Result more = TestSpark.explainJob(args).run(spark);
        assertEquals(20, more.newRows());
        Dataset<Row> run = spark.read().parquet(more.explanationsPath()).where(col("run_id").equalTo(more.runId()));
        assertEquals(22, run.where(col("method").equalTo("occlusion")).count());
        assertEquals(22, run.where(col("method").equalTo("lime")).count());
        assertEquals(44, run.select("image_id", "method").distinct().count(), "no (image, method) twice");
        // a changed parameter is a new run: everything explained again under its id, the old run left as it was
        String[] changed = args.clone();
        changed[9] = "8";
        ExplainJob.Result other = TestSpark.explainJob(changed).run(spark);
        assertTrue(!other.runId().equals(first.runId()), other.runId());
        assertEquals(44, other.newRows());
        assertEquals(88, spark.read().parquet(other.explanationsPath()).count());
        // overwrite recomputes this run's partitions only
        String[] overwrite = changed.clone();
        overwrite[overwrite.length - 1] = "overwrite";
        ExplainJob.Result replaced = TestSpark.explainJob(overwrite).run(spark);
        assertEquals(44, replaced.rows());
        assertEquals(88, spark.read().parquet(replaced.explanationsPath()).count());
        // the scheduled next step after an overwrite (which leaves no _SUCCESS at the root): append-new adds nothing
        ExplainJob.Result afterOverwrite = TestSpark.explainJob(changed).run(spark);
        assertEquals(0, afterOverwrite.newRows());
        assertEquals(44, afterOverwrite.rows());
        assertEquals(88, spark.read().parquet(afterOverwrite.explanationsPath()).count(), "no row written twice");
        // the same on an output that only an overwrite ever wrote: no earlier append left a marker behind
        String[] fresh = overwrite.clone();
        fresh[5] = TestSpark.newDir("incremental-fresh-out").getAbsolutePath();
        assertEquals(44, TestSpark.explainJob(fresh).run(spark).newRows());
        fresh[fresh.length - 1] = "append-new";
        ExplainJob.Result scheduled = TestSpark.explainJob(fresh).run(spark);
        assertEquals(0, scheduled.newRows());
        assertEquals(44, spark.read().parquet(scheduled.explanationsPath()).count(), "no row written twice");
    }

    @Test
    void whereSelectsDatePartitionsOfAFolderTree() throws Exception {
        File lake = TestSpark.newDir("lake");
        DemoData.writeFolder(DemoData.split(1, DemoData.Stamping.BEARS, 41), new File(lake, "dt=2026-11-25"));
        DemoData.writeFolder(DemoData.split(2, DemoData.Stamping.BEARS, 42), new File(lake, "dt=2026-11-26"));
        File out = TestSpark.newDir("lake-out");
        ExplainJob.Result r = TestSpark.explainJob("--input", lake.getAbsolutePath(), "--where", "dt = '2026-11-26' AND label != 'sheep'",
                "--model", model, "--output", out.getAbsolutePath(), "--methods", "occlusion", "--occlusion-mask-size", "16",
                "--occlusion-stride", "16").run(spark);
        List<Row> rows = spark.read().parquet(r.explanationsPath()).select("path", "label").collectAsList();
        assertEquals(4, rows.size(), rows.toString()); // 2 bears and 2 cows of the 26th
        for (Row row : rows) {
            assertTrue(row.getString(0).contains("/dt=2026-11-26/"), row.toString());
            assertTrue(List.of("bear", "cow").contains(row.getString(1)), row.toString());
        }
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> TestSpark.explainJob(
                "--input", lake.getAbsolutePath(), "--where", "day = '2026-11-26'", "--model", model, "--output", out.getAbsolutePath(),
                "--methods", "occlusion").run(spark));
        assertTrue(e.getMessage().contains("[path, label, dt]"), e.getMessage());
    }

    @Test
    void sqlFunctionsMatchTheJob() throws Exception {
        File dir = TestSpark.newDir("sql");
        DemoData.writeFolder(DemoData.split(1, DemoData.Stamping.BEARS, 33), dir);
        File out = TestSpark.newDir("sql-out");
        ExplainJob.Result r = TestSpark.explainJob("--input", dir.getAbsolutePath(), "--model", model, "--output", out.getAbsolutePath(),
                "--methods", "occlusion", "--occlusion-mask-size", "8", "--occlusion-stride", "4").run(spark);
        Map<String, float[]> fromJob = new HashMap<>();
        for (Row row : spark.read().parquet(r.explanationsPath()).select("path", "map").collectAsList()) {
            fromJob.put(row.getString(0), ExplanationRows.fromRow(row.getStruct(1)).toPixels());
        }
        io.shortcutlens.spark.ShortcutLensFunctions.register(spark,
                io.shortcutlens.pipeline.ExplainSettings.defaults(new io.shortcutlens.model.ModelSpec(model, null, null, null,
                        io.shortcutlens.model.ModelSpec.DEFAULT_MAX_MODEL_BYTES)));
        spark.read().format("binaryFile").option("recursiveFileLookup", "true").load(dir.getAbsolutePath()).createOrReplaceTempView("photos");
        List<Row> viaSql = spark.sql("SELECT path, attribution_pixels(occlusion_map_sized(content, 8, 4).map) AS pixels, "
                + "occlusion_map(content).error AS err, lime_map_sampled(content, 30).fit_r2 AS r2 FROM photos").collectAsList();
        assertEquals(3, viaSql.size());
        for (Row row : viaSql) {
            List<Float> px = row.getList(1);
            float[] expected = fromJob.get(row.getString(0));
            assertEquals(expected.length, px.size());
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], px.get(i), 0f);
            }
            assertNull(row.get(2));
            assertFalse(row.isNullAt(3));
        }
    }

    @Test
    void gradientMethodsWriteOnePixelMapPerImage() throws Exception {
        File dir = TestSpark.newDir("gradients");
        io.shortcutlens.demo.DemoData.writeFolder(io.shortcutlens.demo.DemoData.split(2, io.shortcutlens.demo.DemoData.Stamping.BEARS, 71), dir);
        File out = TestSpark.newDir("gradients-out");
        ExplainJob.Result r = TestSpark.explainJob("--input", dir.getAbsolutePath(), "--model", model, "--output", out.getAbsolutePath(),
                "--methods", "gradcam,saliency,input-x-gradient,integrated-gradients,smoothgrad,activations", "--ig-steps", "16",
                "--smoothgrad-samples", "8").run(spark);
        Dataset<Row> rows = spark.read().parquet(r.explanationsPath());
        rows.where("error IS NOT NULL").select("path", "method", "error").show(false);
        assertEquals(0, rows.where("error IS NOT NULL").count());
        assertEquals(36, rows.count(), "6 images x 6 methods");
        for (Row row : rows.select("method", "map.kind", "map.height", "map.width", "map.window", "map.values").collectAsList()) {
            assertEquals("WINDOW_GRID", row.getString(1), row.getString(0));
            assertEquals(1, row.getInt(4), "one value per pixel");
            assertEquals(row.getInt(2) * row.getInt(3), row.getList(5).size());
        }
        String manifest = Files.readString(new File(r.manifestPath()).toPath());
        assertTrue(manifest.contains("\"integrated-gradients\" : {") && manifest.contains("\"gradcam\" : {")
                && manifest.contains("\"activations\" : {"), manifest);
    }

    @Test
    void kernelShapRowsSumToTheScoreGapTheirEfficiency() throws Exception {
        File dir = TestSpark.newDir("kernelshap");
        io.shortcutlens.demo.DemoData.writeFolder(io.shortcutlens.demo.DemoData.split(2, io.shortcutlens.demo.DemoData.Stamping.BEARS, 72), dir);
        ExplainJob.Result r = TestSpark.explainJob("--input", dir.getAbsolutePath(), "--model", model, "--output",
                TestSpark.newDir("kernelshap-out").getAbsolutePath(), "--methods", "kernelshap", "--shap-samples", "120", "--lime-features", "16")
                .run(spark);
        List<Row> rows = spark.read().parquet(r.explanationsPath()).select("method", "error", "target_score", "fit_intercept", "map.kind", "map.values")
                .collectAsList();
        assertEquals(6, rows.size());
        for (Row row : rows) {
            assertEquals("kernelshap", row.getString(0));
            assertTrue(row.isNullAt(1), String.valueOf(row.get(1)));
            assertEquals("SUPERPIXELS", row.getString(4));
            double sum = 0;
            for (Object v : row.getList(5)) {
                sum += ((Number) v).doubleValue();
            }
            assertEquals(row.getFloat(2) - row.getDouble(3), sum, 1e-4, "Shapley values sum to f(x) - f(all segments off)");
        }
    }

    @Test
    void gradientMethodsOnAComputationGraphFailBeforeAnyTaskNamingTheMethodsThatWork() throws Exception {
        org.deeplearning4j.nn.conf.ComputationGraphConfiguration conf = new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder().seed(1)
                .graphBuilder().addInputs("in")
                .addLayer("conv", new org.deeplearning4j.nn.conf.layers.ConvolutionLayer.Builder(3, 3).nIn(3).nOut(4).build(), "in")
                .addLayer("pool", new org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer.Builder().build(), "conv")
                .addLayer("out", new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder().nIn(4).nOut(3)
                        .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build(), "pool")
                .setOutputs("out").build();
        org.deeplearning4j.nn.graph.ComputationGraph graph = new org.deeplearning4j.nn.graph.ComputationGraph(conf);
        graph.init();
        File file = new File(TestSpark.newDir("graph-model"), "graph.zip");
        org.deeplearning4j.util.ModelSerializer.writeModel(graph, file, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TestSpark.explainJob("--input",
                TestSpark.scratch().getAbsolutePath(), "--model", file.getAbsolutePath(), "--input-shape", "3,32,32", "--output",
                TestSpark.newDir("graph-out").getAbsolutePath(), "--methods", "gradcam").run(spark));
        assertTrue(e.getMessage().contains(file.getPath()) && e.getMessage().contains("occlusion"), e.getMessage());
    }

    @Test
    void wrongModelPathFailsFastNamingTheFile() throws Exception {
        File out = new File(TestSpark.scratch(), "never-written");
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> TestSpark.explainJob("--input", TestSpark.scratch().getAbsolutePath(),
                "--model", "/nonexistent/models/bear.zip", "--output", out.getAbsolutePath()).run(spark));
        assertTrue(e.getMessage().contains("/nonexistent/models/bear.zip"), e.getMessage());
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        assertFalse(out.exists(), "nothing written");
    }

    @Test
    void notAModelFailsFastNamingTheFile() throws Exception {
        File fake = new File(TestSpark.newDir("fake"), "model.zip");
        Files.writeString(fake.toPath(), "not a model");
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> TestSpark.explainJob("--input", TestSpark.scratch().getAbsolutePath(),
                "--model", fake.getAbsolutePath(), "--output", new File(TestSpark.scratch(), "x").getAbsolutePath()).run(spark));
        assertTrue(e.getMessage().contains(fake.getAbsolutePath()) && e.getMessage().contains("not a zip"), e.getMessage());
    }

    @Test
    void shapeMismatchFailsFastNamingFileAndBothShapes() throws Exception {
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> TestSpark.explainJob("--input", TestSpark.scratch().getAbsolutePath(),
                "--model", model, "--input-shape", "1,28,28", "--output", new File(TestSpark.scratch(), "y").getAbsolutePath()).run(spark));
        String m = e.getMessage();
        assertTrue(m.contains(model), m);
        assertTrue(m.contains("[N, 1, 28, 28]"), m);
        assertTrue(m.contains("[3, 32, 32]"), m);
    }

    @Test
    void classNamesMustMatchTheModelOutputs() {
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> TestSpark.explainJob("--input", TestSpark.scratch().getAbsolutePath(),
                "--model", model, "--class-names", "bear,other", "--output", new File(TestSpark.scratch(), "z").getAbsolutePath()).run(spark));
        assertTrue(e.getMessage().contains("3 outputs") && e.getMessage().contains("2 class names"), e.getMessage());
    }

    /** --per-class: at most N images per label (or predicted class), the same images whatever the partitioning. */
    @Test
    void aPerClassSampleIsStratifiedAndTheSameAcrossPartitionings() throws Exception {
        File dir = TestSpark.newDir("sample");
        io.shortcutlens.demo.DemoData.writeFolder(io.shortcutlens.demo.DemoData.split(5, io.shortcutlens.demo.DemoData.Stamping.BEARS, 73), dir);
        java.util.Map<String, java.util.Set<String>> byPartitions = new java.util.HashMap<>();
        for (String partitions : List.of("1", "7")) {
            for (String by : List.of("label", "prediction")) {
                ExplainJob.Result r = TestSpark.explainJob("--input", dir.getAbsolutePath(), "--model", model, "--output",
                        TestSpark.newDir("sample-out").getAbsolutePath(), "--methods", "occlusion", "--occlusion-mask-size", "16",
                        "--occlusion-stride", "16", "--per-class", "2", "--sample-by", by, "--partitions", partitions, "--seed", "5").run(spark);
                List<Row> rows = spark.read().parquet(r.explanationsPath()).where(col("run_id").equalTo(r.runId()))
                        .select("image_id", "label", "predicted_class").collectAsList();
                java.util.Map<String, Long> perClass = rows.stream().collect(java.util.stream.Collectors.groupingBy(
                        row -> row.getString(by.equals("label") ? 1 : 2), java.util.stream.Collectors.counting()));
                assertTrue(perClass.values().stream().allMatch(n -> n <= 2), by + ": " + perClass);
                if (by.equals("label")) {
                    assertEquals(java.util.Map.of("bear", 2L, "cow", 2L, "sheep", 2L), perClass, "15 images, 5 per label: 2 of each");
                }
                java.util.Set<String> ids = rows.stream().map(row -> row.getString(0)).collect(java.util.stream.Collectors.toSet());
                java.util.Set<String> before = byPartitions.putIfAbsent(by, ids);
                if (before != null) {
                    assertEquals(before, ids, by + ": the same sample in 1 and 7 partitions");
                }
                assertTrue(Files.readString(new File(r.manifestPath()).toPath()).contains("\"per_class\" : 2"));
            }
        }
        ExplainJob.Result other = TestSpark.explainJob("--input", dir.getAbsolutePath(), "--model", model, "--output",
                TestSpark.newDir("sample-seed").getAbsolutePath(), "--methods", "occlusion", "--occlusion-mask-size", "16", "--occlusion-stride", "16",
                "--per-class", "2", "--seed", "6").run(spark);
        java.util.Set<String> otherIds = spark.read().parquet(other.explanationsPath()).select("image_id").collectAsList().stream()
                .map(row -> row.getString(0)).collect(java.util.stream.Collectors.toSet());
        assertNotEquals(byPartitions.get("label"), otherIds, "another seed, another sample");
    }
}
