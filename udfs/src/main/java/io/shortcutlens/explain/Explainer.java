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
}
