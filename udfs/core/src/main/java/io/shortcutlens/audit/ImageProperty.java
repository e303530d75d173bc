package io.shortcutlens.audit;

import java.util.Locale;

/**
 * What a whole-image change moves, measured on one image (display pixels 0..255, channel-major): the quantity a cue
 * removed by that change must show in the class's own images. A class that a warmer balance removes has a cue only
 * if its images are cooler than other classes' images; a class that every scene without red becomes (a model's fallback
 * for cool scenes) is not cooler, and the change removed it for no property of its own.
 *
 * <ul>
 *   <li>{@link #LUMINANCE}: the mean of every pixel;</li>
 *   <li>{@link #CONTRAST}: each channel's standard deviation about its mean, averaged over channels;</li>
 *   <li>{@link #FINE_DETAIL}: the mean absolute difference from {@link ImageAdjustment#BLURRED} (what sharpening adds,
 *       blurring and heavy JPEG take away);</li>
 *   <li>{@link #WARMTH}: the mean of red minus the mean of blue (three channels only);</li>
 *   <li>{@link #GREENNESS}: the mean of green minus the mean of red and blue (three channels only);</li>
 *   <li>{@link #COLOUR_CAST}: how far the image's mean colour lies from grey (the root mean square of each channel's mean
 *       minus their average; three channels only). A cast has a hue as well as a size: {@link PropertyShift} compares a
 *       class's images with others' along the class's own direction in the warmth–greenness plane;</li>
 *   <li>{@link #FINE_PATTERN}, {@link #COARSE_PATTERN}: the mean absolute difference from {@link ImageAdjustment#LOW_PASS}
 *       and {@link ImageAdjustment#LOW_PASS_COARSE}: how much pattern each low-pass removes;</li>
 *   <li>{@link #BORDER_CONTRAST}: how much the image's border band differs from the inner part extended outwards
 *       ({@link ImageAdjustment#UNFRAMED}) all along it: for each ring of the band (one pixel deep), the median over its
 *       pixels of the absolute difference (averaged over channels), and the largest of these medians. A frame, a
 *       scanner's edge or a vignette runs along the whole ring; an object that reaches the edge (a sleeve, a strap)
 *       touches it in places, and the median passes it by.</li>
 * </ul>
 */
public enum ImageProperty {
    LUMINANCE, CONTRAST, FINE_DETAIL, WARMTH, FINE_PATTERN, COARSE_PATTERN, GREENNESS, COLOUR_CAST, BORDER_CONTRAST;

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    /** The property of one image; {@link Double#NaN} where it does not apply (warmth of a gray image). */
    public double measure(float[] px, int c, int h, int w) {
        int plane = h * w;
        return switch (this) {
            case LUMINANCE -> mean(px, 0, px.length);
            case CONTRAST -> {
                double s = 0;
                for (int ch = 0; ch < c; ch++) {
                    double m = mean(px, ch * plane, plane);
                    double q = 0;
                    for (int i = 0; i < plane; i++) {
                        double d = px[ch * plane + i] - m;
                        q += d * d;
                    }
                    s += Math.sqrt(q / plane);
                }
                yield s / c;
            }
            case WARMTH -> c == 3 ? mean(px, 0, plane) - mean(px, 2 * plane, plane) : Double.NaN;
            case GREENNESS -> c == 3 ? mean(px, plane, plane) - (mean(px, 0, plane) + mean(px, 2 * plane, plane)) / 2 : Double.NaN;
            case COLOUR_CAST -> {
                if (c != 3) {
                    yield Double.NaN;
                }
                double[] m = {mean(px, 0, plane), mean(px, plane, plane), mean(px, 2 * plane, plane)};
                double grey = (m[0] + m[1] + m[2]) / 3;
                yield Math.sqrt(((m[0] - grey) * (m[0] - grey) + (m[1] - grey) * (m[1] - grey) + (m[2] - grey) * (m[2] - grey)) / 3);
            }
            case FINE_DETAIL -> removed(px, ImageAdjustment.BLURRED.apply(px, c, h, w));
            case FINE_PATTERN -> removed(px, ImageAdjustment.LOW_PASS.apply(px, c, h, w));
            case COARSE_PATTERN -> removed(px, ImageAdjustment.LOW_PASS_COARSE.apply(px, c, h, w));
            case BORDER_CONTRAST -> alongTheBorder(px, ImageAdjustment.UNFRAMED.apply(px, c, h, w), c, h, w);
        };
    }

    /** Every property of one image, in {@link #values()} order. */
    public static double[] measureAll(float[] px, int c, int h, int w) {
        ImageProperty[] all = values();
        double[] out = new double[all.length];
        for (int i = 0; i < all.length; i++) {
            out[i] = all[i].measure(px, c, h, w);
        }
        return out;
    }

    private static double mean(float[] px, int from, int n) {
        double s = 0;
        for (int i = from; i < from + n; i++) {
            s += px[i];
        }
        return s / n;
    }

    /** {@link #BORDER_CONTRAST}: the largest over the band's rings of the median difference along the ring. */
    private static double alongTheBorder(float[] px, float[] unframed, int c, int h, int w) {
        int band = ImageAdjustment.band(h, w);
        int plane = h * w;
        double largest = 0;
        for (int k = 0; k < band && 2 * k < Math.min(h, w); k++) {
            int top = k;
            int bottom = h - 1 - k;
            int left = k;
            int right = w - 1 - k;
            double[] ring = new double[Math.max(1, 2 * (right - left + 1) + 2 * Math.max(0, bottom - top - 1))];
            int n = 0;
            for (int y = top; y <= bottom; y++) {
                for (int x = left; x <= right; x++) {
                    if (y != top && y != bottom && x != left && x != right) {
                        continue;
                    }
                    double d = 0;
                    for (int ch = 0; ch < c; ch++) {
                        d += Math.abs(px[ch * plane + y * w + x] - unframed[ch * plane + y * w + x]);
                    }
                    ring[n++] = d / c;
                }
            }
            double[] sorted = java.util.Arrays.copyOf(ring, n);
            java.util.Arrays.sort(sorted);
            largest = Math.max(largest, n == 0 ? 0 : sorted[n / 2]);
        }
        return largest;
    }

    private static double removed(float[] px, float[] changed) {
        double s = 0;
        for (int i = 0; i < px.length; i++) {
            s += Math.abs(px[i] - changed[i]);
        }
        return s / px.length;
    }
}
