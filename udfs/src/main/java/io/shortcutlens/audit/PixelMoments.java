package io.shortcutlens.audit;

import java.io.Serializable;

/**
 * Per-pixel location and spread of a region's content over a group of images, in model-input units: the audit
 * aggregates them on the executors from each image's region signature ({@link RegionContent}) as the median and the
 * interquartile range over 1.349 (the standard deviation of a normal sample, robust to a quarter of outliers: images
 * the model assigns to the class without its artifact); {@link #of} computes the plain mean and standard deviation. Beside
 * them, each pixel's quantile function at {@link #LEVELS} + 1 evenly spaced levels (0, 1/{@value #LEVELS}, …, 1), from
 * which {@link ContentConsistency} reads how many of the images share one value there, however many do not.
 *
 * @param images    images aggregated
 * @param mean      per signature pixel: the location
 * @param sd        per signature pixel: the spread
 * @param quantiles per signature pixel, its values at the {@link #levels()}; null where they were not kept
 */
public record PixelMoments(long images, double[] mean, double[] sd, double[][] quantiles) implements Serializable {

    /** Intervals of the quantile function kept per pixel. */
    public static final int LEVELS = 40;

    public PixelMoments {
        if (mean.length != sd.length) {
            throw new IllegalArgumentException("moments need one mean and one sd per pixel, found " + mean.length + " and " + sd.length);
        }
        if (quantiles != null && quantiles.length != mean.length) {
            throw new IllegalArgumentException("one quantile function per pixel: " + quantiles.length + " for " + mean.length + " pixels");
        }
    }

    /** Location and spread only. */
    public PixelMoments(long images, double[] mean, double[] sd) {
        this(images, mean, sd, null);
    }

    /** The levels of {@link #quantiles}: 0, 1/{@value #LEVELS}, …, 1. */
    public static double[] levels() {
        double[] out = new double[LEVELS + 1];
        for (int k = 0; k <= LEVELS; k++) {
            out[k] = (double) k / LEVELS;
        }
        return out;
    }

    /**
     * Location (the median), robust spread (interquartile range over 1.349) and the quantile function, from each pixel's
     * quantiles at {@link #levels()}.
     */
    public static PixelMoments ofQuantiles(long images, double[][] quantiles) {
        double[] m = new double[quantiles.length];
        double[] s = new double[quantiles.length];
        for (int i = 0; i < quantiles.length; i++) {
            m[i] = quantiles[i][LEVELS / 2];
            s[i] = (quantiles[i][3 * LEVELS / 4] - quantiles[i][LEVELS / 4]) / 1.349;
        }
        return new PixelMoments(images, m, s, quantiles);
    }

    public static final PixelMoments EMPTY = new PixelMoments(0, new double[0], new double[0]);

    /** Moments of explicit signatures (tests, and small groups): plain mean and standard deviation, exact quantiles. */
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
        double[][] q = new double[d][LEVELS + 1];
        double[] column = new double[n];
        for (int i = 0; i < d; i++) {
            m[i] /= n;
            s[i] = Math.sqrt(Math.max(0, s[i] / n - m[i] * m[i]));
            for (int j = 0; j < n; j++) {
                column[j] = signatures.get(j)[i];
            }
            java.util.Arrays.sort(column);
            for (int k = 0; k <= LEVELS; k++) {
                q[i][k] = column[(int) Math.round((double) k * (n - 1) / LEVELS)];
            }
        }
        return new PixelMoments(n, m, s, q);
    }

    public int pixels() {
        return mean.length;
    }
}
