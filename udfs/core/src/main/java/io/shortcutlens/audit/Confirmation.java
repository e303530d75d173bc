package io.shortcutlens.audit;

import java.io.Serializable;

/**
 * The masking test of one finding: the images the model assigned to the class, re-scored with the region hidden and,
 * as a control, with an equal-sized region elsewhere hidden.
 *
 * @param images          images re-scored
 * @param flipsRegion     predictions that left the class when the region was hidden
 * @param flipsControl    predictions that left the class when the control region was hidden
 * @param onlyRegion      images flipped by the region but not by the control (sign-test b)
 * @param onlyControl     images flipped by the control but not by the region (sign-test c)
 * @param meanDropRegion  mean drop of the class score with the region hidden
 * @param meanDropControl mean drop of the class score with the control hidden
 */
public record Confirmation(long images, long flipsRegion, long flipsControl, long onlyRegion, long onlyControl,
                           double meanDropRegion, double meanDropControl) implements Serializable {

    /** The masking test of several disjoint groups of images taken together: counts add, mean drops are image-weighted. */
    public static Confirmation pool(java.util.List<Confirmation> parts) {
        long n = 0, fr = 0, fc = 0, or = 0, oc = 0;
        double dr = 0, dc = 0;
        for (Confirmation c : parts) {
            n += c.images;
            fr += c.flipsRegion;
            fc += c.flipsControl;
            or += c.onlyRegion;
            oc += c.onlyControl;
            dr += c.images * c.meanDropRegion;
            dc += c.images * c.meanDropControl;
        }
        return new Confirmation(n, fr, fc, or, oc, n == 0 ? 0 : dr / n, n == 0 ? 0 : dc / n);
    }

    public double flipRateRegion() {
        return images == 0 ? 0 : (double) flipsRegion / images;
    }

    public double flipRateControl() {
        return images == 0 ? 0 : (double) flipsControl / images;
    }

    /** One-sided exact sign test that hiding the region flips more predictions than hiding the control. */
    public double pValue() {
        return SignTest.pValue(onlyRegion, onlyControl);
    }
}
