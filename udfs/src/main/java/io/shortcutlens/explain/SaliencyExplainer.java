package io.shortcutlens.explain;

import io.shortcutlens.image.InputShape;
import io.shortcutlens.model.ImageClassifier;
import java.util.ArrayList;
import java.util.List;

/**
 * Saliency (Simonyan et al. 2014): the gradient of the target's logit with respect to the input, summed over channels
 * (so sums over the map keep their meaning); for a linear model, its weights. One backward pass per image.
 */
public final class SaliencyExplainer extends ImageBatchedExplainer {

    public static final ExplainMethod<NoParams> METHOD = new ExplainMethod<>() {
        @Override
        public String name() {
            return "saliency";
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
            return new SaliencyExplainer();
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
        List<float[]> maps = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            maps.add(GradientMaps.sumChannels(shape, g, j * shape.size()));
        }
        return maps;
    }
}
