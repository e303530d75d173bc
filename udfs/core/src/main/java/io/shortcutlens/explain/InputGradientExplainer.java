package io.shortcutlens.explain;

import io.shortcutlens.image.InputShape;
import io.shortcutlens.model.ImageClassifier;
import java.util.ArrayList;
import java.util.List;

/** Saliency and input × gradient: one backward pass for the images of a call, the input gradient (times the input) per pixel. */
abstract class InputGradientExplainer extends ImageBatchedExplainer {

    private final boolean timesInput;

    InputGradientExplainer(boolean timesInput) {
        this.timesInput = timesInput;
    }

    @Override
    public final String paramsJson() {
        return new NoParams().toJson();
    }

    @Override
    protected final void check(ImageClassifier model) {
        GradientMaps.differentiable(model, method());
    }

    @Override
    protected final List<float[]> maps(ImageClassifier model, float[] batch, int n, int[] targets, InputShape shape) {
        float[] g = GradientMaps.differentiable(model, method()).inputGradients(batch, n, targets);
        if (timesInput) {
            for (int i = 0; i < g.length; i++) {
                g[i] *= batch[i];
            }
        }
        List<float[]> maps = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            maps.add(GradientMaps.sumChannels(shape, g, j * shape.size()));
        }
        return maps;
    }
}
