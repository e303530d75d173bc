package io.shortcutlens.audit;

import io.shortcutlens.image.ImageTensor;
import io.shortcutlens.model.ImageClassifier;

/**
 * The forward passes of one image's evidence, in one batch: the class image as is, with the region hidden, with the
 * control hidden (necessity), with only the region kept, only the control kept, everything hidden (sufficiency); and,
 * given an image of another class, that image as is, with the class image's region pasted in and with its control
 * pasted in (transplant). Nine passes with a receiving image, six without.
 */
public final class EvidenceProbe {
    private EvidenceProbe() { }

    /** Passes per image with a receiving image. */
    public static final int PASSES = 9;

    /**
     * What the passes showed for one class image (and one receiving image).
     *
     * @param assigned          the model predicts the class for the class image
     * @param receiverOther     there is a receiving image and the model does not predict the class for it
     * @param regionSignature   the class image's region content ({@link RegionContent})
     * @param controlSignature  its control content
     * @param receiverRegion    the receiving image's content at the region (null without one)
     * @param receiverControl   and at the control
     */
    public record Outcome(boolean assigned, boolean flippedRegion, boolean flippedControl, double dropRegion, double dropControl,
                          boolean keptRegion, boolean keptControl, boolean blank, boolean receiverOther, boolean becameRegion,
                          boolean becameControl, float[] regionSignature, float[] controlSignature, float[] receiverRegion,
                          float[] receiverControl) { }

    /** The pixel boxes {@code {y0, x0, y1, x1}} an image is tested at: the region and its control. */
    public record Boxes(int[] region, int[] control) { }

    public static Outcome probe(ImageTensor image, ImageTensor receiver, int classIndex, Boxes boxes, RegionMasker.Fill fill, ImageClassifier model,
                                long seed) {
        int[] regionBox = boxes.region();
        int[] controlBox = boxes.control();
        int size = image.shape().size();
        int n = receiver == null ? 6 : PASSES;
        float[] batch = new float[n * size];
        System.arraycopy(image.input(), 0, batch, 0, size);
        System.arraycopy(RegionMasker.mask(image, regionBox, fill, seed), 0, batch, size, size);
        System.arraycopy(RegionMasker.mask(image, controlBox, fill, seed + 1), 0, batch, 2 * size, size);
        System.arraycopy(RegionMasker.keepOnly(image, regionBox, fill, seed + 2), 0, batch, 3 * size, size);
        System.arraycopy(RegionMasker.keepOnly(image, controlBox, fill, seed + 3), 0, batch, 4 * size, size);
        System.arraycopy(RegionMasker.keepOnly(image, new int[] {0, 0, 0, 0}, fill, seed + 4), 0, batch, 5 * size, size);
        if (receiver != null) {
            System.arraycopy(receiver.input(), 0, batch, 6 * size, size);
            System.arraycopy(RegionMasker.paste(image, receiver, regionBox), 0, batch, 7 * size, size);
            System.arraycopy(RegionMasker.paste(image, receiver, controlBox), 0, batch, 8 * size, size);
        }
        float[] s = model.scores(batch, n);
        int k = model.numClasses();
        int c = image.shape().channels();
        int h = image.shape().height();
        int w = image.shape().width();
        boolean other = receiver != null && argmax(s, 6 * k, k) != classIndex;
        return new Outcome(argmax(s, 0, k) == classIndex, argmax(s, k, k) != classIndex, argmax(s, 2 * k, k) != classIndex,
                s[classIndex] - s[k + classIndex], s[classIndex] - s[2 * k + classIndex],
                argmax(s, 3 * k, k) == classIndex, argmax(s, 4 * k, k) == classIndex, argmax(s, 5 * k, k) == classIndex,
                other, other && argmax(s, 7 * k, k) == classIndex, other && argmax(s, 8 * k, k) == classIndex,
                RegionContent.signature(image.input(), c, h, w, regionBox), RegionContent.signature(image.input(), c, h, w, controlBox),
                receiver == null ? null : RegionContent.signature(receiver.input(), c, h, w, regionBox),
                receiver == null ? null : RegionContent.signature(receiver.input(), c, h, w, controlBox));
    }

    /** The index of the largest of {@code k} scores from {@code offset}. */
    public static int argmax(float[] s, int offset, int k) {
        int best = 0;
        for (int i = 1; i < k; i++) {
            if (s[offset + i] > s[offset + best]) {
                best = i;
            }
        }
        return best;
    }
}
