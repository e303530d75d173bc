package io.shortcutlens.pipeline;

import io.shortcutlens.image.DecodeLimits;
import io.shortcutlens.image.InputShape;
import io.shortcutlens.image.Normalisation;
import io.shortcutlens.model.OnnxOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An explain run's manifest ({@code OUTPUT/manifest.json}): how the output was made and what it holds. The explain job
 * writes it; the audit and the scan read it back through this record, never through casts of a JSON map. Its JSON
 * layout is {@link #toMap()}; {@link #of(Map)} reads that layout, older manifests included (a key they lack takes the
 * value the runs that wrote them used).
 *
 * @param normalisation how images became model input, as {@link Normalisation#parse} reads it
 * @param parameters    the methods' settings, as written (JSON objects per method)
 */
public record ExplainManifest(String runId, String created, String shortcutlensVersion, String sparkVersion, String sparkMaster, String input,
                              String inputFormat, String inputWhere, String output, Model model, String preprocessing, String normalisation,
                              long maxFileBytes, long maxPixels, Map<String, Object> parameters, long inputImages, String mode, long outputRows,
                              long newRows, Map<String, Long> rowsPerMethod, long errorRows, long failedTaskAttempts, long executorsLost,
                              List<String> taskDevices, double seconds, Table table) {

    /** The outcome's keys: what a run found out by running (counts, time), as opposed to how it was set up. */
    private static final List<String> OUTCOME = List.of("output_rows", "new_rows", "rows_per_method", "error_rows", "failed_task_attempts",
            "executors_lost", "task_devices", "seconds", "table");

    /**
     * The table the explanations went to: {@code parquet} or {@code delta}, and for Delta the version the run committed
     * (readers time-travel to it: the audit of this manifest reads exactly what the run left, whatever came later).
     */
    public record Table(String format, Long version) {
        public static final Table PARQUET = new Table("parquet", null);

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("format", format);
            m.put("version", version);
            return m;
        }

        static Table of(Object o) {
            if (!(o instanceof Map<?, ?> m)) {
                return PARQUET; // manifests written before Delta tables
            }
            return new Table(String.valueOf(m.get("format")), m.get("version") == null ? null : ((Number) m.get("version")).longValue());
        }
    }

    /** The model a run explained: its file, identity, input and outputs, and how ONNX Runtime ran it. */
    public record Model(String path, String modelId, InputShape inputShape, List<String> classNames, String runtime, String inputLayout,
                        boolean softmax) {
        /** ONNX Runtime's options as the run used them. */
        public OnnxOptions onnx() {
            return OnnxOptions.of(inputLayout, softmax, 0);
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", path);
            m.put("model_id", modelId);
            m.put("input_shape", List.of(inputShape.channels(), inputShape.height(), inputShape.width()));
            m.put("class_names", classNames);
            m.put("runtime", runtime);
            m.put("input_layout", inputLayout);
            m.put("softmax", softmax);
            return m;
        }

        @SuppressWarnings("unchecked")
        static Model of(Map<String, Object> m) {
            List<Number> dims = (List<Number>) m.get("input_shape");
            return new Model((String) m.get("path"), (String) m.get("model_id"),
                    dims == null ? null : new InputShape(dims.get(0).intValue(), dims.get(1).intValue(), dims.get(2).intValue()),
                    List.copyOf((List<String>) m.getOrDefault("class_names", List.of())), (String) m.getOrDefault("runtime", "dl4j"),
                    (String) m.getOrDefault("input_layout", "auto"), Boolean.TRUE.equals(m.get("softmax")));
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

    /** The key of {@link #parameters} holding the command-line arguments the run was started with. */
    public static final String ARGUMENTS = "arguments";

    /** The command-line arguments the run was started with (empty for runs that did not record them). */
    @SuppressWarnings("unchecked")
    public List<String> arguments() {
        return parameters.get(ARGUMENTS) instanceof List<?> l ? List.copyOf((List<String>) l) : List.of();
    }

    /** The normalisation the run used. */
    public Normalisation inputNormalisation() {
        return Normalisation.parse(normalisation);
    }

    /** The decode limits the run used. */
    public DecodeLimits limits() {
        return new DecodeLimits(maxFileBytes, maxPixels);
    }

    /** The manifest as its JSON file holds it (keys in this order). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run_id", runId);
        m.put("created", created);
        m.put("shortcutlens_version", shortcutlensVersion);
        m.put("spark_version", sparkVersion);
        m.put("spark_master", sparkMaster);
        m.put("input", input);
        m.put("input_format", inputFormat);
        m.put("input_where", inputWhere);
        m.put("output", output);
        m.put("model", model.toMap());
        m.put("preprocessing", preprocessing);
        m.put("normalisation", normalisation);
        m.put("max_file_bytes", maxFileBytes);
        m.put("max_pixels", maxPixels);
        m.put("parameters", parameters);
        m.put("input_images", inputImages);
        m.put("mode", mode);
        m.put("output_rows", outputRows);
        m.put("new_rows", newRows);
        m.put("rows_per_method", rowsPerMethod);
        m.put("error_rows", errorRows);
        m.put("failed_task_attempts", failedTaskAttempts);
        m.put("executors_lost", executorsLost);
        m.put("task_devices", taskDevices);
        m.put("seconds", seconds);
        m.put("table", table == null ? null : table.toMap());
        return m;
    }

    /** The manifest without its outcome: how the run was set up, known before it writes (a Delta commit's metadata). */
    public Map<String, Object> settingsMap() {
        Map<String, Object> m = toMap();
        m.keySet().removeAll(OUTCOME);
        return m;
    }

    /** Reads the layout {@link #toMap()} writes; fails naming the key when a required one is missing. */
    @SuppressWarnings("unchecked")
    public static ExplainManifest of(Map<String, Object> m) {
        for (String key : List.of("run_id", "model", "normalisation")) {
            if (m.get(key) == null) {
                throw new IllegalArgumentException("not an explain run's manifest: no '" + key + "' (keys: " + m.keySet() + ")");
            }
        }
        Map<String, Long> perMethod = new LinkedHashMap<>();
        ((Map<String, Object>) m.getOrDefault("rows_per_method", Map.of())).forEach((k, v) -> perMethod.put(k, ((Number) v).longValue()));
        return new ExplainManifest((String) m.get("run_id"), (String) m.get("created"), (String) m.get("shortcutlens_version"),
                (String) m.get("spark_version"), (String) m.get("spark_master"), (String) m.get("input"), (String) m.get("input_format"),
                (String) m.get("input_where"), (String) m.get("output"), Model.of((Map<String, Object>) m.get("model")), (String) m.get("preprocessing"),
                (String) m.get("normalisation"), number(m, "max_file_bytes", DecodeLimits.DEFAULT_MAX_FILE_BYTES),
                number(m, "max_pixels", DecodeLimits.DEFAULT_MAX_PIXELS), (Map<String, Object>) m.getOrDefault("parameters", Map.of()),
                number(m, "input_images", 0), (String) m.get("mode"), number(m, "output_rows", 0), number(m, "new_rows", 0), perMethod,
                number(m, "error_rows", 0), number(m, "failed_task_attempts", 0), number(m, "executors_lost", 0),
                new ArrayList<>((java.util.Collection<String>) m.getOrDefault("task_devices", List.of())),
                m.get("seconds") == null ? 0 : ((Number) m.get("seconds")).doubleValue(), Table.of(m.get("table")));
    }

    private static long number(Map<String, Object> m, String key, long otherwise) {
        Object v = m.get(key);
        return v == null ? otherwise : ((Number) v).longValue();
    }
}
