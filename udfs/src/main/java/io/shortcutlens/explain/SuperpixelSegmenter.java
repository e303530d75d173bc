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

    static Segmentation slic(ImageTensor image, int features) {
        int h = image.shape().height();
        int w = image.shape().width();
        int channels = image.shape().channels();
        Planar<GrayF32> planar = new Planar<>(GrayF32.class, w, h, channels);
        float[] px = image.pixels();
        for (int c = 0; c < channels; c++) {
            System.arraycopy(px, c * h * w, planar.getBand(c).data, 0, h * w);
        }
        ImageSuperpixels<Planar<GrayF32>> slic = FactoryImageSegmentation.slic(new ConfigSlic(features), ImageType.pl(channels, GrayF32.class));
        GrayS32 out = new GrayS32(w, h);
        slic.segment(planar, out);
        return renumber(out.data, h * w);
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
