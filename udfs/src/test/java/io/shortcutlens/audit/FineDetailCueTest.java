package io.shortcutlens.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Test;

/**
 * A compression artefact as a class's cue, against a planted ground truth: one class's scenes saved as heavy JPEG
 * (quality 0.15, through the JDK's own encoder), which takes their sensor noise away. Its images carry less fine detail
 * than every other class's, and the cue test pairs added noise, which removes the class, with blurring or compressing,
 * which create it.
 */
class FineDetailCueTest {
    private static final int S = 32;
    private static final List<String> NAMES = List.of("compressed", "a", "b", "c");

    /** A noisy colour scene: a disk over a gradient, sensor noise of sd 6 everywhere. */
    private static float[] scene(SplittableRandom r) {
        int plane = S * S;
        float[] px = new float[3 * plane];
        double[] base = {r.nextDouble(60, 190), r.nextDouble(60, 190), r.nextDouble(60, 190)};
        double[] disk = {r.nextDouble(0, 255), r.nextDouble(0, 255), r.nextDouble(0, 255)};
        int cy = r.nextInt(8, 24);
        int cx = r.nextInt(8, 24);
        int rad = r.nextInt(4, 8);
        for (int ch = 0; ch < 3; ch++) {
            for (int y = 0; y < S; y++) {
                for (int x = 0; x < S; x++) {
                    boolean in = (y - cy) * (y - cy) + (x - cx) * (x - cx) <= rad * rad;
                    double v = (in ? disk[ch] : base[ch] + 30.0 * y / S) + r.nextGaussian() * 6;
                    px[ch * plane + y * S + x] = (float) Math.max(0, Math.min(255, v));
                }
            }
        }
        return px;
    }

    /** The scene written as JPEG at {@code quality} and read back. */
    private static float[] compressed(float[] px, float quality) throws Exception {
        int plane = S * S;
        BufferedImage img = new BufferedImage(S, S, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < plane; i++) {
            img.setRGB(i % S, i / S, (Math.round(px[i]) << 16) | (Math.round(px[plane + i]) << 8) | Math.round(px[2 * plane + i]));
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(quality);
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(img, null, null), param);
        }
        writer.dispose();
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(bytes.toByteArray()));
        float[] out = new float[px.length];
        for (int i = 0; i < plane; i++) {
            int rgb = back.getRGB(i % S, i / S);
            out[i] = (rgb >> 16) & 255;
            out[plane + i] = (rgb >> 8) & 255;
            out[2 * plane + i] = rgb & 255;
        }
        return out;
    }

    @Test
    void aCompressedClassCarriesLessFineDetail() throws Exception {
        SplittableRandom r = new SplittableRandom(21);
        List<String> classOf = new ArrayList<>();
        List<double[]> values = new ArrayList<>();
        for (String name : NAMES) {
            for (int i = 0; i < 40; i++) {
                float[] px = scene(r);
                classOf.add(name);
                values.add(ImageProperty.measureAll(name.equals("compressed") && i % 10 != 0 ? compressed(px, 0.15f) : px, 3, S, S));
            }
        }
        PropertyShift shifts = PropertyShift.of(classOf, values);
        assertTrue(shifts.against("compressed", ImageAdjustment.NOISIER) >= 0.85, "compressed: " + shifts.against("compressed", ImageAdjustment.NOISIER));
        for (String plain : List.of("a", "b", "c")) {
            double s = shifts.against(plain, ImageAdjustment.NOISIER);
            assertTrue(s > 0.25 && s < 0.75, plain + " against noisier: " + s);
        }
        float[] px = scene(r);
        assertTrue(ImageProperty.FINE_DETAIL.measure(ImageAdjustment.NOISIER.apply(px, 3, S, S), 3, S, S) > ImageProperty.FINE_DETAIL.measure(px, 3, S, S));
    }

    @Test
    void noiseThatRemovesTheClassAndBlurThatCreatesItAreACue() {
        List<GlobalCueProbe.Count> counts = new ArrayList<>();
        for (ImageAdjustment t : ImageAdjustment.forChannels(3)) {
            long[][] m = new long[4][4];
            for (int k = 0; k < 4; k++) {
                m[k][k] = 60;
            }
            if (t == ImageAdjustment.NOISIER) { // noise added back: the class leaves, other classes stay
                m[0][0] = 6;
                m[0][1] = 54;
            }
            if (t == ImageAdjustment.BLURRED) { // blurred, other images become the class
                for (int k = 1; k < 4; k++) {
                    m[k][k] = 20;
                    m[k][0] = 40;
                }
            }
            counts.addAll(GlobalCueProbe.counts(NAMES, t, m));
        }
        GlobalCueProbe.Cue found = GlobalCueProbe.judge(counts, AuditParams.defaults()).get(0);
        assertEquals(Verdict.GLOBAL_CUE, found.judgement().verdict(), found.judgement().reason());
        assertEquals("compressed", found.className());
        assertEquals(ImageAdjustment.NOISIER, found.leaveWith());
        assertEquals(ImageAdjustment.BLURRED, found.enterWith());
    }
}
