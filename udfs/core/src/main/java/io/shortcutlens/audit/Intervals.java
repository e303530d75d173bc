package io.shortcutlens.audit;

/**
 * How sure a finding's figures are at the number of images behind them: 95% intervals, so that an audit run on a
 * sample ({@code --per-class N}) says what N bought.
 */
public final class Intervals {
    private Intervals() { }

    /** z of a two-sided 95% interval. */
    public static final double Z95 = 1.959963984540054;

    /** An interval {@code [low, high]}. */
    public record Interval(double low, double high) {
        public double width() {
            return high - low;
        }
    }

    /**
     * Wilson's score interval (1927) for a rate of {@code k} in {@code n}: sound at small {@code n} and at rates near
     * 0 or 1, where the normal approximation is not. {@code [0, 1]} when {@code n = 0}.
     */
    public static Interval wilson(long k, long n, double z) {
        if (n <= 0) {
            return new Interval(0, 1);
        }
        double p = (double) k / n;
        double z2 = z * z;
        double centre = (p + z2 / (2.0 * n)) / (1 + z2 / n);
        double half = z / (1 + z2 / n) * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
        return new Interval(Math.max(0, centre - half), Math.min(1, centre + half));
    }

    /**
     * An interval for the mean of {@code n} values in {@code [0, 1]} (attribution shares) known only by their mean
     * {@code m}: their variance is at most {@code m(1 − m)}, so {@code m ± z·√(m(1 − m)/n)} (clipped to [0, 1]) is at
     * least as wide as the normal interval.
     */
    public static Interval shareMean(double m, long n, double z) {
        if (n <= 0) {
            return new Interval(0, 1);
        }
        double v = Math.max(0, Math.min(1, m));
        double half = z * Math.sqrt(v * (1 - v) / n);
        return new Interval(Math.max(0, v - half), Math.min(1, v + half));
    }

    /**
     * A percentile bootstrap interval (Efron 1979) for the mean of {@code values}: {@code resamples} seeded resamples
     * with replacement, the {@code (1 − confidence)/2} and {@code (1 + confidence)/2} quantiles of their means. Makes
     * no assumption about the values' distribution (areas under curves, paired differences).
     */
    public static Interval bootstrapMean(double[] values, double confidence, int resamples, long seed) {
        if (values.length == 0) {
            return new Interval(Double.NaN, Double.NaN);
        }
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        double[] means = new double[resamples];
        for (int b = 0; b < resamples; b++) {
            double s = 0;
            for (int i = 0; i < values.length; i++) {
                s += values[r.nextInt(values.length)];
            }
            means[b] = s / values.length;
        }
        java.util.Arrays.sort(means);
        int lo = (int) Math.floor((1 - confidence) / 2 * (resamples - 1));
        int hi = (int) Math.ceil((1 + confidence) / 2 * (resamples - 1));
        return new Interval(means[lo], means[hi]);
    }
}
