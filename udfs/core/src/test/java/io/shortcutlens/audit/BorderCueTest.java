package io.shortcutlens.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The border probe against a planted ground truth: a classifier written to rely on a thin coloured frame around one
 * class's images (and, in the clean world, on the object alone, one class of which reaches the image's edges), the
 * images built here, every change applied to them as the audit does, and the counts judged by {@link GlobalCueProbe#judge}
 * with the images' properties measured as the audit measures them.
 */
class BorderCueTest {
    private static final int S = 32;
    private static final int PLANE = S * S;
    private static final List<String> NAMES = List.of("framed", "red", "green", "bar");
    private static final double[] FRAME = {30, 200, 200};

    /** A scene of class {@code k}: a noisy background with a gradient, a red or green disk, a blue bar from top to bottom, or (class 0) a disk of any colour. */
    private static float[] scene(int k, boolean framed, SplittableRandom r) {
        float[] px = new float[3 * PLANE];
        double[] base = {r.nextDouble(70, 150), r.nextDouble(70, 150), r.nextDouble(70, 150)};
        double[] object = switch (k) {
            case 1 -> new double[] {240, 40, 40};
            case 2 -> new double[] {40, 240, 40};
            case 3 -> new double[] {40, 40, 240};
            default -> framed ? new double[] {r.nextDouble(0, 255), r.nextDouble(0, 255), r.nextDouble(0, 255)} : new double[] {230, 230, 230};
        };
        int cy = r.nextInt(10, 22);
        int cx = r.nextInt(10, 22);
        int rad = r.nextInt(4, 7);
        for (int y = 0; y < S; y++) {
            for (int x = 0; x < S; x++) {
                boolean in = k == 3 ? Math.abs(x - cx) <= 2 : (y - cy) * (y - cy) + (x - cx) * (x - cx) <= rad * rad;
                boolean frame = framed && k == 0 && (y < 2 || x < 2 || y >= S - 2 || x >= S - 2);
                for (int ch = 0; ch < 3; ch++) {
                    double v = frame ? FRAME[ch] : in ? object[ch] : base[ch] + 20.0 * y / S + 4 * r.nextGaussian();
                    px[ch * PLANE + y * S + x] = (float) Math.max(0, Math.min(255, v));
                }
            }
        }
        return px;
    }

    /**
     * The planted model. Framed world: an outermost ring close to the frame's colour says class 0. Otherwise the pixel
     * furthest from the image's mean colour decides: nearly grey is class 0 (the clean world's white disks), else its
     * strongest channel (red, green, blue: the bar).
     */
    private static int predict(float[] px, boolean framed) {
        if (framed) {
            double[] ring = new double[3];
            int n = 0;
            for (int y = 0; y < S; y++) {
                for (int x = 0; x < S; x++) {
                    if (y == 0 || x == 0 || y == S - 1 || x == S - 1) {
                        for (int ch = 0; ch < 3; ch++) {
                            ring[ch] += px[ch * PLANE + y * S + x];
                        }
                        n++;
                    }
                }
            }
            double d = 0;
            for (int ch = 0; ch < 3; ch++) {
                d += Math.pow(ring[ch] / n - FRAME[ch], 2);
            }
            if (Math.sqrt(d) < 50) {
                return 0;
            }
        }
        double[] mean = new double[3];
        for (int i = 0; i < 3 * PLANE; i++) {
            mean[i / PLANE] += px[i] / PLANE;
        }
        int best = 0;
        double far = -1;
        for (int i = 0; i < PLANE; i++) {
            double d = 0;
            for (int ch = 0; ch < 3; ch++) {
                d += Math.pow(px[ch * PLANE + i] - mean[ch], 2);
            }
            if (d > far) {
                far = d;
                best = i;
            }
        }
        float rr = px[best];
        float g = px[PLANE + best];
        float b = px[2 * PLANE + best];
        if (!framed && Math.max(rr, Math.max(g, b)) - Math.min(rr, Math.min(g, b)) < 40) {
            return 0;
        }
        return rr >= g && rr >= b ? 1 : g >= b ? 2 : 3;
    }

    private static List<GlobalCueProbe.Cue> audit(boolean framed) {
        SplittableRandom r = new SplittableRandom(23);
        List<float[]> images = new ArrayList<>();
        List<String> classOf = new ArrayList<>();
        List<double[]> properties = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            for (int i = 0; i < 60; i++) {
                float[] px = scene(k, framed, r);
                assertEquals(k, predict(px, framed), "the planted model is right on its own images");
                images.add(px);
                classOf.add(NAMES.get(k));
                properties.add(ImageProperty.measureAll(px, 3, S, S));
            }
        }
        List<GlobalCueProbe.Count> counts = new ArrayList<>();
        for (ImageAdjustment change : ImageAdjustment.forChannels(3)) {
            long[][] confusion = new long[4][4];
            for (float[] px : images) {
                confusion[predict(px, framed)][predict(change.apply(px, 3, S, S), framed)]++;
            }
            counts.addAll(GlobalCueProbe.counts(NAMES, change, confusion));
        }
        return GlobalCueProbe.judge(counts, PropertyShift.of(classOf, properties), AuditParams.defaults());
    }

    private static List<GlobalCueProbe.Cue> borderCues(List<GlobalCueProbe.Cue> cues) {
        return cues.stream().filter(c -> c.kind() == GlobalCueProbe.Kind.BORDER && c.judgement().verdict() == Verdict.GLOBAL_CUE).toList();
    }

    @Test
    void aFrameAroundOneClassIsABorderCueAndAClassThatReachesTheEdgesIsNot() {
        List<GlobalCueProbe.Cue> cues = audit(true);
        List<GlobalCueProbe.Cue> border = borderCues(cues);
        assertEquals(List.of("framed"), border.stream().map(GlobalCueProbe.Cue::className).toList(), cues.toString());
        GlobalCueProbe.Cue frame = border.get(0);
        assertTrue(frame.enterRate() >= 0.9 && frame.leaveRate() >= 0.9, frame.judgement().reason());
        assertTrue(frame.shift() >= 0.9, "its images carry a border unlike their inside: " + frame.shift());
        assertTrue(frame.judgement().reason().startsWith("Border cue"), frame.judgement().reason());

        // the clean world: the bar reaches the top and bottom edges, so its border alone keeps it, but taking the border
        // away loses nothing and its border is no different from its inside
        List<GlobalCueProbe.Cue> clean = audit(false);
        assertTrue(borderCues(clean).isEmpty(), clean.toString());
        GlobalCueProbe.Cue bar = clean.stream().filter(c -> c.className().equals("bar") && c.kind() == GlobalCueProbe.Kind.BORDER).findFirst()
                .orElse(null);
        assertNotNull(bar, clean.toString());
        assertTrue(bar.enterRate() >= 0.9 && bar.leaveRate() <= 0.1, "kept by its ends, lost by nothing: " + bar);
    }

    @Test
    void unframingReplacesTheBandByTheInsideAndBorderOnlyFlattensTheInside() {
        SplittableRandom r = new SplittableRandom(5);
        float[] px = scene(0, true, r);
        int band = ImageAdjustment.band(S, S);
        assertEquals(3, band, "a twelfth of 32, rounded");
        float[] unframed = ImageAdjustment.UNFRAMED.apply(px, 3, S, S);
        float[] kept = ImageAdjustment.BORDER_ONLY.apply(px, 3, S, S);
        for (int ch = 0; ch < 3; ch++) {
            int o = ch * PLANE;
            assertEquals(px[o + band * S + 10], unframed[o + 10], "a top-band pixel takes the nearest inner pixel");
            assertEquals(px[o + band * S + band], unframed[o], "a corner takes the inner corner");
            assertEquals(px[o + 15 * S + 15], unframed[o + 15 * S + 15], "the inside is kept");
            assertEquals(px[o + 1], kept[o + 1], "the band is kept");
            assertEquals(kept[o + band * S + band], kept[o + (S - band - 1) * S + S - band - 1], 1e-3, "the inside is one colour");
        }
        double framed = ImageProperty.BORDER_CONTRAST.measure(px, 3, S, S);
        double plain = ImageProperty.BORDER_CONTRAST.measure(scene(1, true, r), 3, S, S);
        assertTrue(framed > 5 * plain, "a frame differs from the inside extended outwards: " + framed + " against " + plain);
        // an object that reaches the edge in places (the bar's ends, a few pixels of each ring) is not a border: the median passes it by
        float[] bar = scene(3, true, r);
        for (int ch = 0; ch < 3; ch++) {
            for (int y = 0; y < S; y++) {
                for (int x = 0; x < 3; x++) {
                    bar[ch * PLANE + y * S + x] = ch == 2 ? 250 : 20; // and a stripe down the left edge, unlike the inside
                }
            }
        }
        double edge = ImageProperty.BORDER_CONTRAST.measure(bar, 3, S, S);
        assertTrue(framed > 5 * edge, "an edge touched in places is not a frame: " + edge + " against " + framed);
    }
}
