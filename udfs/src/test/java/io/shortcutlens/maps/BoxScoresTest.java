package io.shortcutlens.maps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BoxScoresTest {

    @Test
    void relevanceMassAndPointingFollowTheirDefinitions() {
        // 4x4 map: positive values 1..4 on the diagonal, a negative value inside the box that must not count
        float[] map = new float[16];
        map[0] = 1;
        map[5] = 2;
        map[10] = 3;
        map[15] = 4;
        map[4] = -5;
        double[] upperLeftHalf = {0, 0, 0.5, 0.5};
        float[] s = BoxScores.score(map, 4, 4, upperLeftHalf);
        assertEquals(3f / 10f, s[0], 1e-6);
        assertEquals(0f, s[1]); // the peak (4) is in the lower-right pixel
        float[] all = BoxScores.score(map, 4, 4, new double[] {0, 0, 1, 1});
        assertEquals(1f, all[0], 1e-6);
        assertEquals(1f, all[1]);
        assertEquals(0f, BoxScores.score(new float[16], 4, 4, upperLeftHalf)[0]);
    }

    @Test
    void regionOverlapCountsPixelCentres() {
        // region rows 0-3, cols 0-3 of an 8x8 image; box = left half, top quarter -> rows 0-1, cols 0-3: 8 of 16 pixels
        assertEquals(0.5, BoxScores.overlap(new int[] {0, 0, 4, 4}, 8, 8, new double[] {0, 0, 0.5, 0.25}), 1e-12);
        assertEquals(0.0, BoxScores.overlap(new int[] {4, 4, 8, 8}, 8, 8, new double[] {0, 0, 0.5, 0.5}), 1e-12);
    }

    @Test
    void aMalformedBoxIsRefusedWithItsValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BoxScores.score(new float[4], 2, 2, new double[] {0.5, 0, 0.2, 1}));
        assertEquals(true, e.getMessage().contains("[0.5, 0.0, 0.2, 1.0]"), e.getMessage());
    }
}
