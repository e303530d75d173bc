package io.shortcutlens.audit;

import java.util.Locale;

/**
 * Which images a finding concerns: the whole class, a subgroup of it, or subgroups of it in several places; or, for a
 * {@link #POSITION_FREE} finding, the whole class each image at its own place (a mark that moves from image to image).
 */
public enum Scope {
    CLASS, SUBGROUP, PLACES, POSITION_FREE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
