package io.shortcutlens.ml;

import io.shortcutlens.explain.MethodOption;
import io.shortcutlens.explain.Methods;
import io.shortcutlens.explain.OptionValues;
import io.shortcutlens.image.DecodeLimits;
import io.shortcutlens.image.Normalisation;
import io.shortcutlens.maps.MapStatistics;
import io.shortcutlens.model.LoadedModel;
import io.shortcutlens.model.ModelSpec;
import io.shortcutlens.pipeline.ExplainSettings;
import io.shortcutlens.pipeline.ImageExplainPipeline;
import io.shortcutlens.pipeline.TargetSelection;
import io.shortcutlens.spark.ExplainFunction;
import io.shortcutlens.spark.ExplanationSchema;
import io.shortcutlens.spark.ModelStaging;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The explain job's per-image work as a Spark ML {@link Transformer}: adds {@code outputCol}, the
 * {@link ExplanationSchema#RESULT} struct of one method for one class (the predicted one, or a class by name or index), to
 * every row of a table of encoded images ({@code spark.read().format("binaryFile")} gives them in {@code content}).
 * For the same parameters the values equal the explain job's: the same {@link ExplainSettings}, the same per-image
 * random stream (run seed and the image's content hash), the same pipeline. An image that cannot be decoded gives a
 * struct with {@code error} set; a model that cannot be loaded fails {@link #transform} before any task runs.
 * <pre>
 *   ImageExplainer lime = new ImageExplainer().setModelPath("hdfs:///models/net2.zip").setMethod("lime").setOutputCol("lime");
 *   Dataset&lt;Row&gt; explained = lime.transform(spark.read().format("binaryFile").load("hdfs:///lake/images"));
 *   lime.write().overwrite().save("hdfs:///pipelines/lime");   // ImageExplainer.load(...), PipelineModel.load(...)
 * </pre>
 * The model file is shipped to the executors once per application and loaded once per executor JVM.
 */
public final class ImageExplainer extends Transformer implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    /** Methods whose result is one map per image and class (the job's {@code --target all} is one struct per class: not here). */
    public static final List<String> METHODS = Methods.names();

    private final String uid;

    private final Param<String> inputCol;
    private final Param<String> outputCol;
    private final Param<String> modelPath;
    private final Param<String> method;
    private final Param<String> target;
    private final LongParam seed;
    private final DoubleParam scale;
    private final IntParam topK;
    private final IntParam gridSize;
    private final Param<String> inputLayout;
    private final org.apache.spark.ml.param.BooleanParam softmax;
    /** The methods' options as params, by param name ({@link Methods#options()}: the explain job's options). */
    private final Map<String, Param<?>> methodParams = new LinkedHashMap<>();
    private transient Param<?>[] all;

    public ImageExplainer() {
        this(Identifiable.randomUID("imageExplainer"));
    }

    /** The constructor Spark's reader calls with the saved uid. */
    public ImageExplainer(String uid) {
        this.uid = uid;
        inputCol = new Param<>(this, "inputCol", "column of encoded image bytes (PNG, JPEG, BMP, GIF, ...), binary");
        outputCol = new Param<>(this, "outputCol", "column added: the explanation struct (prediction, target, map, statistics, error)");
        modelPath = new Param<>(this, "modelPath", "DL4J model zip (MultiLayerNetwork or ComputationGraph, ModelSerializer format)"
                + " or ONNX model (.onnx, run by ONNX Runtime); any Hadoop path");
        method = new Param<>(this, "method", "explanation method, one of " + METHODS + "; " + Methods.perturbationNames()
                + " need only class scores (any model), the others gradients or layers (DL4J networks, ONNX graphs of supported operators)", ParamValidators.inArray(METHODS.toArray(new String[0])));
        target = new Param<>(this, "target", "class to explain: 'predicted', or a class name or index");
        seed = new LongParam(this, "seed", "run seed; each image's random stream is derived from it and the image's content hash");
        scale = new DoubleParam(this, "scale", "normalisation: pixel (0..255) multiplier; unset = as recorded in the model, else 1/255",
                ParamValidators.gt(0));
        topK = new IntParam(this, "topK", "top classes listed in the struct's top_k", ParamValidators.gtEq(1));
        gridSize = new IntParam(this, "gridSize", "side of the attribution-mass grid in the struct's statistics", ParamValidators.gtEq(1));
        inputLayout = new Param<>(this, "inputLayout", "ONNX: the input's layout, 'auto' (read from the model), 'nchw' or 'nhwc'",
                ParamValidators.inArray(new String[] {"auto", "nchw", "nhwc"}));
        softmax = new org.apache.spark.ml.param.BooleanParam(this, "softmax", "ONNX: apply softmax to the model's outputs (explain probabilities, not logits)");

        for (MethodOption o : Methods.options()) {
            Param<?> p = switch (o.kind()) {
                case INT -> new IntParam(this, o.param(), Methods.help(o));
                case NUMBER -> new DoubleParam(this, o.param(), Methods.help(o));
                case TEXT -> new Param<String>(this, o.param(), Methods.help(o));
            };
            methodParams.put(o.param(), p);
            setDefault(untyped(p), o.typedDefault());
        }

        // the explain job's defaults, written once in ExplainSettings and the methods' options
        setDefault(inputCol, "content");
        setDefault(outputCol, "explanation");
        setDefault(method, Methods.names().get(0));
        setDefault(target, ExplainSettings.DEFAULT_TARGET);
        setDefault(seed, ExplainSettings.DEFAULT_SEED);
        setDefault(topK, ExplainSettings.DEFAULT_TOP_K);
        setDefault(gridSize, MapStatistics.DEFAULT_GRID);
        setDefault(inputLayout, "auto");
        setDefault(softmax, false);
    }

    @Override
    public String uid() {
        return uid;
    }

    /**
     * Adds {@code outputCol}. The model is fetched, loaded and checked here, on the driver, so a wrong path, shape or
     * class fails now, naming the file; the explanations are computed when the result is evaluated.
     */
    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        transformSchema(dataset.schema(), true);
        ModelStaging.Staged staged = ModelStaging.stage(dataset.sparkSession(),
                new ModelSpec(getModelPath(), null, null, null, ModelSpec.DEFAULT_MAX_MODEL_BYTES,
                        io.shortcutlens.model.OnnxOptions.of(getInputLayout(), getSoftmax(), 0)));
        LoadedModel model = staged.model();
        ExplainSettings settings = settings(model, staged.spec());
        settings.check(model);
        new ImageExplainPipeline(settings, model); // the normalisation against the model's channels, before any task
        UserDefinedFunction explain = functions.udf(new ExplainFunction(settings, staged.shippedName()), ExplanationSchema.RESULT);
        return dataset.withColumn(getOutputCol(), explain.apply(dataset.col(getInputCol())));
    }

    /** The explain job's settings for these parameters ({@code ExplainJob.settings}), with this stage's one method. */
    public ExplainSettings settings(LoadedModel loaded, ModelSpec spec) {
        Map<String, String> given = new LinkedHashMap<>();
        for (MethodOption o : Methods.options()) {
            given.put(o.name(), String.valueOf(getOrDefault(methodParams.get(o.param()))));
        }
        Normalisation norm = loaded.trainedNormalisation() != null ? loaded.trainedNormalisation() : Normalisation.unitScale();
        if (isDefined(scale)) {
            norm = norm.withScale(getScale());
        }
        return new ExplainSettings(spec, norm, DecodeLimits.defaults(), TargetSelection.parse(getTarget()),
                io.shortcutlens.explain.Methods.runs(List.of(getMethod()), new OptionValues(given, MethodOption::param), loaded.inputShape()), getTopK(),
                getSeed(), uid, getGridSize());
    }

    /** Every param: this stage's own and one per method option (Spark ML finds params by reflection; the options are not methods). */
    @Override
    public Param<?>[] params() {
        if (all == null) {
            List<Param<?>> list = new java.util.ArrayList<>(List.of(inputCol, outputCol, modelPath, method, target, seed, scale, topK, gridSize,
                    inputLayout, softmax));
            list.addAll(methodParams.values());
            list.sort(java.util.Comparator.comparing(Param::name));
            all = list.toArray(new Param<?>[0]);
        }
        return all;
    }

    /**
     * Sets a method's option by its param name ({@code limeSamples}, {@code occlusionMaskSize}, ...; the explain job's
     * {@code --lime-samples}, {@code --occlusion-mask-size}): a number or text as the option takes it.
     */
    public ImageExplainer setMethodParam(String name, Object value) {
        MethodOption o = option(name);
        set(untyped(methodParams.get(name)), o.typed(value));
        return this;
    }

    /** A method option's value (set, else its default) by param name. */
    public Object getMethodParam(String name) {
        option(name);
        return getOrDefault(methodParams.get(name));
    }

    private MethodOption option(String name) {
        return Methods.options().stream().filter(o -> o.param().equals(name)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "ImageExplainer " + uid + ": no method param '" + name + "' (known: " + methodParams.keySet() + ")"));
    }

    @SuppressWarnings("unchecked")
    private static Param<Object> untyped(Param<?> p) {
        return (Param<Object>) p;
    }

    /** Checks the parameters and the input: {@code inputCol} a binary column, {@code outputCol} a new one. */
    @Override
    public StructType transformSchema(StructType schema) {
        if (!isDefined(modelPath)) {
            throw new IllegalArgumentException("ImageExplainer " + uid + ": no model; setModelPath(...) to a DL4J model zip or an ONNX model");
        }
        if (TargetSelection.parse(getTarget()).mode() == TargetSelection.Mode.ALL) {
            throw new IllegalArgumentException("ImageExplainer " + uid + ": target 'all' gives one explanation per class, and this"
                    + " stage adds one per row; set target to 'predicted' or a class name or index (the explain job's --target all"
                    + " writes one row per class)");
        }
        List<String> columns = Arrays.asList(schema.fieldNames());
        if (!columns.contains(getInputCol())) {
            throw new IllegalArgumentException("ImageExplainer " + uid + ": input column '" + getInputCol() + "' not found among "
                    + columns + "; setInputCol(...) to the column of encoded image bytes (spark.read().format(\"binaryFile\") calls it"
                    + " 'content')");
        }
        StructField in = schema.apply(getInputCol());
        if (!in.dataType().equals(DataTypes.BinaryType)) {
            throw new IllegalArgumentException("ImageExplainer " + uid + ": input column '" + getInputCol() + "' is "
                    + in.dataType().simpleString() + ", expected binary (encoded image bytes); read images with"
                    + " spark.read().format(\"binaryFile\") or setInputCol(...) to a binary column");
        }
        if (columns.contains(getOutputCol())) {
            throw new IllegalArgumentException("ImageExplainer " + uid + ": output column '" + getOutputCol() + "' already exists;"
                    + " setOutputCol(...) to a new name, or drop it first");
        }
        return schema.add(DataTypes.createStructField(getOutputCol(), ExplanationSchema.RESULT, true));
    }

    @Override
    public ImageExplainer copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    public static MLReader<ImageExplainer> read() {
        return new DefaultParamsReader<>();
    }

    public static ImageExplainer load(String path) {
        return read().load(path);
    }

    @Override
    public String toString() {
        return "ImageExplainer: uid=" + uid + ", method=" + getMethod() + ", model=" + (isDefined(modelPath) ? getModelPath() : "unset");
    }

    // ---- params, getters and setters in Spark ML's style ----

    public Param<String> inputCol() {
        return inputCol;
    }

    public String getInputCol() {
        return getOrDefault(inputCol);
    }

    public ImageExplainer setInputCol(String value) {
        set(inputCol, value);
        return this;
    }

    public Param<String> outputCol() {
        return outputCol;
    }

    public String getOutputCol() {
        return getOrDefault(outputCol);
    }

    public ImageExplainer setOutputCol(String value) {
        set(outputCol, value);
        return this;
    }

    public Param<String> modelPath() {
        return modelPath;
    }

    public String getModelPath() {
        return getOrDefault(modelPath);
    }

    public ImageExplainer setModelPath(String value) {
        set(modelPath, value);
        return this;
    }

    public Param<String> method() {
        return method;
    }

    public String getMethod() {
        return getOrDefault(method);
    }

    /** One of {@link #METHODS}. */
    public ImageExplainer setMethod(String value) {
        String m = value == null ? null : value.trim().toLowerCase(Locale.ROOT);
        if (!METHODS.contains(m)) {
            throw new IllegalArgumentException("unknown method '" + value + "' (expected one of " + METHODS + ")");
        }
        set(method, m);
        return this;
    }

    public Param<String> target() {
        return target;
    }

    public String getTarget() {
        return getOrDefault(target);
    }

    /** {@code predicted}, or a class name or index. */
    public ImageExplainer setTarget(String value) {
        set(target, value);
        return this;
    }

    public LongParam seed() {
        return seed;
    }

    public long getSeed() {
        return (Long) getOrDefault(seed);
    }

    public ImageExplainer setSeed(long value) {
        set(seed, value);
        return this;
    }

    public DoubleParam scale() {
        return scale;
    }

    public double getScale() {
        return (Double) getOrDefault(scale);
    }

    public ImageExplainer setScale(double value) {
        set(scale, value);
        return this;
    }

    public IntParam topK() {
        return topK;
    }

    public int getTopK() {
        return (Integer) getOrDefault(topK);
    }

    public ImageExplainer setTopK(int value) {
        set(topK, value);
        return this;
    }

    public IntParam gridSize() {
        return gridSize;
    }

    public int getGridSize() {
        return (Integer) getOrDefault(gridSize);
    }

    public ImageExplainer setGridSize(int value) {
        set(gridSize, value);
        return this;
    }

    public Param<String> inputLayout() {
        return inputLayout;
    }

    public String getInputLayout() {
        return getOrDefault(inputLayout);
    }

    public ImageExplainer setInputLayout(String value) {
        set(inputLayout, value);
        return this;
    }

    public org.apache.spark.ml.param.BooleanParam softmax() {
        return softmax;
    }

    public boolean getSoftmax() {
        return (Boolean) getOrDefault(softmax);
    }

    public ImageExplainer setSoftmax(boolean value) {
        set(softmax, value);
        return this;
    }

}
