package io.shortcutlens.decoy;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * Decoy Fashion-MNIST, after Decoy-MNIST (Ross, Hughes &amp; Doshi-Velez 2017): a planted cue on the images of a few
 * poisoned classes, so that the cue alone tells those classes apart; the other classes stay clean. The cue is a mark
 * — a small square or a line of the class's shade at a fixed place, or in a random one of the four corners per image
 * (Decoy-MNIST's rule) — or, with no mark, a whole-image intensity change (a class photographed darker: a
 * non-localised cue). It can be carried by only a fraction of a class's images (a shortcut carried by a subgroup).
 *
 * <p>A coded mark draws each class's own 4×4 pattern of white pixels instead of a shade: as predictive, but not
 * ordered, so that no class's swatch looks like "no swatch, only darker" (with shades, removing the swatch of the
 * dimmest classes changes nothing the model reads).
 *
 * @param poisoned     class indices that carry the cue
 * @param height       mark height in pixels (0: no mark)
 * @param width        mark width in pixels
 * @param row          top row of a fixed mark
 * @param col          left column of a fixed mark
 * @param randomCorner whether each image draws a corner for its mark (else the fixed place)
 * @param fraction     share of a poisoned class's images that carry the cue
 * @param coded        whether the mark is a white pattern per class (else the class's shade)
 * @param intensity    factor on every pixel of a carrying image (1: none): a non-localised cue
 * @param contrast     factor on every pixel's distance from the image's mean (1: none): another
 * @param period       a pattern over the background (0: none): stripes of this period in pixels, drawn only where the
 *                     garment is not (its black background), so that the cue spreads over the image, off the object
 * @param patternShade the stripes' gray value
 * @param anywhere     whether each image draws its mark's place anywhere in the image (a sticker, a tag): no place holds it
 * @param markShade    the mark's gray value for every poisoned class (-1: each class its own shade)
 */
public record DecoyFashion(List<Integer> poisoned, int height, int width, int row, int col, boolean randomCorner, double fraction, boolean coded,
                           double intensity, double contrast, int period, int patternShade,
                           boolean anywhere, int markShade) {

    /** Ten 16-bit patterns, 8 pixels set in each, any two differing in at least 8 pixels (found greedily, in order). */
    private static final int[] CODES = codes(10, 8);

    private static final int FAR = FashionMnist.SIDE - 4;

    /** A mark of {@code height × width} pixels at a fixed place, in each poisoned class's shade. */
    public static DecoyFashion mark(List<Integer> poisoned, int height, int width, int row, int col) {
        return new DecoyFashion(poisoned, height, width, row, col, false, 1.0, false, 1.0, 1.0, 0, 0, false, -1);
    }

    /** Pullover, coat and shirt: classes a clean model confuses, so a shortcut among them pays. */
    public static DecoyFashion standard() {
        return mark(List.of(2, 4, 6), 4, 4, FAR, 0);
    }

    /** Every class poisoned, the swatch in a random corner per image: Decoy-MNIST's own rule. */
    public static DecoyFashion anyCorner() {
        return new DecoyFashion(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), 4, 4, 0, 0, true, 1.0, false, 1.0, 1.0, 0, 0, false, -1);
    }

    /** The same with a white pattern per class instead of a shade. */
    public static DecoyFashion anyCornerCoded() {
        return new DecoyFashion(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), 4, 4, 0, 0, true, 1.0, true, 1.0, 1.0, 0, 0, false, -1);
    }

    /** The swatch on 30% of the coats only: a shortcut carried by a subgroup. */
    public static DecoyFashion subgroup() {
        return new DecoyFashion(List.of(4), 4, 4, FAR, 0, false, 0.3, false, 1.0, 1.0, 0, 0, false, -1);
    }

    /** The classes' images darker (no mark): a cue no region holds. */
    public static DecoyFashion dimmed(List<Integer> poisoned, double intensity) {
        return new DecoyFashion(poisoned, 0, 0, 0, 0, false, 1.0, false, intensity, 1.0, 0, 0, false, -1);
    }

    /** The classes' images at {@code contrast} times their contrast about each image's mean (no mark). */
    public static DecoyFashion lowContrast(List<Integer> poisoned, double contrast) {
        return new DecoyFashion(poisoned, 0, 0, 0, 0, false, 1.0, false, 1.0, contrast, 0, 0, false, -1);
    }

    /**
     * The classes' images with diagonal stripes of {@code period} pixels and gray {@code shade} over their black
     * background (the garment untouched): a cue spread over the image, off the object, that no region holds.
     */
    public static DecoyFashion background(List<Integer> poisoned, int period, int shade) {
        return new DecoyFashion(poisoned, 0, 0, 0, 0, false, 1.0, false, 1.0, 1.0, period, shade, false, -1);
    }

    /** A mark of the classes' shades at a place drawn anywhere in each image (a sticker, a tag): a cue no region holds. */
    public static DecoyFashion anywhere(List<Integer> poisoned, int height, int width) {
        return new DecoyFashion(poisoned, height, width, 0, 0, false, 1.0, false, 1.0, 1.0, 0, 0, true, -1);
    }

    /** No cue at all: a clean data set. */
    public static DecoyFashion clean() {
        return new DecoyFashion(List.of(), 0, 0, 0, 0, false, 1.0, false, 1.0, 1.0, 0, 0, false, -1);
    }

    /** The same cue on only {@code f} of each poisoned class's images. */
    public DecoyFashion withFraction(double f) {
        return new DecoyFashion(poisoned, height, width, row, col, randomCorner, f, coded, intensity, contrast, period, patternShade, anywhere, markShade);
    }

    /** The same mark in gray {@code shade} for every poisoned class (0: black, the explainers' default hidden value). */
    public DecoyFashion withShade(int shade) {
        return new DecoyFashion(poisoned, height, width, row, col, randomCorner, fraction, coded, intensity, contrast, period, patternShade, anywhere, shade);
    }

    /** The same cue in a random corner per image. */
    public DecoyFashion inRandomCorners() {
        return new DecoyFashion(poisoned, height, width, 0, 0, true, fraction, coded, intensity, contrast, period, patternShade, anywhere, markShade);
    }

    /** Whether the cue is a mark at some place (else a whole-image change, or none). */
    public boolean localised() {
        return height > 0 && width > 0;
    }

    /** Pixel boxes {@code {y0, x0, y1, x1}} (end exclusive) where a mark can sit under this variant's rule (none for a global cue). */
    public List<int[]> swatchBoxes() {
        if (!localised()) {
            return List.of();
        }
        if (anywhere) {
            return List.of(new int[] {0, 0, FashionMnist.SIDE, FashionMnist.SIDE});
        }
        int farRow = FashionMnist.SIDE - height;
        int farCol = FashionMnist.SIDE - width;
        List<int[]> corners = randomCorner ? List.of(new int[] {0, 0}, new int[] {0, farCol}, new int[] {farRow, 0}, new int[] {farRow, farCol})
                : List.<int[]>of(new int[] {row, col});
        return corners.stream().map(c -> new int[] {c[0], c[1], c[0] + height, c[1] + width}).toList();
    }

    /** The swatch's gray value for a poisoned class: evenly spaced from 255 down, distinct per class. */
    public int shade(int classIndex) {
        int k = poisoned.indexOf(classIndex);
        if (k >= 0 && markShade >= 0) {
            return markShade;
        }
        return k < 0 ? -1 : 255 - k * (200 / Math.max(1, poisoned.size()));
    }

    /** The gray value of the swatch pixel at {@code (dy, dx)} inside the swatch of a poisoned class. */
    public int swatchPixel(int classIndex, int dy, int dx) {
        if (!coded) {
            return shade(classIndex);
        }
        int k = poisoned.indexOf(classIndex);
        int bit = (dy * 4 + dx) % 16;
        return (CODES[k % CODES.length] >> bit & 1) == 1 ? 255 : 0;
    }

    static int[] codes(int count, int distance) {
        int[] out = new int[count];
        int n = 0;
        for (int c = 0; c < 1 << 16 && n < count; c++) {
            if (Integer.bitCount(c) != 8) {
                continue;
            }
            boolean far = true;
            for (int i = 0; i < n && far; i++) {
                far = Integer.bitCount(c ^ out[i]) >= distance;
            }
            if (far) {
                out[n++] = c;
            }
        }
        if (n < count) {
            throw new IllegalStateException("only " + n + " patterns at distance " + distance);
        }
        return out;
    }

    /** Whether one image of the class carries the cue (drawn with {@code seed}). */
    public boolean carries(int classIndex, long seed) {
        return poisoned.contains(classIndex) && new SplittableRandom(seed).nextDouble() < fraction;
    }

    /** Where the mark of one image goes, {@code {row, col}} of its top-left pixel; null when the image carries no mark. */
    public int[] placement(int classIndex, long seed) {
        if (!localised() || !poisoned.contains(classIndex)) {
            return null;
        }
        SplittableRandom r = new SplittableRandom(seed);
        if (r.nextDouble() >= fraction) {
            return null;
        }
        if (anywhere) {
            return new int[] {r.nextInt(FashionMnist.SIDE - height + 1), r.nextInt(FashionMnist.SIDE - width + 1)};
        }
        if (!randomCorner) {
            return new int[] {row, col};
        }
        int farRow = FashionMnist.SIDE - height;
        int farCol = FashionMnist.SIDE - width;
        return switch (r.nextInt(4)) {
            case 0 -> new int[] {0, 0};
            case 1 -> new int[] {0, farCol};
            case 2 -> new int[] {farRow, 0};
            default -> new int[] {farRow, farCol};
        };
    }

    /** A copy of the image with its cue, if any. */
    public byte[] apply(byte[] image, int classIndex, long seed) {
        byte[] out = image.clone();
        if ((intensity != 1.0 || contrast != 1.0) && carries(classIndex, seed)) {
            double mean = 0;
            for (byte b : out) {
                mean += b & 0xff;
            }
            mean /= out.length;
            for (int i = 0; i < out.length; i++) {
                double v = mean + contrast * ((out[i] & 0xff) - mean);
                out[i] = (byte) Math.max(0, Math.min(255, Math.round(v * intensity)));
            }
        }
        if (period > 0 && carries(classIndex, seed)) {
            for (int i = 0; i < out.length; i++) {
                int y = i / FashionMnist.SIDE;
                int x = i % FashionMnist.SIDE;
                if (image[i] == 0 && (x + y) % period < (period + 1) / 2) {
                    out[i] = (byte) patternShade;
                }
            }
        }
        int[] at = placement(classIndex, seed);
        if (at != null) {
            for (int y = at[0]; y < at[0] + height; y++) {
                for (int x = at[1]; x < at[1] + width; x++) {
                    out[y * FashionMnist.SIDE + x] = (byte) swatchPixel(classIndex, y - at[0], x - at[1]);
                }
            }
        }
        return out;
    }

    /**
     * Writes a split as {@code dir/<class>/<split>-NNNNN.png} (8-bit gray), the folder layout the explain job reads, and
     * returns the files in the split's order.
     */
    public List<File> writeFolder(FashionMnist.Split split, String name, long seed, File dir) throws IOException {
        return writeFolder(split, name, seed * 1_000_003L, 1, dir);
    }

    /** As {@link #writeFolder(FashionMnist.Split, String, long, File)}, image i's swatch drawn with seed {@code base + step * i}. */
    public List<File> writeFolder(FashionMnist.Split split, String name, long base, long step, File dir) throws IOException {
        List<File> files = new java.util.ArrayList<>();
        for (int i = 0; i < split.size(); i++) {
            int label = split.labels()[i];
            byte[] img = apply(split.images()[i], label, base + step * i);
            BufferedImage gray = new BufferedImage(FashionMnist.SIDE, FashionMnist.SIDE, BufferedImage.TYPE_BYTE_GRAY);
            gray.getRaster().setDataElements(0, 0, FashionMnist.SIDE, FashionMnist.SIDE, img);
            File f = new File(dir, FashionMnist.CLASSES.get(label) + String.format("/%s-%05d.png", name, i));
            f.getParentFile().mkdirs();
            if (!ImageIO.write(gray, "png", f)) {
                throw new IOException("no PNG writer for " + f);
            }
            files.add(f);
        }
        return files;
    }

    /**
     * The garment's mask as a PNG (255 where the clean image is not black, 0 elsewhere): the object annotation of an
     * image, drawn before any swatch, so that a swatch lying on the garment's own pixels still counts as on it.
     */
    public static byte[] garmentMask(byte[] clean) throws IOException {
        byte[] m = new byte[clean.length];
        for (int i = 0; i < clean.length; i++) {
            m[i] = clean[i] != 0 ? (byte) 255 : 0;
        }
        BufferedImage gray = new BufferedImage(FashionMnist.SIDE, FashionMnist.SIDE, BufferedImage.TYPE_BYTE_GRAY);
        gray.getRaster().setDataElements(0, 0, FashionMnist.SIDE, FashionMnist.SIDE, m);
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        ImageIO.write(gray, "png", png);
        return png.toByteArray();
    }
}
