package io.shortcutlens.explain;

import io.shortcutlens.image.ImageTensor;
import io.shortcutlens.model.ImageClassifier;

/** Scores of an image with some of its segments switched off (LIME's and KernelSHAP's coalitions), in batches. */
final class SegmentMasking {
    private SegmentMasking() { }

    /**
     * @param on          per sample, which segments keep the image's values
     * @param first       the first sample to score (earlier ones the caller knows already)
     * @param replacement value of a switched-off segment in every channel, or null for the image's per-channel mean
     * @return {@code (on.length − first) × numClasses} scores, row-major
     */
    static float[] scores(ImageTensor image, Segmentation segmentation, boolean[][] on, int first, Float replacement, ImageClassifier model,
                          int batchSize) {
        int k = segmentation.count();
        int[][] members = segmentation.members();
        int plane = image.shape().pixels();
        int channels = image.shape().channels();
        float[] fillValues = image.fillValues(replacement);
        float[] input = image.input();
        return PerturbationBatcher.scores(model, on.length - first, batchSize, (index, dest, offset) -> {
            System.arraycopy(input, 0, dest, offset, input.length);
            boolean[] sample = on[index + first];
            for (int j = 0; j < k; j++) {
                if (!sample[j]) {
                    for (int c = 0; c < channels; c++) {
                        int base = offset + c * plane;
                        float v = fillValues[c];
                        for (int p : members[j]) {
                            dest[base + p] = v;
                        }
                    }
                }
            }
        });
    }
}
