package io.shortcutlens.explain;

import io.shortcutlens.image.ImageTensor;
import io.shortcutlens.model.ImageClassifier;
import java.util.List;

/**
 * The plumbing of the methods whose features are the image's segments (LIME, KernelSHAP): segment the image (SLIC
 * superpixels or a grid), then explain over the segments. A method only says what it does with a segmentation.
 */
abstract class SegmentExplainer implements Explainer {

    private final SuperpixelSegmenter segmenter;

    SegmentExplainer(SuperpixelSegmenter.Kind segmentation, int features) {
        this.segmenter = new SuperpixelSegmenter(segmentation, features);
    }

    @Override
    public final List<Explanation> explain(ImageTensor image, float[] baseScores, int[] targets, ImageClassifier model, long seed) {
        return explain(image, segmenter.segment(image), baseScores, targets, model, seed);
    }

    /** As {@link #explain(ImageTensor, float[], int[], ImageClassifier, long)} with a given segmentation. */
    public abstract List<Explanation> explain(ImageTensor image, Segmentation segmentation, float[] baseScores, int[] targets,
                                              ImageClassifier model, long seed);
}
