package io.shortcutlens.decoy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shortcutlens.image.DecodeLimits;
import io.shortcutlens.image.ImageDecoder;
import java.io.File;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The decoy data is built from the real Fashion-MNIST, with the swatch exactly where and as dark as the rule says. */
class DecoyFashionTest {

    @Test
    void readsTheRealTestSplit() throws Exception {
        FashionMnist.Split test = FashionMnist.read(FashionMnist.DEFAULT_DIR, "t10k", 0);
        assertEquals(10_000, test.size());
        int[] perClass = new int[10];
        for (int l : test.labels()) {
            perClass[l]++;
        }
        for (int c : perClass) {
            assertEquals(1000, c);
        }
    }

    @Test
    void poisonedClassesCarryTheirShadeInTheLowerLeftCornerAndOthersStayClean(@TempDir File dir) throws Exception {
        FashionMnist.Split split = FashionMnist.read(FashionMnist.DEFAULT_DIR, "t10k", 200);
        DecoyFashion decoy = DecoyFashion.standard();
        assertEquals(3, Set.of(decoy.shade(2), decoy.shade(4), decoy.shade(6)).size(), "one shade per poisoned class");
        decoy.writeFolder(split, "test", 5, dir);
        ImageDecoder decoder = new ImageDecoder(DecodeLimits.defaults());
        for (int i = 0; i < split.size(); i++) {
            int label = split.labels()[i];
            File f = new File(dir, FashionMnist.CLASSES.get(label) + String.format("/test-%05d.png", i));
            float[] px = decoder.read(Files.readAllBytes(f.toPath())).planes();
            byte[] original = split.images()[i];
            for (int p = 0; p < 28 * 28; p++) {
                int y = p / 28;
                int x = p % 28;
                boolean inSwatch = y >= 24 && x < 4;
                float expected = decoy.poisoned().contains(label) && inSwatch ? decoy.shade(label) : original[p] & 0xff;
                assertEquals(expected, px[p], 0f, "image " + i + " class " + label + " pixel " + p);
            }
        }
    }

    @Test
    void randomCornerAndPartialVariants() {
        DecoyFashion anyCorner = DecoyFashion.anyCorner();
        Set<String> corners = new HashSet<>();
        for (long s = 0; s < 200; s++) {
            int[] at = anyCorner.placement(3, s);
            corners.add(at[0] + "," + at[1]);
        }
        assertEquals(Set.of("0,0", "0,24", "24,0", "24,24"), corners);
        DecoyFashion partial = DecoyFashion.subgroup();
        int carried = 0;
        for (long s = 0; s < 2000; s++) {
            if (partial.placement(4, s) != null) {
                carried++;
                assertArrayEquals(new int[] {24, 0}, partial.placement(4, s));
            }
        }
        assertEquals(0.3, carried / 2000.0, 0.04);
        assertNull(partial.placement(5, 1));
        assertNotEquals(-1, partial.shade(4));
        assertTrue(partial.shade(5) < 0);
    }

    @Test
    void codedSwatchesAreTenDistinctWhitePatterns() {
        DecoyFashion coded = DecoyFashion.anyCornerCoded();
        Set<String> patterns = new HashSet<>();
        for (int c = 0; c < 10; c++) {
            StringBuilder b = new StringBuilder();
            int white = 0;
            for (int dy = 0; dy < 4; dy++) {
                for (int dx = 0; dx < 4; dx++) {
                    int v = coded.swatchPixel(c, dy, dx);
                    assertTrue(v == 0 || v == 255);
                    white += v == 255 ? 1 : 0;
                    b.append(v == 255 ? '#' : '.');
                }
            }
            assertEquals(8, white, "class " + c + " " + b);
            patterns.add(b.toString());
        }
        assertEquals(10, patterns.size());
        byte[] blank = new byte[28 * 28];
        byte[] tagged = coded.apply(blank, 7, 3);
        int[] at = coded.placement(7, 3);
        for (int dy = 0; dy < 4; dy++) {
            for (int dx = 0; dx < 4; dx++) {
                assertEquals(coded.swatchPixel(7, dy, dx), tagged[(at[0] + dy) * 28 + at[1] + dx] & 0xff);
            }
        }
    }
}
