package io.shortcutlens.evaluate;

import io.shortcutlens.explain.Explainer;
import io.shortcutlens.image.ImageTensor;
import io.shortcutlens.model.ImageClassifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The model-parameter randomisation test of Adebayo et al. (2018), cascading from the top: each method's map of an
 * image on the trained model against its map on the model with its top {@code 1, 2, …} parameter layers randomised
 * ({@link io.shortcutlens.model.Randomisable}), compared by Spearman's rank correlation of the absolute maps pooled on
 * a grid ({@link RankCorrelation#pooledMagnitude}). A method whose correlation stays high once the layers that make
 * the decision are noise is showing the image, not the model.
 */
public final class CascadingRandomisation {

    /** Pooled maps are compared on a grid of at most this many blocks a side (every pixel at the demo's 32×32). */
    public static final int POOL_SIDE = 32;

    private CascadingRandomisation() { }

    /**
     * For one image and target class: per method, the rank correlation at 0 (1 by definition), 1, … randomised layers;
     * {@code randomised.get(i)} is the model with its top {@code i + 1} parameter layers randomised.
     */
    public static Map<String, double[]> correlations(ImageTensor image, int target, List<Explainer> explainers, ImageClassifier model,
                                                     List<ImageClassifier> randomised, long seed) {
        Map<String, double[]> out = new LinkedHashMap<>();
        int h = image.shape().height();
        int w = image.shape().width();
        List<float[]> base = new ArrayList<>();
        base.add(model.scores(image.input(), 1));
        for (ImageClassifier r : randomised) {
            base.add(r.scores(image.input(), 1));
        }
        for (Explainer e : explainers) {
            double[] original = RankCorrelation.pooledMagnitude(map(e, image, base.get(0), target, model, seed), h, w, POOL_SIDE);
            double[] rho = new double[randomised.size() + 1];
            rho[0] = 1;
            for (int i = 0; i < randomised.size(); i++) {
                double[] other = RankCorrelation.pooledMagnitude(map(e, image, base.get(i + 1), target, randomised.get(i), seed), h, w, POOL_SIDE);
                rho[i + 1] = RankCorrelation.spearman(original, other);
            }
            out.put(e.method(), rho);
        }
        return out;
    }

    private static float[] map(Explainer e, ImageTensor image, float[] base, int target, ImageClassifier model, long seed) {
        return e.explain(image, base, new int[] {target}, model, seed).get(0).map().toPixels();
    }
}
