package io.shortcutlens.explain;

import boofcv.abst.segmentation.ImageSuperpixels;
import boofcv.factory.segmentation.ConfigSlic;
import boofcv.factory.segmentation.FactoryImageSegmentation;
import boofcv.struct.image.GrayF32;
import boofcv.struct.image.GrayS32;
import boofcv.struct.image.ImageType;
import boofcv.struct.image.Planar;
import io.shortcutlens.image.ImageTensor;
import java.util.Arrays;

/**
 * Splits an image into LIME's interpretable features: SLIC superpixels (Achanta et al. 2012, BoofCV's implementation,
 * run on the 0..255 display pixels) or a regular grid of about {@code features} cells. Labels are renumbered densely
 * in raster order so a segmentation is a pure function of the pixels.
 */
public final class SuperpixelSegmenter {

    public enum Kind { SLIC, GRID }

    private final Kind kind;
    private final int features;

    public SuperpixelSegmenter(Kind kind, int features) {
        if (features < 1) {
            throw new IllegalArgumentException("number of features must be at least 1, found " + features);
        }
        this.kind = kind;
        this.features = features;
    }

    public Segmentation segment(ImageTensor image) {
        int h = image.shape().height();
        int w = image.shape().width();
        return kind == Kind.GRID ? grid(h, w, features) : slic(image, features);
    }

    /** A {@code g × g} grid with {@code g = round(√features)}, cell of pixel (y, x) = {@code ⌊y·g/H⌋·g + ⌊x·g/W⌋}. */
    public static Segmentation grid(int h, int w, int features) {
        int g = Math.max(1, (int) Math.round(Math.sqrt(features)));
        int gy = Math.min(g, h);
        int gx = Math.min(g, w);
        int[] labels = new int[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                labels[y * w + x] = (int) ((long) y * gy / h) * gx + (int) ((long) x * gx / w);
            }
        }
        return new Segmentation(labels, gy * gx);
    }

    /**
     * SLIC runs on the image shrunk by an integer factor (area average) until each superpixel still covers about this
     * many of its pixels, and the labels are scaled back up (each pixel takes its block's label): at 224×224 with 190
     * superpixels it works at 112×112, four times fewer pixels, with boundaries one work pixel (2 pixels) coarse. At the
     * sizes where the superpixels are that small already (the demo's 32×32, 28×28 Fashion-MNIST) nothing changes.
     */
    public static final int SLIC_WORK_PIXELS_PER_SEGMENT = 64;

    /** The integer factor SLIC shrinks an {@code h × w} image by for {@code features} superpixels (1 = full resolution). */
    public static int slicScale(int h, int w, int features) {
        return Math.max(1, (int) Math.floor(Math.sqrt((double) h * w / ((double) features * SLIC_WORK_PIXELS_PER_SEGMENT))));
    }

    static Segmentation slic(ImageTensor image, int features) {
        int h = image.shape().height();
        int w = image.shape().width();
        return slic(image.pixels(), image.shape().channels(), h, w, features, slicScale(h, w, features));
    }

    /** SLIC on {@code pixels} ({@code channels × h × w}, 0..255) shrunk by {@code scale}, labels at full resolution. */
    static Segmentation slic(float[] px, int channels, int h, int w, int features, int scale) {
        int wh = Math.max(1, h / scale);
        int ww = Math.max(1, w / scale);
        Planar<GrayF32> planar = new Planar<>(GrayF32.class, ww, wh, channels);
        for (int c = 0; c < channels; c++) {
            float[] band = planar.getBand(c).data;
            if (scale == 1) {
                System.arraycopy(px, c * h * w, band, 0, h * w);
                continue;
            }
            // area average of each block; the rows and columns past the last whole block join the last one
            int[] count = new int[wh * ww];
            for (int y = 0; y < h; y++) {
                int row = Math.min(y / scale, wh - 1) * ww;
                int in = c * h * w + y * w;
                for (int x = 0; x < w; x++) {
                    int k = row + Math.min(x / scale, ww - 1);
                    band[k] += px[in + x];
                    count[k]++;
                }
            }
            for (int k = 0; k < band.length; k++) {
                band[k] /= count[k];
            }
        }
        ImageSuperpixels<Planar<GrayF32>> slic = FactoryImageSegmentation.slic(new ConfigSlic(features), ImageType.pl(channels, GrayF32.class));
        GrayS32 out = new GrayS32(ww, wh);
        slic.segment(planar, out);
        if (scale == 1) {
            return renumber(out.data, h * w);
        }
        int[] full = new int[h * w];
        for (int y = 0; y < h; y++) {
            int row = Math.min(y / scale, wh - 1) * ww;
            for (int x = 0; x < w; x++) {
                full[y * w + x] = out.data[row + Math.min(x / scale, ww - 1)];
            }
        }
        return renumber(full, h * w);
    }

    /** Dense labels in order of first appearance, dropping ids the segmenter left unused. */
    static Segmentation renumber(int[] raw, int n) {
        int max = 0;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, raw[i]);
        }
        int[] map = new int[max + 1];
        Arrays.fill(map, -1);
        int[] labels = new int[n];
        int next = 0;
        for (int i = 0; i < n; i++) {
            int r = raw[i];
            if (map[r] < 0) {
                map[r] = next++;
            }
            labels[i] = map[r];
        }
        return new Segmentation(labels, next);
    }

    public Kind kind() {
        return kind;
    }

    public int features() {
        return features;
    }
}
