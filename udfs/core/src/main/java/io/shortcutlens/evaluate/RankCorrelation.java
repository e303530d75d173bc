package io.shortcutlens.evaluate;

/**
 * Spearman's rank correlation: Pearson's correlation of the ranks, tied values sharing their mean rank. 0 when either
 * side is constant (no ranking to agree with).
 */
public final class RankCorrelation {
    private RankCorrelation() { }

    public static double spearman(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("rank correlation of " + a.length + " and " + b.length + " values");
        }
        return pearson(ranks(a), ranks(b));
    }

    /** Ranks from 1, ties given the mean of the ranks they span. */
    static double[] ranks(double[] v) {
        Integer[] idx = new Integer[v.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        java.util.Arrays.sort(idx, (x, y) -> Double.compare(v[x], v[y]));
        double[] r = new double[v.length];
        for (int i = 0; i < idx.length; ) {
            int j = i;
            while (j + 1 < idx.length && v[idx[j + 1]] == v[idx[i]]) {
                j++;
            }
            double mean = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                r[idx[k]] = mean;
            }
            i = j + 1;
        }
        return r;
    }

    static double pearson(double[] a, double[] b) {
        int n = a.length;
        double ma = 0;
        double mb = 0;
        for (int i = 0; i < n; i++) {
            ma += a[i];
            mb += b[i];
        }
        ma /= n;
        mb /= n;
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < n; i++) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return saa == 0 || sbb == 0 ? 0 : sab / Math.sqrt(saa * sbb);
    }

    /**
     * A map as the values rank correlations compare: the mean absolute attribution over the blocks of a {@code side × side}
     * grid ({@code side} at most the image's size), as Adebayo et al. compare absolute maps.
     */
    public static double[] pooledMagnitude(float[] pixels, int h, int w, int side) {
        int rows = Math.min(side, h);
        int cols = Math.min(side, w);
        double[] sum = new double[rows * cols];
        int[] count = new int[rows * cols];
        for (int y = 0; y < h; y++) {
            int r = y * rows / h;
            for (int x = 0; x < w; x++) {
                int c = x * cols / w;
                sum[r * cols + c] += Math.abs(pixels[y * w + x]);
                count[r * cols + c]++;
            }
        }
        for (int i = 0; i < sum.length; i++) {
            sum[i] /= Math.max(1, count[i]);
        }
        return sum;
    }
}
