package io.shortcutlens.embed;

import java.util.SplittableRandom;

/**
 * Exact t-SNE (van der Maaten and Hinton, "Visualizing Data using t-SNE", JMLR 2008): points in a high-dimensional
 * space (here a layer's activations) placed in 2-D so that neighbours stay neighbours.
 *
 * <p>Input affinities: {@code p(j|i) ∝ exp(-β_i ‖x_i − x_j‖²)} with each {@code β_i} found by bisection so that the
 * entropy of {@code p(·|i)} is {@code log(perplexity)}; {@code p_ij = (p(j|i) + p(i|j)) / 2n}. Output affinities: a
 * Student t with one degree of freedom, {@code q_ij ∝ (1 + ‖y_i − y_j‖²)⁻¹}. Gradient descent on KL(P‖Q),
 * {@code ∂C/∂y_i = 4 Σ_j (p_ij − q_ij)(y_i − y_j)(1 + ‖y_i − y_j‖²)⁻¹}, with the paper's optimisation: early
 * exaggeration of P (×12 for the first 250 iterations), momentum 0.5 then 0.8, per-coordinate adaptive gains.
 *
 * <p>Exact: O(n²) time and memory per iteration, meant for a sample per class (a few thousand points at most), not
 * the whole data set.
 *
 * @param perplexity    effective number of neighbours (5 to 50; capped at (n − 1) / 3 for small samples)
 * @param iterations    gradient steps
 * @param learningRate  step size
 * @param seed          seed of the random start (Gaussian, standard deviation 1e-4)
 */
public record Tsne(double perplexity, int iterations, double learningRate, long seed) {

    private static final double EXAGGERATION = 12;
    private static final int EXAGGERATION_ITERATIONS = 250;

    public Tsne {
        if (!(perplexity >= 2) || iterations < 1 || !(learningRate > 0)) {
            throw new IllegalArgumentException("t-SNE needs perplexity >= 2, iterations >= 1 and a positive learning rate; found "
                    + perplexity + ", " + iterations + ", " + learningRate);
        }
    }

    /** Perplexity 30, 1,000 iterations, learning rate 200: the paper's settings. */
    public static Tsne defaults(long seed) {
        return new Tsne(30, 1000, 200, seed);
    }

    /**
     * @param x {@code n} points of equal dimension
     * @return {@code n × 2} coordinates, row-major
     */
    public double[] embed(float[][] x) {
        int n = x.length;
        if (n < 4) {
            throw new IllegalArgumentException("t-SNE needs at least 4 points, found " + n);
        }
        double[] p = affinities(squaredDistances(x), Math.min(perplexity, (n - 1) / 3.0));
        SplittableRandom random = new SplittableRandom(seed);
        double[] y = new double[2 * n];
        for (int i = 0; i < y.length; i++) {
            y[i] = 1e-4 * gaussian(random);
        }
        double[] velocity = new double[2 * n];
        double[] gains = new double[2 * n];
        java.util.Arrays.fill(gains, 1);
        double[] grad = new double[2 * n];
        double[] num = new double[n * n];
        for (int it = 0; it < iterations; it++) {
            double exaggeration = it < EXAGGERATION_ITERATIONS ? EXAGGERATION : 1;
            double momentum = it < EXAGGERATION_ITERATIONS ? 0.5 : 0.8;
            double sum = studentT(y, n, num);
            java.util.Arrays.fill(grad, 0);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    if (i != j) {
                        double q = num[i * n + j] / sum;
                        double m = (exaggeration * p[i * n + j] - q) * num[i * n + j];
                        grad[2 * i] += 4 * m * (y[2 * i] - y[2 * j]);
                        grad[2 * i + 1] += 4 * m * (y[2 * i + 1] - y[2 * j + 1]);
                    }
                }
            }
            for (int d = 0; d < 2 * n; d++) {
                // gains grow where the gradient keeps its direction against the velocity, shrink where it flips
                gains[d] = (grad[d] > 0) != (velocity[d] > 0) ? gains[d] + 0.2 : Math.max(0.01, gains[d] * 0.8);
                velocity[d] = momentum * velocity[d] - learningRate * gains[d] * grad[d];
                y[d] += velocity[d];
            }
            center(y, n);
        }
        return y;
    }

    /** KL(P‖Q) of an embedding: what t-SNE minimises (for tests and diagnostics). */
    public double divergence(float[][] x, double[] y) {
        int n = x.length;
        double[] p = affinities(squaredDistances(x), Math.min(perplexity, (n - 1) / 3.0));
        double[] num = new double[n * n];
        double sum = studentT(y, n, num);
        double kl = 0;
        for (int i = 0; i < n * n; i++) {
            if (i / n != i % n && p[i] > 0) {
                kl += p[i] * Math.log(p[i] / Math.max(num[i] / sum, 1e-300));
            }
        }
        return kl;
    }

    /** Fills {@code num} with {@code 1 / (1 + ‖y_i − y_j‖²)} (zero diagonal) and returns its sum. */
    private static double studentT(double[] y, int n, double[] num) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            num[i * n + i] = 0;
            for (int j = i + 1; j < n; j++) {
                double dx = y[2 * i] - y[2 * j];
                double dy = y[2 * i + 1] - y[2 * j + 1];
                double v = 1 / (1 + dx * dx + dy * dy);
                num[i * n + j] = v;
                num[j * n + i] = v;
                sum += 2 * v;
            }
        }
        return sum;
    }

    private static double[] squaredDistances(float[][] x) {
        int n = x.length;
        int dim = x[0].length;
        double[] d = new double[n * n];
        for (int i = 0; i < n; i++) {
            if (x[i].length != dim) {
                throw new IllegalArgumentException("t-SNE points differ in dimension: " + dim + " and " + x[i].length + " (point " + i + ")");
            }
            for (int j = i + 1; j < n; j++) {
                double s = 0;
                for (int k = 0; k < dim; k++) {
                    double t = x[i][k] - x[j][k];
                    s += t * t;
                }
                d[i * n + j] = s;
                d[j * n + i] = s;
            }
        }
        return d;
    }

    /** Symmetrised input affinities, each row's bandwidth bisected to the perplexity. */
    static double[] affinities(double[] d, double perplexity) {
        int n = (int) Math.round(Math.sqrt(d.length));
        double target = Math.log(perplexity);
        double[] cond = new double[n * n];
        double[] row = new double[n];
        for (int i = 0; i < n; i++) {
            double beta = 1;
            double lo = 0;
            double hi = Double.POSITIVE_INFINITY;
            double minD = Double.POSITIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                if (j != i) {
                    minD = Math.min(minD, d[i * n + j]);
                }
            }
            for (int step = 0; step < 200; step++) {
                // entropy H = log Z + β E[d] (distances shifted by the nearest one: same p, no underflow)
                double z = 0;
                double ed = 0;
                for (int j = 0; j < n; j++) {
                    row[j] = j == i ? 0 : Math.exp(-beta * (d[i * n + j] - minD));
                    z += row[j];
                    ed += row[j] * (d[i * n + j] - minD);
                }
                double h = Math.log(z) + beta * ed / z;
                if (Math.abs(h - target) < 1e-5) {
                    break;
                }
                if (h > target) { // too flat: narrow the kernel
                    lo = beta;
                    beta = Double.isInfinite(hi) ? beta * 2 : (beta + hi) / 2;
                } else {
                    hi = beta;
                    beta = (beta + lo) / 2;
                }
            }
            double z = 0;
            for (int j = 0; j < n; j++) {
                z += row[j];
            }
            for (int j = 0; j < n; j++) {
                cond[i * n + j] = row[j] / z;
            }
        }
        double[] p = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                p[i * n + j] = i == j ? 0 : Math.max((cond[i * n + j] + cond[j * n + i]) / (2.0 * n), 1e-12);
            }
        }
        return p;
    }

    private static void center(double[] y, int n) {
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += y[2 * i];
            my += y[2 * i + 1];
        }
        for (int i = 0; i < n; i++) {
            y[2 * i] -= mx / n;
            y[2 * i + 1] -= my / n;
        }
    }

    private static double gaussian(SplittableRandom r) {
        double u = 1 - r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    /**
     * Leave-one-out k-nearest-neighbour accuracy: the share of points whose class is the majority class of their
     * {@code k} nearest other points (ties go to the class of the nearest of the tied). How well a 2-D picture
     * separates the classes, as a number.
     *
     * @param points {@code n} points, each of any fixed dimension
     */
    public static double knnAccuracy(double[][] points, String[] classes, int k) {
        int n = points.length;
        int right = 0;
        Integer[] order = new Integer[n];
        double[] dist = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int c = 0; c < points[i].length; c++) {
                    double t = points[i][c] - points[j][c];
                    s += t * t;
                }
                dist[j] = j == i ? Double.POSITIVE_INFINITY : s;
                order[j] = j;
            }
            java.util.Arrays.sort(order, (a, b) -> Double.compare(dist[a], dist[b]));
            java.util.Map<String, Integer> votes = new java.util.HashMap<>();
            int kk = Math.min(k, n - 1);
            int best = 0;
            for (int r = 0; r < kk; r++) {
                best = Math.max(best, votes.merge(classes[order[r]], 1, Integer::sum));
            }
            for (int r = 0; r < kk; r++) { // the nearest neighbour among the classes with the most votes
                if (votes.get(classes[order[r]]) == best) {
                    right += classes[order[r]].equals(classes[i]) ? 1 : 0;
                    break;
                }
            }
        }
        return (double) right / n;
    }
}
