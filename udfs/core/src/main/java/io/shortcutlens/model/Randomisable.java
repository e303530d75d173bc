package io.shortcutlens.model;

import java.util.List;
import java.util.SplittableRandom;

/**
 * A model whose learned parameters can be replaced by noise from the output down, for the model-parameter
 * randomisation test (Adebayo et al. 2018, "Sanity Checks for Saliency Maps", cascading randomisation): a method
 * whose maps barely change when the top layers no longer hold what the model learned is not explaining the model.
 */
public interface Randomisable {

    /** The layers that hold learned weights, input side first, as the runtime names them. */
    List<String> parameterLayers();

    /**
     * A copy of the model with the weights of its last {@code layers} parameter layers replaced by Gaussian noise with
     * each tensor's own mean and standard deviation (seeded); a batch norm's running statistics are kept. The original
     * is unchanged.
     */
    ImageClassifier randomisedTop(int layers, long seed);

    /** {@code n} Gaussian values with the mean and standard deviation of {@code like}, from {@code seed}. */
    static float[] noiseLike(float[] like, long seed) {
        double sum = 0;
        for (float v : like) {
            sum += v;
        }
        double mean = like.length == 0 ? 0 : sum / like.length;
        double var = 0;
        for (float v : like) {
            var += (v - mean) * (v - mean);
        }
        double std = like.length == 0 ? 0 : Math.sqrt(var / like.length);
        SplittableRandom r = new SplittableRandom(seed);
        float[] out = new float[like.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (mean + std * r.nextGaussian());
        }
        return out;
    }
}
