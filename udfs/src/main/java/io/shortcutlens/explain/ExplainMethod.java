package io.shortcutlens.explain;

import io.shortcutlens.image.InputShape;
import io.shortcutlens.model.LoadedModel;
import java.util.List;

/**
 * One explanation method, described once: its name (the {@code method} column), what it needs from a model, the
 * options it reads with their defaults, how those become its parameter record, and the explainer for a record. The
 * explain job's options, the settings, the run id, the manifest and the Spark ML stage's params all come from these
 * descriptors ({@link Methods#ALL}); adding a method is one descriptor and its test.
 *
 * @param <P> the method's parameter record
 */
public interface ExplainMethod<P extends MethodParams> {

    /** What a method asks of the model beyond its class scores. */
    enum Needs {
        /** Class scores only: any model, ONNX included (occlusion, LIME, KernelSHAP). */
        SCORES,
        /** Gradients of the scores ({@code Differentiable}): DL4J networks and ONNX graphs of supported operators. */
        GRADIENTS,
        /** Intermediate layers' outputs ({@code LayerOutputs}). */
        LAYERS
    }

    /** The name written in the {@code method} column and given to {@code --methods}. */
    String name();

    Needs needs();

    /** The type of its parameter record. */
    Class<P> paramsType();

    /** The options it reads, in the order the help lists them. */
    List<MethodOption> options();

    /** Its parameters from the options' values, resolved for this model input (automatic sizes become numbers). */
    P params(OptionValues values, InputShape input);

    Explainer explainer(P params);

    /** Checks the parameters against the model before any task runs (a layer the model lacks, say); nothing by default. */
    default void check(P params, LoadedModel model) { }

    /** The parameters at every option's default, for this input. */
    default P defaults(InputShape input) {
        return params(OptionValues.defaults(), input);
    }
}
