package io.shortcutlens.audit;

/**
 * Exact one-sided sign test (McNemar's exact test) for paired outcomes: of the images whose prediction changed under
 * exactly one of two maskings, {@code b} changed under the region and {@code c} under the control; under the null
 * hypothesis both are equally likely, so {@code p = P(X ≥ b)} for {@code X ~ Binomial(b + c, ½)}.
 */
public final class SignTest {
    private SignTest() { }

    public static double pValue(long b, long c) {
        long n = b + c;
        if (n == 0) {
            return 1.0;
        }
        // sum_{k=b}^{n} C(n,k) / 2^n in log space
        double total = 0;
        for (long k = b; k <= n; k++) {
            total += Math.exp(logChoose(n, k) - n * Math.log(2));
        }
        return Math.min(1.0, total);
    }

    private static double logChoose(long n, long k) {
        return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
    }

    private static double logFactorial(long n) {
        double s = 0;
        for (long i = 2; i <= n; i++) {
            s += Math.log(i);
        }
        return s;
    }
}
