package io.shortcutlens.model;

import io.shortcutlens.image.InputShape;
import java.io.Serializable;
import java.util.List;

/**
 * How to find and read a model, small enough to ship to every task: the file (a local path, or the name Spark
 * distributed it under), the content hash the driver saw, and the user's overrides of input shape and class names.
 */
public record ModelSpec(String path, String modelId, InputShape inputShapeOverride, List<String> classNamesOverride,
                        long maxModelBytes) implements Serializable {

    public static final long DEFAULT_MAX_MODEL_BYTES = 2L * 1024 * 1024 * 1024;

    public ModelSpec withModelId(String id) {
        return new ModelSpec(path, id, inputShapeOverride, classNamesOverride, maxModelBytes);
    }
}
