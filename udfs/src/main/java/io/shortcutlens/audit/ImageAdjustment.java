package io.shortcutlens.audit;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Whole-image changes for the global-cue probe, on display pixels (0..255, channel-major), clipped to 0..255: a cue
 * that is not in any region — a class photographed darker, sharper, warmer or compressed harder — moves with them.
 * They come in opposite pairs ({@link #opposite}), each undoing the other where nothing clips (brightness ×1.6 and
 * ÷1.6, contrast about the image's mean ×2 and ×0.5), so that the probe can ask both "does undoing it remove the
 * class" and "does doing it to other images create the class". A half-strength undo is not enough: pullovers and
 * trousers planted at half contrast (a grey background) stay themselves at ×1.6.
 */
public enum ImageAdjustment {
    BRIGHTER, DARKER, MORE_CONTRAST, LESS_CONTRAST, SHARPER, BLURRED, JPEG, WARMER, COOLER;

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The change in the other direction; JPEG's is sharpening (both are about fine detail). */
    public ImageAdjustment opposite() {
        return switch (this) {
            case BRIGHTER -> DARKER;
            case DARKER -> BRIGHTER;
            case MORE_CONTRAST -> LESS_CONTRAST;
            case LESS_CONTRAST -> MORE_CONTRAST;
            case SHARPER -> BLURRED;
            case BLURRED, JPEG -> SHARPER;
            case WARMER -> COOLER;
            case COOLER -> WARMER;
        };
    }

    /** The changes that apply to images with this many channels (colour balance needs three). */
    public static List<ImageAdjustment> forChannels(int channels) {
        return java.util.Arrays.stream(values()).filter(a -> channels == 3 || (a != WARMER && a != COOLER)).toList();
    }

    /** A changed copy of {@code px} ({@code c × h × w}, 0..255). */
    public float[] apply(float[] px, int c, int h, int w) {
        int plane = h * w;
        float[] out = new float[px.length];
        int radius = Math.max(1, Math.round(Math.max(h, w) / 28f));
        switch (this) {
            case BRIGHTER, DARKER -> {
                float f = this == BRIGHTER ? 1.6f : 1 / 1.6f;
                for (int i = 0; i < px.length; i++) {
                    out[i] = px[i] * f;
                }
            }
            case MORE_CONTRAST, LESS_CONTRAST -> {
                float f = this == MORE_CONTRAST ? 2f : 0.5f;
                for (int ch = 0; ch < c; ch++) {
                    double m = 0;
                    for (int i = 0; i < plane; i++) {
                        m += px[ch * plane + i];
                    }
                    m /= plane;
                    for (int i = 0; i < plane; i++) {
                        out[ch * plane + i] = (float) (m + f * (px[ch * plane + i] - m));
                    }
                }
            }
            case BLURRED -> {
                for (int ch = 0; ch < c; ch++) {
                    boxBlur(px, out, ch * plane, h, w, radius);
                }
            }
            case SHARPER -> { // unsharp mask: x + (x − blur(x))
                float[] blur = new float[px.length];
                for (int ch = 0; ch < c; ch++) {
                    boxBlur(px, blur, ch * plane, h, w, radius);
                }
                for (int i = 0; i < px.length; i++) {
                    out[i] = 2 * px[i] - blur[i];
                }
            }
            case WARMER, COOLER -> {
                float r = this == WARMER ? 1.25f : 0.8f;
                for (int i = 0; i < plane; i++) {
                    out[i] = px[i] * r;
                    out[plane + i] = px[plane + i];
                    out[2 * plane + i] = px[2 * plane + i] / r;
                }
            }
            case JPEG -> jpeg(px, out, c, h, w, 0.1f);
        }
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.max(0f, Math.min(255f, out[i]));
        }
        return out;
    }

    private static void boxBlur(float[] in, float[] out, int offset, int h, int w, int r) {
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                out[offset + y * w + x] = RegionMasker.boxMean(in, offset, h, w, y, x, r);
            }
        }
    }

    /** Encodes as JPEG at {@code quality} with the JDK's writer and decodes again. */
    private static void jpeg(float[] px, float[] out, int c, int h, int w, float quality) {
        int plane = h * w;
        BufferedImage img = new BufferedImage(w, h, c == 3 ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                if (c == 3) {
                    img.setRGB(x, y, clip(px[i]) << 16 | clip(px[plane + i]) << 8 | clip(px[2 * plane + i]));
                } else {
                    img.getRaster().setSample(x, y, 0, clip(px[i]));
                }
            }
        }
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(bytes)) {
                writer.setOutput(stream);
                writer.write(null, new IIOImage(img, null, null), param);
            }
            writer.dispose();
            BufferedImage back = ImageIO.read(new java.io.ByteArrayInputStream(bytes.toByteArray()));
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int i = y * w + x;
                    if (c == 3) {
                        int rgb = back.getRGB(x, y);
                        out[i] = rgb >> 16 & 0xff;
                        out[plane + i] = rgb >> 8 & 0xff;
                        out[2 * plane + i] = rgb & 0xff;
                    } else {
                        out[i] = back.getRaster().getSample(x, y, 0);
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("JPEG round trip failed: " + e.getMessage(), e);
        }
    }

    private static int clip(float v) {
        return Math.max(0, Math.min(255, Math.round(v)));
    }
}
