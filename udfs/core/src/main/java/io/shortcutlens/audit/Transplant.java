package io.shortcutlens.audit;

import java.io.Serializable;
import java.util.List;

/**
 * The pasting experiment (after Lapuschkin et al. 2019, where a horse tag pasted onto a car makes it a horse): the
 * region's pixels of the class's images pasted at the same place into images of other classes, and, as a control,
 * an equal-sized region of the same images pasted at its own place. An artifact carries its class with it; a piece of
 * a garment or an animal mostly does not.
 *
 * @param pairs         (class image, other-class image) pairs whose receiving image was not already the class
 * @param becameRegion  receiving images that became the class with the region pasted
 * @param becameControl receiving images that became the class with the control pasted
 * @param onlyRegion    pairs turned by the region but not by the control (sign-test b)
 * @param onlyControl   pairs turned by the control but not by the region (sign-test c)
 */
public record Transplant(long pairs, long becameRegion, long becameControl, long onlyRegion, long onlyControl) implements Serializable {

    public static final Transplant NONE = new Transplant(0, 0, 0, 0, 0);

    public double rateRegion() {
        return pairs == 0 ? 0 : (double) becameRegion / pairs;
    }

    public double rateControl() {
        return pairs == 0 ? 0 : (double) becameControl / pairs;
    }

    public double gap() {
        return rateRegion() - rateControl();
    }

    /** One-sided exact sign test that the region turns more receiving images into the class than the control does. */
    public double pValue() {
        return SignTest.pValue(onlyRegion, onlyControl);
    }

    /** Several disjoint groups of pairs together (the places of one finding): counts add. */
    public static Transplant pool(List<Transplant> parts) {
        long n = 0, r = 0, c = 0, or = 0, oc = 0;
        for (Transplant t : parts) {
            n += t.pairs;
            r += t.becameRegion;
            c += t.becameControl;
            or += t.onlyRegion;
            oc += t.onlyControl;
        }
        return new Transplant(n, r, c, or, oc);
    }
}
