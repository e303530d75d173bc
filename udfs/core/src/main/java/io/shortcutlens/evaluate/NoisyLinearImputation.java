package io.shortcutlens.evaluate;

import io.shortcutlens.image.InputShape;
import java.util.SplittableRandom;

/**
 * ROAD's noisy linear imputation (Rong et al. 2022, "A Consistent and Efficient Evaluation Strategy for Attribution
 * Methods"): each removed pixel takes the weighted mean of its 8 neighbours (weight 1/6 for the 4 sharing an edge,
 * 1/12 for the 4 diagonal ones; neighbours outside the image dropped), the pixels kept fixed; the linear system is
 * solved per channel by successive over-relaxation, then Gaussian noise of {@code noise} times the channel's range is
 * added to the removed pixels. A removed region so looks like its surroundings and carries no trace of its shape, so a
 * model's drop measures the information removed rather than the fill's artefacts.
 */
public final class NoisyLinearImputation {
    private static final double DIRECT = 1.0 / 6;
    private static final double DIAGONAL = 1.0 / 12;
    private static final double OMEGA = 1.8;
    private static final double TOLERANCE = 1e-5;
    private static final int MAX_SWEEPS = 2000;

    private NoisyLinearImputation() { }

    /** A copy of {@code input} ({@code C × H × W}) with the pixels where {@code removed[y·W + x]} imputed. */
    public static float[] impute(float[] input, boolean[] removed, InputShape shape, double noise, long seed) {
        int h = shape.height();
        int w = shape.width();
        int plane = h * w;
        float[] out = input.clone();
        int missing = 0;
        for (boolean r : removed) {
            missing += r ? 1 : 0;
        }
        if (missing == 0) {
            return out;
        }
        int[] holes = new int[missing];
        for (int p = 0, k = 0; p < plane; p++) {
            if (removed[p]) {
                holes[k++] = p;
            }
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int c = 0; c < shape.channels(); c++) {
            int base = c * plane;
            double kept = 0;
            int keptCount = 0;
            float lo = Float.MAX_VALUE;
            float hi = -Float.MAX_VALUE;
            for (int p = 0; p < plane; p++) {
                lo = Math.min(lo, input[base + p]);
                hi = Math.max(hi, input[base + p]);
                if (!removed[p]) {
                    kept += input[base + p];
                    keptCount++;
                }
            }
            double start = keptCount == 0 ? 0 : kept / keptCount;
            double[] v = new double[plane];
            for (int p = 0; p < plane; p++) {
                v[p] = removed[p] ? start : input[base + p];
            }
            double scale = Math.max(1e-12, hi - lo);
            for (int sweep = 0; sweep < MAX_SWEEPS && keptCount > 0; sweep++) {
                double change = 0;
                for (int p : holes) {
                    int y = p / w;
                    int x = p % w;
                    double sum = 0;
                    double weight = 0;
                    for (int dy = -1; dy <= 1; dy++) {
                        for (int dx = -1; dx <= 1; dx++) {
                            int yy = y + dy;
                            int xx = x + dx;
                            if ((dy == 0 && dx == 0) || yy < 0 || yy >= h || xx < 0 || xx >= w) {
                                continue;
                            }
                            double wt = dy == 0 || dx == 0 ? DIRECT : DIAGONAL;
                            sum += wt * v[yy * w + xx];
                            weight += wt;
                        }
                    }
                    double next = v[p] + OMEGA * (sum / weight - v[p]);
                    change = Math.max(change, Math.abs(next - v[p]));
                    v[p] = next;
                }
                if (change < TOLERANCE * scale) {
                    break;
                }
            }
            for (int p : holes) {
                out[base + p] = (float) (v[p] + noise * (hi - lo) * random.nextGaussian());
            }
        }
        return out;
    }
}
