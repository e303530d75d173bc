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
 * @param stampedShare        stamped share of the region's pixels
 * @param controlStampedShare the same at the control region
 * @param meanSpread          mean per-pixel spread over the class's images, over {@code G}
 */
public record ContentConsistency(double stampedShare, double controlStampedShare, double meanSpread) implements Serializable {

    public static final ContentConsistency NONE = new ContentConsistency(0, 0, 1);

    /** How much more of the region than of the control is stamped. */
    public double gap() {
        return stampedShare - controlStampedShare;
    }

    /** Stamped content: at least {@code minStamped} of the region's pixels, and half of that more than the control's. */
    public boolean stamped(double minStamped) {
        return stampedShare >= minStamped && gap() >= minStamped / 2;
    }

    public static ContentConsistency of(PixelMoments classRegion, PixelMoments othersRegion, PixelMoments classControl,
                                        PixelMoments othersControl, double maxSpread, double minDistance) {
        if (classRegion.images() < 2 || othersRegion.images() < 2) {
            return NONE;
        }
        double[] r = stamped(classRegion, othersRegion, maxSpread, minDistance);
        double c = classControl.images() < 2 || othersControl.images() < 2 ? 0 : stamped(classControl, othersControl, maxSpread, minDistance)[0];
        return new ContentConsistency(r[0], c, r[1]);
    }

    /** {stamped share, mean spread over G} of one place. */
    static double[] stamped(PixelMoments a, PixelMoments o, double maxSpread, double minDistance) {
        if (a.pixels() != o.pixels()) {
            throw new IllegalArgumentException("region signatures differ in size: " + a.pixels() + " and " + o.pixels());
        }
        double g = pooledSpread(a, o);
        if (g <= 1e-12) {
            return new double[] {0, 0}; // one flat colour everywhere: nothing tells the class apart here
        }
        int stamped = 0;
        double spread = 0;
        for (int i = 0; i < a.pixels(); i++) {
            spread += a.sd()[i] / g;
            if (a.sd()[i] <= maxSpread * g && Math.abs(a.mean()[i] - o.mean()[i]) >= minDistance * g) {
                stamped++;
            }
        }
        return new double[] {(double) stamped / a.pixels(), spread / a.pixels()};
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
