package io.shortcutlens.audit;

import java.io.Serializable;

/**
 * How alike a region's pixels are across the class's images, and how distinct from the same pixels in other classes'
 * images: a stamped watermark, a swatch, a tag or a ruler is nearly the same pixels every time; an object part is not.
 * Measured per pixel, not as the region's mean variance, which the surrounding object or background swamps: a pixel
 * is <em>stamped</em> when its spread over the class's images is at most {@code maxSpread} times the region's overall
 * spread {@code G} (all pixels of both groups pooled) and its class mean differs from the other classes' mean by at
 * least {@code minDistance · G}. The figure is the stamped share of the region's pixels; the same figure for the
 * control region of the same images says how much of it is the class's ordinary look.
 *
 * <p>A region is a coarse box (a block of the map's grid); a mark of a few pixels fills a small part of it, and its
 * stamped pixels, diluted by the object around them, make a small share (a 2×2 mark in a 7×7 region: 8%). So the
 * figures are also taken on the <em>smallest box that holds the evidence</em>: the bounding box of the largest
 * 4-connected group of stamped pixels (at least {@link #MIN_MARK} of them; a pixel counts where any channel is
 * stamped), when it is smaller than the region — the control refined alike, so a chance cluster of stamped pixels
 * raises both sides. Content stamped on that box counts as stamped ({@link #stamped}) where the rules ask for it beside
 * a transplant; the rule that lets stamped content decide with masking alone reads the region's own share: a small
 * constant piece can be the object's outline (the black gap between a trouser's legs is as constant and as unlike other
 * classes as a black dot on a coat).
 *
 * @param stampedShare        stamped share of the region's pixels
 * @param controlStampedShare the same at the control region
 * @param meanSpread          mean per-pixel spread over the class's images, over {@code G}
 * @param mark                the refined box inside the region's signature, or null when none refines it
 * @param markShare           stamped share of the mark's box (0 without a mark)
 * @param controlMarkShare    the same at the control, refined alike (its region share where no mark refines it)
 */
public record ContentConsistency(double stampedShare, double controlStampedShare, double meanSpread, Mark mark, double markShare,
                                 double controlMarkShare) implements Serializable {

    public static final ContentConsistency NONE = new ContentConsistency(0, 0, 1);

    /** The smallest group of stamped pixels that is a mark rather than chance. */
    public static final int MIN_MARK = 3;

    /** Figures of a whole region (no refinement). */
    public ContentConsistency(double stampedShare, double controlStampedShare, double meanSpread) {
        this(stampedShare, controlStampedShare, meanSpread, null, 0, 0);
    }

    /**
     * A box {@code [y0, y1) × [x0, x1)} in the cells of a region's {@code height × width} signature (one cell a pixel
     * for regions up to {@link RegionContent#MAX_SIDE} pixels a side, a block of pixels beyond).
     */
    public record Mark(int y0, int x0, int y1, int x1, int height, int width) implements Serializable {
        /** The box in pixels of an image, given the region's pixel box {@code {y0, x0, y1, x1}}. */
        public int[] pixelBox(int[] region) {
            double fy = (double) (region[2] - region[0]) / height;
            double fx = (double) (region[3] - region[1]) / width;
            return new int[] {region[0] + (int) Math.floor(y0 * fy), region[1] + (int) Math.floor(x0 * fx),
                region[0] + (int) Math.ceil(y1 * fy), region[1] + (int) Math.ceil(x1 * fx)};
        }

        public int cells() {
            return (y1 - y0) * (x1 - x0);
        }
    }

    /** How much more of the region than of the control is stamped. */
    public double gap() {
        return stampedShare - controlStampedShare;
    }

    /**
     * Stamped content: at least {@code minStamped} of the region's pixels, and half of that more than the control's; or
     * the same of the mark's box against the control's, refined alike.
     */
    public boolean stamped(double minStamped) {
        return (stampedShare >= minStamped && gap() >= minStamped / 2)
                || (mark != null && markShare >= minStamped && markShare - controlMarkShare >= minStamped / 2);
    }

    /**
     * The figures of a region against its control, from their per-pixel moments over the class's images and over other
     * classes' images at the same places; {@code shape = {channels, height, width}} of the region's signature (null:
     * no refinement).
     */
    public static ContentConsistency of(PixelMoments classRegion, PixelMoments othersRegion, PixelMoments classControl,
                                        PixelMoments othersControl, double maxSpread, double minDistance, int[] shape) {
        if (classRegion.images() < 2 || othersRegion.images() < 2) {
            return NONE;
        }
        Judged r = stamped(classRegion, othersRegion, maxSpread, minDistance, null);
        boolean control = classControl.images() >= 2 && othersControl.images() >= 2;
        double c = control ? stamped(classControl, othersControl, maxSpread, minDistance, null).share() : 0;
        Judged rm = shape == null ? null : stamped(classRegion, othersRegion, maxSpread, minDistance, shape);
        if (rm == null || rm.mark() == null) {
            return new ContentConsistency(r.share(), c, r.spread());
        }
        double cm = control ? stamped(classControl, othersControl, maxSpread, minDistance, shape).share() : 0;
        return new ContentConsistency(r.share(), c, r.spread(), rm.mark(), rm.share(), cm);
    }

    /** Without refinement (the signature's shape unknown). */
    public static ContentConsistency of(PixelMoments classRegion, PixelMoments othersRegion, PixelMoments classControl,
                                        PixelMoments othersControl, double maxSpread, double minDistance) {
        return of(classRegion, othersRegion, classControl, othersControl, maxSpread, minDistance, null);
    }

    /** One place judged: stamped share and mean spread over G, on the mark's box where one refines the place. */
    record Judged(double share, double spread, Mark mark) { }

    static Judged stamped(PixelMoments a, PixelMoments o, double maxSpread, double minDistance, int[] shape) {
        if (a.pixels() != o.pixels()) {
            throw new IllegalArgumentException("region signatures differ in size: " + a.pixels() + " and " + o.pixels());
        }
        double g = pooledSpread(a, o);
        if (g <= 1e-12) {
            return new Judged(0, 0, null); // one flat colour everywhere: nothing tells the class apart here
        }
        boolean[] flag = new boolean[a.pixels()];
        double[] spread = new double[a.pixels()];
        for (int i = 0; i < a.pixels(); i++) {
            spread[i] = a.sd()[i] / g;
            flag[i] = a.sd()[i] <= maxSpread * g && Math.abs(a.mean()[i] - o.mean()[i]) >= minDistance * g;
        }
        Mark mark = shape == null || shape[0] * shape[1] * shape[2] != a.pixels() ? null : mark(flag, shape[0], shape[1], shape[2]);
        int stamped = 0;
        double total = 0;
        int n = 0;
        int plane = shape == null ? a.pixels() : shape[1] * shape[2];
        for (int i = 0; i < a.pixels(); i++) {
            int y = (i % plane) / (shape == null ? 1 : shape[2]);
            int x = (i % plane) % (shape == null ? 1 : shape[2]);
            if (mark == null || (y >= mark.y0() && y < mark.y1() && x >= mark.x0() && x < mark.x1())) {
                stamped += flag[i] ? 1 : 0;
                total += spread[i];
                n++;
            }
        }
        return new Judged((double) stamped / n, total / n, mark);
    }

    /** The bounding box of the largest 4-connected group of stamped cells (any channel), when it is a mark smaller than the place. */
    static Mark mark(boolean[] flag, int channels, int h, int w) {
        boolean[] any = new boolean[h * w];
        for (int i = 0; i < flag.length; i++) {
            any[i % (h * w)] |= flag[i];
        }
        int[] group = new int[h * w];
        java.util.Arrays.fill(group, -1);
        Mark best = null;
        int bestSize = 0;
        int[] stack = new int[h * w];
        for (int start = 0; start < h * w; start++) {
            if (!any[start] || group[start] >= 0) {
                continue;
            }
            int top = 0;
            stack[top++] = start;
            group[start] = start;
            int size = 0;
            int y0 = h, x0 = w, y1 = 0, x1 = 0;
            while (top > 0) {
                int cell = stack[--top];
                int y = cell / w;
                int x = cell % w;
                size++;
                y0 = Math.min(y0, y);
                x0 = Math.min(x0, x);
                y1 = Math.max(y1, y + 1);
                x1 = Math.max(x1, x + 1);
                int[] next = {y > 0 ? cell - w : -1, y + 1 < h ? cell + w : -1, x > 0 ? cell - 1 : -1, x + 1 < w ? cell + 1 : -1};
                for (int nb : next) {
                    if (nb >= 0 && any[nb] && group[nb] < 0) {
                        group[nb] = start;
                        stack[top++] = nb;
                    }
                }
            }
            if (size > bestSize) {
                bestSize = size;
                best = new Mark(y0, x0, y1, x1, h, w);
            }
        }
        return best == null || bestSize < MIN_MARK || best.cells() == h * w ? null : best;
    }

    /** Standard deviation of every value of both groups at every pixel, pooled. */
    static double pooledSpread(PixelMoments a, PixelMoments o) {
        double n = 0, s1 = 0, s2 = 0;
        for (PixelMoments m : new PixelMoments[] {a, o}) {
            for (int i = 0; i < m.pixels(); i++) {
                double second = m.sd()[i] * m.sd()[i] + m.mean()[i] * m.mean()[i];
                n += m.images();
                s1 += m.images() * m.mean()[i];
                s2 += m.images() * second;
            }
        }
        double mean = s1 / n;
        return Math.sqrt(Math.max(0, s2 / n - mean * mean));
    }
}
