package io.shortcutlens.decoy;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * Decoy Fashion-MNIST, after Decoy-MNIST (Ross, Hughes &amp; Doshi-Velez 2017): a small square swatch in a corner of
 * the images of a few poisoned classes, its shade set by the class, so that the swatch alone tells those classes apart.
 * The other classes stay clean. Variants: the swatch in a random one of the four corners per image (Decoy-MNIST's
 * rule), and the swatch on only a fraction of a class's images (a shortcut carried by a subgroup).
 *
 * <p>A coded swatch draws each class's own 4×4 pattern of white pixels instead of a shade: as predictive, but not
 * ordered, so that no class's swatch looks like "no swatch, only darker" (with shades, removing the swatch of the
 * dimmest classes changes nothing the model reads).
 *
 * @param poisoned  class indices that carry the swatch
 * @param swatch    side of the swatch in pixels
 * @param randomCorner whether each image draws its corner (else the lower-left corner)
 * @param fraction  share of a poisoned class's images that carry it
 * @param coded     whether the swatch is a white pattern per class (else a square of the class's shade)
 */
public record DecoyFashion(List<Integer> poisoned, int swatch, boolean randomCorner, double fraction, boolean coded) {

    /** Ten 16-bit patterns, 8 pixels set in each, any two differing in at least 8 pixels (found greedily, in order). */
    private static final int[] CODES = codes(10, 8);

    /** Pullover, coat and shirt: classes a clean model confuses, so a shortcut among them pays. */
    public static DecoyFashion standard() {
        return new DecoyFashion(List.of(2, 4, 6), 4, false, 1.0, false);
    }

    /** Every class poisoned, the swatch in a random corner per image: Decoy-MNIST's own rule. */
    public static DecoyFashion anyCorner() {
        return new DecoyFashion(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), 4, true, 1.0, false);
    }

    /** The same with a white pattern per class instead of a shade. */
    public static DecoyFashion anyCornerCoded() {
        return new DecoyFashion(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), 4, true, 1.0, true);
    }

    /** The swatch on 30% of the coats only: a shortcut carried by a subgroup. */
    public static DecoyFashion subgroup() {
        return new DecoyFashion(List.of(4), 4, false, 0.3, false);
    }

    /** Pixel boxes {@code {y0, x0, y1, x1}} (end exclusive) where a swatch can sit under this variant's rule. */
    public List<int[]> swatchBoxes() {
        int far = FashionMnist.SIDE - swatch;
        List<int[]> corners = randomCorner ? List.of(new int[] {0, 0}, new int[] {0, far}, new int[] {far, 0}, new int[] {far, far})
                : List.<int[]>of(new int[] {far, 0});
        return corners.stream().map(c -> new int[] {c[0], c[1], c[0] + swatch, c[1] + swatch}).toList();
    }

    /** The swatch's gray value for a poisoned class: evenly spaced from 255 down, distinct per class. */
    public int shade(int classIndex) {
        int k = poisoned.indexOf(classIndex);
        return k < 0 ? -1 : 255 - k * (200 / Math.max(1, poisoned.size()));
    }

    /** The gray value of the swatch pixel at {@code (dy, dx)} inside the swatch of a poisoned class. */
    public int swatchPixel(int classIndex, int dy, int dx) {
        if (!coded) {
            return shade(classIndex);
        }
        int k = poisoned.indexOf(classIndex);
        int bit = (dy * swatch + dx) % 16;
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

    /** Where the swatch of one image goes, {@code {row, col}} of its top-left pixel; null when the image stays clean. */
    public int[] placement(int classIndex, long seed) {
        if (!poisoned.contains(classIndex)) {
            return null;
        }
        SplittableRandom r = new SplittableRandom(seed);
        if (r.nextDouble() >= fraction) {
            return null;
        }
        int far = FashionMnist.SIDE - swatch;
        int corner = randomCorner ? r.nextInt(4) : 2;
        return switch (corner) {
            case 0 -> new int[] {0, 0};
            case 1 -> new int[] {0, far};
            case 2 -> new int[] {far, 0};
            default -> new int[] {far, far};
        };
    }

    /** A copy of the image with its swatch, if any. */
    public byte[] apply(byte[] image, int classIndex, long seed) {
        byte[] out = image.clone();
        int[] at = placement(classIndex, seed);
        if (at != null) {
            for (int y = at[0]; y < at[0] + swatch; y++) {
                for (int x = at[1]; x < at[1] + swatch; x++) {
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
        List<File> files = new java.util.ArrayList<>();
        for (int i = 0; i < split.size(); i++) {
            int label = split.labels()[i];
            byte[] img = apply(split.images()[i], label, seed * 1_000_003L + i);
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
