package io.shortcutlens.model;

/**
 * A classifier that can say how its class logits (the scores before any softmax) change with its input and with a
 * layer's feature maps: what gradient attribution and Grad-CAM need. Safe to call from several task threads at once.
 */
public interface Differentiable extends LayerOutputs {

    /** Logits of {@code n} images laid out as in {@link ImageClassifier#scores}: {@code n × numClasses}, row-major. */
    float[] logits(float[] batch, int n);

    /**
     * Gradient of each image's target logit with respect to its input: {@code n × C × H × W} floats, image {@code i}
     * differentiated for class {@code targets[i]}.
     */
    float[] inputGradients(float[] batch, int n, int[] targets);

    /**
     * A layer's feature maps and the gradient of each image's target logit with respect to them.
     *
     * @param layer a layer name or index, or null for the last convolution whose output is still larger than 1×1
     */
    FeatureGradients featureGradients(float[] batch, int n, int[] targets, String layer);

    /**
     * For deep dream: each image's mean activation of one channel of a layer, and its gradient with respect to the
     * input ({@code n × C × H × W}).
     *
     * @param layer   layer name or index (as {@link #featureGradients} takes it); null: the automatic Grad-CAM layer
     * @param channel channel of that layer (classes: see {@link #inputGradients})
     */
    ChannelGradients channelGradients(float[] batch, int n, String layer, int channel);

    /**
     * @param layer    the layer's name (or its index when unnamed)
     * @param channels channels of a feature map, or the width of a dense layer (then height = width = 1)
     * @param values   {@code n × channels × height × width}
     */
    record LayerActivations(String layer, int channels, int height, int width, float[] values) {
        /** Values per image. */
        public int size() {
            return channels * height * width;
        }
    }

    /**
     * @param layer     the layer's name (or its index when unnamed)
     * @param means     each image's mean activation of the channel
     * @param gradients d(mean) / d(input), {@code n × C × H × W}
     */
    record ChannelGradients(String layer, float[] means, float[] gradients) { }

    /**
     * @param layer       the layer's name (or its index when unnamed)
     * @param channels    feature maps per image
     * @param height      feature map height
     * @param width       feature map width
     * @param activations {@code n × channels × height × width}
     * @param gradients   same layout: d(target logit) / d(activation)
     */
    record FeatureGradients(String layer, int channels, int height, int width, float[] activations, float[] gradients) { }
}
