package io.shortcutlens.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The texture probe against a planted ground truth: a classifier written to rely on a stripe pattern over one class's
 * background (and, in the clean world, on shapes only), its images built here, every change applied to them as the
 * audit does, and the counts judged by {@link GlobalCueProbe#judge}.
 */
class TextureCueTest {
    private static final int S = 28;
    private static final List<String> NAMES = List.of("striped", "disk", "bar", "vbar");

    /** Share of pixels of a middle gray: the stripes' shade, which neither the objects nor their sharpened edges have. */
    private static double midGray(float[] px) {
        int n = 0;
        for (float v : px) {
            n += v >= 60 && v <= 120 ? 1 : 0;
        }
        return (double) n / px.length;
    }

    /** Mean horizontal difference of neighbours: high where a fine pattern covers the image. */
    private static double fineEnergy(float[] px) {
        double e = 0;
        for (int y = 0; y < S; y++) {
            for (int x = 0; x + 1 < S; x++) {
                e += Math.abs(px[y * S + x] - px[y * S + x + 1]);
            }
        }
        return e / (S * (S - 1));
    }

    /**
     * The planted model. Striped world: a fine pattern of middle gray says class 0, else the shape decides among 1–3. Clean world: the
     * shape alone, a filled box being a square. Shape: the bright pixels' spread about their centroid (scattered pieces are
     * a disk to this model), its aspect, and how much of their bounding box they fill.
     */
    private static int predict(float[] px, boolean striped) {
        if (striped && fineEnergy(px) > 15 && midGray(px) > 0.2) {
            return 0;
        }
        int y0 = S;
        int y1 = -1;
        int x0 = S;
        int x1 = -1;
        double n = 0;
        double sy = 0;
        double sx = 0;
        for (int y = 0; y < S; y++) {
            for (int x = 0; x < S; x++) {
                if (px[y * S + x] > 128) {
                    y0 = Math.min(y0, y);
                    y1 = Math.max(y1, y);
                    x0 = Math.min(x0, x);
                    x1 = Math.max(x1, x);
                    n++;
                    sy += y;
                    sx += x;
                }
            }
        }
        if (n == 0) {
            return 1;
        }
        double vy = 0;
        double vx = 0;
        for (int y = 0; y < S; y++) {
            for (int x = 0; x < S; x++) {
                if (px[y * S + x] > 128) {
                    vy += (y - sy / n) * (y - sy / n) / n;
                    vx += (x - sx / n) * (x - sx / n) / n;
                }
            }
        }
        if ((vx + vy) / n > 0.6) {
            return 1; // scattered pieces: what this model calls any scrambled image
        }
        if (vx > 4 * vy) {
            return 2;
        }
        if (vy > 4 * vx) {
            return 3;
        }
        return !striped && n / ((y1 - y0 + 1) * (x1 - x0 + 1)) > 0.9 ? 0 : 1;
    }

    private static List<GlobalCueProbe.Count> probe(boolean striped) {
        SplittableRandom r = new SplittableRandom(11);
        List<float[]> images = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            for (int i = 0; i < 60; i++) {
                images.add(PlantedShapes.image(k, striped, r));
                labels.add(k);
            }
        }
        List<GlobalCueProbe.Count> out = new ArrayList<>();
        for (ImageAdjustment change : ImageAdjustment.forChannels(1)) {
            long[][] confusion = new long[4][4];
            for (float[] px : images) {
                confusion[predict(px, striped)][predict(change.apply(px, 1, S, S), striped)]++;
            }
            out.addAll(GlobalCueProbe.counts(NAMES, change, confusion));
        }
        for (int i = 0; i < images.size(); i++) {
            assertEquals(labels.get(i), predict(images.get(i), striped), "the planted model is right on its own images");
        }
        return out;
    }

    @Test
    void aPatternOverOneClassesBackgroundIsATextureCueAndNoClassOfACleanWorldIs() {
        List<GlobalCueProbe.Cue> cues = GlobalCueProbe.judge(probe(true), AuditParams.defaults());
        GlobalCueProbe.Cue top = cues.get(0);
        assertEquals("striped", top.className(), cues.toString());
        assertEquals(Verdict.GLOBAL_CUE, top.judgement().verdict(), top.judgement().reason());
        assertEquals(GlobalCueProbe.Kind.TEXTURE, top.kind());
        assertEquals(ImageAdjustment.SHUFFLED, top.enterWith());
        assertTrue(top.enterRate() >= 0.9 && top.leaveRate() >= 0.9, top.judgement().reason());
        assertTrue(top.judgement().reason().startsWith("Texture cue"), top.judgement().reason());
        assertTrue(cues.stream().skip(1).noneMatch(c -> c.judgement().verdict() == Verdict.GLOBAL_CUE), cues.toString());

        // the clean world: disks are what a scrambled image looks like: shuffling keeps them, and turns the other classes into
        // disks as well, so their keeping says nothing of a texture of their own (and nothing removes them)
        List<GlobalCueProbe.Cue> clean = GlobalCueProbe.judge(probe(false), AuditParams.defaults());
        assertTrue(clean.stream().noneMatch(c -> c.judgement().verdict() == Verdict.GLOBAL_CUE), clean.toString());
        GlobalCueProbe.Cue disk = clean.stream().filter(c -> c.className().equals("disk") && c.kind() == GlobalCueProbe.Kind.TEXTURE).findFirst()
                .orElse(null);
        assertTrue(disk != null && disk.enterRate() >= 0.9 && disk.typicalEnterRate() >= 0.9, "kept, as other classes become it: " + disk);
    }

    @Test
    void shufflingMovesEveryTileAndLowPassRemovesFinePatternsAtItsScale() {
        float[] ramp = new float[S * S];
        for (int i = 0; i < ramp.length; i++) {
            ramp[i] = i * 0.3f;
        }
        float[] shuffled = ImageAdjustment.SHUFFLED.apply(ramp, 1, S, S);
        float[] a = ramp.clone();
        float[] b = shuffled.clone();
        Arrays.sort(a);
        Arrays.sort(b);
        assertTrue(Arrays.equals(a, b), "a permutation of the pixels");
        for (int t = 0; t < 16; t++) {
            int y = t / 4 * 7;
            int x = t % 4 * 7;
            assertTrue(shuffled[y * S + x] != ramp[y * S + x], "tile " + t + " moved");
        }
        assertTrue(std(ImageAdjustment.LOW_PASS.apply(stripes(4), 1, S, S)) < 0.1 * std(stripes(4)), "period 4 gone at the fine scale");
        assertTrue(std(ImageAdjustment.BLURRED.apply(stripes(8), 1, S, S)) > 0.5 * std(stripes(8)), "the sharpness probe's blur keeps period 8");
        assertTrue(std(ImageAdjustment.LOW_PASS_COARSE.apply(stripes(8), 1, S, S)) < 0.15 * std(stripes(8)), "period 8 gone at the coarse scale");
        float[] flat = new float[S * S];
        Arrays.fill(flat, 77f);
        assertEquals(77f, ImageAdjustment.LOW_PASS_COARSE.apply(flat, 1, S, S)[0], 1e-3);
    }

    private static float[] stripes(int period) {
        float[] px = new float[S * S];
        for (int i = 0; i < px.length; i++) {
            px[i] = (i / S + i % S) % period < period / 2 ? 200 : 0;
        }
        return px;
    }

    /** Spread of the middle of the image (the borders, where the box is clipped, left out). */
    private static double std(float[] px) {
        double s = 0;
        double q = 0;
        int n = 0;
        for (int y = 8; y < 20; y++) {
            for (int x = 8; x < 20; x++) {
                s += px[y * S + x];
                q += px[y * S + x] * px[y * S + x];
                n++;
            }
        }
        return Math.sqrt(Math.max(0, q / n - s * s / n / n));
    }
}
