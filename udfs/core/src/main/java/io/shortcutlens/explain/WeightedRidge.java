package io.shortcutlens.explain;

/**
 * Weighted ridge regression with an unpenalised intercept:
 * {@code min_{b,β} Σ_i w_i (y_i − b − z_i·β)² + λ‖β‖²}, solved exactly by centring on the weighted means and a
 * Cholesky factorisation of {@code Z_cᵀ W Z_c + λI}. The factorisation is done once per design and reused for every
 * target class's responses.
 */
public final class WeightedRidge {

    private final double[][] z;
    private final double[] w;
    private final int n;
    private final int k;
    private final double[] zMean;
    private final double wSum;
    private final double[][] chol;

    public WeightedRidge(double[][] z, double[] w, double lambda) {
        this.z = z;
        this.w = w;
        this.n = z.length;
        this.k = n == 0 ? 0 : z[0].length;
        double ws = 0;
        double[] mean = new double[k];
        for (int i = 0; i < n; i++) {
            ws += w[i];
            for (int j = 0; j < k; j++) {
                mean[j] += w[i] * z[i][j];
            }
        }
        if (!(ws > 0)) {
            throw new IllegalArgumentException("sample weights sum to " + ws + "; widen the kernel");
        }
        for (int j = 0; j < k; j++) {
            mean[j] /= ws;
        }
        this.wSum = ws;
        this.zMean = mean;
        double[][] a = new double[k][k];
        double[] d = new double[k];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                d[j] = z[i][j] - mean[j];
            }
            double wi = w[i];
            for (int r = 0; r < k; r++) {
                double v = wi * d[r];
                if (v == 0) {
                    continue;
                }
                double[] ar = a[r];
                for (int c = 0; c <= r; c++) {
                    ar[c] += v * d[c];
                }
            }
        }
        for (int r = 0; r < k; r++) {
            a[r][r] += lambda;
        }
        this.chol = cholesky(a);
    }

    /** Coefficients, intercept and weighted R² for one response vector. */
    public record Fit(double[] coefficients, double intercept, double r2) { }

    public Fit fit(double[] y) {
        double yMean = 0;
        for (int i = 0; i < n; i++) {
            yMean += w[i] * y[i];
        }
        yMean /= wSum;
        double[] b = new double[k];
        for (int i = 0; i < n; i++) {
            double v = w[i] * (y[i] - yMean);
            for (int j = 0; j < k; j++) {
                b[j] += v * (z[i][j] - zMean[j]);
            }
        }
        double[] beta = solve(chol, b);
        double intercept = yMean;
        for (int j = 0; j < k; j++) {
            intercept -= zMean[j] * beta[j];
        }
        double ssRes = 0;
        double ssTot = 0;
        for (int i = 0; i < n; i++) {
            double pred = intercept;
            for (int j = 0; j < k; j++) {
                pred += z[i][j] * beta[j];
            }
            ssRes += w[i] * (y[i] - pred) * (y[i] - pred);
            ssTot += w[i] * (y[i] - yMean) * (y[i] - yMean);
        }
        double r2 = ssTot > 0 ? 1 - ssRes / ssTot : (ssRes == 0 ? 1.0 : 0.0);
        return new Fit(beta, intercept, r2);
    }

    /** The solution of {@code A x = b} for a symmetric positive (semi-)definite {@code A}, by Cholesky. */
    static double[] solveSymmetric(double[][] a, double[] b) {
        return solve(cholesky(a), b);
    }

    /** Lower-triangular L with A = L·Lᵀ (only the lower triangle of A is read). */
    private static double[][] cholesky(double[][] a) {
        int k = a.length;
        double[][] l = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i][j];
                for (int p = 0; p < j; p++) {
                    s -= l[i][p] * l[j][p];
                }
                if (i == j) {
                    // A singular design (a feature never switched off) with λ = 0: keep it solvable and its weight 0.
                    l[i][i] = s > 1e-300 ? Math.sqrt(s) : Double.POSITIVE_INFINITY;
                } else {
                    l[i][j] = s / l[j][j];
                }
            }
        }
        return l;
    }

    private static double[] solve(double[][] l, double[] b) {
        int k = b.length;
        double[] y = new double[k];
        for (int i = 0; i < k; i++) {
            double s = b[i];
            for (int p = 0; p < i; p++) {
                s -= l[i][p] * y[p];
            }
            y[i] = s / l[i][i];
        }
        double[] x = new double[k];
        for (int i = k - 1; i >= 0; i--) {
            double s = y[i];
            for (int p = i + 1; p < k; p++) {
                s -= l[p][i] * x[p];
            }
            x[i] = s / l[i][i];
        }
        return x;
    }
}
