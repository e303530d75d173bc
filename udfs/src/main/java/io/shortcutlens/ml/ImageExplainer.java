package io.shortcutlens.ml;

import io.shortcutlens.explain.GradientParams;
import io.shortcutlens.explain.LimeParams;
import io.shortcutlens.explain.OcclusionParams;
import io.shortcutlens.image.DecodeLimits;
import io.shortcutlens.image.Normalisation;
import io.shortcutlens.maps.MapStatistics;
import io.shortcutlens.model.LoadedModel;
import io.shortcutlens.model.ModelSpec;
import io.shortcutlens.pipeline.ExplainSettings;
import io.shortcutlens.pipeline.MethodOptions;
import io.shortcutlens.pipeline.ImageExplainPipeline;
import io.shortcutlens.pipeline.TargetSelection;
import io.shortcutlens.spark.ExplainFunction;
import io.shortcutlens.spark.ExplanationSchema;
import io.shortcutlens.spark.ModelStaging;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
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
    public static final List<String> METHODS = ExplainSettings.METHODS;

    private final String uid;

    private final Param<String> inputCol;
    private final Param<String> outputCol;
    private final Param<String> modelPath;
    private final Param<String> method;
    private final Param<String> target;
    private final LongParam seed;
    private final IntParam batchSize;
    private final DoubleParam scale;
    private final IntParam topK;
    private final IntParam gridSize;
    private final Param<String> inputLayout;
    private final org.apache.spark.ml.param.BooleanParam softmax;
    private final IntParam occlusionMaskSize;
    private final IntParam occlusionStride;
    private final Param<String> occlusionMaskValue;
    private final Param<String> limeSegmentation;
    private final IntParam limeFeatures;
    private final IntParam limeSamples;
    private final DoubleParam limeKernelWidth;
    private final Param<String> limeReplacement;
    private final DoubleParam limeRidge;
    private final IntParam shapSamples;
    private final Param<String> gradCamLayer;
    private final Param<String> activationsLayer;
    private final IntParam igSteps;
    private final DoubleParam igBaseline;
    private final IntParam smoothGradSamples;
    private final DoubleParam smoothGradNoise;

    public ImageExplainer() {
        this(Identifiable.randomUID("imageExplainer"));
    }

    /** The constructor Spark's reader calls with the saved uid. */
    public ImageExplainer(String uid) {
        this.uid = uid;
        inputCol = new Param<>(this, "inputCol", "column of encoded image bytes (PNG, JPEG, BMP, GIF, ...), binary");
        outputCol = new Param<>(this, "outputCol", "column added: the explanation struct (prediction, target, map, statistics, error)");
        modelPath = new Param<>(this, "modelPath", "DL4J model zip (MultiLayerNetwork or ComputationGraph, ModelSerializer format)"
                + " or ONNX model (.onnx, run by ONNX Runtime: occlusion, lime, kernelshap); any Hadoop path");
        method = new Param<>(this, "method", "explanation method, one of " + METHODS + "; gradient methods need a DL4J MultiLayerNetwork"
                + " ending in an OutputLayer", ParamValidators.inArray(METHODS.toArray(new String[0])));
        target = new Param<>(this, "target", "class to explain: 'predicted', or a class name or index");
        seed = new LongParam(this, "seed", "run seed; each image's random stream is derived from it and the image's content hash");
        batchSize = new IntParam(this, "batchSize", "perturbed images per forward pass", ParamValidators.gtEq(1));
        scale = new DoubleParam(this, "scale", "normalisation: pixel (0..255) multiplier; unset = as recorded in the model, else 1/255",
                ParamValidators.gt(0));
        topK = new IntParam(this, "topK", "top classes listed in the struct's top_k", ParamValidators.gtEq(1));
        gridSize = new IntParam(this, "gridSize", "side of the attribution-mass grid in the struct's statistics", ParamValidators.gtEq(1));
        inputLayout = new Param<>(this, "inputLayout", "ONNX: the input's layout, 'auto' (read from the model), 'nchw' or 'nhwc'",
                ParamValidators.inArray(new String[] {"auto", "nchw", "nhwc"}));
        softmax = new org.apache.spark.ml.param.BooleanParam(this, "softmax", "ONNX: apply softmax to the model's outputs (explain probabilities, not logits)");
        occlusionMaskSize = new IntParam(this, "occlusionMaskSize", "occlusion window side in pixels at model input; 0 = auto, 20% of the"
                + " shorter side", ParamValidators.gtEq(0));
        occlusionStride = new IntParam(this, "occlusionStride", "occlusion window stride; 0 = auto, 10% of the shorter side",
                ParamValidators.gtEq(0));
        occlusionMaskValue = new Param<>(this, "occlusionMaskValue", "value written into the occlusion window (model-input units), or"
                + " 'auto' = the image's per-channel mean (blind to a mark of that shade)");
        limeSegmentation = new Param<>(this, "limeSegmentation", "LIME and KernelSHAP features: 'slic' superpixels or a regular 'grid'",
                ParamValidators.inArray(new String[] {"slic", "grid"}));
        limeFeatures = new IntParam(this, "limeFeatures", "LIME and KernelSHAP: number of superpixels / grid cells", ParamValidators.gtEq(1));
        limeSamples = new IntParam(this, "limeSamples", "LIME: perturbed samples per image (the first is the unperturbed image)",
                ParamValidators.gtEq(2));
        limeKernelWidth = new DoubleParam(this, "limeKernelWidth", "LIME: sample weight exp(-d^2/W^2), d = cosine distance to the full"
                + " image", ParamValidators.gt(0));
        limeReplacement = new Param<>(this, "limeReplacement", "LIME and KernelSHAP: value of switched-off features (model-input units),"
                + " or 'mean' = per-channel image mean");
        limeRidge = new DoubleParam(this, "limeRidge", "LIME: ridge penalty of the weighted linear fit", ParamValidators.gtEq(0));
        shapSamples = new IntParam(this, "shapSamples", "KernelSHAP: coalitions per image (all-on and all-off included)",
                ParamValidators.gtEq(3));
        gradCamLayer = new Param<>(this, "gradCamLayer", "Grad-CAM feature layer (name or index), or 'auto' = the last convolution whose"
                + " output is still larger than 1x1");
        activationsLayer = new Param<>(this, "activationsLayer", "activations: the layer whose strongest channel is shown, or 'auto' ="
                + " the Grad-CAM layer");
        igSteps = new IntParam(this, "igSteps", "integrated gradients: steps along the path from the baseline", ParamValidators.gtEq(1));
        igBaseline = new DoubleParam(this, "igBaseline", "integrated gradients: baseline value of every input element (model-input units)");
        smoothGradSamples = new IntParam(this, "smoothGradSamples", "SmoothGrad: noisy copies averaged per image", ParamValidators.gtEq(1));
        smoothGradNoise = new DoubleParam(this, "smoothGradNoise", "SmoothGrad: noise standard deviation as a share of the image's input"
                + " range", ParamValidators.gtEq(0));

        // the explain job's defaults, stated where the job states them
        GradientParams gradientDefaults = GradientParams.defaults("integrated-gradients");
        setDefault(inputCol, "content");
        setDefault(outputCol, "explanation");
        setDefault(method, "occlusion");
        setDefault(target, "predicted");
        setDefault(seed, 0L);
        setDefault(batchSize, OcclusionParams.DEFAULT_BATCH);
        setDefault(topK, 3);
        setDefault(gridSize, MapStatistics.DEFAULT_GRID);
        setDefault(inputLayout, "auto");
        setDefault(softmax, false);
        setDefault(occlusionMaskSize, 0);
        setDefault(occlusionStride, 0);
        setDefault(occlusionMaskValue, MethodOptions.DEFAULT_HIDDEN);
        setDefault(limeSegmentation, "slic");
        setDefault(limeFeatures, LimeParams.DEFAULT_FEATURES);
        setDefault(limeSamples, LimeParams.DEFAULT_SAMPLES);
        setDefault(limeKernelWidth, LimeParams.DEFAULT_KERNEL_WIDTH);
        setDefault(limeReplacement, MethodOptions.DEFAULT_HIDDEN);
        setDefault(limeRidge, LimeParams.DEFAULT_RIDGE);
        setDefault(shapSamples, LimeParams.DEFAULT_SAMPLES);
        setDefault(gradCamLayer, "auto");
        setDefault(activationsLayer, "auto");
        setDefault(igSteps, gradientDefaults.steps());
        setDefault(igBaseline, (double) gradientDefaults.baseline());
        setDefault(smoothGradSamples, gradientDefaults.samples());
        setDefault(smoothGradNoise, gradientDefaults.noise());
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
                        new io.shortcutlens.model.OnnxOptions(getInputLayout(), getSoftmax(), 0)));
        LoadedModel model = staged.model();
        ExplainSettings settings = settings(model, staged.spec());
        settings.check(model);
        new ImageExplainPipeline(settings, model); // the normalisation against the model's channels, before any task
        UserDefinedFunction explain = functions.udf(new ExplainFunction(settings, staged.shippedName()), ExplanationSchema.RESULT);
        return dataset.withColumn(getOutputCol(), explain.apply(dataset.col(getInputCol())));
    }

    /** The explain job's settings for these parameters ({@code ExplainJob.settings}), with this stage's one method. */
    ExplainSettings settings(LoadedModel loaded, ModelSpec spec) {
        MethodOptions options = new MethodOptions(getOcclusionMaskSize(), getOcclusionStride(),
                MethodOptions.numberOr(getOcclusionMaskValue(), "auto", "occlusionMaskValue"), getLimeSegmentation(), getLimeFeatures(),
                getLimeSamples(), getLimeKernelWidth(), MethodOptions.numberOr(getLimeReplacement(), "mean", "limeReplacement"), getLimeRidge(),
                getShapSamples(), MethodOptions.layerOrAuto(getGradCamLayer()), MethodOptions.layerOrAuto(getActivationsLayer()), getIgSteps(),
                (float) getIgBaseline(), getSmoothGradSamples(), getSmoothGradNoise(), getBatchSize());
        Normalisation norm = loaded.trainedNormalisation() != null ? loaded.trainedNormalisation() : Normalisation.unitScale();
        if (isDefined(scale)) {
            norm = norm.withScale(getScale());
        }
        return options.settings(List.of(getMethod()), loaded, spec, norm, DecodeLimits.defaults(), TargetSelection.parse(getTarget()), getTopK(),
                getSeed(), uid, getGridSize());
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

    public IntParam batchSize() {
        return batchSize;
    }

    public int getBatchSize() {
        return (Integer) getOrDefault(batchSize);
    }

    public ImageExplainer setBatchSize(int value) {
        set(batchSize, value);
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

    public IntParam occlusionMaskSize() {
        return occlusionMaskSize;
    }

    public int getOcclusionMaskSize() {
        return (Integer) getOrDefault(occlusionMaskSize);
    }

    public ImageExplainer setOcclusionMaskSize(int value) {
        set(occlusionMaskSize, value);
        return this;
    }

    public IntParam occlusionStride() {
        return occlusionStride;
    }

    public int getOcclusionStride() {
        return (Integer) getOrDefault(occlusionStride);
    }

    public ImageExplainer setOcclusionStride(int value) {
        set(occlusionStride, value);
        return this;
    }

    public Param<String> occlusionMaskValue() {
        return occlusionMaskValue;
    }

    public String getOcclusionMaskValue() {
        return getOrDefault(occlusionMaskValue);
    }

    /** A number (model-input units) or {@code auto}. */
    public ImageExplainer setOcclusionMaskValue(String value) {
        set(occlusionMaskValue, value);
        return this;
    }

    public Param<String> limeSegmentation() {
        return limeSegmentation;
    }

    public String getLimeSegmentation() {
        return getOrDefault(limeSegmentation);
    }

    /** {@code slic} or {@code grid}. */
    public ImageExplainer setLimeSegmentation(String value) {
        String v = value == null ? null : value.trim().toLowerCase(Locale.ROOT);
        if (!"slic".equals(v) && !"grid".equals(v)) {
            throw new IllegalArgumentException("limeSegmentation must be 'slic' or 'grid', found '" + value + "'");
        }
        set(limeSegmentation, v);
        return this;
    }

    public IntParam limeFeatures() {
        return limeFeatures;
    }

    public int getLimeFeatures() {
        return (Integer) getOrDefault(limeFeatures);
    }

    public ImageExplainer setLimeFeatures(int value) {
        set(limeFeatures, value);
        return this;
    }

    public IntParam limeSamples() {
        return limeSamples;
    }

    public int getLimeSamples() {
        return (Integer) getOrDefault(limeSamples);
    }

    public ImageExplainer setLimeSamples(int value) {
        set(limeSamples, value);
        return this;
    }

    public DoubleParam limeKernelWidth() {
        return limeKernelWidth;
    }

    public double getLimeKernelWidth() {
        return (Double) getOrDefault(limeKernelWidth);
    }

    public ImageExplainer setLimeKernelWidth(double value) {
        set(limeKernelWidth, value);
        return this;
    }

    public Param<String> limeReplacement() {
        return limeReplacement;
    }

    public String getLimeReplacement() {
        return getOrDefault(limeReplacement);
    }

    /** A number (model-input units) or {@code mean}. */
    public ImageExplainer setLimeReplacement(String value) {
        set(limeReplacement, value);
        return this;
    }

    public DoubleParam limeRidge() {
        return limeRidge;
    }

    public double getLimeRidge() {
        return (Double) getOrDefault(limeRidge);
    }

    public ImageExplainer setLimeRidge(double value) {
        set(limeRidge, value);
        return this;
    }

    public IntParam shapSamples() {
        return shapSamples;
    }

    public int getShapSamples() {
        return (Integer) getOrDefault(shapSamples);
    }

    public ImageExplainer setShapSamples(int value) {
        set(shapSamples, value);
        return this;
    }

    public Param<String> gradCamLayer() {
        return gradCamLayer;
    }

    public String getGradCamLayer() {
        return getOrDefault(gradCamLayer);
    }

    public ImageExplainer setGradCamLayer(String value) {
        set(gradCamLayer, value);
        return this;
    }

    public Param<String> activationsLayer() {
        return activationsLayer;
    }

    public String getActivationsLayer() {
        return getOrDefault(activationsLayer);
    }

    public ImageExplainer setActivationsLayer(String value) {
        set(activationsLayer, value);
        return this;
    }

    public IntParam igSteps() {
        return igSteps;
    }

    public int getIgSteps() {
        return (Integer) getOrDefault(igSteps);
    }

    public ImageExplainer setIgSteps(int value) {
        set(igSteps, value);
        return this;
    }

    public DoubleParam igBaseline() {
        return igBaseline;
    }

    public double getIgBaseline() {
        return (Double) getOrDefault(igBaseline);
    }

    public ImageExplainer setIgBaseline(double value) {
        set(igBaseline, value);
        return this;
    }

    public IntParam smoothGradSamples() {
        return smoothGradSamples;
    }

    public int getSmoothGradSamples() {
        return (Integer) getOrDefault(smoothGradSamples);
    }

    public ImageExplainer setSmoothGradSamples(int value) {
        set(smoothGradSamples, value);
        return this;
    }

    public DoubleParam smoothGradNoise() {
        return smoothGradNoise;
    }

    public double getSmoothGradNoise() {
        return (Double) getOrDefault(smoothGradNoise);
    }

    public ImageExplainer setSmoothGradNoise(double value) {
        set(smoothGradNoise, value);
        return this;
    }
}
