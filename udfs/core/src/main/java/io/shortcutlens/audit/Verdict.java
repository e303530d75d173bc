package io.shortcutlens.audit;

import java.util.Locale;

/**
 * What the audit concluded about one finding, strongest first (the report and the findings table sort by it).
 * <ul>
 *   <li>{@code SHORTCUT}: the model relies on the region and the region carries the class by itself (it turns other
 *       classes' images into the class when pasted, or says the class on its own), or it is near-constant content
 *       distinct from other classes; with annotations, it lies off the object.</li>
 *   <li>{@code GLOBAL_CUE}: the class's predictions follow a whole-image property (brightness, contrast, colour
 *       balance, sharpness), not a region.</li>
 *   <li>{@code SUSPECT}: some evidence of reliance, not enough to confirm.</li>
 *   <li>{@code OBJECT_PART}: the model relies on part of its object: normal, shown for insight, never a shortcut.</li>
 *   <li>{@code NOT_CONFIRMED}: hiding the region does not change the predictions more than hiding a control.</li>
 * </ul>
 */
public enum Verdict {
    SHORTCUT, GLOBAL_CUE, SUSPECT, OBJECT_PART, NOT_CONFIRMED;

    /** The verdict as written in findings and the report: {@code shortcut}, {@code object_part}, … */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
