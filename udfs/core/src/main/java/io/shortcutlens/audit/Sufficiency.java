package io.shortcutlens.audit;

import java.io.Serializable;
import java.util.List;

/**
 * Keep only the region (everything else filled as in the masking test) and re-predict: an artifact on its own still
 * says the class far more often than an equal-sized control region of the same images does; a small piece of an
 * object rarely does. A model has a favourite class for nearly blank inputs, so the whole image filled is measured
 * too ({@code blank}): a region is sufficient only beyond both.
 *
 * @param images      images of the class (assigned to it by the model) re-scored
 * @param keptRegion  images still predicted as the class with only the region kept
 * @param keptControl images still predicted as the class with only the control kept
 * @param blank       images predicted as the class with everything filled
 * @param onlyRegion  images kept by the region but not by the control (sign-test b)
 * @param onlyControl images kept by the control but not by the region (sign-test c)
 */
public record Sufficiency(long images, long keptRegion, long keptControl, long blank, long onlyRegion, long onlyControl) implements Serializable {

    public static final Sufficiency NONE = new Sufficiency(0, 0, 0, 0, 0, 0);

    public double rateRegion() {
        return images == 0 ? 0 : (double) keptRegion / images;
    }

    public double rateControl() {
        return images == 0 ? 0 : (double) keptControl / images;
    }

    public double rateBlank() {
        return images == 0 ? 0 : (double) blank / images;
    }

    /** How much more often the region alone says the class than the control alone or a blank input does. */
    public double gap() {
        return rateRegion() - Math.max(rateControl(), rateBlank());
    }

    public double pValue() {
        return SignTest.pValue(onlyRegion, onlyControl);
    }

    public static Sufficiency pool(List<Sufficiency> parts) {
        long n = 0, r = 0, c = 0, b = 0, or = 0, oc = 0;
        for (Sufficiency s : parts) {
            n += s.images;
            r += s.keptRegion;
            c += s.keptControl;
            b += s.blank;
            or += s.onlyRegion;
            oc += s.onlyControl;
        }
        return new Sufficiency(n, r, c, b, or, oc);
    }
}
