package io.shortcutlens.audit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Own blocks (16×16 colour signatures) built here: a sticker at a different offset in every block, under the image's
 * own lighting and noise, recurs; an animal's head — a blob whose fur colour, size and place vary — does not, nor
 * does background alone.
 */
class RecurringContentTest {
    private static final int C = 3;
    private static final int S = 16;
    private static final int[] SHAPE = {C, S, S};

    /** A smooth random background with pixel noise, values about 0..1. */
    private static float[] background(SplittableRandom r) {
        float[] b = new float[C * S * S];
        double[] base = {r.nextDouble(), r.nextDouble(), r.nextDouble()};
        double slope = r.nextDouble() * 0.03;
        for (int ch = 0; ch < C; ch++) {
            for (int y = 0; y < S; y++) {
                for (int x = 0; x < S; x++) {
                    b[(ch * S + y) * S + x] = (float) (base[ch] * 0.6 + 0.2 + slope * (x + y) + r.nextGaussian() * 0.02);
                }
            }
        }
        return b;
    }

    /** A 5×5 tag: yellow with a dark centre and a white corner, at (y, x), times the image's lighting. */
    private static void sticker(float[] b, int y, int x, double light) {
        double[] yellow = {1.0, 0.85, 0.0};
        for (int ch = 0; ch < C; ch++) {
            for (int dy = 0; dy < 5; dy++) {
                for (int dx = 0; dx < 5; dx++) {
                    double v = dy == 2 && dx == 2 ? 0.05 : dy == 0 && dx == 0 ? 1.0 : yellow[ch];
                    b[(ch * S + y + dy) * S + x + dx] = (float) (v * light);
                }
            }
        }
    }

    /** A head: a disk of one of four fur colours, radius 3 to 5, at a varying place. */
    private static void head(float[] b, SplittableRandom r) {
        double[][] furs = {{0.88, 0.86, 0.82}, {0.43, 0.27, 0.16}, {0.16, 0.14, 0.14}, {0.59, 0.39, 0.24}};
        double[] fur = furs[r.nextInt(furs.length)];
        int rad = 3 + r.nextInt(3);
        int cy = rad + r.nextInt(S - 2 * rad);
        int cx = rad + r.nextInt(S - 2 * rad);
        double ear = 0.5 + r.nextDouble();
        for (int ch = 0; ch < C; ch++) {
            for (int y = 0; y < S; y++) {
                for (int x = 0; x < S; x++) {
                    double d = Math.hypot((y - cy) * ear, x - cx);
                    if (d < rad) {
                        b[(ch * S + y) * S + x] = (float) (fur[ch] * (0.9 + 0.2 * r.nextDouble()));
                    }
                }
            }
        }
    }

    private static List<float[]> blocks(int n, SplittableRandom r, String content) {
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] b = background(r);
            if (content.equals("sticker")) {
                sticker(b, r.nextInt(S - 5), r.nextInt(S - 5), 0.8 + 0.4 * r.nextDouble());
            } else if (content.equals("head")) {
                head(b, r);
            }
            out.add(b);
        }
        return out;
    }

    @Test
    void aStickerAtADifferentPlaceInEveryBlockRecurs() {
        SplittableRandom r = new SplittableRandom(3);
        RecurringContent rc = RecurringContent.of(blocks(60, r, "sticker"), blocks(60, r, "none"), blocks(60, r, "head"), SHAPE);
        assertNotNull(rc.template(), rc.toString());
        assertTrue(rc.share() >= 0.9, "the tag occurs in nearly every block: " + rc);
        assertTrue(rc.controlShare() <= 0.1, "and not in the controls: " + rc);
        assertTrue(rc.recurs(0.5), rc.describe());
        assertTrue(rc.template().cells() <= 25, "the template is a piece of the tag, not the block: " + rc.template());
    }

    @Test
    void aHeadThatVariesInColourSizeAndPlaceDoesNotRecur() {
        SplittableRandom r = new SplittableRandom(4);
        RecurringContent rc = RecurringContent.of(blocks(60, r, "head"), blocks(60, r, "none"), blocks(60, r, "none"), SHAPE);
        assertFalse(rc.recurs(0.5), rc.describe());
    }

    @Test
    void backgroundAloneDoesNotRecur() {
        SplittableRandom r = new SplittableRandom(5);
        RecurringContent rc = RecurringContent.of(blocks(60, r, "none"), blocks(60, r, "none"), blocks(60, r, "none"), SHAPE);
        assertFalse(rc.recurs(0.5), rc.describe());
    }
}
