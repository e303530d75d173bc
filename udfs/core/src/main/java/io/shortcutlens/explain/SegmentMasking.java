package io.shortcutlens.explain;

import io.shortcutlens.image.ImageTensor;
import io.shortcutlens.model.ImageClassifier;
import java.util.Arrays;

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
        Segmentation.Runs runs = segmentation.runs();
        float[] fillValues = image.fillValues(replacement);
        float[] input = image.input();
        return PerturbationBatcher.scores(model, on.length - first, batchSize, (index, dest, offset) ->
                write(input, image.shape(), fillValues, runs, on[index + first], dest, offset));
    }

    /**
     * Writes one coalition: each stretch of consecutive runs whose segments are all on (or all off) is one copy from
     * the image (or one fill), per channel. Every value of the destination is written once.
     */
    static void write(float[] input, io.shortcutlens.image.InputShape shape, float[] fillValues, Segmentation.Runs runs, boolean[] on, float[] dest,
                      int offset) {
        int plane = shape.pixels();
        int channels = shape.channels();
        int[] start = runs.start();
        int[] label = runs.label();
        int n = label.length;
        int r = 0;
        while (r < n) {
            boolean state = on[label[r]];
            int from = start[r];
            r++;
            while (r < n && on[label[r]] == state) {
                r++;
            }
            int to = start[r];
            for (int c = 0; c < channels; c++) {
                int base = c * plane;
                if (state) {
                    System.arraycopy(input, base + from, dest, offset + base + from, to - from);
                } else {
                    Arrays.fill(dest, offset + base + from, offset + base + to, fillValues[c]);
                }
            }
        }
    }
}
