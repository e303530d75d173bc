package io.shortcutlens.audit;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;

/**
 * Whether each image's own most relevant block holds <em>the same content</em>, wherever in the block it lies: a sticker,
 * a tag or a logo placed anywhere is the same pixels in every image (under the image's own lighting and noise); an
 * object part that moves with the object — an animal's head — is not, its colour, size and pose vary. Both are relied on
 * at each image's own place and both carry their class when pasted, so this is the evidence that tells them apart.
 *
 * <p>A template is a square piece of an exemplar block (the class's first images, every side from {@link #MIN_SIDE} cells to half the
 * block, every offset); it <em>occurs</em> in another block when some offset there matches it up to the lighting: the
 * best fit {@code a·T + b} with gain {@code a} in [2/3, 3/2] leaves a root-mean-square residual at most
 * {@code maxResidual} times the template's own spread. Templates without contrast (a flat colour; spread under a
 * quarter of the blocks' pooled spread) are not tried: a flat piece matches every flat piece. The template kept is the
 * one whose share of the class's own blocks most exceeds its share of the control blocks (the same images' strongest
 * other block, and other classes' images at the same places), chosen on a screening set and then counted on every
 * block. Blocks are region signatures ({@link RegionContent}: at most 16 cells a side, so a sticker must cover a few
 * cells of its block to be seen).
 *
 * @param images        class images (own blocks) counted
 * @param share         share of them in which the template occurs
 * @param controlShare  the larger of its shares in the control blocks and in other classes' blocks at the same places
 * @param template      the template's box in the exemplar block (null: no template with contrast)
 * @param exemplar      index of the exemplar block it came from
 */
public record RecurringContent(int images, double share, double controlShare, ContentConsistency.Mark template, int exemplar)
        implements Serializable {

    public static final RecurringContent NONE = new RecurringContent(0, 0, 0, null, -1);

    /** The residual a match may leave, over the template's spread (a correlation of about 0.94 and more). */
    public static final double MAX_RESIDUAL = 0.35;
    private static final double MIN_GAIN = 2 / 3.0;
    private static final double MAX_GAIN = 1.5;
    /** The smallest template, in cells: a 2×2 piece of an edge recurs in any blob's outline. */
    public static final int MIN_SIDE = 3;
    private static final int EXEMPLARS = 6;
    private static final int SCREEN = 16;
    private static final int PROBE = 4;

    /** The same content recurs in at least {@code minShare} of the class's own blocks, and that much more than in the controls. */
    public boolean recurs(double minShare) {
        return template != null && share >= minShare && share - controlShare >= minShare;
    }

    public String describe() {
        return template == null ? "no piece of the blocks with contrast recurs"
                : String.format(Locale.ROOT, "a %dx%d-cell piece of one image's block recurs in %.0f%% of the class's %d blocks (controls %.0f%%)",
                        template.y1() - template.y0(), template.x1() - template.x0(), 100 * share, images, 100 * controlShare);
    }

    /**
     * The figures over {@code own} (each class image's own block), {@code control} (the same images' control blocks)
     * and {@code others} (other classes' images at the same places), all signatures of {@code shape = {channels, height, width}}.
     */
    public static RecurringContent of(List<float[]> own, List<float[]> control, List<float[]> others, int[] shape) {
        int c = shape[0];
        int h = shape[1];
        int w = shape[2];
        if (own.size() < 2 || Math.min(h, w) < MIN_SIDE) {
            return NONE;
        }
        double pooled = pooledSpread(own, control, others);
        if (pooled <= 1e-12) {
            return NONE;
        }
        int ex = Math.min(EXEMPLARS, own.size() - 1);
        List<float[]> screenOwn = own.subList(ex, Math.min(own.size(), ex + SCREEN));
        List<float[]> screenControl = control.subList(0, Math.min(control.size(), SCREEN));
        double bestScore = Double.NEGATIVE_INFINITY;
        Template best = null;
        for (int e = 0; e < ex; e++) {
            for (int side = MIN_SIDE; side <= Math.max(MIN_SIDE, Math.min(h, w) / 2); side++) {
                for (int y = 0; y + side <= h; y++) {
                    for (int x = 0; x + side <= w; x++) {
                        Template t = Template.cut(own.get(e), shape, y, x, side, e);
                        if (t.spread < 0.25 * pooled) {
                            continue;
                        }
                        if (!t.promising(screenOwn, c, h, w)) {
                            continue;
                        }
                        double score = t.share(screenOwn, c, h, w) - t.share(screenControl, c, h, w);
                        if (score > bestScore + 1e-9 || (Math.abs(score - bestScore) <= 1e-9 && best != null && side > best.side)) {
                            bestScore = score;
                            best = t;
                        }
                    }
                }
            }
        }
        if (best == null) {
            return new RecurringContent(own.size(), 0, 0, null, -1);
        }
        List<float[]> rest = own.subList(ex, own.size());
        double controlShare = Math.max(best.share(control, c, h, w), best.share(others, c, h, w));
        return new RecurringContent(rest.size(), best.share(rest, c, h, w), controlShare,
                new ContentConsistency.Mark(best.y, best.x, best.y + best.side, best.x + best.side, h, w), best.exemplar);
    }

    /** Standard deviation of every value of every block, pooled. */
    private static double pooledSpread(List<float[]> own, List<float[]> control, List<float[]> others) {
        double s = 0;
        double s2 = 0;
        long n = 0;
        for (List<float[]> group : List.of(own, control, others)) {
            for (float[] b : group) {
                for (float v : b) {
                    s += v;
                    s2 += (double) v * v;
                    n++;
                }
            }
        }
        return n == 0 ? 0 : Math.sqrt(Math.max(0, s2 / n - (s / n) * (s / n)));
    }

    /** A template: its values centred on their mean (channel-major, side × side per channel), its spread and origin. */
    private record Template(float[] centred, double norm2, double spread, int y, int x, int side, int exemplar) {
        /** The {@code side × side} square at {@code (y, x)} of a block of {@code shape = {c, h, w}}, from exemplar {@code exemplar}. */
        static Template cut(float[] block, int[] shape, int y, int x, int side, int exemplar) {
            int c = shape[0];
            int h = shape[1];
            int w = shape[2];
            float[] v = new float[c * side * side];
            double mean = 0;
            for (int ch = 0; ch < c; ch++) {
                for (int dy = 0; dy < side; dy++) {
                    for (int dx = 0; dx < side; dx++) {
                        float p = block[(ch * h + y + dy) * w + x + dx];
                        v[(ch * side + dy) * side + dx] = p;
                        mean += p;
                    }
                }
            }
            mean /= v.length;
            double n2 = 0;
            for (int i = 0; i < v.length; i++) {
                v[i] -= (float) mean;
                n2 += (double) v[i] * v[i];
            }
            return new Template(v, n2, Math.sqrt(n2 / v.length), y, x, side, exemplar);
        }

        /** Occurs in at least half of the first {@link #PROBE} screening blocks: most templates are dropped after a few blocks. */
        boolean promising(List<float[]> blocks, int c, int h, int w) {
            int n = Math.min(PROBE, blocks.size());
            int hits = 0;
            for (int i = 0; i < n; i++) {
                hits += occurs(blocks.get(i), c, h, w) ? 1 : 0;
                if (hits * 2 >= n) {
                    return true;
                }
                if ((hits + n - 1 - i) * 2 < n) {
                    return false;
                }
            }
            return hits * 2 >= n;
        }

        double share(List<float[]> blocks, int c, int h, int w) {
            if (blocks.isEmpty()) {
                return 0;
            }
            int hits = 0;
            for (float[] b : blocks) {
                hits += occurs(b, c, h, w) ? 1 : 0;
            }
            return (double) hits / blocks.size();
        }

        /** Some offset of {@code block} fits {@code a·T + b} with a residual at most {@link #MAX_RESIDUAL} of the template's spread. */
        boolean occurs(float[] block, int c, int h, int w) {
            int n = centred.length;
            double limit = MAX_RESIDUAL * MAX_RESIDUAL * norm2; // residual sum of squares allowed
            for (int y0 = 0; y0 + side <= h; y0++) {
                for (int x0 = 0; x0 + side <= w; x0++) {
                    double sp = 0;
                    double sp2 = 0;
                    double spt = 0;
                    for (int ch = 0; ch < c; ch++) {
                        for (int dy = 0; dy < side; dy++) {
                            int row = (ch * h + y0 + dy) * w + x0;
                            int t = (ch * side + dy) * side;
                            for (int dx = 0; dx < side; dx++) {
                                double p = block[row + dx];
                                sp += p;
                                sp2 += p * p;
                                spt += p * centred[t + dx];
                            }
                        }
                    }
                    double pc2 = sp2 - sp * sp / n; // |P - mean(P)|^2; <P - mean(P), T_c> = spt since T_c sums to 0
                    double a = Math.max(MIN_GAIN, Math.min(MAX_GAIN, spt / norm2));
                    double residual = pc2 - 2 * a * spt + a * a * norm2;
                    if (residual <= limit) {
                        return true;
                    }
                }
            }
            return false;
        }
    }
}
