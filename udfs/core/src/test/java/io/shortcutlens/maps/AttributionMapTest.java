package io.shortcutlens.maps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class AttributionMapTest {

    @Test
    void originsStartAtZeroAndStopAtTheFirstWindowReachingTheBorder() {
        assertArrayEquals(new int[] {0, 4, 8, 12, 16, 20, 24}, AttributionMap.origins(32, 8, 4));
        assertArrayEquals(new int[] {0, 4, 8, 12, 16, 20, 24}, AttributionMap.origins(30, 8, 4));
        assertArrayEquals(new int[] {0}, AttributionMap.origins(5, 8, 4));
        assertArrayEquals(new int[] {0, 3, 6, 9}, AttributionMap.origins(13, 4, 3));
    }

    @Test
    void segmentationSurvivesStorageExactly() {
        int h = 224;
        int w = 224;
        int[] labels = new int[h * w];
        Random r = new Random(1);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                labels[y * w + x] = (y / 32) * 7 + (x + r.nextInt(3)) / 32 % 7;
            }
        }
        float[] weights = new float[49];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = r.nextFloat() - 0.5f;
        }
        AttributionMap m = AttributionMap.superpixels(h, w, labels, weights);
        byte[] stored = m.encodedSegments();
        assertTrue(stored.length < 20_000, "stored segmentation is " + stored.length + " bytes");
        AttributionMap back = AttributionMap.fromStored("SUPERPIXELS", h, w, weights, 0, 0, stored);
        assertArrayEquals(labels, back.segments());
        assertArrayEquals(m.toPixels(), back.toPixels());
    }

    @Test
    void windowGridRebuildsAsTheMeanOfCoveringWindows() {
        // 1-D check on a 1×5 map, window 2, stride 1: origins 0..3, pixel 2 is covered by windows 1 and 2
        AttributionMap m = AttributionMap.windowGrid(1, 5, 2, 1, new float[] {1, 2, 3, 4});
        assertArrayEquals(new float[] {1, 1.5f, 2.5f, 3.5f, 4}, m.toPixels(), 1e-6f);
    }

    @Test
    void statisticsLocateMassInTheLowerLeftCorner() {
        int h = 32;
        int w = 32;
        float[] map = new float[h * w];
        for (int y = 24; y < 32; y++) {
            for (int x = 0; x < 8; x++) {
                map[y * w + x] = 1;
            }
        }
        map[0] = -5;
        MapStatistics s = MapStatistics.of(map, h, w, 8);
        assertEquals(1.0f, s.cornerBottomLeft(), 1e-6f);
        assertEquals(0f, s.cornerTopRight(), 1e-6f);
        assertEquals(64.0, s.positiveMass(), 1e-9);
        assertEquals(5.0, s.negativeMass(), 1e-9);
        assertEquals(6, s.peakRow(), "four cells tie; the first in raster order is the peak");
        assertEquals(0, s.peakCol());
        assertEquals(0.875f, s.centroidY(), 1e-6f);
        assertEquals(0.125f, s.centroidX(), 1e-6f);
        // 4 of 64 cells share the mass evenly: entropy ln 4 / ln 64 = 1/3
        assertEquals(1 / 3.0, s.entropy(), 1e-6);
        assertEquals(0.75f, s.borderBand(), 1e-6f, "48 of the 64 pixels lie in the outer eighth");
        float sum = 0;
        for (float f : s.massGrid()) {
            sum += f;
        }
        assertEquals(1f, sum, 1e-6f);
    }
}
