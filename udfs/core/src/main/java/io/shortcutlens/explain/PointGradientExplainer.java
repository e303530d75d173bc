package io.shortcutlens.explain;

import io.shortcutlens.image.ImageTensor;
import io.shortcutlens.image.InputShape;
import io.shortcutlens.maps.AttributionMap;
import io.shortcutlens.model.Differentiable;
import io.shortcutlens.model.ImageClassifier;
import java.util.ArrayList;
import java.util.List;

/**
 * The methods that average the target logit's gradient over many points near the image (integrated gradients' path,
 * SmoothGrad's noisy copies), per target: one value per pixel (channels summed), the points in batches. A method says
 * only what its per-input attribution is for one target.
 */
abstract class PointGradientExplainer<P extends MethodParams> implements Explainer {

    protected final P params;
    private final String method;

    PointGradientExplainer(String method, P params) {
        this.method = method;
        this.params = params;
    }

    @Override
    public final String method() {
        return method;
    }

    @Override
    public final String paramsJson() {
        return params.toJson();
    }

    /** The attribution of every input element (before channels are summed) to {@code target}. */
    protected abstract float[] attribution(Differentiable d, float[] x, int target, long seed);

    /** Points differentiated per target. */
    protected abstract int points();

    @Override
    public final List<Explanation> explain(ImageTensor image, float[] baseScores, int[] targets, ImageClassifier model, long seed) {
        Differentiable d = GradientMaps.differentiable(model, method);
        InputShape shape = image.shape();
        List<Explanation> out = new ArrayList<>();
        for (int t : targets) {
            float[] map = GradientMaps.sumChannels(shape, attribution(d, image.input(), t, seed), 0);
            out.add(new Explanation(t, baseScores[t], AttributionMap.windowGrid(shape.height(), shape.width(), 1, 1, map), null, null, points()));
        }
        return out;
    }
}
