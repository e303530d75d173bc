package io.shortcutlens.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TsneTest {

    /** Four planted clusters in 40-D, each centre a few units from the others, each point's noise larger than a coordinate of the centre. */
    private static float[][] clusters(int perCluster, String[] labels, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int k = 4;
        int dim = 40;
        float[][] centres = new float[k][dim];
        for (int c = 0; c < k; c++) {
            for (int d = 0; d < dim; d++) {
                centres[c][d] = (float) (r.nextDouble() * 2 - 1);
            }
        }
        float[][] x = new float[k * perCluster][dim];
        for (int i = 0; i < x.length; i++) {
            int c = i % k;
            labels[i] = "c" + c;
            for (int d = 0; d < dim; d++) {
                x[i][d] = centres[c][d] + (float) (0.4 * (r.nextDouble() * 2 - 1));
            }
        }
        return x;
    }

    @Test
    void plantedClustersStaySeparateInTwoDimensions() {
        String[] labels = new String[160];
        float[][] x = clusters(40, labels, 3);
        Tsne tsne = Tsne.defaults(7);
        double[] y = tsne.embed(x);
        double[][] points = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            points[i] = new double[] {y[2 * i], y[2 * i + 1]};
        }
        double acc = Tsne.knnAccuracy(points, labels, 5);
        assertEquals(1.0, acc, 1e-12, "5-NN accuracy of the 2-D points");
        // the start (a tiny random cloud) separates nothing; t-SNE lowers its objective far below it
        double[] start = new double[2 * x.length];
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < start.length; i++) {
            start[i] = 1e-4 * (r.nextDouble() - 0.5);
        }
        double before = tsne.divergence(x, start);
        double after = tsne.divergence(x, y);
        assertTrue(after < 0.5 * before, "KL(P||Q) " + after + " vs " + before + " at the start");
    }

    @Test
    void sameSeedSameMap() {
        String[] labels = new String[40];
        float[][] x = clusters(10, labels, 5);
        Tsne tsne = new Tsne(10, 300, 200, 11);
        assertArrayEquals(tsne.embed(x), tsne.embed(x));
    }

    @Test
    void affinityRowsHitThePerplexity() {
        // points on a line: every conditional distribution's entropy must be log(perplexity)
        int n = 30;
        double[] d = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                d[i * n + j] = (i - j) * (i - j);
            }
        }
        double[] p = Tsne.affinities(d, 5);
        double total = 0;
        for (double v : p) {
            total += v;
        }
        assertEquals(1.0, total, 1e-6, "joint affinities sum to one");
        assertEquals(p[3 * n + 7], p[7 * n + 3], 1e-15, "symmetric");
    }

    @Test
    void knnAccuracyOfInterleavedClassesIsLow() {
        double[][] points = new double[20][];
        String[] labels = new String[20];
        for (int i = 0; i < 20; i++) {
            points[i] = new double[] {i, 0};
            labels[i] = i % 2 == 0 ? "a" : "b";
        }
        // each point's nearest neighbours alternate classes: with k = 1 nothing is right
        assertEquals(0.0, Tsne.knnAccuracy(points, labels, 1), 1e-12);
    }
}
