package io.shortcutlens.audit;

import io.shortcutlens.image.ImageTensor;
import io.shortcutlens.model.ImageClassifier;
import java.util.ArrayList;
import java.util.List;

/**
 * Which of a data set's images a confirmed shortcut affects. A group of images is predicted once as they are, in one
 * batch; then, for each image and each target whose class is that image's prediction, the target's regions are hidden
 * (as the audit hid them) and the image re-predicted, all of the group's hidden copies in a second batch. An image is
 * affected by a target when hiding its regions changes the prediction away from the class. Passes: one per image, and
 * at most one per image and target — only for the images the model gives the target's class.
 */
public final class AffectedProbe {
    private AffectedProbe() { }

    /** What hiding one target's regions did to one image predicted as the target's class. */
    public record Effect(int target, int predictedAfter, float scoreBefore, float scoreAfter) {
        /** The score of the class before minus after. */
        public float drop() {
            return scoreBefore - scoreAfter;
        }
    }

    /** One image's outcome: its prediction and score as it is, and one effect per target of that class. */
    public record Outcome(int predicted, float score, List<Effect> effects) {
        /** Whether hiding the regions of {@code e} changed the prediction. */
        public boolean affected(Effect e) {
            return e.predictedAfter() != predicted;
        }

        /** Forward passes this image cost: its own, and one per target of its class. */
        public int passes() {
            return 1 + effects.size();
        }
    }

    /**
     * @param images     the group, each at the model's input shape
     * @param classIndex per target, the index of its class in the model's outputs
     * @param boxes      per target, the pixel boxes hidden together
     */
    public static List<Outcome> probe(List<ImageTensor> images, int[] classIndex, List<List<int[]>> boxes, RegionMasker.Fill fill,
                                      ImageClassifier model, long seed) {
        if (images.isEmpty()) {
            return List.of();
        }
        int k = model.numClasses();
        int size = images.get(0).shape().size();
        float[] batch = new float[images.size() * size];
        for (int i = 0; i < images.size(); i++) {
            System.arraycopy(images.get(i).input(), 0, batch, i * size, size);
        }
        float[] before = model.scores(batch, images.size());
        int[] predicted = new int[images.size()];
        List<int[]> hidden = new ArrayList<>(); // {image, target}
        for (int i = 0; i < images.size(); i++) {
            predicted[i] = EvidenceProbe.argmax(before, i * k, k);
            for (int t = 0; t < classIndex.length; t++) {
                if (classIndex[t] == predicted[i]) {
                    hidden.add(new int[] {i, t});
                }
            }
        }
        float[] after = new float[0];
        if (!hidden.isEmpty()) {
            float[] masked = new float[hidden.size() * size];
            for (int j = 0; j < hidden.size(); j++) {
                int[] h = hidden.get(j);
                System.arraycopy(hide(images.get(h[0]), boxes.get(h[1]), fill, seed + h[0]), 0, masked, j * size, size);
            }
            after = model.scores(masked, hidden.size());
        }
        List<List<Effect>> effects = new ArrayList<>();
        images.forEach(x -> effects.add(new ArrayList<>()));
        for (int j = 0; j < hidden.size(); j++) {
            int i = hidden.get(j)[0];
            effects.get(i).add(new Effect(hidden.get(j)[1], EvidenceProbe.argmax(after, j * k, k), before[i * k + predicted[i]],
                    after[j * k + predicted[i]]));
        }
        List<Outcome> out = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            out.add(new Outcome(predicted[i], before[i * k + predicted[i]], effects.get(i)));
        }
        return out;
    }

    /** The image's model input with every box hidden, one after the other. */
    static float[] hide(ImageTensor image, List<int[]> boxes, RegionMasker.Fill fill, long seed) {
        ImageTensor current = image;
        float[] out = image.input();
        for (int b = 0; b < boxes.size(); b++) {
            out = RegionMasker.mask(current, boxes.get(b), fill, seed + 31L * b);
            current = ImageTensor.ofInput(image.shape(), out);
        }
        return out;
    }
}
