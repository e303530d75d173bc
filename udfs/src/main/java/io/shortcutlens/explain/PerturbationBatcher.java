package io.shortcutlens.explain;

import io.shortcutlens.model.ImageClassifier;

/** Scores many perturbed copies of one image, {@code batchSize} at a time: the plumbing every perturbation method shares. */
final class PerturbationBatcher {

    /** Writes perturbation {@code index} of the image into {@code dest} starting at {@code offset}. */
    interface Writer {
        void write(int index, float[] dest, int offset);
    }

    private PerturbationBatcher() { }

    /** Returns {@code count × numClasses} scores, row-major, for perturbations {@code 0 … count-1}. */
    static float[] scores(ImageClassifier model, int count, int batchSize, Writer writer) {
        int size = model.inputShape().size();
        int k = model.numClasses();
        float[] out = new float[count * k];
        float[] buffer = null;
        for (int start = 0; start < count; start += batchSize) {
            int n = Math.min(batchSize, count - start);
            if (buffer == null || buffer.length != n * size) {
                buffer = new float[n * size];
            }
            for (int i = 0; i < n; i++) {
                writer.write(start + i, buffer, i * size);
            }
            float[] s = model.scores(buffer, n);
            System.arraycopy(s, 0, out, start * k, n * k);
        }
        return out;
    }
}
