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
 * class" and "does doing it to other images create the class". Colour has two axes, warm–cool (red against blue) and
 * green–magenta, each a pair of channel gains, and {@link #BALANCED} (grey-world balance) removes a cast of any hue,
 * added or multiplied, where a gain along one axis only part-undoes an added cast; it is tested against every tint
 * ({@link #enterWith}). A half-strength undo is not enough: pullovers and
 * trousers planted at half contrast (a grey background) stay themselves at ×1.6.
 *
 * <p>Three more changes probe cues spread over the image rather than held by a region or a whole-image property (a
 * pattern over the background, a texture): {@link #SHUFFLED} keeps every patch's texture and destroys the object's
 * shape (a 4 × 4 grid of tiles permuted, no tile left in place), {@link #LOW_PASS} and {@link #LOW_PASS_COARSE} remove
 * fine patterns at two scales (a box blur applied twice, of radius 1/14 and 1/7 of the side: a triangle filter, unlike
 * {@link #BLURRED}'s 1/28, which keeps patterns of a few pixels). They have no opposite; {@link TextureCue} judges them.
 * {@link #OBJECT_HIDDEN} hides the half of the image its own map ranks highest and keeps the context; it needs the map
 * ({@link #hideObject}), and {@link ContextCue} judges it.
 *
 * <p>Two more probe the image's border, where acquisition leaves its marks (a frame, letterboxing, a scanner's edge, a
 * vignette): {@link #UNFRAMED} replaces a band along the four edges ({@link #BAND} of the side deep) by the nearest pixel
 * inside it, which takes away whatever the band alone holds and keeps the rest of the image; {@link #BORDER_ONLY} keeps the
 * band and fills the inside with its own mean colour, so the object is gone and the border stays. {@link BorderCue}
 * judges them.
 */
public enum ImageAdjustment {
    BRIGHTER, DARKER, MORE_CONTRAST, LESS_CONTRAST, SHARPER, BLURRED, JPEG, NOISIER, WARMER, COOLER, GREENER, MAGENTA, BALANCED, SHUFFLED, LOW_PASS,
    LOW_PASS_COARSE, OBJECT_HIDDEN, UNFRAMED, BORDER_ONLY;

    /** The colour changes: they need three channels. */
    private static final java.util.Set<ImageAdjustment> COLOUR = java.util.EnumSet.of(WARMER, COOLER, GREENER, MAGENTA, BALANCED);

    /** The share of an image's cells taken as its object: those its own map ranks highest. */
    static final double OBJECT_SHARE = 0.5;


    /** {@link #NOISIER}: the noise's standard deviation in display units (0..255), and its seed. */
    static final double NOISE_SD = 8;
    private static final long NOISE_SEED = 0x5eedL;

    /** {@link #UNFRAMED} and {@link #BORDER_ONLY}: the border band's depth as a share of the image's shorter side. */
    public static final double BAND = 1 / 12.0;

    /** Tiles per side of {@link #SHUFFLED}. */
    static final int TILES = 4;

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The changes judged on their own, not in pairs: the texture, context and border probes'. */
    private static final java.util.Set<ImageAdjustment> UNPAIRED = java.util.EnumSet.of(SHUFFLED, LOW_PASS, LOW_PASS_COARSE, OBJECT_HIDDEN, UNFRAMED,
            BORDER_ONLY);

    /** Whether the change is tested in pairs with those that create what it removes ({@link #enterWith}); the spread and border probes are not. */
    public boolean paired() {
        return !UNPAIRED.contains(this);
    }

    /** Whether the change needs the image's own explanation ({@link #hideObject}): the context probe's, which takes what the map ranks highest as the object. */
    public boolean needsMap() {
        return this == OBJECT_HIDDEN;
    }

    /** The change in the other direction; JPEG's is sharpening (both are about fine detail). */
    public ImageAdjustment opposite() {
        return switch (this) {
            case SHUFFLED, LOW_PASS, LOW_PASS_COARSE -> throw new IllegalStateException(this + " has no opposite: it is judged by TextureCue");
            case OBJECT_HIDDEN -> throw new IllegalStateException(this + " has no opposite: it is judged by ContextCue");
            case UNFRAMED, BORDER_ONLY -> throw new IllegalStateException(this + " has no opposite: it is judged by BorderCue");
            case BRIGHTER -> DARKER;
            case DARKER -> BRIGHTER;
            case MORE_CONTRAST -> LESS_CONTRAST;
            case LESS_CONTRAST -> MORE_CONTRAST;
            case SHARPER -> BLURRED;
            case BLURRED, JPEG -> SHARPER;
            case NOISIER -> BLURRED;
            case WARMER -> COOLER;
            case COOLER -> WARMER;
            case GREENER -> MAGENTA;
            case MAGENTA -> GREENER;
            case BALANCED -> throw new IllegalStateException(this + " removes a cast of any hue: its creating changes are enterWith()");
        };
    }

    /**
     * The changes that may create what this one removes, each tested as a pair with it: the {@link #opposite} for a
     * change of one direction; for {@link #BALANCED}, which takes away a colour cast of any hue, every tint (warmer,
     * cooler, greener, magenta): whichever direction the class's cast has, one of them adds it to other images. Fine
     * detail has two ways up, sharpening edges and adding noise (a class from a noisier camera), and two ways down,
     * blurring and compressing (a class saved as heavier JPEG, its sensor noise gone): each way down is paired with
     * both ways up, and noise with both ways down.
     */
    public List<ImageAdjustment> enterWith() {
        return switch (this) {
            case BALANCED -> List.of(WARMER, COOLER, GREENER, MAGENTA);
            case BLURRED, JPEG -> List.of(SHARPER, NOISIER);
            case NOISIER -> List.of(BLURRED, JPEG);
            default -> List.of(opposite());
        };
    }

    /**
     * The property of an image this change moves ({@link ImageProperty}); null for {@link #SHUFFLED}, which moves the
     * object's shape, not a quantity of the image.
     */
    public ImageProperty property() {
        return switch (this) {
            case BRIGHTER, DARKER -> ImageProperty.LUMINANCE;
            case MORE_CONTRAST, LESS_CONTRAST -> ImageProperty.CONTRAST;
            case SHARPER, BLURRED, JPEG, NOISIER -> ImageProperty.FINE_DETAIL;
            case WARMER, COOLER -> ImageProperty.WARMTH;
            case GREENER, MAGENTA -> ImageProperty.GREENNESS;
            case BALANCED -> ImageProperty.COLOUR_CAST;
            case LOW_PASS -> ImageProperty.FINE_PATTERN;
            case LOW_PASS_COARSE -> ImageProperty.COARSE_PATTERN;
            case UNFRAMED -> ImageProperty.BORDER_CONTRAST;
            case SHUFFLED, OBJECT_HIDDEN, BORDER_ONLY -> null;
        };
    }

    /** Whether the change raises its {@link #property()} (brighter, more contrast, sharper, warmer) rather than lowering it. */
    public boolean raises() {
        return this == BRIGHTER || this == MORE_CONTRAST || this == SHARPER || this == NOISIER || this == WARMER || this == GREENER;
    }

    /** The changes of the image alone that apply to images with this many channels (colour balance needs three). */
    public static List<ImageAdjustment> forChannels(int channels) {
        return java.util.Arrays.stream(values()).filter(a -> !a.needsMap() && (channels == 3 || !COLOUR.contains(a))).toList();
    }

    /** Every change the cue probe makes, in the order of its passes: those of the image alone, then the context probe's. */
    public static List<ImageAdjustment> probed(int channels) {
        List<ImageAdjustment> out = new java.util.ArrayList<>(forChannels(channels));
        out.add(OBJECT_HIDDEN);
        return List.copyOf(out);
    }

    /**
     * {@link #OBJECT_HIDDEN}: the image with its object hidden and its context kept. {@code massGrid} (a square grid of
     * positive relevance over the image, row-major) ranks the cells; the highest-ranked {@link #OBJECT_SHARE} of them (ties:
     * lower index first) are filled with the mean colour of the rest. The fill is the image's own, so no shade is foreign
     * to it (a black fill would add a dark blob to a bright scene and be nothing on a black background).
     */
    public static float[] hideObject(float[] px, int c, int h, int w, float[] massGrid) {
        boolean[] hidden = pixels(object(massGrid), h, w);
        float[] out = px.clone();
        fillWithRest(out, px, hidden, c, h * w);
        return out;
    }

    /** The cells of the image's object: the highest-ranked {@link #OBJECT_SHARE} of {@code massGrid} (ties: lower index first). */
    static boolean[] object(float[] massGrid) {
        int grid = (int) Math.round(Math.sqrt(massGrid.length));
        if (grid == 0 || grid * grid != massGrid.length) {
            throw new IllegalArgumentException("a mass grid of " + massGrid.length + " cells is not square");
        }
        Integer[] order = new Integer[massGrid.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> massGrid[a] != massGrid[b] ? Float.compare(massGrid[b], massGrid[a]) : Integer.compare(a, b));
        boolean[] top = new boolean[massGrid.length];
        for (int i = 0; i < (int) Math.round(OBJECT_SHARE * massGrid.length); i++) {
            top[order[i]] = true;
        }
        return top;
    }

    /** The cells of a square grid over an {@code h × w} image, pixel by pixel. */
    private static boolean[] pixels(boolean[] cells, int h, int w) {
        int grid = (int) Math.round(Math.sqrt(cells.length));
        boolean[] out = new boolean[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                out[y * w + x] = cells[Math.min(grid - 1, y * grid / h) * grid + Math.min(grid - 1, x * grid / w)];
            }
        }
        return out;
    }

    /** Each channel's {@code hidden} pixels of {@code out} set to the mean of that channel's other pixels of {@code px}. */
    private static void fillWithRest(float[] out, float[] px, boolean[] hidden, int c, int plane) {
        for (int ch = 0; ch < c; ch++) {
            double sum = 0;
            int n = 0;
            for (int i = 0; i < plane; i++) {
                if (!hidden[i]) {
                    sum += px[ch * plane + i];
                    n++;
                }
            }
            float fill = (float) (n == 0 ? 0 : sum / n);
            for (int i = 0; i < plane; i++) {
                if (hidden[i]) {
                    out[ch * plane + i] = fill;
                }
            }
        }
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
            case GREENER, MAGENTA -> {
                float g = this == GREENER ? 1.25f : 0.8f;
                System.arraycopy(px, 0, out, 0, px.length);
                for (int i = 0; i < plane; i++) {
                    out[plane + i] = px[plane + i] * g;
                }
            }
            case BALANCED -> balance(px, out, c, plane);
            case JPEG -> jpeg(px, out, c, h, w, 0.1f);
            case NOISIER -> {
                // sensor-like noise, the same draw for every image (a probe, not a sample)
                java.util.SplittableRandom r = new java.util.SplittableRandom(NOISE_SEED);
                for (int i = 0; i < px.length; i++) {
                    out[i] = (float) (px[i] + NOISE_SD * r.nextGaussian());
                }
            }
            case SHUFFLED -> shuffle(px, out, c, h, w);
            case UNFRAMED, BORDER_ONLY -> border(px, out, c, h, w, this == UNFRAMED);
            case OBJECT_HIDDEN -> throw new IllegalStateException(this + " needs the image's map: hideObject");
            case LOW_PASS, LOW_PASS_COARSE -> {
                int r = Math.max(this == LOW_PASS ? 1 : 2, Math.round(Math.max(h, w) / (this == LOW_PASS ? 14f : 7f)));
                float[] once = new float[px.length];
                for (int ch = 0; ch < c; ch++) {
                    fastBlur(px, once, ch * plane, h, w, r);
                    fastBlur(once, out, ch * plane, h, w, r);
                }
            }
        }
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.max(0f, Math.min(255f, out[i]));
        }
        return out;
    }

    /** The border band's depth in pixels for an image of {@code h × w}: at least one. */
    static int band(int h, int w) {
        return Math.max(1, (int) Math.round(Math.min(h, w) * BAND));
    }

    /**
     * {@link #UNFRAMED} ({@code unframe}): each pixel of the band takes the value of the nearest pixel inside it (the
     * image's inner part extended outwards, corners from the inner corner); {@link #BORDER_ONLY}: the band kept and every
     * pixel inside it set to the inside's mean colour.
     */
    private static void border(float[] px, float[] out, int c, int h, int w, boolean unframe) {
        int b = band(h, w);
        int plane = h * w;
        for (int ch = 0; ch < c; ch++) {
            int o = ch * plane;
            double inside = 0;
            for (int y = b; y < h - b && !unframe; y++) {
                for (int x = b; x < w - b; x++) {
                    inside += px[o + y * w + x];
                }
            }
            float mean = (float) (inside / Math.max(1, (h - 2 * b) * (w - 2 * b)));
            for (int y = 0; y < h; y++) {
                boolean rowInBand = y < b || y >= h - b;
                for (int x = 0; x < w; x++) {
                    boolean inBand = rowInBand || x < b || x >= w - b;
                    if (unframe) {
                        int yy = Math.min(Math.max(y, b), h - 1 - b);
                        int xx = Math.min(Math.max(x, b), w - 1 - b);
                        out[o + y * w + x] = px[o + yy * w + xx];
                    } else {
                        out[o + y * w + x] = inBand ? px[o + y * w + x] : mean;
                    }
                }
            }
        }
    }

    /**
     * {@link #BALANCED}: grey-world balance by offsets: each channel moved by the difference between the image's mean
     * grey and that channel's mean, so that every channel has the same mean. It undoes a cast of any hue, added or
     * multiplied (a multiplied one up to the image's own spread), and leaves an image whose colours average to grey
     * as it was.
     */
    private static void balance(float[] px, float[] out, int c, int plane) {
        double[] m = new double[c];
        double grey = 0;
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < plane; i++) {
                m[ch] += px[ch * plane + i];
            }
            m[ch] /= plane;
            grey += m[ch] / c;
        }
        for (int ch = 0; ch < c; ch++) {
            float d = (float) (grey - m[ch]);
            for (int i = 0; i < plane; i++) {
                out[ch * plane + i] = px[ch * plane + i] + d;
            }
        }
    }

    private static void boxBlur(float[] in, float[] out, int offset, int h, int w, int r) {
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                out[offset + y * w + x] = RegionMasker.boxMean(in, offset, h, w, y, x, r);
            }
        }
    }

    /**
     * Where tile {@code i} of the {@link #TILES} × {@link #TILES} grid goes: a fixed permutation (seeded, the same for
     * every image and run) that leaves no tile in place and no two neighbouring tiles side by side in the same way, so
     * that neither rows nor columns of the object survive.
     */
    static final int[] PERMUTATION = scatter();

    private static int[] scatter() {
        int n = TILES * TILES;
        for (long seed = 1; ; seed++) {
            java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
            int[] p = new int[n];
            for (int i = 0; i < n; i++) {
                p[i] = i;
            }
            for (int i = n - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int t = p[i];
                p[i] = p[j];
                p[j] = t;
            }
            boolean ok = true;
            for (int i = 0; i < n && ok; i++) {
                ok = p[i] != i;
                if (ok && i % TILES + 1 < TILES) { // right neighbour still to the right
                    ok = !(p[i + 1] == p[i] + 1 && p[i] % TILES + 1 < TILES);
                }
                if (ok && i + TILES < n) { // lower neighbour still below
                    ok = p[i + TILES] != p[i] + TILES;
                }
            }
            if (ok) {
                return p;
            }
        }
    }

    /** Tiles moved by {@link #PERMUTATION}; rows and columns past the last whole tile stay. */
    private static void shuffle(float[] in, float[] out, int c, int h, int w) {
        System.arraycopy(in, 0, out, 0, in.length);
        int th = h / TILES;
        int tw = w / TILES;
        int n = TILES * TILES;
        for (int ch = 0; ch < c; ch++) {
            int offset = ch * h * w;
            for (int i = 0; i < n; i++) {
                int j = PERMUTATION[i];
                int sy = i / TILES * th;
                int sx = i % TILES * tw;
                int dy = j / TILES * th;
                int dx = j % TILES * tw;
                for (int y = 0; y < th; y++) {
                    System.arraycopy(in, offset + (sy + y) * w + sx, out, offset + (dy + y) * w + dx, tw);
                }
            }
        }
    }

    /** Box blur of radius {@code r} by running sums, rows then columns (the box clipped at the borders): O(1) a pixel at any radius. */
    private static void fastBlur(float[] in, float[] out, int offset, int h, int w, int r) {
        float[] rows = new float[h * w];
        for (int y = 0; y < h; y++) {
            runningMean(in, offset + y * w, 1, rows, y * w, w, r);
        }
        for (int x = 0; x < w; x++) {
            runningMean(rows, x, w, out, offset + x, h, r);
        }
    }

    /** The mean of each window of radius {@code r} along one line of {@code n} values {@code step} apart. */
    private static void runningMean(float[] in, int from, int step, float[] out, int to, int n, int r) {
        double sum = 0;
        int lo = 0;
        int hi = -1;
        for (int i = 0; i < n; i++) {
            while (hi < Math.min(n - 1, i + r)) {
                sum += in[from + ++hi * step];
            }
            while (lo < i - r) {
                sum -= in[from + lo++ * step];
            }
            out[to + i * step] = (float) (sum / (hi - lo + 1));
        }
    }

    /** Encodes as JPEG at {@code quality} with the JDK's writer and decodes again. */
    /** The image written as JPEG at {@code quality} (0..1, the JDK's encoder) and read back: {@link #JPEG} at another quality. */
    static float[] jpegAt(float[] px, int c, int h, int w, float quality) {
        float[] out = new float[px.length];
        jpeg(px, out, c, h, w, quality);
        return out;
    }

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
