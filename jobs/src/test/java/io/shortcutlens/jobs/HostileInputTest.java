package io.shortcutlens.jobs;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shortcutlens.demo.TrailCameraScenes;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * A corpus of hostile and odd files through the explain job: every file is accounted for, once per method, as a
 * correct row or an error row whose message names the problem; nothing kills the job or hangs a task.
 */
class HostileInputTest {

    private static final int MAX_FILE_BYTES = 20_000;

    @Test
    void everyFileIsARowAndEveryBadOneSaysWhy() throws Exception {
        File dir = TestSpark.newDir("hostile");
        Map<String, String> expected = new HashMap<>(); // file name -> null (a correct row) or a word its error must contain
        BufferedImage scene = scene(3);

        write(dir, "cow/plain.png", png(scene));
        expected.put("plain.png", null);
        write(dir, "braune bären/bär foto 1.png", png(scene)); // spaces and non-ASCII in folder and file name
        expected.put("bär foto 1.png", null);
        write(dir, "<b onmouseover=alert(1)>cow<\\b>/html label.png", png(scene)); // a label that is HTML
        expected.put("html label.png", null);
        write(dir, "cow/bomb.png", bomb(100_000, 100_000)); // a few hundred bytes declaring 10^10 pixels
        expected.put("bomb.png", "pixels");
        write(dir, "cow/huge.png", png(noise(120, 120))); // over --max-file-bytes
        expected.put("huge.png", "limit");
        write(dir, "cow/cmyk.jpg", cmykJpeg(scene));
        expected.put("cmyk.jpg", null);
        write(dir, "cow/deep.png", png(sixteenBit(scene)));
        expected.put("deep.png", null);
        write(dir, "cow/pages.tif", sequence("tiff", scene, scene(4)));
        expected.put("pages.tif", null);
        write(dir, "cow/animated.gif", sequence("gif", scene, scene(4), scene(5)));
        expected.put("animated.gif", null);
        byte[] badCrc = png(scene);
        badCrc[29] ^= 0x5a; // a byte of the IHDR chunk's CRC
        write(dir, "cow/bad crc.png", badCrc);
        expected.put("bad crc.png", "corrupt");
        byte[] truncated = png(scene);
        write(dir, "cow/truncated.png", java.util.Arrays.copyOf(truncated, truncated.length / 2));
        expected.put("truncated.png", "corrupt");

        File out = TestSpark.newDir("hostile-out");
        ExplainJob.Result r = TestSpark.explainJob("--input", dir.getAbsolutePath(), "--model", TestSpark.model().getAbsolutePath(),
                "--output", out.getAbsolutePath(), "--methods", "occlusion,lime", "--occlusion-mask-size", "16", "--occlusion-stride", "16",
                "--lime-samples", "20", "--max-file-bytes", String.valueOf(MAX_FILE_BYTES)).run(TestSpark.session());
        List<Row> rows = TestSpark.session().read().parquet(r.explanationsPath()).select("path", "label", "method", "error").collectAsList();
        assertEquals(expected.size() * 2, rows.size(), rows.toString());
        Map<String, Integer> seen = new HashMap<>();
        for (Row row : rows) {
            String name = new org.apache.hadoop.fs.Path(row.getString(0)).getName();
            assertTrue(expected.containsKey(name), "unexpected row " + row);
            seen.merge(name, 1, Integer::sum);
            String want = expected.get(name);
            String error = row.getString(3);
            if (want == null) {
                assertNull(error, row.toString());
            } else {
                assertNotNull(error, row.toString());
                assertTrue(error.toLowerCase(java.util.Locale.ROOT).contains(want), name + ": " + error);
            }
        }
        expected.keySet().forEach(name -> assertEquals(2, seen.getOrDefault(name, 0), name + " once per method"));
        assertEquals("braune bären", label(rows, "bär foto 1.png"));
        assertEquals("<b onmouseover=alert(1)>cow<\\b>", label(rows, "html label.png")); // not a key=value partition folder
        // the paths are readable back as written: the folder with spaces and umlauts resolves to the file
        String path = rows.stream().filter(x -> x.getString(0).endsWith("1.png")).findFirst().orElseThrow().getString(0);
        assertTrue(new File(new org.apache.hadoop.fs.Path(path).toUri()).isFile(), path);
    }

    private static String label(List<Row> rows, String name) {
        return rows.stream().filter(x -> x.getString(0).endsWith("/" + name) || x.getString(0).endsWith(name)).findFirst().orElseThrow().getString(1);
    }

    private static void write(File dir, String relative, byte[] bytes) throws Exception {
        File f = new File(dir, relative);
        f.getParentFile().mkdirs();
        Files.write(f.toPath(), bytes);
    }

    private static BufferedImage scene(long seed) {
        int[] px = TrailCameraScenes.scene("cow", false, seed);
        BufferedImage img = new BufferedImage(TrailCameraScenes.SIZE, TrailCameraScenes.SIZE, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, TrailCameraScenes.SIZE, TrailCameraScenes.SIZE, px, 0, TrailCameraScenes.SIZE);
        return img;
    }

    private static BufferedImage noise(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        SplittableRandom random = new SplittableRandom(1);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        return img;
    }

    private static BufferedImage sixteenBit(BufferedImage src) {
        BufferedImage img = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_USHORT_GRAY);
        img.getGraphics().drawImage(src, 0, 0, null);
        return img;
    }

    private static byte[] png(BufferedImage img) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, "png", out));
        return out.toByteArray();
    }

    /** A JPEG of four components (CMYK), written from a raster as print workflows produce them. */
    private static byte[] cmykJpeg(BufferedImage src) throws Exception {
        WritableRaster cmyk = Raster.createInterleavedRaster(java.awt.image.DataBuffer.TYPE_BYTE, src.getWidth(), src.getHeight(), 4, null);
        for (int y = 0; y < src.getHeight(); y++) {
            for (int x = 0; x < src.getWidth(); x++) {
                int rgb = src.getRGB(x, y);
                int r = rgb >> 16 & 0xff;
                int g = rgb >> 8 & 0xff;
                int b = rgb & 0xff;
                int k = 255 - Math.max(r, Math.max(g, b));
                cmyk.setPixel(x, y, new int[] {255 - r - k, 255 - g - k, 255 - b - k, k});
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.write(null, new IIOImage(cmyk, null, null), writer.getDefaultWriteParam());
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** A multi-image file: a multi-page TIFF or an animated GIF. */
    private static byte[] sequence(String format, BufferedImage... frames) throws Exception {
        ImageWriter writer = ImageIO.getImageWritersByFormatName(format).next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.prepareWriteSequence(null);
            for (BufferedImage f : frames) {
                BufferedImage indexed = format.equals("gif") ? toIndexed(f) : f;
                writer.writeToSequence(new IIOImage(indexed, null, null), writer.getDefaultWriteParam());
            }
            writer.endWriteSequence();
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    private static BufferedImage toIndexed(BufferedImage src) {
        BufferedImage img = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_BYTE_INDEXED);
        img.getGraphics().drawImage(src, 0, 0, null);
        return img;
    }

    /** A valid PNG whose header declares {@code w × h} pixels, with one tiny compressed row of data. */
    private static byte[] bomb(int w, int h) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(out);
        d.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        DataOutputStream i = new DataOutputStream(ihdr);
        i.writeInt(w);
        i.writeInt(h);
        i.write(new byte[] {8, 0, 0, 0, 0}); // 8-bit gray, deflate, no filter, no interlace
        chunk(d, "IHDR", ihdr.toByteArray());
        Deflater deflater = new Deflater();
        deflater.setInput(new byte[w + 1]);
        deflater.finish();
        byte[] buf = new byte[w + 64];
        int n = deflater.deflate(buf);
        chunk(d, "IDAT", java.util.Arrays.copyOf(buf, n));
        chunk(d, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(DataOutputStream d, String type, byte[] data) throws Exception {
        d.writeInt(data.length);
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        d.write(t);
        d.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        d.writeInt((int) crc.getValue());
    }
}
