package io.shortcutlens.jobs;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shortcutlens.demo.DemoData;
import io.shortcutlens.explain.KernelShapParams;
import io.shortcutlens.explain.SuperpixelSegmenter;
import io.shortcutlens.image.DecodeLimits;
import io.shortcutlens.maps.MapStatistics;
import io.shortcutlens.ml.ImageExplainer;
import io.shortcutlens.model.ModelLoadException;
import io.shortcutlens.model.ModelSpec;
import io.shortcutlens.pipeline.ExplainSettings;
import io.shortcutlens.pipeline.TargetSelection;
import io.shortcutlens.spark.ExplanationRows;
import io.shortcutlens.spark.ExplanationSchema;
import io.shortcutlens.spark.ShortcutLensFunctions;
import java.io.File;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.Param;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.collection.JavaConverters;

/**
 * The Spark ML {@link ImageExplainer} on a real local[2] session: inside a Pipeline, saved and loaded, and giving the
 * explain job's values for the same folder and parameters (the job's Parquet read back).
 */
class ExplainTransformerTest {

    private static final List<String> METHODS = List.of("occlusion", "lime", "kernelshap");

    private static SparkSession spark;
    private static String model;
    private static File folder;
    /** The explain job's rows: method → file name → row. */
    private static final Map<String, Map<String, Row>> JOB = new HashMap<>();

    @BeforeAll
    static void setUp() throws Exception {
        spark = TestSpark.session();
        model = TestSpark.model().getAbsolutePath();
        folder = TestSpark.newDir("ml-images");
        List<File> pngs = DemoData.writeFolder(DemoData.split(1, DemoData.Stamping.BEARS, 44), folder); // bear, cow, sheep
        byte[] png = Files.readAllBytes(pngs.get(0).toPath());
        Files.write(new File(pngs.get(0).getParentFile(), "broken.png").toPath(), Arrays.copyOf(png, png.length / 2));
        ExplainJob.Result r = TestSpark.explainJob("--input", folder.getAbsolutePath(), "--model", model, "--output",
                TestSpark.newDir("ml-job-out").getAbsolutePath(), "--methods", String.join(",", METHODS), "--occlusion-mask-size", "8",
                "--occlusion-stride", "4", "--lime-samples", "40", "--lime-features", "16", "--shap-samples", "60", "--seed", "7",
                "--partitions", "1").run(spark);
        assertEquals(4 * 3, r.rows());
        for (Row row : spark.read().parquet(r.explanationsPath()).collectAsList()) {
            JOB.computeIfAbsent(row.getAs("method"), m -> new HashMap<>()).put(name(row.getAs("path")), row);
        }
    }

    /** The job's parameters above, as a stage adding column {@code method}. */
    private static ImageExplainer explainer(String method) {
        return new ImageExplainer().setModelPath(model).setMethod(method).setOutputCol(method).setMethodParam("occlusionMaskSize", 8)
                .setMethodParam("occlusionStride", 4).setMethodParam("limeSamples", 40).setMethodParam("limeFeatures", 16)
                .setMethodParam("shapSamples", 60).setSeed(7);
    }

    private static Dataset<Row> images() {
        return spark.read().format("binaryFile").option("recursiveFileLookup", "true").load(folder.getAbsolutePath());
    }

    private static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    @Test
    void pipelineOfExplainersGivesTheJobsValuesAndErrorStructsForACorruptFile() {
        PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {explainer("occlusion"), explainer("lime"), explainer("kernelshap")})
                .fit(images());
        List<Row> rows = fitted.transform(images()).select("path", "occlusion", "lime", "kernelshap").collectAsList();
        assertEquals(4, rows.size());
        Map<String, Double> maxDiff = new HashMap<>();
        for (Row row : rows) {
            String file = name(row.getString(0));
            for (String method : METHODS) {
                Row mine = row.getAs(method);
                Row job = JOB.get(method).get(file);
                assertNotNull(job, file + " " + method);
                maxDiff.merge(method, compare(job, mine, file + " " + method), Math::max);
                if (file.equals("broken.png")) {
                    assertNotNull(mine.getAs("error"), "a corrupt file gives an error struct");
                    assertNull(mine.getAs("map"));
                } else {
                    assertNull(mine.getAs("error"), file + " " + method);
                    Row map = mine.getAs("map");
                    float[] pixels = ExplanationRows.fromRow(map).toPixels();
                    float[] jobPixels = ExplanationRows.fromRow(job.getAs("map")).toPixels();
                    assertArrayEquals(jobPixels, pixels, 1e-6f, file + " " + method + ": full-resolution map");
                }
            }
        }
        String plan = fitted.transform(images()).select("occlusion.predicted_class", "occlusion.map").queryExecution().optimizedPlan().toString();
        assertEquals(1, plan.split("UDF\\(", -1).length - 1, "two fields of a struct, one explanation per image: " + plan);
        System.out.println("ImageExplainer vs explain job, max |difference| per method: " + maxDiff);
        maxDiff.values().forEach(d -> assertTrue(d <= 1e-6, "max difference " + maxDiff));
    }

    /** An ONNX model (the PyTorch demo net2) with softmax, in a Pipeline: the explain job's values, ONNX Runtime in both. */
    @Test
    void onnxModelInAPipelineGivesTheJobsValues() throws Exception {
        String onnx = new File(ExplainTransformerTest.class.getResource("/onnx/demo-net2.onnx").toURI()).getAbsolutePath();
        ExplainJob.Result r = TestSpark.explainJob("--input", folder.getAbsolutePath(), "--model", onnx, "--softmax", "--output",
                TestSpark.newDir("ml-onnx-job").getAbsolutePath(), "--methods", "occlusion,kernelshap", "--occlusion-mask-size", "8",
                "--occlusion-stride", "4", "--lime-features", "16", "--shap-samples", "60", "--seed", "7", "--partitions", "1").run(spark);
        Map<String, Row> job = new HashMap<>();
        for (Row row : spark.read().parquet(r.explanationsPath()).collectAsList()) {
            job.put(row.getAs("method") + "/" + name(row.getAs("path")), row);
        }
        List<ImageExplainer> stages = List.of(explainer("occlusion"), explainer("kernelshap"));
        stages.forEach(e -> e.setModelPath(onnx).setSoftmax(true));
        File saved = TestSpark.newDir("ml-onnx-pipeline");
        new Pipeline().setStages(stages.toArray(new PipelineStage[0])).fit(images()).write().overwrite().save(saved.getAbsolutePath());
        PipelineModel back = PipelineModel.load(saved.getAbsolutePath());
        assertTrue(((ImageExplainer) back.stages()[0]).getSoftmax(), "softmax survives save and load");
        double maxDiff = 0;
        int compared = 0;
        for (Row row : back.transform(images()).select("path", "occlusion", "kernelshap").collectAsList()) {
            for (String method : List.of("occlusion", "kernelshap")) {
                Row mine = row.getAs(method);
                Row theirs = job.get(method + "/" + name(row.getString(0)));
                maxDiff = Math.max(maxDiff, compare(theirs, mine, "onnx " + method + " " + row.getString(0)));
                if (mine.getAs("error") == null) {
                    compared++;
                    float score = mine.getAs("target_score");
                    assertTrue(score > 0 && score <= 1, "softmax gives probabilities: " + score);
                }
            }
        }
        assertEquals(6, compared);
        assertTrue(maxDiff <= 1e-6, "max difference " + maxDiff);
    }

    @Test
    void anotherSeedGivesOtherLimeValuesSoTheComparisonCanFail() {
        double maxDiff = 0;
        for (Row row : explainer("lime").setSeed(8).transform(images()).where(col("lime.error").isNull()).select("path", "lime").collectAsList()) {
            Row job = JOB.get("lime").get(name(row.getString(0)));
            float[] mine = ExplanationRows.fromRow(((Row) row.getAs("lime")).getAs("map")).toPixels();
            float[] theirs = ExplanationRows.fromRow(job.getAs("map")).toPixels();
            for (int i = 0; i < mine.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(mine[i] - theirs[i]));
            }
        }
        assertTrue(maxDiff > 1e-3, "seed 8 and the job's seed 7 gave the same LIME maps (max difference " + maxDiff + ")");
    }

    @Test
    void savedAndLoadedKeepEveryParamAndGiveTheSameOutput() throws Exception {
        ImageExplainer lime = explainer("lime").setTarget("cow").setMethodParam("limeReplacement", "0.25").setMethodParam("limeKernelWidth", 0.5)
                .setMethodParam("limeRidge", 2).setMethodParam("limeSegmentation", "grid").setScale(1 / 255.0).setTopK(2).setGridSize(4)
                .setMethodParam("batchSize", 16).setInputLayout("nchw").setOutputCol("e");
        File dir = TestSpark.newDir("ml-saved");
        String stagePath = new File(dir, "lime").getAbsolutePath();
        lime.write().overwrite().save(stagePath);
        ImageExplainer loaded = ImageExplainer.load(stagePath);
        assertSameParams(lime, loaded);
        assertSameOutput(lime, loaded, "e");

        ImageExplainer shap = explainer("kernelshap").setOutputCol("e");
        PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {shap}).fit(images());
        String pipelinePath = new File(dir, "pipeline").getAbsolutePath();
        fitted.write().overwrite().save(pipelinePath);
        PipelineModel back = PipelineModel.load(pipelinePath);
        assertEquals(1, back.stages().length);
        assertSameParams(shap, (ImageExplainer) back.stages()[0]);
        assertSameOutput(fitted, back, "e");
    }

    @Test
    void sqlKernelShapMapGivesTheJobsValues() {
        ExplainSettings settings = new ExplainSettings(new ModelSpec(model, null, null, null, ModelSpec.DEFAULT_MAX_MODEL_BYTES), null,
                DecodeLimits.defaults(), TargetSelection.predicted(), List.of(io.shortcutlens.explain.MethodRun.of(
                io.shortcutlens.explain.KernelShapExplainer.METHOD, new KernelShapParams(SuperpixelSegmenter.Kind.SLIC, 16, 60,
                io.shortcutlens.explain.OcclusionParams.DEFAULT_MASK_VALUE, 64))), 3, 7L, "sql", MapStatistics.DEFAULT_GRID);
        ShortcutLensFunctions.register(spark, settings);
        images().createOrReplaceTempView("ml_photos");
        double maxDiff = 0;
        for (Row row : spark.sql("SELECT path, kernelshap_map(content) AS e FROM ml_photos").collectAsList()) {
            String file = name(row.getString(0));
            maxDiff = Math.max(maxDiff, compare(JOB.get("kernelshap").get(file), row.getAs("e"), "SQL " + file));
        }
        assertTrue(maxDiff <= 1e-6, "max difference " + maxDiff);
    }

    @Test
    void wrongModelPathFailsAtTransformNamingTheFile() {
        ImageExplainer wrong = new ImageExplainer().setModelPath("/nonexistent/models/bear.zip").setMethod("lime");
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> wrong.transform(images()));
        assertTrue(e.getMessage().contains("/nonexistent/models/bear.zip") && e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void schemaErrorsSayWhatToDo() {
        Dataset<Row> paths = images().select(col("path"), col("path").as("content"));
        String notBinary = assertThrows(IllegalArgumentException.class, () -> explainer("lime").transformSchema(paths.schema())).getMessage();
        assertTrue(notBinary.contains("'content' is string, expected binary") && notBinary.contains("binaryFile"), notBinary);
        String missing = assertThrows(IllegalArgumentException.class, () -> explainer("lime").setInputCol("image")
                .transformSchema(images().schema())).getMessage();
        assertTrue(missing.contains("'image' not found") && missing.contains("setInputCol"), missing);
        String taken = assertThrows(IllegalArgumentException.class, () -> explainer("lime").setOutputCol("path")
                .transformSchema(images().schema())).getMessage();
        assertTrue(taken.contains("'path' already exists") && taken.contains("setOutputCol"), taken);
        String all = assertThrows(IllegalArgumentException.class, () -> explainer("lime").setTarget("all")
                .transformSchema(images().schema())).getMessage();
        assertTrue(all.contains("target 'all'"), all);
        String noModel = assertThrows(IllegalArgumentException.class, () -> new ImageExplainer().transformSchema(images().schema())).getMessage();
        assertTrue(noModel.contains("setModelPath"), noModel);
        String method = assertThrows(IllegalArgumentException.class, () -> new ImageExplainer().setMethod("shap")).getMessage();
        assertTrue(method.contains("'shap'") && method.contains("kernelshap"), method);
        StructField added = explainer("lime").transformSchema(images().schema()).apply("lime");
        assertEquals(ExplanationSchema.RESULT, added.dataType());
    }

    private static void assertSameParams(ImageExplainer expected, ImageExplainer actual) {
        assertEquals(expected.uid(), actual.uid());
        assertEquals(11 + io.shortcutlens.explain.Methods.options().size(), expected.params().length, "the stage's own params and one per method option");
        for (Param<?> p : expected.params()) {
            Param<Object> q = (Param<Object>) actual.getParam(p.name());
            assertEquals(expected.isSet(p), actual.isSet(q), p.name());
            assertEquals(expected.isDefined(p), actual.isDefined(q), p.name());
            if (expected.isDefined(p)) {
                assertEquals(expected.getOrDefault(p), actual.getOrDefault(q), p.name());
            }
        }
    }

    private static final Comparator<Row> BY_PATH = Comparator.comparing(r -> r.getString(0));

    private static void assertSameOutput(Transformer expected, Transformer actual, String column) {
        // sorted here, not by Spark: a sort would sample its input, explaining every image once more
        List<Row> a = expected.transform(images()).select("path", column).collectAsList().stream().sorted(BY_PATH).toList();
        List<Row> b = actual.transform(images()).select("path", column).collectAsList().stream().sorted(BY_PATH).toList();
        assertEquals(4, a.size());
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).getString(0), b.get(i).getString(0));
            assertEquals(0.0, compare(a.get(i).getAs(column), b.get(i).getAs(column), a.get(i).getString(0)), "identical output");
        }
    }

    /**
     * Compares every field of the result struct but {@code elapsed_ms} ({@code expected} may be a whole explanations row):
     * non-numbers must be equal; returns the largest absolute difference between numbers.
     */
    private static double compare(Row expected, Row actual, String where) {
        double max = 0;
        for (StructField f : ExplanationSchema.RESULT.fields()) {
            if (!f.name().equals("elapsed_ms")) {
                max = Math.max(max, compareValues(expected.getAs(f.name()), actual.getAs(f.name()), where + " " + f.name()));
            }
        }
        return max;
    }

    private static double compareValues(Object a, Object b, String where) {
        if (a == null || b == null) {
            assertEquals(a, b, where);
            return 0;
        }
        if (a instanceof Row ra) {
            double max = 0;
            for (StructField f : ra.schema().fields()) {
                max = Math.max(max, compareValues(ra.getAs(f.name()), ((Row) b).getAs(f.name()), where + "." + f.name()));
            }
            return max;
        }
        if (a instanceof scala.collection.Seq<?> sa) {
            List<?> la = JavaConverters.seqAsJavaList(sa);
            List<?> lb = JavaConverters.seqAsJavaList((scala.collection.Seq<?>) b);
            assertEquals(la.size(), lb.size(), where + " length");
            double max = 0;
            for (int i = 0; i < la.size(); i++) {
                max = Math.max(max, compareValues(la.get(i), lb.get(i), where + "[" + i + "]"));
            }
            return max;
        }
        if (a instanceof byte[] ba) {
            assertArrayEquals(ba, (byte[]) b, where);
            return 0;
        }
        if (a instanceof Float || a instanceof Double) {
            return Math.abs(((Number) a).doubleValue() - ((Number) b).doubleValue());
        }
        assertEquals(a, b, where);
        return 0;
    }

    /**
     * The stage and the job read the same descriptors: for every method, both turn their defaults (and a value given
     * to each) into the same parameters. Nothing here restates a default.
     */
    @Test
    void theStageAndTheJobBuildTheSameMethodRuns() {
        ModelSpec spec = new ModelSpec(model, null, null, null, ModelSpec.DEFAULT_MAX_MODEL_BYTES);
        io.shortcutlens.model.LoadedModel loaded = io.shortcutlens.model.ModelLoader.load(new File(model), spec);
        for (String method : io.shortcutlens.explain.Methods.names()) {
            ExplainJob job = TestSpark.explainJob("--input", "x", "--model", model, "--output", "o", "--methods", method);
            ImageExplainer stage = new ImageExplainer().setModelPath(model).setMethod(method);
            assertEquals(ExplainJob.settings(job.options(), loaded, spec).runs(), stage.settings(loaded, spec).runs(), method + " at the defaults");
            assertEquals(job.target, stage.getTarget());
            assertEquals(job.seed, stage.getSeed());
            assertEquals(job.topK, stage.getTopK());
            assertEquals(job.gridSize, stage.getGridSize());
        }
        ExplainJob job = TestSpark.explainJob("--input", "x", "--model", model, "--output", "o", "--methods", "occlusion,lime,integrated-gradients",
                "--occlusion-mask-size", "6", "--lime-replacement", "mean", "--lime-kernel-width", "0.5", "--ig-baseline", "0.25", "--batch-size", "9");
        for (String method : List.of("occlusion", "lime", "integrated-gradients")) {
            ImageExplainer stage = new ImageExplainer().setModelPath(model).setMethod(method).setMethodParam("occlusionMaskSize", 6)
                    .setMethodParam("limeReplacement", "mean").setMethodParam("limeKernelWidth", "0.5").setMethodParam("igBaseline", 0.25f)
                    .setMethodParam("batchSize", 9L);
            assertEquals(ExplainJob.settings(job.options(), loaded, spec).runs().stream().filter(r -> r.method().equals(method)).toList(),
                    stage.settings(loaded, spec).runs(), method + " with values given");
        }
        String unknown = assertThrows(IllegalArgumentException.class, () -> new ImageExplainer().setMethodParam("limeSample", 3)).getMessage();
        assertTrue(unknown.contains("'limeSample'") && unknown.contains("limeSamples"), unknown);
    }
}
