package io.shortcutlens.explain;

import io.shortcutlens.model.ImageClassifier;

/** Scores many perturbed copies of one image, {@code batchSize} at a time: the plumbing every perturbation method shares. */
public final class PerturbationBatcher {

    /** Writes perturbation {@code index} of the image into {@code dest} starting at {@code offset}. */
    public interface Writer {
        void write(int index, float[] dest, int offset);
    }

    private PerturbationBatcher() { }

    /** Each task thread's batch buffer, kept between images (a batch of 224×224 RGB images is tens of MB: allocated once, not per image). */
    private static final ThreadLocal<float[]> BUFFER = new ThreadLocal<>();

    /** Returns {@code count × numClasses} scores, row-major, for perturbations {@code 0 … count-1}. */
    public static float[] scores(ImageClassifier model, int count, int batchSize, Writer writer) {
        int size = model.inputShape().size();
        int k = model.numClasses();
        float[] out = new float[count * k];
        float[] buffer = BUFFER.get();
        if (buffer == null || buffer.length < Math.min(batchSize, count) * size) {
            buffer = new float[Math.min(batchSize, count) * size];
            BUFFER.set(buffer);
        }
        for (int start = 0; start < count; start += batchSize) {
            int n = Math.min(batchSize, count - start);
            for (int i = 0; i < n; i++) {
                writer.write(start + i, buffer, i * size);
            }
            float[] s = model.scores(buffer, n);
            System.arraycopy(s, 0, out, start * k, n * k);
        }
        return out;
    }
}
