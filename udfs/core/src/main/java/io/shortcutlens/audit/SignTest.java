package io.shortcutlens.audit;

/**
 * Exact one-sided sign test (McNemar's exact test) for paired outcomes: of the images whose prediction changed under
 * exactly one of two maskings, {@code b} changed under the region and {@code c} under the control; under the null
 * hypothesis both are equally likely, so {@code p = P(X ≥ b)} for {@code X ~ Binomial(b + c, ½)}.
 */
public final class SignTest {
    private SignTest() { }

    public static double pValue(long b, long c) {
        return binomialTail(b, b + c, 0.5);
    }

    /**
     * One-sided exact binomial test: {@code P(X ≥ k)} for {@code X ~ Binomial(n, p0)}, the chance of {@code k} or more
     * events among {@code n} when each happens at the rate {@code p0} seen elsewhere. Computed as the regularised
     * incomplete beta function I_{p0}(k, n − k + 1) (commons-math3), which keeps small tails accurate.
     */
    public static double binomialTail(long k, long n, double p0) {
        if (k <= 0) {
            return 1.0;
        }
        if (k > n || p0 <= 0) {
            return 0.0;
        }
        if (p0 >= 1) {
            return 1.0;
        }
        return Math.min(1.0, org.apache.commons.math3.special.Beta.regularizedBeta(p0, k, n - k + 1.0));
    }

    /**
     * Holm–Bonferroni adjusted p-values: the audit tests many (class or subgroup, method, region) candidates, so a
     * verdict at level alpha uses these, which bound the chance of any false confirmation among them by alpha.
     * {@code adjusted[i] = max over j ranked at or before i of min(1, (m − rank_j) · p_j)}, ranks from 0 by ascending p.
     */
    public static double[] holm(double[] p) {
        int m = p.length;
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(p[a], p[b]));
        double[] out = new double[m];
        double running = 0;
        for (int rank = 0; rank < m; rank++) {
            int i = order[rank];
            running = Math.max(running, Math.min(1.0, (m - rank) * p[i]));
            out[i] = running;
        }
        return out;
    }
}
