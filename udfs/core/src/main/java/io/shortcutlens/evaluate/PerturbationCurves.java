package io.shortcutlens.evaluate;

import io.shortcutlens.audit.RegionMasker;
import io.shortcutlens.explain.PerturbationBatcher;
import io.shortcutlens.image.ImageTensor;
import io.shortcutlens.image.InputShape;
import io.shortcutlens.model.ImageClassifier;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * How faithful one map is to the model, by the target score as the map's cells are taken away or given back:
 * <ul>
 *   <li>deletion, most relevant first (MoRF; Samek et al. 2017, Petsiuk et al. 2018): cells replaced by the fill in the
 *   map's order, highest attribution first; a faithful map makes the score fall fast (low area);</li>
 *   <li>deletion, least relevant first (LeRF): lowest first; the score should hold (high area);</li>
 *   <li>deletion in a random order (seeded): the baseline a map must beat;</li>
 *   <li>insertion, MoRF: from the filled image, the cells revealed highest first; the score should rise fast (high area);</li>
 *   <li>ROAD MoRF and LeRF (Rong et al. 2022): deletion at {@code 0, 1/steps, …, (steps−1)/steps} of the cells with the
 *   removed pixels imputed from the rest ({@link NoisyLinearImputation}) instead of filled.</li>
 * </ul>
 * Cells are the {@code grid × grid} blocks of the image ranked by the sum of the map over their pixels (ties by
 * position). Each curve is the target's score at each step; its area is the trapezoid rule over the fraction of
 * cells, from 0 to 1 (ROAD: to its last step). Every step image of every curve goes through the model in batches
 * ({@link PerturbationBatcher}: each written into the task's batch buffer, never all held at once).
 */
public final class PerturbationCurves {

    /** The curves, with whether a low area means a faithful map. */
    public enum Metric {
        DELETION_MORF(true), DELETION_LERF(false), DELETION_RANDOM(true), INSERTION_MORF(false), ROAD_MORF(true), ROAD_LERF(false);

        private final boolean lowerIsBetter;

        Metric(boolean lowerIsBetter) {
            this.lowerIsBetter = lowerIsBetter;
        }

        public boolean lowerIsBetter() {
            return lowerIsBetter;
        }

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One curve: the fractions of cells changed and the target's score at each. */
    public record Curve(Metric metric, float[] fractions, float[] scores, double area) { }

    private PerturbationCurves() { }

    /** The {@code grid × grid} cells of an {@code h × w} image as boxes {@code {y0, x0, y1, x1}}, row by row. */
    public static int[][] cells(int h, int w, int grid) {
        int rows = Math.min(grid, h);
        int cols = Math.min(grid, w);
        int[][] out = new int[rows * cols][];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[r * cols + c] = new int[] {r * h / rows, c * w / cols, (r + 1) * h / rows, (c + 1) * w / cols};
            }
        }
        return out;
    }

    /** The map's sum over each cell's pixels. */
    public static double[] cellSums(float[] pixels, int w, int[][] cells) {
        double[] out = new double[cells.length];
        for (int k = 0; k < cells.length; k++) {
            int[] b = cells[k];
            for (int y = b[0]; y < b[2]; y++) {
                for (int x = b[1]; x < b[3]; x++) {
                    out[k] += pixels[y * w + x];
                }
            }
        }
        return out;
    }

    /** Cell indices by value, highest first ({@code descending}) or lowest first; ties by index. */
    public static int[] order(double[] values, boolean descending) {
        Integer[] idx = new Integer[values.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        java.util.Arrays.sort(idx, (a, b) -> {
            int c = Double.compare(values[a], values[b]);
            return c != 0 ? (descending ? -c : c) : Integer.compare(a, b);
        });
        return java.util.Arrays.stream(idx).mapToInt(Integer::intValue).toArray();
    }

    /** A seeded permutation of {@code 0 .. n − 1} (Fisher–Yates). */
    public static int[] randomOrder(int n, long seed) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** The first {@code count} cells of {@code order}, each a box {@code {y0, x0, y1, x1}} of {@code boxes}. */
    public record Taken(int[][] boxes, int[] order, int count) { }

    /** Writes {@code base} into {@code dest} at {@code offset}, with the {@code taken} cells from {@code from} (every channel). */
    public static void replace(float[] base, float[] from, InputShape shape, Taken taken, float[] dest, int offset) {
        System.arraycopy(base, 0, dest, offset, base.length);
        int plane = shape.pixels();
        int w = shape.width();
        for (int k = 0; k < taken.count(); k++) {
            int[] b = taken.boxes()[taken.order()[k]];
            for (int c = 0; c < shape.channels(); c++) {
                for (int y = b[0]; y < b[2]; y++) {
                    int at = c * plane + y * w + b[1];
                    System.arraycopy(from, at, dest, offset + at, b[3] - b[1]);
                }
            }
        }
    }

    /** Area under a curve sampled at {@code fractions} (trapezoid rule). */
    public static double area(float[] fractions, float[] scores) {
        double a = 0;
        for (int i = 1; i < scores.length; i++) {
            a += (fractions[i] - fractions[i - 1]) * (scores[i] + scores[i - 1]) / 2.0;
        }
        return a;
    }

    /** Every curve of one map of {@code image} for class {@code target}; {@code pixels} is the map at the image's size. */
    public static List<Curve> evaluate(ImageTensor image, float[] pixels, int target, ImageClassifier model, EvaluationParams p, long seed) {
        InputShape shape = image.shape();
        int[][] cells = cells(shape.height(), shape.width(), p.grid());
        int n = cells.length;
        double[] sums = cellSums(pixels, shape.width(), cells);
        int[] morf = order(sums, true);
        int[] lerf = order(sums, false);
        int[] random = randomOrder(n, seed);
        float[] x = image.input();
        float[] fill = RegionMasker.keepOnly(image, new int[] {0, 0, 0, 0}, p.fill(), seed);
        float[] every = new float[n + 1];
        for (int k = 0; k <= n; k++) {
            every[k] = (float) k / n;
        }
        float[] road = new float[p.roadSteps()];
        for (int j = 0; j < road.length; j++) {
            road[j] = (float) Math.round((double) j * n / p.roadSteps()) / n;
        }
        // every step image of every curve, written straight into the batch buffer when its batch goes through the model
        record Step(Metric metric, int[] order, int count) { }
        List<Step> steps = new ArrayList<>();
        for (Metric m : Metric.values()) {
            int[] o = switch (m) {
                case DELETION_LERF, ROAD_LERF -> lerf;
                case DELETION_RANDOM -> random;
                default -> morf;
            };
            for (float f : m == Metric.ROAD_MORF || m == Metric.ROAD_LERF ? road : every) {
                steps.add(new Step(m, o, Math.round(f * n)));
            }
        }
        float[] scores = PerturbationBatcher.scores(model, steps.size(), p.batchSize(), (index, dest, offset) -> {
            Step s = steps.get(index);
            switch (s.metric()) {
                case INSERTION_MORF -> replace(fill, x, shape, new Taken(cells, s.order(), s.count()), dest, offset);
                case ROAD_MORF, ROAD_LERF -> {
                    float[] imputed = NoisyLinearImputation.impute(x, removed(shape, cells, s.order(), s.count()), shape, p.roadNoise(), seed + s.count());
                    System.arraycopy(imputed, 0, dest, offset, imputed.length);
                }
                default -> replace(x, fill, shape, new Taken(cells, s.order(), s.count()), dest, offset);
            }
        });
        int k = model.numClasses();
        List<Curve> out = new ArrayList<>();
        int at = 0;
        for (Metric m : Metric.values()) {
            float[] f = m == Metric.ROAD_MORF || m == Metric.ROAD_LERF ? road : every;
            float[] s = new float[f.length];
            for (int i = 0; i < f.length; i++) {
                s[i] = scores[(at + i) * k + target];
            }
            at += f.length;
            out.add(new Curve(m, f, s, area(f, s)));
        }
        return out;
    }

    /** The pixels of the first {@code count} cells of {@code order}. */
    private static boolean[] removed(InputShape shape, int[][] cells, int[] order, int count) {
        boolean[] removed = new boolean[shape.pixels()];
        for (int k = 0; k < count; k++) {
            int[] b = cells[order[k]];
            for (int y = b[0]; y < b[2]; y++) {
                java.util.Arrays.fill(removed, y * shape.width() + b[1], y * shape.width() + b[3], true);
            }
        }
        return removed;
    }
}
