package io.shortcutlens.explain;

import io.shortcutlens.image.InputShape;
import io.shortcutlens.model.LoadedModel;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;

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

    /**
     * Whether and how the method hides pixels: the key of its parameters' JSON that holds the value it hides them with
     * (occlusion's mask value, LIME's and KernelSHAP's replacement), or null for a method that hides none. The audit
     * hides regions as the run's explainers hid pixels ({@code ExplainManifest.hiddenValue}).
     */
    default String hidingKey() {
        return null;
    }

    /** The same method, saying that it hides pixels with the value under {@code key} of its parameters' JSON. */
    default ExplainMethod<P> hidingPixelsWith(String key) {
        return new Described<>(name(), needs(), paramsType(), options(), this::params, this::explainer, this::check, key);
    }

    /** Checks the parameters against the model before any task runs (a layer the model lacks, say); nothing by default. */
    default void check(P params, LoadedModel model) { }

    /** The parameters at every option's default, for this input. */
    default P defaults(InputShape input) {
        return params(OptionValues.defaults(), input);
    }

    /**
     * A descriptor from its parts: how the options' values become parameters ({@code params}) and how parameters
     * become an explainer ({@code explainer}).
     */
    static <P extends MethodParams> ExplainMethod<P> of(String name, Needs needs, Class<P> paramsType, List<MethodOption> options,
                                                        BiFunction<OptionValues, InputShape, P> params, Function<P, Explainer> explainer) {
        return of(name, needs, paramsType, options, params, explainer, (p, model) -> { });
    }

    /** As {@link #of(String, Needs, Class, List, BiFunction, Function)}, with the method's own check against the model. */
    static <P extends MethodParams> ExplainMethod<P> of(String name, Needs needs, Class<P> paramsType, List<MethodOption> options,
                                                        BiFunction<OptionValues, InputShape, P> params, Function<P, Explainer> explainer,
                                                        BiConsumer<P, LoadedModel> check) {
        return new Described<>(name, needs, paramsType, List.copyOf(options), params, explainer, check, null);
    }

    /** A descriptor from its parts ({@link #of}); {@code hidingKey} null for a method that hides no pixels. */
    record Described<P extends MethodParams>(String name, Needs needs, Class<P> paramsType, List<MethodOption> options,
                                             BiFunction<OptionValues, InputShape, P> reader, Function<P, Explainer> factory,
                                             BiConsumer<P, LoadedModel> checker, String hidingKey) implements ExplainMethod<P> {
        @Override
        public P params(OptionValues values, InputShape input) {
            return reader.apply(values, input);
        }

        @Override
        public Explainer explainer(P p) {
            return factory.apply(p);
        }

        @Override
        public void check(P p, LoadedModel model) {
            checker.accept(p, model);
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
