package io.shortcutlens.audit;

import io.shortcutlens.image.ImageTensor;
import io.shortcutlens.model.ImageClassifier;

/** Scores one image three ways in one batch — as is, region hidden, control hidden — for the masking test. */
public final class MaskingProbe {
    private MaskingProbe() { }

    /** What hiding each box did to one image the model assigned to the class. */
    public record Outcome(boolean assigned, boolean flippedRegion, boolean flippedControl, double dropRegion, double dropControl) { }

    public static Outcome probe(ImageTensor image, int classIndex, int[] regionBox, int[] controlBox, RegionMasker.Fill fill,
                                ImageClassifier model, long seed) {
        int size = image.shape().size();
        float[] batch = new float[3 * size];
        System.arraycopy(image.input(), 0, batch, 0, size);
        System.arraycopy(RegionMasker.mask(image, regionBox, fill, seed), 0, batch, size, size);
        System.arraycopy(RegionMasker.mask(image, controlBox, fill, seed + 1), 0, batch, 2 * size, size);
        float[] s = model.scores(batch, 3);
        int k = model.numClasses();
        boolean assigned = argmax(s, 0, k) == classIndex;
        return new Outcome(assigned, argmax(s, k, k) != classIndex, argmax(s, 2 * k, k) != classIndex,
                s[classIndex] - s[k + classIndex], s[classIndex] - s[2 * k + classIndex]);
    }

    private static int argmax(float[] s, int offset, int k) {
        int best = 0;
        for (int i = 1; i < k; i++) {
            if (s[offset + i] > s[offset + best]) {
                best = i;
            }
        }
        return best;
    }
}
