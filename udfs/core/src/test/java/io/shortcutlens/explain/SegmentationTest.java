package io.shortcutlens.explain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shortcutlens.image.DrawnScene;
import io.shortcutlens.image.InputShape;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Segmentation at real sizes: coalitions written run by run equal the pixel-by-pixel definition, and SLIC on the
 * shrunk image respects the objects of a scene as well as SLIC at full resolution (measured against the scene's own
 * object map, which is known: flat regions can be cut into superpixels in many equally good ways).
 */
class SegmentationTest {
    private static final int SIDE = 224;

    private static DrawnScene scene(long seed) {
        return DrawnScene.draw(seed, SIDE);
    }

    @Test
    void aCoalitionWrittenRunByRunEqualsThePixelByPixelDefinition() {
        DrawnScene s = scene(3);
        InputShape shape = new InputShape(3, SIDE, SIDE);
        float[] input = new float[s.pixels().length];
        for (int i = 0; i < input.length; i++) {
            input[i] = s.pixels()[i] / 255f;
        }
        float[] fill = {0.1f, 0.2f, 0.3f};
        SplittableRandom r = new SplittableRandom(5);
        for (Segmentation seg : new Segmentation[] {SuperpixelSegmenter.slic(s.pixels(), 3, SIDE, SIDE, 190, 2), SuperpixelSegmenter.grid(SIDE, SIDE, 49)}) {
            int[][] members = seg.members();
            for (int sample = 0; sample < 20; sample++) {
                boolean[] on = new boolean[seg.count()];
                for (int j = 0; j < on.length; j++) {
                    on[j] = sample == 1 || sample != 0 && r.nextBoolean(); // all off, all on, then random
                }
                float[] expected = input.clone();
                for (int j = 0; j < on.length; j++) {
                    for (int c = 0; c < 3 && !on[j]; c++) {
                        for (int p : members[j]) {
                            expected[c * shape.pixels() + p] = fill[c];
                        }
                    }
                }
                float[] dest = new float[2 * input.length];
                java.util.Arrays.fill(dest, Float.NaN);
                SegmentMasking.write(input, shape, fill, seg.runs(), on, dest, input.length);
                assertArrayEquals(expected, java.util.Arrays.copyOfRange(dest, input.length, dest.length), "sample " + sample);
                assertTrue(Float.isNaN(dest[input.length - 1]), "nothing written before the offset");
            }
        }
    }

    @Test
    void slicOnTheShrunkImageRespectsObjectsAsWellAsAtFullResolution() {
        assertEquals(2, SuperpixelSegmenter.slicScale(224, 224, 190));
        assertEquals(1, SuperpixelSegmenter.slicScale(32, 32, 49), "the demo's images are segmented as before");
        assertEquals(1, SuperpixelSegmenter.slicScale(28, 28, 49));
        double[] full = new double[3];
        double[] fast = new double[3];
        long fullNanos = 0;
        long fastNanos = 0;
        for (long seed = 1; seed <= 4; seed++) {
            DrawnScene s = scene(seed);
            SuperpixelSegmenter.slic(s.pixels(), 3, SIDE, SIDE, 190, 1); // warm-up
            long t0 = System.nanoTime();
            Segmentation a = SuperpixelSegmenter.slic(s.pixels(), 3, SIDE, SIDE, 190, 1);
            long t1 = System.nanoTime();
            Segmentation b = SuperpixelSegmenter.slic(s.pixels(), 3, SIDE, SIDE, 190, SuperpixelSegmenter.slicScale(SIDE, SIDE, 190));
            long t2 = System.nanoTime();
            fullNanos += t1 - t0;
            fastNanos += t2 - t1;
            accumulate(full, a, s.objects());
            accumulate(fast, b, s.objects());
        }
        System.out.printf("SLIC 224x224, 190 superpixels, 4 scenes: full resolution ASA %.4f, boundary recall %.4f, %.0f segments, %.1f ms;"
                        + " shrunk x2 ASA %.4f, boundary recall %.4f, %.0f segments, %.1f ms%n", full[0] / 4, full[1] / 4, full[2] / 4, fullNanos / 4e6,
                fast[0] / 4, fast[1] / 4, fast[2] / 4, fastNanos / 4e6);
        assertTrue(fast[0] >= full[0] - 0.01 * 4, "achievable segmentation accuracy within 0.01 of full-resolution SLIC");
        assertTrue(fast[1] >= full[1] - 0.05 * 4, "object boundaries found within 0.05 of full-resolution SLIC");
        assertTrue(Math.abs(fast[2] / 4 - 190) <= 0.25 * 190, "about the superpixels asked for: " + fast[2] / 4);
    }

    /** Adds achievable segmentation accuracy, boundary recall (within 2 pixels) and the segment count. */
    private static void accumulate(double[] sums, Segmentation seg, int[] objects) {
        int[] labels = seg.labels();
        java.util.Map<Long, Integer> overlap = new java.util.HashMap<>();
        for (int i = 0; i < labels.length; i++) {
            overlap.merge((long) labels[i] << 32 | objects[i], 1, Integer::sum);
        }
        int[] best = new int[seg.count()];
        overlap.forEach((k, v) -> best[(int) (k >>> 32)] = Math.max(best[(int) (k >>> 32)], v));
        long inside = 0;
        for (int v : best) {
            inside += v;
        }
        sums[0] += (double) inside / labels.length;
        int edges = 0;
        int found = 0;
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                boolean edge = x + 1 < SIDE && objects[y * SIDE + x] != objects[y * SIDE + x + 1]
                        || y + 1 < SIDE && objects[y * SIDE + x] != objects[(y + 1) * SIDE + x];
                if (!edge) {
                    continue;
                }
                edges++;
                search:
                for (int dy = -2; dy <= 2; dy++) {
                    for (int dx = -2; dx <= 2; dx++) {
                        int yy = y + dy;
                        int xx = x + dx;
                        if (yy >= 0 && xx >= 0 && yy < SIDE && xx + 1 < SIDE && labels[yy * SIDE + xx] != labels[yy * SIDE + xx + 1]
                                || yy >= 0 && xx >= 0 && yy + 1 < SIDE && xx < SIDE && labels[yy * SIDE + xx] != labels[(yy + 1) * SIDE + xx]) {
                            found++;
                            break search;
                        }
                    }
                }
            }
        }
        sums[1] += (double) found / edges;
        sums[2] += seg.count();
    }
}
