package io.shortcutlens.explain;

import java.util.List;

/**
 * Saliency (Simonyan et al. 2014): the gradient of the target's logit with respect to the input, summed over channels
 * (so sums over the map keep their meaning); for a linear model, its weights. One backward pass per image.
 */
public final class SaliencyExplainer extends InputGradientExplainer {

    public static final ExplainMethod<NoParams> METHOD = ExplainMethod.of("saliency", ExplainMethod.Needs.GRADIENTS, NoParams.class,
            List.of(),
            (v, input) -> new NoParams(),
            p -> new SaliencyExplainer());

    public SaliencyExplainer() {
        super(false);
    }

    @Override
    public String method() {
        return METHOD.name();
    }
}
