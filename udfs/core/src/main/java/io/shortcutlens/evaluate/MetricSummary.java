package io.shortcutlens.evaluate;

import io.shortcutlens.audit.Intervals;

/**
 * A figure over the images of a class and method: its number of images, mean and 95% bootstrap interval
 * ({@link Intervals#bootstrapMean}, 2,000 seeded resamples).
 */
public record MetricSummary(int n, double mean, double low, double high) {

    public static final int RESAMPLES = 2000;

    public static MetricSummary of(double[] values, long seed) {
        double[] v = java.util.Arrays.stream(values).filter(Double::isFinite).toArray();
        if (v.length == 0) {
            return new MetricSummary(0, Double.NaN, Double.NaN, Double.NaN);
        }
        double mean = java.util.Arrays.stream(v).average().orElse(Double.NaN);
        Intervals.Interval i = Intervals.bootstrapMean(v, 0.95, RESAMPLES, seed);
        return new MetricSummary(v.length, mean, i.low(), i.high());
    }

    /** The summary of the per-image differences {@code a[i] − b[i]} (a paired comparison, such as a map's order against a random one). */
    public static MetricSummary ofDifferences(double[] a, double[] b, long seed) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("paired differences of " + a.length + " and " + b.length + " values");
        }
        double[] d = new double[a.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = a[i] - b[i];
        }
        return of(d, seed);
    }

    /** Whether the whole interval lies below 0. */
    public boolean belowZero() {
        return n > 0 && high < 0;
    }
}
