package io.shortcutlens.maps;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import javax.imageio.ImageIO;

/**
 * Where an annotated object lies in an image: a box or a mask. Points are given as fractions of the image's width and
 * height, so one annotation serves a map of any resolution; a pixel belongs to the object when its centre does.
 */
@FunctionalInterface
public interface ObjectRegion {

    /** Whether the point ({@code x}, {@code y}), fractions of the image's width and height, lies on the object. */
    boolean contains(double x, double y);

    /** Whether pixel ({@code y}, {@code x}) of an {@code height × width} grid lies on the object (by its centre). */
    default boolean containsPixel(int y, int x, int height, int width) {
        return contains((x + 0.5) / width, (y + 0.5) / height);
    }

    /** A box {@code {x0, y0, x1, y1}}, fractions of the image with x0 &lt; x1 and y0 &lt; y1. */
    static ObjectRegion box(double[] box) {
        if (box == null || box.length != 4 || !(box[0] < box[2]) || !(box[1] < box[3])) {
            throw new IllegalArgumentException("an object box is {x0, y0, x1, y1} as fractions of the image with x0 < x1 and y0 < y1, found "
                    + Arrays.toString(box));
        }
        double[] b = box.clone();
        return (x, y) -> x >= b[0] && x < b[2] && y >= b[1] && y < b[3];
    }

    /** A mask of {@code height × width} cells, row-major, stretched over the image. */
    static ObjectRegion mask(boolean[] inside, int height, int width) {
        if (inside.length != height * width) {
            throw new IllegalArgumentException("a " + height + "x" + width + " mask needs " + height * width + " cells, found " + inside.length);
        }
        return (x, y) -> {
            int row = Math.min(height - 1, Math.max(0, (int) Math.floor(y * height)));
            int col = Math.min(width - 1, Math.max(0, (int) Math.floor(x * width)));
            return inside[row * width + col];
        };
    }

    /** A mask stored as an encoded image (PNG, ...): a pixel with any non-zero band is on the object. */
    static ObjectRegion mask(byte[] encoded) {
        BufferedImage img;
        try {
            img = encoded == null ? null : ImageIO.read(new ByteArrayInputStream(encoded));
        } catch (IOException e) {
            throw new IllegalArgumentException("an object mask could not be decoded: " + e.getMessage(), e);
        }
        if (img == null) {
            throw new IllegalArgumentException("an object mask must be an encoded image (PNG: non-zero pixels = the object); "
                    + (encoded == null ? "found none" : "found " + encoded.length + " bytes in no known format"));
        }
        Raster r = img.getRaster();
        int h = r.getHeight();
        int w = r.getWidth();
        boolean[] inside = new boolean[h * w];
        int[] px = new int[r.getNumBands()];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                r.getPixel(x, y, px);
                inside[y * w + x] = Arrays.stream(px).anyMatch(v -> v != 0);
            }
        }
        return mask(inside, h, w);
    }
}
