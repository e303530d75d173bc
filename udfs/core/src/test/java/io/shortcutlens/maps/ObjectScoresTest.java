package io.shortcutlens.maps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ObjectScoresTest {

    @Test
    void relevanceMassAndPointingFollowTheirDefinitions() {
        // 4x4 map: positive values 1..4 on the diagonal, a negative value inside the box that must not count
        float[] map = new float[16];
        map[0] = 1;
        map[5] = 2;
        map[10] = 3;
        map[15] = 4;
        map[4] = -5;
        ObjectRegion upperLeftQuarter = ObjectRegion.box(new double[] {0, 0, 0.5, 0.5});
        float[] s = ObjectScores.score(map, 4, 4, upperLeftQuarter);
        assertEquals(3f / 10f, s[0], 1e-6);
        assertEquals(0f, s[1]); // the peak (4) is in the lower-right pixel
        float[] all = ObjectScores.score(map, 4, 4, ObjectRegion.box(new double[] {0, 0, 1, 1}));
        assertEquals(1f, all[0], 1e-6);
        assertEquals(1f, all[1]);
        assertEquals(0f, ObjectScores.score(new float[16], 4, 4, upperLeftQuarter)[0]);
    }

    @Test
    void aMaskScoresLikeTheBoxItDraws() throws Exception {
        // a 2x2 mask image whose upper-left pixel is on: over a 4x4 map it covers the same pixels as the quarter box
        BufferedImage img = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setSample(0, 0, 0, 255);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(img, "png", png);
        ObjectRegion mask = ObjectRegion.mask(png.toByteArray());
        ObjectRegion box = ObjectRegion.box(new double[] {0, 0, 0.5, 0.5});
        float[] map = new float[16];
        for (int i = 0; i < 16; i++) {
            map[i] = (i * 7) % 5 - 1.5f;
        }
        assertEquals(ObjectScores.score(map, 4, 4, box)[0], ObjectScores.score(map, 4, 4, mask)[0], 1e-7);
        assertEquals(ObjectScores.score(map, 4, 4, box)[1], ObjectScores.score(map, 4, 4, mask)[1]);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                assertEquals(box.containsPixel(y, x, 4, 4), mask.containsPixel(y, x, 4, 4), y + "," + x);
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ObjectRegion.mask(new byte[] {1, 2, 3}));
        assertTrue(e.getMessage().contains("3 bytes"), e.getMessage());
    }

    @Test
    void regionOverlapFollowsTheEvidenceAndFallsBackToArea() {
        // region rows 0-3, cols 0-3 of an 8x8 image; box = left half, top quarter -> rows 0-1, cols 0-3: 8 of 16 pixels
        ObjectRegion box = ObjectRegion.box(new double[] {0, 0, 0.5, 0.25});
        int[] region = {0, 0, 4, 4};
        assertEquals(0.5, ObjectScores.overlap(region, 8, 8, box, null), 1e-12);
        assertEquals(0.0, ObjectScores.overlap(new int[] {4, 4, 8, 8}, 8, 8, ObjectRegion.box(new double[] {0, 0, 0.5, 0.5}), null), 1e-12);
        // the same region with its evidence in row 3 (off the object) and a little in row 0 (on it): 1 of 1 + 3
        float[] map = new float[64];
        map[3 * 8 + 1] = 3;
        map[0 * 8 + 2] = 1;
        map[0 * 8 + 3] = -4; // negative evidence does not count
        assertEquals(0.25, ObjectScores.overlap(region, 8, 8, box, map), 1e-12);
        // no positive evidence inside the region: the area share
        assertEquals(0.5, ObjectScores.overlap(region, 8, 8, box, new float[64]), 1e-12);
    }

    @Test
    void aMalformedBoxIsRefusedWithItsValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ObjectRegion.box(new double[] {0.5, 0, 0.2, 1}));
        assertTrue(e.getMessage().contains("[0.5, 0.0, 0.2, 1.0]"), e.getMessage());
        assertFalse(ObjectRegion.box(new double[] {0, 0, 0.5, 0.5}).contains(0.5, 0.1));
    }
}
