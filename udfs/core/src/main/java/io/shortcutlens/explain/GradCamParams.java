package io.shortcutlens.explain;

/** Grad-CAM's one parameter: the feature layer's name, or null for the last layer still larger than 1×1. */
public record GradCamParams(String layer) implements MethodParams {

    public String toJson() {
        return layer == null ? "{\"layer\":\"auto\"}" : "{\"layer\":\"" + layer.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
    }
}
