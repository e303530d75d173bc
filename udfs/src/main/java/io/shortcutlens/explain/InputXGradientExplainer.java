package io.shortcutlens.explain;

import io.shortcutlens.image.InputShape;
import io.shortcutlens.model.ImageClassifier;
import java.util.ArrayList;
import java.util.List;

/**
 * Input × gradient (Shrikumar et al. 2016): each input element times the target logit's gradient there, summed over
 * channels; for a linear model with a zero bias, each pixel's contribution to the logit. One backward pass per image.
 */
public final class InputXGradientExplainer extends ImageBatchedExplainer {

    public static final ExplainMethod<NoParams> METHOD = new ExplainMethod<>() {
        @Override
        public String name() {
            return "input-x-gradient";
        }

        @Override
        public Needs needs() {
            return Needs.GRADIENTS;
        }

        @Override
        public Class<NoParams> paramsType() {
            return NoParams.class;
        }

        @Override
        public List<MethodOption> options() {
            return List.of();
        }

        @Override
        public NoParams params(OptionValues v, InputShape input) {
            return new NoParams();
        }

        @Override
        public Explainer explainer(NoParams p) {
            return new InputXGradientExplainer();
        }
    };

    @Override
    public String method() {
        return METHOD.name();
    }

    @Override
    public String paramsJson() {
        return new NoParams().toJson();
    }

    @Override
    protected void check(ImageClassifier model) {
        GradientMaps.differentiable(model, method());
    }

    @Override
    protected List<float[]> maps(ImageClassifier model, float[] batch, int n, int[] targets, InputShape shape) {
        float[] g = GradientMaps.differentiable(model, method()).inputGradients(batch, n, targets);
        for (int i = 0; i < g.length; i++) {
            g[i] *= batch[i];
        }
        List<float[]> maps = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            maps.add(GradientMaps.sumChannels(shape, g, j * shape.size()));
        }
        return maps;
    }
}
