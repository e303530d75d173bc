package io.shortcutlens.explain;

import io.shortcutlens.image.ImageTensor;
import io.shortcutlens.model.ImageClassifier;
import java.util.List;

/**
 * The call shape every ShortcutLens explainer shares: attributions of one image for the given target classes.
 * The unperturbed image's scores are computed once by the caller (they are also the prediction) and passed in.
 * Implementations evaluate perturbed images in batches through {@link ImageClassifier#scores}.
 */
public interface Explainer {

    /** The method name written in the {@code method} column, e.g. {@code occlusion}. */
    String method();

    /** The resolved parameters as JSON, written with every row so a map says how it was made. */
    String paramsJson();

    /**
     * @param image      the image at model-input resolution
     * @param baseScores the model's scores on {@code image}, length {@code numClasses}
     * @param targets    class indices to explain
     * @param model      the classifier to probe
     * @param seed       seed of this image's random stream (explainers that sample use nothing else)
     */
    List<Explanation> explain(ImageTensor image, float[] baseScores, int[] targets, ImageClassifier model, long seed);

    /**
     * True when {@link #explainAll} sends several images through the model together (one pass per image methods:
     * Grad-CAM, saliency); false when it would only loop over {@link #explain}.
     */
    default boolean batchesImages() {
        return false;
    }

    /**
     * Explains several images; element {@code i} of the result is what {@link #explain} gives for image {@code i}.
     * The default explains them one by one.
     */
    default List<List<Explanation>> explainAll(List<ImageTensor> images, List<float[]> baseScores, List<int[]> targets, ImageClassifier model,
                                               long[] seeds) {
        List<List<Explanation>> out = new java.util.ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            out.add(explain(images.get(i), baseScores.get(i), targets.get(i), model, seeds[i]));
        }
        return out;
    }

    /**
     * One-value-per-pixel maps, per image and target as {@link #pairwise} gives them, as explanations of one pass each
     * (stored as 1×1 window grids).
     */
    static List<List<Explanation>> pixelMaps(List<ImageTensor> images, List<float[]> baseScores, List<int[]> targets, List<List<float[]>> maps) {
        List<List<Explanation>> out = new java.util.ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            io.shortcutlens.image.InputShape shape = images.get(i).shape();
            List<Explanation> e = new java.util.ArrayList<>();
            int[] ts = targets.get(i);
            for (int k = 0; k < ts.length; k++) {
                e.add(new Explanation(ts[k], baseScores.get(i)[ts[k]], io.shortcutlens.maps.AttributionMap.windowGrid(shape.height(), shape.width(),
                        1, 1, maps.get(i).get(k)), null, null, 1));
            }
            out.add(e);
        }
        return out;
    }

    /** What one pass of a batch of (image, target) pairs gives per pair (see {@link #pairwise}). */
    interface PairPass {
        List<float[]> run(float[] batch, int n, int[] targets);
    }

    /**
     * Every (image, target) pair of {@code images} through {@code pass}, {@code perPass} pairs at a time: the results
     * per image, per target, in order.
     */
    static List<List<float[]>> pairwise(List<ImageTensor> images, List<int[]> targets, int perPass, PairPass pass) {
        List<int[]> pairs = new java.util.ArrayList<>();
        List<List<float[]>> out = new java.util.ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            out.add(new java.util.ArrayList<>());
            for (int t : targets.get(i)) {
                pairs.add(new int[] {i, t});
            }
        }
        for (int start = 0; start < pairs.size(); start += perPass) {
            int n = Math.min(perPass, pairs.size() - start);
            int size = images.get(pairs.get(start)[0]).input().length;
            float[] batch = new float[n * size];
            int[] t = new int[n];
            for (int j = 0; j < n; j++) {
                int[] pair = pairs.get(start + j);
                System.arraycopy(images.get(pair[0]).input(), 0, batch, j * size, size);
                t[j] = pair[1];
            }
            List<float[]> results = pass.run(batch, n, t);
            for (int j = 0; j < n; j++) {
                out.get(pairs.get(start + j)[0]).add(results.get(j));
            }
        }
        return out;
    }
}
