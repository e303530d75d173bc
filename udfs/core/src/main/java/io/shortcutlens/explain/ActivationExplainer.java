package io.shortcutlens.explain;

import io.shortcutlens.image.InputShape;
import io.shortcutlens.model.Differentiable;
import io.shortcutlens.model.ImageClassifier;
import io.shortcutlens.model.LayerOutputs;
import java.util.ArrayList;
import java.util.List;

/**
 * The strongest channel of a layer, upsampled over the image: the story's {@code activations} step
 * ({@code [~, c] = max(max(max(act)))}, the channel holding the layer's largest single activation, then
 * {@code imresize} to the image size, here bilinear). Not an attribution of a class: the same map for every target. One
 * forward pass per batch of images.
 */
public final class ActivationExplainer extends ImageBatchedExplainer {

    public static final MethodOption LAYER = new MethodOption("activations-layer", "activationsLayer", MethodOption.Kind.TEXT, "NAME|auto", "auto",
            "The layer whose strongest channel (the one holding its largest activation) is upsampled over the image; auto = the Grad-CAM layer.");

    /** The strongest channel of a layer, upsampled (not an attribution of a class). */
    public static final ExplainMethod<ActivationParams> METHOD = ExplainMethod.of("activations", ExplainMethod.Needs.LAYERS, ActivationParams.class,
            List.of(LAYER),
            (v, input) -> new ActivationParams(v.layerOrAuto(LAYER)),
            p -> new ActivationExplainer(p),
            (p, loaded) -> { // the layer must be there: read once on a blank input
                try {
                    layers(loaded.classifier(), "activations").activations(new float[loaded.inputShape().size()], 1, p.layer());
                } catch (IllegalArgumentException | UnsupportedOperationException e) {
                    throw new IllegalArgumentException("model " + loaded.path() + ", activations: " + e.getMessage(), e);
                }
            });

    private final ActivationParams params;

    public ActivationExplainer(ActivationParams params) {
        this.params = params;
    }

    @Override
    public String method() {
        return "activations";
    }

    @Override
    public String paramsJson() {
        return params.toJson();
    }

    @Override
    protected void check(ImageClassifier model) {
        layers(model, method());
    }

    @Override
    protected List<float[]> maps(ImageClassifier model, float[] batch, int n, int[] targets, InputShape shape) {
        Differentiable.LayerActivations a = layers(model, method()).activations(batch, n, params.layer());
        List<float[]> up = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            up.add(io.shortcutlens.maps.Resize.bilinear(strongestChannel(a, j), a.height(), a.width(), shape.height(), shape.width()));
        }
        return up;
    }

    /** The model's layers; fails naming the model when they cannot be read. */
    static LayerOutputs layers(ImageClassifier model, String method) {
        if (model instanceof LayerOutputs l) {
            return l;
        }
        throw new UnsupportedOperationException(method + " reads a layer of the network, which this model (" + model + ") does not give");
    }

    /** Image {@code i}'s channel with the largest single activation (the first such channel on ties). */
    public static float[] strongestChannel(Differentiable.LayerActivations a, int i) {
        int hw = a.height() * a.width();
        int offset = i * a.size() + strongestChannelIndex(a, i) * hw;
        return java.util.Arrays.copyOfRange(a.values(), offset, offset + hw);
    }

    /** The index of image {@code i}'s strongest channel. */
    public static int strongestChannelIndex(Differentiable.LayerActivations a, int i) {
        int hw = a.height() * a.width();
        int offset = i * a.size();
        int best = 0;
        for (int p = 1; p < a.size(); p++) {
            if (a.values()[offset + p] > a.values()[offset + best]) {
                best = p;
            }
        }
        return best / hw;
    }
}
