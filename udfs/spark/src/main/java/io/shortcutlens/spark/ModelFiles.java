package io.shortcutlens.spark;

import io.shortcutlens.model.LoadedModel;
import io.shortcutlens.model.ModelRegistry;
import io.shortcutlens.model.ModelSpec;
import java.io.File;
import org.apache.spark.SparkFiles;

/** Finds a model file inside a task: the copy Spark distributed with {@code addFile}, else the path itself. */
public final class ModelFiles {
    private ModelFiles() { }

    /** The model for this spec, loaded once per JVM through {@link ModelRegistry}. */
    public static LoadedModel load(ModelSpec spec, String shippedName) {
        File file = null;
        if (shippedName != null) {
            try {
                File shipped = new File(SparkFiles.get(shippedName));
                if (shipped.isFile()) {
                    file = shipped;
                }
            } catch (RuntimeException noSparkContext) {
                // outside a Spark task: fall through to the path
            }
        }
        if (file == null) {
            String p = spec.path();
            file = new File(p.startsWith("file:") ? java.net.URI.create(p).getPath() : p);
        }
        return ModelRegistry.get(withTaskThreads(spec), file);
    }

    /** An ONNX model left to pick its threads runs each batch on as many as the task has cores ({@code spark.task.cpus}). */
    static ModelSpec withTaskThreads(ModelSpec spec) {
        org.apache.spark.TaskContext task = org.apache.spark.TaskContext.get();
        if (spec.onnx().threads() > 0 || task == null) {
            return spec;
        }
        return spec.withOnnx(spec.onnx().withThreads(task.cpus()));
    }
}
