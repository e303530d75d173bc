package io.shortcutlens.image;

/**
 * One image at model-input resolution: the display pixels (0..255, channel-major, what segmentation and reports
 * see) and the normalised model input (what the network sees), both {@code C×H×W}.
 */
public final class ImageTensor {
    private final InputShape shape;
    private final float[] pixels;
    private final float[] input;

    public ImageTensor(InputShape shape, float[] pixels, float[] input) {
        if (pixels.length != shape.size() || input.length != shape.size()) {
            throw new IllegalArgumentException("tensor of shape " + shape + " needs " + shape.size() + " values, found "
                    + pixels.length + " pixels and " + input.length + " inputs");
        }
        this.shape = shape;
        this.pixels = pixels;
        this.input = input;
    }

    /** Wraps an already normalised input; the display pixels are taken equal to it. */
    public static ImageTensor ofInput(InputShape shape, float[] input) {
        return new ImageTensor(shape, input, input);
    }

    public InputShape shape() {
        return shape;
    }

    /** Display pixels in 0..255, channel-major. Not copied: callers must not write to it. */
    public float[] pixels() {
        return pixels;
    }

    /** Normalised model input, channel-major. Not copied: callers must not write to it. */
    public float[] input() {
        return input;
    }

    /** Per-channel mean of the model input, the fill MATLAB calls 'auto'. */
    public float[] channelMeans() {
        int n = shape.pixels();
        float[] means = new float[shape.channels()];
        for (int c = 0; c < means.length; c++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += input[c * n + i];
            }
            means[c] = (float) (s / n);
        }
        return means;
    }

    /** Per-channel replacement values for perturbations: the constant in every channel, or the channel means when null. */
    public float[] fillValues(Float constant) {
        if (constant == null) {
            return channelMeans();
        }
        float[] fill = new float[shape.channels()];
        java.util.Arrays.fill(fill, constant);
        return fill;
    }
}
