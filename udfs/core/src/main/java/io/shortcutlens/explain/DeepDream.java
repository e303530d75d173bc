package io.shortcutlens.explain;

import io.shortcutlens.image.InputShape;
import io.shortcutlens.model.Differentiable;

/**
 * Deep dream (activation maximisation), as MATLAB's {@code deepDreamImage} does it: gradient ascent on the input for
 * the mean activation of one channel of a layer, over a pyramid of resolutions (coarse to fine, each {@code scale}
 * times the one before, {@code iterations} steps per level), each step the gradient divided by its mean absolute
 * value. The network takes one input size, so a coarse level is a smaller image upsampled for the forward pass, with
 * its gradient brought back down.
 *
 * <p>With {@code layer} = {@value #CLASS_SCORES}, the objective is a class's logit instead (MATLAB's deep dream of a
 * class output): the picture the network finds most typical of the class.
 *
 * @param layer      layer name or index; null: the automatic Grad-CAM layer (the last convolution larger than 1×1);
 *                   {@value #CLASS_SCORES}: the class logits
 * @param channel    channel whose mean activation is raised (a class index for {@value #CLASS_SCORES})
 * @param levels     pyramid levels (MATLAB: 3)
 * @param scale      size ratio between levels (MATLAB: 1.4)
 * @param iterations steps per level (MATLAB: 10)
 * @param stepSize   step as a share of the starting image's input range
 */
public record DeepDream(String layer, int channel, int levels, double scale, int iterations, double stepSize) {

    public DeepDream {
        if (levels < 1 || iterations < 1 || scale < 1 || !(stepSize > 0)) {
            throw new IllegalArgumentException("deep dream needs levels >= 1, iterations >= 1, scale >= 1 and a positive step; found "
                    + levels + ", " + iterations + ", " + scale + ", " + stepSize);
        }
    }

    /** The {@code layer} that stands for the class logits. */
    public static final String CLASS_SCORES = "class-scores";

    /** MATLAB's defaults for a channel: 3 levels, scale 1.4, 10 iterations. */
    public static DeepDream of(String layer, int channel) {
        return new DeepDream(layer, channel, 3, 1.4, 10, 0.05);
    }

    /** The same with another step (a share of the starting image's input range). */
    public DeepDream withStep(double step) {
        return new DeepDream(layer, channel, levels, scale, iterations, step);
    }

    /** MATLAB's defaults for a class's logit. */
    public static DeepDream ofClass(int classIndex) {
        return of(CLASS_SCORES, classIndex);
    }

    /** The objective at one image: the channel's mean activation, or the class's logit. */
    public float objective(Differentiable model, float[] image) {
        if (CLASS_SCORES.equals(layer)) {
            float[] logits = model.logits(image, 1);
            checkClass(logits.length);
            return logits[channel];
        }
        return model.channelGradients(image, 1, layer, channel).means()[0];
    }

    private void checkClass(int classes) {
        if (channel < 0 || channel >= classes) {
            throw new IllegalArgumentException("the model has " + classes + " classes; class " + channel + " does not exist");
        }
    }

    private float[] gradient(Differentiable model, float[] image) {
        return CLASS_SCORES.equals(layer) ? model.inputGradients(image, 1, new int[] {channel})
                : model.channelGradients(image, 1, layer, channel).gradients();
    }

    /** The dreamed image (model-input units, same layout as {@code start}). */
    public float[] dream(Differentiable model, InputShape shape, float[] start) {
        int c = shape.channels();
        int h = shape.height();
        int w = shape.width();
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (float v : start) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        double step = stepSize * Math.max(1e-6, hi - lo);
        if (CLASS_SCORES.equals(layer)) {
            checkClass(model.logits(start, 1).length);
        }
        // the starting image at the coarsest level
        int[] hs = new int[levels];
        int[] ws = new int[levels];
        for (int l = 0; l < levels; l++) {
            double f = Math.pow(scale, levels - 1 - l);
            hs[l] = Math.max(2, (int) Math.round(h / f));
            ws[l] = Math.max(2, (int) Math.round(w / f));
        }
        float[] image = resize(start, c, h, w, hs[0], ws[0]);
        for (int l = 0; l < levels; l++) {
            if (l > 0) {
                // carry what the coarser level added onto the start image at this level's size
                float[] added = subtract(image, resize(start, c, h, w, hs[l - 1], ws[l - 1]));
                image = add(resize(start, c, h, w, hs[l], ws[l]), resize(added, c, hs[l - 1], ws[l - 1], hs[l], ws[l]));
            }
            for (int it = 0; it < iterations; it++) {
                float[] full = resize(image, c, hs[l], ws[l], h, w);
                float[] g = gradient(model, full);
                float[] gl = resize(g, c, h, w, hs[l], ws[l]);
                double meanAbs = 0;
                for (float v : gl) {
                    meanAbs += Math.abs(v);
                }
                meanAbs = meanAbs / gl.length + 1e-12;
                for (int i = 0; i < image.length; i++) {
                    image[i] += (float) (step * gl[i] / meanAbs);
                }
            }
        }
        return resize(image, c, hs[levels - 1], ws[levels - 1], h, w);
    }

    private static float[] subtract(float[] a, float[] b) {
        float[] o = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            o[i] = a[i] - b[i];
        }
        return o;
    }

    private static float[] add(float[] a, float[] b) {
        float[] o = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            o[i] = a[i] + b[i];
        }
        return o;
    }

    /** Bilinear resize of each of {@code c} planes (identity when the sizes agree). */
    static float[] resize(float[] src, int c, int h, int w, int outH, int outW) {
        if (h == outH && w == outW) {
            return src.clone();
        }
        float[] out = new float[c * outH * outW];
        for (int k = 0; k < c; k++) {
            float[] plane = java.util.Arrays.copyOfRange(src, k * h * w, (k + 1) * h * w);
            System.arraycopy(io.shortcutlens.maps.Resize.bilinear(plane, h, w, outH, outW), 0, out, k * outH * outW, outH * outW);
        }
        return out;
    }
}
