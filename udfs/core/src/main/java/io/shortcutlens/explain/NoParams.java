package io.shortcutlens.explain;

/** The parameters of a method that has none (saliency, input × gradient). */
public record NoParams() implements MethodParams {

    @Override
    public String toJson() {
        return "{}";
    }
}
