package io.shortcutlens.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shortcutlens.image.ImageTensor;
import io.shortcutlens.image.InputShape;
import org.junit.jupiter.api.Test;

class RegionMaskerTest {

    /** A 4x4 gray image: a 2x2 tag of value 0.25 in the lower-left corner, six pixels of 0.5, the rest 0; mean 0.25. */
    private static ImageTensor tagged() {
        float[] px = new float[16];
        px[8] = px[9] = px[12] = px[13] = 0.25f;
        px[0] = px[1] = px[2] = px[3] = 0.5f;
        px[4] = px[5] = 0.5f;
        return ImageTensor.ofInput(new InputShape(1, 4, 4), px);
    }

    @Test
    void aMeanFillCannotHideATagOfTheMeanShadeAndAZeroFillDoes() {
        ImageTensor img = tagged();
        assertEquals(0.25f, img.channelMeans()[0], 1e-6);
        int[] corner = {2, 0, 4, 2};
        // the mean fill writes the tag's own value back: nothing is hidden
        assertArrayEquals(img.input(), RegionMasker.mask(img, corner, RegionMasker.Fill.MEAN, 0));
        float[] zero = RegionMasker.mask(img, corner, RegionMasker.Fill.ZERO, 0);
        for (int i : new int[] {8, 9, 12, 13}) {
            assertEquals(0f, zero[i]);
        }
        // outside the box nothing changes
        for (int i : new int[] {0, 1, 2, 3, 4, 5, 10, 11, 14, 15}) {
            assertEquals(img.input()[i], zero[i]);
        }
    }
}
