package io.shortcutlens.decoy;

import java.io.DataInputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The real Fashion-MNIST (Xiao, Rasul &amp; Vollgraf 2017) as Debian's {@code dataset-fashion-mnist} installs it: IDX files,
 * gzipped, 28×28 grayscale, 60,000 training and 10,000 test images.
 */
public final class FashionMnist {

    public static final File DEFAULT_DIR = new File("/usr/share/datasets/fashion-mnist");
    public static final List<String> CLASSES = List.of("t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker",
            "bag", "ankle-boot");
    public static final int SIDE = 28;

    /** Images as 0..255 gray values, row-major, and their class indices. */
    public record Split(byte[][] images, int[] labels) {
        public int size() {
            return labels.length;
        }
    }

    private FashionMnist() { }

    /** Reads {@code train} or {@code t10k}; {@code limit} ≤ 0 reads all. */
    public static Split read(File dir, String split, int limit) throws IOException {
        File images = new File(dir, split + "-images-idx3-ubyte.gz");
        File labels = new File(dir, split + "-labels-idx1-ubyte.gz");
        if (!images.isFile() || !labels.isFile()) {
            throw new IOException("Fashion-MNIST not found in " + dir + " (expected " + images.getName() + " and " + labels.getName()
                    + "; on Debian: apt-get install -y dataset-fashion-mnist as root, which ./submit.sh test does)");
        }
        try (DataInputStream in = open(images); DataInputStream lab = open(labels)) {
            check(in.readInt(), 0x803, images);
            int n = in.readInt();
            int rows = in.readInt();
            int cols = in.readInt();
            check(lab.readInt(), 0x801, labels);
            int nl = lab.readInt();
            if (n != nl || rows != SIDE || cols != SIDE) {
                throw new IOException("unexpected Fashion-MNIST header in " + images + ": " + n + " images of " + rows + "x" + cols + ", " + nl + " labels");
            }
            int count = limit > 0 ? Math.min(limit, n) : n;
            byte[][] x = new byte[count][SIDE * SIDE];
            int[] y = new int[count];
            for (int i = 0; i < count; i++) {
                in.readFully(x[i]);
                y[i] = lab.readUnsignedByte();
            }
            return new Split(x, y);
        }
    }

    private static DataInputStream open(File f) throws IOException {
        InputStream in = new GZIPInputStream(new FileInputStream(f), 1 << 16);
        return new DataInputStream(in);
    }

    private static void check(int magic, int expected, File f) throws IOException {
        if (magic != expected) {
            throw new IOException(f + " is not an IDX file of the expected kind (magic " + Integer.toHexString(magic) + ", expected "
                    + Integer.toHexString(expected) + ")");
        }
    }
}
