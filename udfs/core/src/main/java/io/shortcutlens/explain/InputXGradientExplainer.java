package io.shortcutlens.explain;

import java.util.List;

/**
 * Input × gradient (Shrikumar et al. 2016): each input element times the target logit's gradient there, summed over
 * channels; for a linear model with a zero bias, each pixel's contribution to the logit. One backward pass per image.
 */
public final class InputXGradientExplainer extends InputGradientExplainer {

    public static final ExplainMethod<NoParams> METHOD = ExplainMethod.of("input-x-gradient", ExplainMethod.Needs.GRADIENTS, NoParams.class,
            List.of(),
            (v, input) -> new NoParams(),
            p -> new InputXGradientExplainer());

    public InputXGradientExplainer() {
        super(true);
    }

    @Override
    public String method() {
        return METHOD.name();
    }
}
