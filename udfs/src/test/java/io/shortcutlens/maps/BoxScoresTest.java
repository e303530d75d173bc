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
    void aMalformedBoxIsRefusedWithItsValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BoxScores.score(new float[4], 2, 2, new double[] {0.5, 0, 0.2, 1}));
        assertEquals(true, e.getMessage().contains("[0.5, 0.0, 0.2, 1.0]"), e.getMessage());
    }
}
