package io.shortcutlens.model;

import io.shortcutlens.image.InputShape;

/**
 * The one call every explainer makes: class scores for a batch of images. DL4J serves it today; a faster runtime
 * can serve the same explainers by implementing this interface. Implementations are safe to call from several
 * task threads at once.
 */
public interface ImageClassifier {

    InputShape inputShape();

    int numClasses();

    /**
     * Scores {@code n} images laid out contiguously as {@code n × C × H × W} floats (the array may be longer; only the
     * first {@code n} images are read). Returns {@code n × numClasses} scores, row-major.
     */
    float[] scores(float[] batch, int n);
}
