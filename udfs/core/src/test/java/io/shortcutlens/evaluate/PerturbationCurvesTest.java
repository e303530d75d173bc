package io.shortcutlens.evaluate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shortcutlens.audit.RegionMasker;
import io.shortcutlens.explain.LinearModel;
import io.shortcutlens.image.ImageTensor;
import io.shortcutlens.image.InputShape;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PerturbationCurvesTest {
    private static final InputShape SHAPE = new InputShape(3, 16, 16);

    private static ImageTensor image(long seed) {
        Random r = new Random(seed);
        float[] x = new float[SHAPE.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat();
        }
        return ImageTensor.ofInput(SHAPE, x);
    }

    /** Σ over the cell's pixels and channels of w·(to − from): what replacing the cell changes a linear score by. */
    private static double contribution(LinearModel m, int[] cell, float[] from, float[] to, int target) {
        double s = 0;
        int plane = SHAPE.pixels();
        for (int c = 0; c < SHAPE.channels(); c++) {
            for (int y = cell[0]; y < cell[2]; y++) {
                for (int x = cell[1]; x < cell[3]; x++) {
                    int p = c * plane + y * SHAPE.width() + x;
                    s += m.w[p][target] * (to[p] - from[p]);
                }
            }
        }
        return s;
    }

    @Test
    void deletionAndInsertionCurvesOfALinearModelEqualTheirClosedForm() {
        LinearModel m = new LinearModel(SHAPE, 4, 3);
        ImageTensor img = image(5);
        float[] map = image(9).input(); // any map: its first plane ranks the cells
        int target = 2;
        EvaluationParams p = new EvaluationParams(4, RegionMasker.Fill.ZERO, 5, 0.0, 0, 7, 1);
        List<PerturbationCurves.Curve> curves = PerturbationCurves.evaluate(img, map, target, m.classifier, p, 11);
        int[][] cells = PerturbationCurves.cells(16, 16, 4);
        double[] sums = PerturbationCurves.cellSums(map, 16, cells);
        float[] x = img.input();
        float[] zero = new float[x.length];
        for (PerturbationCurves.Curve curve : curves) {
            int[] order = switch (curve.metric()) {
                case DELETION_MORF, INSERTION_MORF, ROAD_MORF -> PerturbationCurves.order(sums, true);
                case DELETION_LERF, ROAD_LERF -> PerturbationCurves.order(sums, false);
                case DELETION_RANDOM -> PerturbationCurves.randomOrder(cells.length, 11);
            };
            if (curve.metric().name().startsWith("ROAD")) {
                continue;
            }
            boolean insertion = curve.metric() == PerturbationCurves.Metric.INSERTION_MORF;
            // the score minus (deletion) or the blank's score plus (insertion) the cumulative contributions of the cells changed
            double expected = insertion ? m.score(zero, target) : m.score(x, target);
            assertEquals(17, curve.scores().length);
            for (int k = 0; k <= cells.length; k++) {
                assertEquals(expected, curve.scores()[k], 1e-5, curve.metric() + " step " + k);
                if (k < cells.length) {
                    expected += insertion ? contribution(m, cells[order[k]], zero, x, target) : contribution(m, cells[order[k]], x, zero, target);
                }
            }
            assertEquals(PerturbationCurves.area(curve.fractions(), curve.scores()), curve.area(), 1e-12);
        }
        // the map's own order removes the cells with the largest map sums first
        assertEquals(PerturbationCurves.order(sums, true)[0], java.util.stream.IntStream.range(0, 16).reduce((a, b) -> sums[a] >= sums[b] ? a : b)
                .getAsInt());
    }

    @Test
    void roadCurveIsTheModelOnTheImputedImages() {
        LinearModel m = new LinearModel(SHAPE, 3, 4);
        ImageTensor img = image(6);
        EvaluationParams p = new EvaluationParams(4, RegionMasker.Fill.ZERO, 4, 0.0, 0, 64, 1);
        float[] map = image(8).input();
        PerturbationCurves.Curve road = PerturbationCurves.evaluate(img, map, 1, m.classifier, p, 3).stream()
                .filter(c -> c.metric() == PerturbationCurves.Metric.ROAD_MORF).findFirst().orElseThrow();
        assertArrayEquals(new float[] {0f, 0.25f, 0.5f, 0.75f}, road.fractions());
        int[][] cells = PerturbationCurves.cells(16, 16, 4);
        int[] order = PerturbationCurves.order(PerturbationCurves.cellSums(map, 16, cells), true);
        for (int j = 0; j < 4; j++) {
            boolean[] removed = new boolean[SHAPE.pixels()];
            for (int k = 0; k < j * 4; k++) {
                int[] b = cells[order[k]];
                for (int y = b[0]; y < b[2]; y++) {
                    for (int x = b[1]; x < b[3]; x++) {
                        removed[y * 16 + x] = true;
                    }
                }
            }
            float[] imputed = NoisyLinearImputation.impute(img.input(), removed, SHAPE, 0.0, 3 + j * 4);
            assertEquals(m.score(imputed, 1), road.scores()[j], 1e-5);
        }
    }

    @Test
    void imputedPixelsAreTheWeightedMeanOfTheirNeighboursAndKeptPixelsStay() {
        ImageTensor img = image(12);
        boolean[] removed = new boolean[SHAPE.pixels()];
        for (int y = 4; y < 10; y++) {
            for (int x = 3; x < 12; x++) {
                removed[y * 16 + x] = true;
            }
        }
        float[] out = NoisyLinearImputation.impute(img.input(), removed, SHAPE, 0.0, 1);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 16; y++) {
                for (int x = 0; x < 16; x++) {
                    int p = c * 256 + y * 16 + x;
                    if (!removed[y * 16 + x]) {
                        assertEquals(img.input()[p], out[p], 0f);
                        continue;
                    }
                    double s = 0;
                    double wsum = 0;
                    for (int dy = -1; dy <= 1; dy++) {
                        for (int dx = -1; dx <= 1; dx++) {
                            if (dy == 0 && dx == 0) {
                                continue;
                            }
                            double wt = dy == 0 || dx == 0 ? 1.0 / 6 : 1.0 / 12;
                            s += wt * out[c * 256 + (y + dy) * 16 + x + dx];
                            wsum += wt;
                        }
                    }
                    assertEquals(s / wsum, out[p], 1e-4);
                }
            }
        }
        // with noise: seeded, and the noise has about the asked spread
        float[] a = NoisyLinearImputation.impute(img.input(), removed, SHAPE, 0.05, 7);
        assertArrayEquals(a, NoisyLinearImputation.impute(img.input(), removed, SHAPE, 0.05, 7));
        double var = 0;
        int n = 0;
        for (int p = 0; p < 256; p++) {
            if (removed[p]) {
                var += (a[p] - out[p]) * (a[p] - out[p]);
                n++;
            }
        }
        double range = 0;
        float lo = Float.MAX_VALUE;
        float hi = -Float.MAX_VALUE;
        for (int p = 0; p < 256; p++) {
            lo = Math.min(lo, img.input()[p]);
            hi = Math.max(hi, img.input()[p]);
        }
        range = hi - lo;
        double sd = Math.sqrt(var / n);
        assertTrue(Math.abs(sd - 0.05 * range) < 0.015 * range, "noise sd " + sd + " for " + 0.05 * range);
    }

    @Test
    void spearmanAgreesWithHandComputedValues() {
        assertEquals(1.0, RankCorrelation.spearman(new double[] {1, 2, 3, 4}, new double[] {10, 20, 30, 400}), 1e-12);
        assertEquals(-1.0, RankCorrelation.spearman(new double[] {1, 2, 3, 4}, new double[] {4, 3, 2, 1}), 1e-12);
        // ties share their mean rank: a = (1, 2.5, 2.5, 4), b = (1, 2, 3, 4): Pearson of the ranks = 0.9486833
        assertEquals(0.9486833, RankCorrelation.spearman(new double[] {1, 2, 2, 3}, new double[] {1, 2, 3, 4}), 1e-6);
        assertEquals(0.0, RankCorrelation.spearman(new double[] {1, 1, 1}, new double[] {1, 2, 3}), 0);
        assertArrayEquals(new double[] {2.5}, RankCorrelation.pooledMagnitude(new float[] {1, -2, 3, -4}, 2, 2, 1), 1e-12);
    }

    @Test
    void bootstrapIntervalIsSeededAndHoldsTheMean() {
        double[] v = new double[50];
        Random r = new Random(1);
        double mean = 0;
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextGaussian() + 2;
            mean += v[i] / v.length;
        }
        io.shortcutlens.audit.Intervals.Interval a = io.shortcutlens.audit.Intervals.bootstrapMean(v, 0.95, 2000, 3);
        assertEquals(a, io.shortcutlens.audit.Intervals.bootstrapMean(v, 0.95, 2000, 3));
        assertTrue(a.low() < mean && mean < a.high());
        // about ±1.96·σ/√n = ±0.28 around the mean
        assertTrue(a.width() > 0.4 && a.width() < 0.7, "width " + a.width());
    }
}
