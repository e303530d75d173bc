package io.shortcutlens.pipeline;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shortcutlens.image.DecodeLimits;
import io.shortcutlens.image.InputShape;
import io.shortcutlens.image.Normalisation;
import io.shortcutlens.model.OnnxOptions;
import java.util.List;
import java.util.Map;

/**
 * An explain run's manifest ({@code OUTPUT/manifest.json}): how the output was made and what it holds. The explain job
 * writes it; the audit, the scan and the correct job read it back through this record. Its JSON layout is declared
 * here, key by key ({@link #toJson()}, {@link #parse(String)}); an older manifest reads too, a key it lacks taking the
 * value the runs that wrote it used.
 *
 * @param normalisation how images became model input, as {@link Normalisation#parse} reads it
 * @param parameters    the run's settings and each method's own, as the method writes them: the one part of the layout
 *                      left as free JSON, since every method names its own keys
 */
@JsonPropertyOrder({"run_id", "created", "shortcutlens_version", "spark_version", "spark_master", "input", "input_format", "input_where", "output", "model",
    "preprocessing", "normalisation", "max_file_bytes", "max_pixels", "parameters", "input_images", "mode", "output_rows", "new_rows", "rows_per_method",
    "error_rows", "failed_task_attempts", "executors_lost", "task_devices", "seconds", "table"})
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ExplainManifest(@JsonProperty("run_id") String runId, String created, @JsonProperty("shortcutlens_version") String shortcutlensVersion,
                              @JsonProperty("spark_version") String sparkVersion, @JsonProperty("spark_master") String sparkMaster, String input,
                              @JsonProperty("input_format") String inputFormat, @JsonProperty("input_where") String inputWhere, String output, Model model,
                              String preprocessing, String normalisation, @JsonProperty("max_file_bytes") long maxFileBytes,
                              @JsonProperty("max_pixels") long maxPixels, Map<String, Object> parameters, @JsonProperty("input_images") long inputImages,
                              String mode, @JsonProperty("output_rows") long outputRows, @JsonProperty("new_rows") long newRows,
                              @JsonProperty("rows_per_method") Map<String, Long> rowsPerMethod, @JsonProperty("error_rows") long errorRows,
                              @JsonProperty("failed_task_attempts") long failedTaskAttempts, @JsonProperty("executors_lost") long executorsLost,
                              @JsonProperty("task_devices") List<String> taskDevices, double seconds, Table table) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** The outcome's keys: what a run found out by running (counts, time), as opposed to how it was set up. */
    private static final List<String> OUTCOME = List.of("output_rows", "new_rows", "rows_per_method", "error_rows", "failed_task_attempts",
            "executors_lost", "task_devices", "seconds", "table");

    public ExplainManifest {
        for (Object[] required : new Object[][] {{"run_id", runId}, {"model", model}, {"normalisation", normalisation}}) {
            if (required[1] == null) {
                throw new IllegalArgumentException("not an explain run's manifest: no '" + required[0] + "'");
            }
        }
        // what manifests written before these keys existed stand for
        maxFileBytes = maxFileBytes > 0 ? maxFileBytes : DecodeLimits.DEFAULT_MAX_FILE_BYTES;
        maxPixels = maxPixels > 0 ? maxPixels : DecodeLimits.DEFAULT_MAX_PIXELS;
        parameters = parameters == null ? Map.of() : parameters;
        rowsPerMethod = rowsPerMethod == null ? Map.of() : rowsPerMethod;
        taskDevices = taskDevices == null ? List.of() : taskDevices;
        table = table == null ? Table.PARQUET : table;
    }

    /**
     * The table the explanations went to: {@code parquet} or {@code delta}, and for Delta the version the run committed
     * (readers time-travel to it: the audit of this manifest reads exactly what the run left, whatever came later).
     */
    @JsonPropertyOrder({"format", "version"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Table(String format, Long version) {
        public static final Table PARQUET = new Table("parquet", null);
    }

    /** The model a run explained: its file, identity, input and outputs, and how ONNX Runtime ran it. */
    @JsonPropertyOrder({"path", "model_id", "input_shape", "class_names", "runtime", "input_layout", "softmax"})
    public record Model(String path, @JsonProperty("model_id") String modelId, @JsonProperty("input_shape") InputShape inputShape,
                        @JsonProperty("class_names") List<String> classNames, String runtime, @JsonProperty("input_layout") String inputLayout,
                        boolean softmax) {
        public Model {
            classNames = classNames == null ? List.of() : List.copyOf(classNames);
            runtime = runtime == null ? "dl4j" : runtime; // manifests from before ONNX models
            inputLayout = inputLayout == null ? OnnxOptions.InputLayout.AUTO.label() : inputLayout;
        }

        /** ONNX Runtime's options as the run used them. */
        public OnnxOptions onnx() {
            return OnnxOptions.of(inputLayout, softmax, 0);
        }
    }

    /**
     * The value the run's pixel-hiding methods hid pixels with, as written ({@code auto}/{@code mean} or a number): the
     * first method of {@link io.shortcutlens.explain.Methods#ALL} that says it hides pixels
     * ({@link io.shortcutlens.explain.ExplainMethod#hidingKey}) and ran; null when the run used none of them.
     */
    public String hiddenValue() {
        for (io.shortcutlens.explain.ExplainMethod<?> m : io.shortcutlens.explain.Methods.ALL) {
            if (m.hidingKey() != null && parameters.get(m.name()) instanceof Map<?, ?> method && method.get(m.hidingKey()) != null) {
                return String.valueOf(method.get(m.hidingKey()));
            }
        }
        return null;
    }

    /** The key of {@link #parameters} holding the command line that asks for the run. */
    public static final String ARGUMENTS = "arguments";

    /** The explain job's command line that asks for this run (empty for runs that did not record one). */
    public List<String> arguments() {
        return parameters.get(ARGUMENTS) instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
    }

    /** The normalisation the run used. */
    public Normalisation inputNormalisation() {
        return Normalisation.parse(normalisation);
    }

    /** The decode limits the run used. */
    @JsonIgnore
    public DecodeLimits limits() {
        return new DecodeLimits(maxFileBytes, maxPixels);
    }

    /** The manifest as its file holds it. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the manifest of run " + runId + ": " + e.getMessage(), e);
        }
    }

    /** The manifest as a JSON tree, key by key in the file's order (the report's table of run parameters). */
    public ObjectNode tree() {
        return JSON.valueToTree(this);
    }

    /** The manifest without its outcome, on one line: how the run was set up, known before it writes (a Delta commit's metadata). */
    public String settingsJson() {
        ObjectNode settings = tree();
        settings.remove(OUTCOME);
        return settings.toString();
    }

    /** Reads what {@link #toJson()} or {@link #settingsJson()} wrote, or an older manifest; fails naming what is missing. */
    public static ExplainManifest parse(String json) {
        try {
            JsonNode tree = JSON.readTree(json);
            if (tree == null || !tree.isObject()) {
                throw new IllegalArgumentException("not an explain run's manifest: not a JSON object");
            }
            return JSON.treeToValue(tree, ExplainManifest.class);
        } catch (JsonProcessingException e) {
            Throwable cause = e;
            while (cause.getCause() != null) {
                cause = cause.getCause();
            }
            throw new IllegalArgumentException(cause instanceof IllegalArgumentException ? cause.getMessage() : "not an explain run's manifest: "
                    + e.getOriginalMessage(), e);
        }
    }
}
