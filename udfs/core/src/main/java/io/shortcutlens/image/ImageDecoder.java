package io.shortcutlens.image;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.color.ColorSpace;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes encoded image bytes (JPEG, PNG, BMP, GIF; TwelveMonkeys plugins cover the JPEG variants plain ImageIO
 * refuses, such as CMYK) into an {@link ImageTensor} at the model's input size.
 *
 * <p>Grayscale, RGB, RGBA (alpha dropped), palette and 16-bit images are read from their raster so no colour
 * management changes the values; other colour spaces go through sRGB. Resizing is a box filter for large
 * reductions followed by bilinear sampling at pixel centres. Truncated or corrupt files are errors, never
 * silently padded images.
 */
public final class ImageDecoder implements Serializable {
    private static final long serialVersionUID = 1L;

    static {
        // Plugins in the application jar are not always seen by the registry's first scan inside an executor.
        ImageIO.setUseCache(false);
        ImageIO.scanForPlugins();
    }

    private final DecodeLimits limits;

    public ImageDecoder(DecodeLimits limits) {
        this.limits = limits;
    }

    public DecodeLimits limits() {
        return limits;
    }

    /** Decodes, converts to the model's channel count, resizes to its input and normalises. */
    public ImageTensor decode(byte[] bytes, InputShape shape, Normalisation normalisation) throws ImageDecodeException {
        RgbImage rgb = read(bytes);
        float[] resized = resize(rgb, shape.height(), shape.width());
        float[] pixels = shape.channels() == 3 ? resized : luminance(resized, shape.pixels());
        float[] input = normalisation.apply(pixels, shape.channels(), shape.pixels());
        return new ImageTensor(shape, pixels, input);
    }

    /** Reads the bytes into 0..255 RGB planes at their original size, enforcing the limits. */
    public RgbImage read(byte[] bytes) throws ImageDecodeException {
        if (bytes == null || bytes.length == 0) {
            throw new ImageDecodeException("empty file (0 bytes)");
        }
        if (bytes.length > limits.maxFileBytes()) {
            throw new ImageDecodeException("file is " + bytes.length + " bytes, over the limit of " + limits.maxFileBytes()
                    + " bytes (raise --max-file-bytes to accept it)");
        }
        checkPngChunks(bytes);
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new ImageDecodeException("not a recognised image format (expected JPEG, PNG, BMP or GIF; file starts with "
                        + leadingBytes(bytes) + ")");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((src, warning) -> warnings.add(warning));
                long w = reader.getWidth(0);
                long h = reader.getHeight(0);
                if (w <= 0 || h <= 0) {
                    throw new ImageDecodeException("image declares invalid dimensions " + w + "x" + h);
                }
                if (w * h > limits.maxPixels()) {
                    throw new ImageDecodeException("image declares " + w + "x" + h + " = " + (w * h) + " pixels, over the limit of "
                            + limits.maxPixels() + " (raise --max-pixels to accept it)");
                }
                BufferedImage image = reader.read(0);
                for (String warning : warnings) {
                    String lw = warning.toLowerCase(Locale.ROOT);
                    if (lw.contains("premature") || lw.contains("truncat") || lw.contains("corrupt") || lw.contains("end of")) {
                        throw new ImageDecodeException("truncated or corrupt " + reader.getFormatName() + " data: " + warning);
                    }
                }
                return toRgb(image);
            } finally {
                reader.dispose();
            }
        } catch (ImageDecodeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ImageDecodeException("truncated or corrupt image data: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        }
    }

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    /**
     * For a PNG, checks every complete chunk's CRC (ImageIO's PNG reader does not): a damaged header or palette would
     * otherwise decode into a plausible but wrong picture. Truncation is left to the reader, which reports it.
     */
    static void checkPngChunks(byte[] bytes) throws ImageDecodeException {
        if (bytes.length < PNG_SIGNATURE.length || !java.util.Arrays.equals(bytes, 0, PNG_SIGNATURE.length, PNG_SIGNATURE, 0, PNG_SIGNATURE.length)) {
            return;
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
        int at = PNG_SIGNATURE.length;
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        while (at + 12 <= bytes.length) {
            long length = b.getInt(at) & 0xffffffffL;
            if (at + 12 + length > bytes.length) {
                return;
            }
            crc.reset();
            crc.update(bytes, at + 4, (int) length + 4);
            if ((int) crc.getValue() != b.getInt(at + 8 + (int) length)) {
                String type = new String(bytes, at + 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
                throw new ImageDecodeException("corrupt PNG: chunk " + type.replaceAll("[^A-Za-z]", "?") + " at byte " + at + " fails its CRC check");
            }
            at += 12 + (int) length;
        }
    }

    private static String leadingBytes(byte[] bytes) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(4, bytes.length); i++) {
            b.append(String.format("%02x", bytes[i] & 0xff));
        }
        return "0x" + b;
    }

    /** 0..255 RGB planes of an image at its own size. */
    public record RgbImage(int width, int height, float[] planes) { }

    static RgbImage toRgb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int n = w * h;
        float[] planes = new float[3 * n];
        ColorModel cm = image.getColorModel();
        Raster raster = image.getRaster();
        int csType = cm.getColorSpace().getType();
        boolean direct = !(cm instanceof IndexColorModel)
                && (csType == ColorSpace.TYPE_GRAY || csType == ColorSpace.TYPE_RGB)
                && raster.getNumBands() >= (csType == ColorSpace.TYPE_GRAY ? 1 : 3);
        if (direct) {
            int bands = csType == ColorSpace.TYPE_GRAY ? 1 : 3;
            float[] row = new float[w];
            for (int b = 0; b < 3; b++) {
                int src = bands == 1 ? 0 : b;
                double max = (1L << cm.getComponentSize(src)) - 1;
                double k = 255.0 / max;
                for (int y = 0; y < h; y++) {
                    raster.getSamples(0, y, w, 1, src, row);
                    for (int x = 0; x < w; x++) {
                        planes[b * n + y * w + x] = (float) (row[x] * k);
                    }
                }
            }
        } else {
            int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
            for (int i = 0; i < n; i++) {
                int p = argb[i];
                planes[i] = (p >> 16) & 0xff;
                planes[n + i] = (p >> 8) & 0xff;
                planes[2 * n + i] = p & 0xff;
            }
        }
        return new RgbImage(w, h, planes);
    }

    /** Resizes RGB planes to {@code th × tw}: box-filter reduction by an integer factor, then bilinear at pixel centres. */
    static float[] resize(RgbImage img, int th, int tw) {
        int w = img.width();
        int h = img.height();
        float[] planes = img.planes();
        int fy = Math.max(1, h / (2 * th));
        int fx = Math.max(1, w / (2 * tw));
        if (fy > 1 || fx > 1) {
            int bh = h / fy;
            int bw = w / fx;
            float[] boxed = new float[3 * bh * bw];
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < bh; y++) {
                    for (int x = 0; x < bw; x++) {
                        double s = 0;
                        for (int dy = 0; dy < fy; dy++) {
                            int base = c * w * h + (y * fy + dy) * w + x * fx;
                            for (int dx = 0; dx < fx; dx++) {
                                s += planes[base + dx];
                            }
                        }
                        boxed[c * bh * bw + y * bw + x] = (float) (s / (fy * fx));
                    }
                }
            }
            planes = boxed;
            w = bw;
            h = bh;
        }
        if (w == tw && h == th) {
            return planes;
        }
        float[] out = new float[3 * th * tw];
        double sy = (double) h / th;
        double sx = (double) w / tw;
        for (int y = 0; y < th; y++) {
            double yy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), h - 1);
            int y0 = (int) Math.floor(yy);
            int y1 = Math.min(y0 + 1, h - 1);
            double wy = yy - y0;
            for (int x = 0; x < tw; x++) {
                double xx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), w - 1);
                int x0 = (int) Math.floor(xx);
                int x1 = Math.min(x0 + 1, w - 1);
                double wx = xx - x0;
                for (int c = 0; c < 3; c++) {
                    int o = c * w * h;
                    double top = planes[o + y0 * w + x0] * (1 - wx) + planes[o + y0 * w + x1] * wx;
                    double bottom = planes[o + y1 * w + x0] * (1 - wx) + planes[o + y1 * w + x1] * wx;
                    out[c * th * tw + y * tw + x] = (float) (top * (1 - wy) + bottom * wy);
                }
            }
        }
        return out;
    }

    /** ITU-R BT.601 luma of RGB planes, for single-channel models. */
    static float[] luminance(float[] rgb, int n) {
        float[] gray = new float[n];
        for (int i = 0; i < n; i++) {
            gray[i] = (float) (0.299 * rgb[i] + 0.587 * rgb[n + i] + 0.114 * rgb[2 * n + i]);
        }
        return gray;
    }
}
