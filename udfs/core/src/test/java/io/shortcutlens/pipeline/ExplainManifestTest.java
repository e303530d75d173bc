package io.shortcutlens.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shortcutlens.image.DecodeLimits;
import io.shortcutlens.image.InputShape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The explain run's manifest: the JSON layout round-trips, older manifests read with their runs' values, other files fail clearly. */
class ExplainManifestTest {

    private static ExplainManifest sample() {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("arguments", List.of("--input", "/lake/images"));
        params.put("methods", List.of("occlusion"));
        params.put("occlusion", Map.of("mask_value", "auto"));
        params.put("seed", 0);
        return new ExplainManifest("r0123", "2026-12-03T10:00:00Z", "0.1.0", "3.5.3", "local[2]", "/lake/images", "images", "dt = '2026-12-02'",
                "/out/explanations", new ExplainManifest.Model("/models/net2.onnx", "abc", new InputShape(3, 224, 224), List.of("bear", "cow"),
                "onnxruntime", "nhwc", true), "resize", "scale=0.00392", 1024, 4096, params, 12, "append-new", 24, 12,
                Map.of("occlusion", 24L), 1, 2, 1, List.of("cpu"), 3.5, new ExplainManifest.Table("delta", 7L));
    }

    private static String resource(String name) throws Exception {
        try (var in = ExplainManifestTest.class.getResourceAsStream("/manifest/" + name)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** The files were written by the hand-mapped manifest this record replaced: the layout is the same to the byte. */
    @Test
    void theJsonLayoutIsTheOneEarlierRunsWroteAndRoundTrips() throws Exception {
        ExplainManifest m = sample();
        assertEquals(resource("explain-manifest.json"), m.toJson());
        assertEquals(resource("explain-settings.json"), m.settingsJson());
        ExplainManifest back = ExplainManifest.parse(m.toJson());
        assertEquals(m.toJson(), back.toJson());
        assertEquals(new ExplainManifest.Table("delta", 7L), back.table());
        assertEquals(io.shortcutlens.model.OnnxOptions.InputLayout.NHWC, back.model().onnx().layout());
        assertTrue(back.model().onnx().softmax());
        assertEquals(1024, back.limits().maxFileBytes());
        assertEquals(List.of("--input", "/lake/images"), back.arguments());
        assertEquals(Map.of("occlusion", 24L), back.rowsPerMethod());
    }

    @Test
    void theSettingsAloneReadBackAsAManifestWithoutOutcome() {
        ExplainManifest m = sample();
        String settings = m.settingsJson();
        assertFalse(settings.contains("output_rows") || settings.contains("seconds") || settings.contains("\"table\""), settings);
        ExplainManifest back = ExplainManifest.parse(settings);
        assertEquals(m.runId(), back.runId());
        assertEquals(m.model(), back.model());
        assertEquals(m.parameters(), back.parameters());
        assertEquals(m.inputImages(), back.inputImages());
        assertEquals(0, back.outputRows());
    }

    @Test
    void anOlderManifestReadsWithTheValuesItsRunUsed() {
        ExplainManifest m = ExplainManifest.parse("{\"run_id\": \"r1\", \"model\": {\"path\": \"/m.zip\", \"model_id\": \"x\", \"input_shape\": [1, 28, 28],"
                + " \"class_names\": [\"a\", \"b\"]}, \"normalisation\": \"scale=0.00392\", \"a_key_of_a_later_version\": 1}");
        assertEquals("auto", m.model().inputLayout());
        assertEquals("dl4j", m.model().runtime());
        assertFalse(m.model().softmax());
        assertEquals(DecodeLimits.defaults().maxPixels(), m.limits().maxPixels());
        assertEquals(new InputShape(1, 28, 28), m.model().inputShape());
        assertEquals(ExplainManifest.Table.PARQUET, m.table(), "manifests from before Delta tables describe Parquet");
        assertEquals(List.of(), m.arguments());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ExplainManifest.parse("{\"job\": \"embed\"}"));
        assertTrue(e.getMessage().contains("'run_id'"), e.getMessage());
        IllegalArgumentException notJson = assertThrows(IllegalArgumentException.class, () -> ExplainManifest.parse("[1, 2]"));
        assertTrue(notJson.getMessage().contains("not an explain run's manifest"), notJson.getMessage());
    }

    @Test
    void theAuditHidesRegionsAsTheRunsExplainersHidPixels() {
        ExplainManifest m = sample();
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("occlusion", Map.of("mask_value", "auto"));
        ExplainManifest withMean = new ExplainManifest(m.runId(), m.created(), m.shortcutlensVersion(), m.sparkVersion(), m.sparkMaster(), m.input(),
                m.inputFormat(), m.inputWhere(), m.output(), m.model(), m.preprocessing(), m.normalisation(), m.maxFileBytes(), m.maxPixels(), params,
                m.inputImages(), m.mode(), m.outputRows(), m.newRows(), m.rowsPerMethod(), m.errorRows(), m.failedTaskAttempts(), m.executorsLost(),
                m.taskDevices(), m.seconds(), m.table());
        assertEquals("auto", withMean.hiddenValue());
        assertEquals(io.shortcutlens.audit.RegionMasker.Fill.MEAN, io.shortcutlens.audit.RegionMasker.asExplained(withMean.hiddenValue()));
        params.put("occlusion", Map.of("mask_value", 0.0));
        assertEquals(io.shortcutlens.audit.RegionMasker.Fill.ZERO, io.shortcutlens.audit.RegionMasker.asExplained(withMean.hiddenValue()));
        params.clear();
        params.put("lime", Map.of("replacement", "mean"));
        assertEquals(io.shortcutlens.audit.RegionMasker.Fill.MEAN, io.shortcutlens.audit.RegionMasker.asExplained(withMean.hiddenValue()));
        params.clear();
        params.put("kernelshap", Map.of("replacement", 0.25));
        assertEquals("0.25", withMean.hiddenValue(), "each method that hides pixels says under which key");
        params.clear(); // a Grad-CAM run hid nothing: the default
        params.put("gradcam", Map.of("layer", "auto"));
        assertEquals(null, withMean.hiddenValue());
        assertEquals(List.of("occlusion", "lime", "kernelshap"), io.shortcutlens.explain.Methods.ALL.stream()
                .filter(x -> x.hidingKey() != null).map(io.shortcutlens.explain.ExplainMethod::name).toList(), "the methods that hide pixels");
        assertEquals(io.shortcutlens.audit.RegionMasker.DEFAULT_FILL, io.shortcutlens.audit.RegionMasker.asExplained(null));
    }
}
