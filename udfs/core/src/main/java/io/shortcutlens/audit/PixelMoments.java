package io.shortcutlens.audit;

import java.io.Serializable;

/**
 * Per-pixel location and spread of a region's content over a group of images, in model-input units: the audit
 * aggregates them on the executors from each image's region signature ({@link RegionContent}) as the median and the
 * interquartile range over 1.349 (the standard deviation of a normal sample, robust to a quarter of outliers: images
 * the model assigns to the class without its artifact); {@link #of} computes the plain mean and standard deviation.
 *
 * @param images images aggregated
 * @param mean   per signature pixel: the location
 * @param sd     per signature pixel: the spread
 */
public record PixelMoments(long images, double[] mean, double[] sd) implements Serializable {

    public PixelMoments {
        if (mean.length != sd.length) {
            throw new IllegalArgumentException("moments need one mean and one sd per pixel, found " + mean.length + " and " + sd.length);
        }
    }

    public static final PixelMoments EMPTY = new PixelMoments(0, new double[0], new double[0]);

    /** Moments of explicit signatures (tests, and small groups). */
    public static PixelMoments of(java.util.List<float[]> signatures) {
        if (signatures.isEmpty()) {
            return EMPTY;
        }
        int d = signatures.get(0).length;
        double[] m = new double[d];
        double[] s = new double[d];
        for (float[] x : signatures) {
            for (int i = 0; i < d; i++) {
                m[i] += x[i];
                s[i] += (double) x[i] * x[i];
            }
        }
        int n = signatures.size();
        for (int i = 0; i < d; i++) {
            m[i] /= n;
            s[i] = Math.sqrt(Math.max(0, s[i] / n - m[i] * m[i]));
        }
        return new PixelMoments(n, m, s);
    }

    public int pixels() {
        return mean.length;
    }
}
