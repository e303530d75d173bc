package io.shortcutlens.explain;

import io.shortcutlens.model.LoadedModel;
import java.io.Serializable;

/**
 * One method of a run with its resolved parameters: what the settings ship to the tasks (the method by name, so that
 * equal runs are equal after serialisation).
 */
public record MethodRun(String method, MethodParams params) implements Serializable {

    public MethodRun {
        ExplainMethod<?> m = Methods.byName(method);
        method = m.name();
        if (!m.paramsType().isInstance(params)) {
            throw new IllegalArgumentException("method " + method + " takes " + m.paramsType().getSimpleName() + ", found "
                    + (params == null ? "null" : params.getClass().getSimpleName()));
        }
    }

    public static <P extends MethodParams> MethodRun of(ExplainMethod<P> method, P params) {
        return new MethodRun(method.name(), params);
    }

    public ExplainMethod<?> descriptor() {
        return Methods.byName(method);
    }

    public Explainer explainer() {
        return explainer(descriptor());
    }

    /** The method's own checks against the model (beyond what its {@link ExplainMethod.Needs} say). */
    public void check(LoadedModel model) {
        check(descriptor(), model);
    }

    public String json() {
        return params.toJson();
    }

    private <P extends MethodParams> Explainer explainer(ExplainMethod<P> m) {
        return m.explainer(m.paramsType().cast(params));
    }

    private <P extends MethodParams> void check(ExplainMethod<P> m, LoadedModel model) {
        m.check(m.paramsType().cast(params), model);
    }
}
