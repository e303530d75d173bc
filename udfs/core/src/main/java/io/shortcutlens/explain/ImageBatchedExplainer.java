package io.shortcutlens.explain;

import io.shortcutlens.image.ImageTensor;
import io.shortcutlens.image.InputShape;
import io.shortcutlens.model.ImageClassifier;
import java.util.List;

/**
 * The plumbing of the methods that need one pass through the network per image (Grad-CAM, activations): the images of
 * a call go through together, {@value #PAIRS_PER_PASS} (image, target) pairs per pass, and each map has one value
 * per pixel. A method only says what a pass gives per pair ({@link #maps}).
 */
public abstract class ImageBatchedExplainer implements Explainer {

    /** (image, target) pairs per pass. */
    public static final int PAIRS_PER_PASS = 32;

    @Override
    public final List<Explanation> explain(ImageTensor image, float[] baseScores, int[] targets, ImageClassifier model, long seed) {
        return explainAll(List.of(image), List.of(baseScores), List.of(targets), model, new long[] {seed}).get(0);
    }

    @Override
    public final boolean batchesImages() {
        return true;
    }

    @Override
    public final List<List<Explanation>> explainAll(List<ImageTensor> images, List<float[]> baseScores, List<int[]> targets, ImageClassifier model,
                                                    long[] seeds) {
        InputShape shape = images.get(0).shape();
        check(model);
        return Explainer.pixelMaps(images, baseScores, targets,
                Explainer.pairwise(images, targets, PAIRS_PER_PASS, (batch, n, t) -> maps(model, batch, n, t, shape)));
    }

    /** Fails, saying what to use instead, when the model does not give what the method needs. */
    protected abstract void check(ImageClassifier model);

    /** The map of each of the {@code n} (image, target) pairs in {@code batch}, at the input's {@code shape}. */
    protected abstract List<float[]> maps(ImageClassifier model, float[] batch, int n, int[] targets, InputShape shape);
}
