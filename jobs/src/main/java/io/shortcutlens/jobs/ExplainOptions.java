package io.shortcutlens.jobs;

import io.shortcutlens.explain.MethodOption;
import io.shortcutlens.image.DecodeLimits;
import io.shortcutlens.image.InputShape;
import io.shortcutlens.image.Normalisation;
import io.shortcutlens.lake.ImageSource;
import io.shortcutlens.lake.LakeTables;
import io.shortcutlens.lake.RunFolder;
import io.shortcutlens.maps.MapStatistics;
import io.shortcutlens.model.ModelSpec;
import io.shortcutlens.model.OnnxOptions;
import io.shortcutlens.pipeline.ClassSample;
import io.shortcutlens.pipeline.ExplainSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an explain run is asked to do: the typed form of the explain job's flags, and what another job or a program
 * hands to {@link ExplainJob#run(org.apache.spark.sql.SparkSession, ExplainOptions)}. Built with {@link #builder};
 * every default is the constant the flags' help shows.
 *
 * @param input         the images
 * @param model         the model and how to read it
 * @param normalising   the model's input normalisation where it differs from the one recorded in the model
 * @param methods       the methods to run, by name
 * @param methodOptions the methods' options as given, by {@link MethodOption#name()}; the others at their defaults
 * @param target        the class explained: {@code predicted}, {@code all}, or a class name or index
 * @param sample        at most so many images per class, or null for every image
 * @param seed          the run's seed
 * @param topK          top classes listed per row
 * @param gridSize      side of the attribution-mass grid
 * @param limits        images larger than these become error rows
 * @param output        where and how the rows are written
 */
public record ExplainOptions(ImageSource input, ModelChoice model, Normalising normalising, List<String> methods, Map<String, String> methodOptions,
                             String target, ClassSample sample, long seed, int topK, int gridSize, DecodeLimits limits, Output output) {
    /** The methods run when none are named. */
    public static final List<String> DEFAULT_METHODS = List.of("occlusion", "lime");

    /**
     * The model: a DL4J zip or an ONNX file, any Hadoop path.
     *
     * @param classNames class names in output order, or null (then {@code labelsFile}, then the model's own, else class_0..)
     * @param labelsFile a file of class names, one per line, or null
     * @param inputShape the input shape when the model does not record it, or null
     */
    public record ModelChoice(String path, OnnxOptions onnx, InputShape inputShape, List<String> classNames, String labelsFile, long maxBytes) {
        public ModelChoice {
            if (path == null || path.isBlank()) {
                throw new IllegalArgumentException("a model is needed (--model): a DL4J zip or an ONNX file");
            }
            onnx = onnx == null ? OnnxOptions.defaults() : onnx;
            classNames = classNames == null ? null : classNames.stream().map(String::trim).toList();
        }

        public static ModelChoice of(String path) {
            return new ModelChoice(path, OnnxOptions.defaults(), null, null, null, ModelSpec.DEFAULT_MAX_MODEL_BYTES);
        }

        ModelChoice withPath(String p) {
            return new ModelChoice(p, onnx, inputShape, classNames, labelsFile, maxBytes);
        }
    }

    /** Overrides of the model's recorded normalisation; a null part keeps the recorded (else the default) one. */
    public record Normalising(Double scale, double[] mean, double[] std, Normalisation.ChannelOrder order) {
        public static final Normalising AS_RECORDED = new Normalising(null, null, null, null);

        /** {@code base} with these overrides. */
        public Normalisation apply(Normalisation base) {
            Normalisation norm = base;
            norm = scale == null ? norm : norm.withScale(scale);
            norm = mean == null ? norm : norm.withMean(mean);
            norm = std == null ? norm : norm.withStd(std);
            return order == null ? norm : norm.withOrder(order);
        }
    }

    /**
     * Where the rows go: {@code path}/explanations and {@code path}/manifest.json.
     *
     * @param runId the run id written in every row, or null for a hash of model, parameters and input
     */
    public record Output(String path, WriteMode mode, LakeTables.Format format, String runId) {
        public Output {
            if (path == null || path.isBlank()) {
                throw new IllegalArgumentException("an output folder is needed (--output)");
            }
            path = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
            mode = mode == null ? WriteMode.OVERWRITE : mode;
            format = format == null ? LakeTables.Format.PARQUET : format;
        }

        RunFolder folder() {
            return RunFolder.of(path);
        }
    }

    public ExplainOptions {
        if (input == null || model == null || output == null) {
            throw new IllegalArgumentException("an explain run needs --input, --model and --output");
        }
        if (methods == null || methods.isEmpty()) {
            throw new IllegalArgumentException("--methods names no method");
        }
        methods = List.copyOf(methods);
        methodOptions = Map.copyOf(methodOptions == null ? Map.of() : methodOptions);
        normalising = normalising == null ? Normalising.AS_RECORDED : normalising;
        target = target == null ? ExplainSettings.DEFAULT_TARGET : target;
        limits = limits == null ? DecodeLimits.defaults() : limits;
        if (sample != null && sample.seed() != seed) { // the sample's ranks are drawn from the run's seed
            sample = new ClassSample(sample.perClass(), sample.by(), seed);
        }
    }

    /**
     * The explain job's command line that asks for these options: the manifest records it, and the correct job reads
     * it back to explain a corrected model the same way.
     */
    public List<String> commandLine() {
        Cli.Args a = new Cli.Args().add("--input", input.input()).add("--input-format", input.format()).add("--where", input.where())
                .add("--image-col", input.columns().image()).add("--id-col", input.columns().id()).add("--path-col", input.columns().path())
                .add("--label-col", input.columns().label()).add("--partitions", input.partitions());
        InputShape shape = model.inputShape();
        a.add("--model", model.path()).add("--input-layout", model.onnx().layout().label()).flag(model.onnx().softmax(), "--softmax")
                .add("--onnx-threads", model.onnx().threads()).add("--labels", model.labelsFile())
                .add("--class-names", model.classNames() == null ? null : String.join(",", model.classNames()))
                .add("--input-shape", shape == null ? null : shape.channels() + "," + shape.height() + "," + shape.width()).add("--max-model-bytes", model.maxBytes());
        a.add("--scale", normalising.scale()).add("--mean", normalising.mean()).add("--std", normalising.std()).add("--channel-order", normalising.order());
        a.add("--methods", String.join(",", methods));
        methodOptions.forEach((name, value) -> a.add("--" + name, value));
        a.add("--target", target).add("--seed", seed).add("--top-k", topK).add("--grid-size", gridSize)
                .add("--max-file-bytes", limits.maxFileBytes()).add("--max-pixels", limits.maxPixels());
        if (sample != null) {
            a.add("--per-class", sample.perClass()).add("--sample-by", sample.by());
        }
        return a.add("--output", output.path()).add("--mode", output.mode()).add("--table-format", output.format()).add("--run-id", output.runId()).list();
    }

    public static Builder builder(ImageSource input, String model, String output) {
        return new Builder(input, ModelChoice.of(model), new Output(output, WriteMode.OVERWRITE, LakeTables.Format.PARQUET, null));
    }

    /** A builder holding these options, to change some of them. */
    public Builder toBuilder() {
        Builder b = new Builder(input, model, output);
        b.normalising = normalising;
        b.methods = new ArrayList<>(methods);
        b.methodOptions = new LinkedHashMap<>(methodOptions);
        b.target = target;
        b.sample = sample;
        b.seed = seed;
        b.topK = topK;
        b.gridSize = gridSize;
        b.limits = limits;
        return b;
    }

    /** Options built a part at a time; what is not set is at its default. */
    public static final class Builder {
        private ImageSource input;
        private ModelChoice model;
        private Output output;
        private Normalising normalising = Normalising.AS_RECORDED;
        private List<String> methods = new ArrayList<>(DEFAULT_METHODS);
        private Map<String, String> methodOptions = new LinkedHashMap<>();
        private String target = ExplainSettings.DEFAULT_TARGET;
        private ClassSample sample;
        private long seed = ExplainSettings.DEFAULT_SEED;
        private int topK = ExplainSettings.DEFAULT_TOP_K;
        private int gridSize = MapStatistics.DEFAULT_GRID;
        private DecodeLimits limits = DecodeLimits.defaults();

        private Builder(ImageSource input, ModelChoice model, Output output) {
            this.input = input;
            this.model = model;
            this.output = output;
        }

        public Builder input(ImageSource v) {
            input = v;
            return this;
        }

        public Builder model(ModelChoice v) {
            model = v;
            return this;
        }

        /** Another model file, read as the current one is (layout, class names, ...). */
        public Builder modelPath(String path) {
            model = model.withPath(path);
            return this;
        }

        public Builder output(Output v) {
            output = v;
            return this;
        }

        public Builder normalising(Normalising v) {
            normalising = v;
            return this;
        }

        public Builder methods(List<String> v) {
            methods = new ArrayList<>(v);
            return this;
        }

        /** One method's option, as the command line's {@code --name value}. */
        public Builder option(MethodOption o, Object value) {
            methodOptions.put(o.name(), String.valueOf(value));
            return this;
        }

        public Builder methodOptions(Map<String, String> v) {
            methodOptions = new LinkedHashMap<>(v);
            return this;
        }

        public Builder target(String v) {
            target = v;
            return this;
        }

        public Builder sample(ClassSample v) {
            sample = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder topK(int v) {
            topK = v;
            return this;
        }

        public Builder gridSize(int v) {
            gridSize = v;
            return this;
        }

        public Builder limits(DecodeLimits v) {
            limits = v;
            return this;
        }

        public ExplainOptions build() {
            return new ExplainOptions(input, model, normalising, methods, methodOptions, target, sample, seed, topK, gridSize, limits, output);
        }
    }
}
