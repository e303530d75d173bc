package io.shortcutlens.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {

    private final ImageDecoder decoder = new ImageDecoder(DecodeLimits.defaults());

    private static byte[] encode(BufferedImage img, String format) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, format, out), "no writer for " + format);
        return out.toByteArray();
    }

    private static BufferedImage rgb(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, ((x * 7) & 0xff) << 16 | ((y * 5) & 0xff) << 8 | ((x + y) & 0xff));
            }
        }
        return img;
    }

    @Test
    void losslessFormatsDecodeToTheExactPixels() throws Exception {
        BufferedImage img = rgb(6, 4);
        for (String format : new String[] {"png", "bmp"}) {
            ImageDecoder.RgbImage d = decoder.read(encode(img, format));
            assertEquals(6, d.width());
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 6; x++) {
                    int p = img.getRGB(x, y);
                    assertEquals((p >> 16) & 0xff, d.planes()[y * 6 + x], 0f, format);
                    assertEquals((p >> 8) & 0xff, d.planes()[24 + y * 6 + x], 0f, format);
                    assertEquals(p & 0xff, d.planes()[48 + y * 6 + x], 0f, format);
                }
            }
        }
    }

    @Test
    void grayscaleIsReadFromTheRasterWithoutColourManagement() throws Exception {
        BufferedImage gray = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_GRAY);
        gray.getRaster().setSamples(0, 0, 3, 1, 0, new int[] {10, 128, 250});
        ImageDecoder.RgbImage d = decoder.read(encode(gray, "png"));
        assertArrayEquals(new float[] {10, 128, 250, 10, 128, 250, 10, 128, 250}, d.planes());

        BufferedImage gray16 = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
        WritableRaster r = gray16.getRaster();
        r.setSamples(0, 0, 2, 1, 0, new int[] {65535, 0});
        ImageDecoder.RgbImage d16 = decoder.read(encode(gray16, "png"));
        assertEquals(255f, d16.planes()[0], 1e-3f);
        assertEquals(0f, d16.planes()[1], 1e-3f);
    }

    @Test
    void resizeAveragesAndNormalisationIsApplied() throws Exception {
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                img.setRGB(x, y, x < 4 ? 0x000000 : 0xffffff);
            }
        }
        Normalisation norm = new Normalisation(1 / 255.0, new double[] {0.5}, new double[] {0.5}, Normalisation.ChannelOrder.RGB);
        ImageTensor t = decoder.decode(encode(img, "png"), new InputShape(1, 2, 2), norm);
        assertArrayEquals(new float[] {-1, 1, -1, 1}, t.input(), 1e-6f);
        assertArrayEquals(new float[] {0, 255, 0, 255}, t.pixels(), 1e-3f);
    }

    @Test
    void bgrOrderSwapsChannels() {
        float[] rgbPixels = {255, 0, 128}; // one pixel, R G B planes
        float[] out = Normalisation.unitScale().withOrder(Normalisation.ChannelOrder.BGR).apply(rgbPixels, 3, 1);
        assertArrayEquals(new float[] {128 / 255f, 0, 1}, out, 1e-6f);
    }

    @Test
    void declaredDimensionsOverTheLimitAreRefusedBeforeDecoding() throws Exception {
        ImageDecoder small = new ImageDecoder(new DecodeLimits(1 << 20, 100));
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> small.read(encode(rgb(20, 20), "png")));
        assertTrue(e.getMessage().contains("20x20") && e.getMessage().contains("limit"), e.getMessage());
    }

    @Test
    void filesOverTheSizeLimitAndEmptyFilesAreErrors() throws Exception {
        ImageDecoder tiny = new ImageDecoder(new DecodeLimits(10, 1000));
        assertTrue(assertThrows(ImageDecodeException.class, () -> tiny.read(encode(rgb(4, 4), "png"))).getMessage().contains("over the limit"));
        assertTrue(assertThrows(ImageDecodeException.class, () -> decoder.read(new byte[0])).getMessage().contains("empty"));
    }

    @Test
    void truncatedPngIsAnError() throws Exception {
        byte[] png = encode(rgb(40, 40), "png");
        byte[] cut = Arrays.copyOf(png, png.length / 2);
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> decoder.read(cut));
        assertTrue(e.getMessage().contains("truncated or corrupt"), e.getMessage());
    }

    @Test
    void normalisationParsesWhatItWrites() {
        Normalisation n = new Normalisation(0.5, new double[] {1, 2, 3}, new double[] {4, 5, 6}, Normalisation.ChannelOrder.BGR);
        assertEquals(n, Normalisation.parse(n.toString()));
        assertThrows(IllegalArgumentException.class, () -> n.checkChannels(1));
    }
}
