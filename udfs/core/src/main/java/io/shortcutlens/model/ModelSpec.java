package io.shortcutlens.model;

import io.shortcutlens.image.InputShape;
import java.io.Serializable;
import java.util.List;

/**
 * How to find and read a model, small enough to ship to every task: the file (a local path, or the name Spark
 * distributed it under), the content hash the driver saw, the user's overrides of input shape and class names, and how
 * to run an ONNX model (ignored for DL4J models).
 */
public record ModelSpec(String path, String modelId, InputShape inputShapeOverride, List<String> classNamesOverride,
                        long maxModelBytes, OnnxOptions onnx) implements Serializable {

    public static final long DEFAULT_MAX_MODEL_BYTES = 2L * 1024 * 1024 * 1024;

    public ModelSpec {
        onnx = onnx == null ? OnnxOptions.defaults() : onnx;
    }

    /** A spec with ONNX Runtime's defaults (input layout read from the model, outputs as the model gives them). */
    public ModelSpec(String path, String modelId, InputShape inputShapeOverride, List<String> classNamesOverride, long maxModelBytes) {
        this(path, modelId, inputShapeOverride, classNamesOverride, maxModelBytes, OnnxOptions.defaults());
    }

    public ModelSpec withModelId(String id) {
        return new ModelSpec(path, id, inputShapeOverride, classNamesOverride, maxModelBytes, onnx);
    }

    public ModelSpec withOnnx(OnnxOptions options) {
        return new ModelSpec(path, modelId, inputShapeOverride, classNamesOverride, maxModelBytes, options);
    }
}
