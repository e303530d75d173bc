package io.shortcutlens.explain;

/** The activations method's one parameter: the layer's name or index, or null for the Grad-CAM layer. */
public record ActivationParams(String layer) implements MethodParams {

    public String toJson() {
        return "{\"layer\":\"" + (layer == null ? "auto" : layer.replace("\\", "\\\\").replace("\"", "\\\"")) + "\",\"channel\":\"strongest\"}";
    }
}
