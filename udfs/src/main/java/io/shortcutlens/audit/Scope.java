package io.shortcutlens.audit;

import java.util.Locale;

/** Which images a finding concerns: the whole class, a subgroup of it, or subgroups of it in several places. */
public enum Scope {
    CLASS, SUBGROUP, PLACES;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
