package io.shortcutlens.spark;

import io.shortcutlens.model.LoadedModel;
import io.shortcutlens.pipeline.ExplainSettings;
import io.shortcutlens.pipeline.ImageExplainPipeline;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;

/**
 * One image's bytes → its {@link ExplanationSchema#RESULT} struct, for the settings' one method and target: the function
 * behind the SQL functions and the Spark ML {@code ImageExplainer}. The image id, and with it the per-image random stream,
 * is the content hash of the bytes, as in the explain job, so LIME and KernelSHAP give the job's values. An image that
 * cannot be decoded gives a struct with {@code error} set. Only the settings travel with the task; the model and the
 * pipeline are built once per executor JVM.
 */
public final class ExplainFunction implements UDF1<byte[], Row> {
    private static final long serialVersionUID = 1L;

    private static final ConcurrentHashMap<ExplainSettings, ImageExplainPipeline> PIPELINES = new ConcurrentHashMap<>();

    private final ExplainSettings settings;
    private final String shippedModelName;

    /**
     * @param settings         exactly one method, and a target of one class (predicted or fixed)
     * @param shippedModelName the name the model file was shipped under with {@code addFile}
     */
    public ExplainFunction(ExplainSettings settings, String shippedModelName) {
        if (settings.explainers().size() != 1) {
            throw new IllegalArgumentException("an explain function computes one method, found " + settings.methods());
        }
        this.settings = settings;
        this.shippedModelName = shippedModelName;
    }

    @Override
    public Row call(byte[] bytes) {
        return result(settings, shippedModelName, bytes);
    }

    /** The struct for these settings (one method), the pipeline taken from or added to this JVM's cache. */
    static Row result(ExplainSettings settings, String shippedModelName, byte[] bytes) {
        GpuBinder.bindTask();
        ImageExplainPipeline pipeline = PIPELINES.computeIfAbsent(settings, s -> {
            LoadedModel model = ModelFiles.load(s.model(), shippedModelName);
            return new ImageExplainPipeline(s, model);
        });
        return ExplanationRows.result(pipeline.explain(null, null, null, bytes).get(0));
    }
}
