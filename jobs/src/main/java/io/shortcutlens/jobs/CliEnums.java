package io.shortcutlens.jobs;

import java.util.Arrays;
import java.util.Locale;

/** Enum options whose command-line names are their constants in lower case, with '-' for '_' ({@code append-new}). */
public final class CliEnums {
    private CliEnums() { }

    static String label(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The constant a name stands for (its label or its constant, any case); otherwise an error naming the option's values. */
    public static <E extends Enum<E>> E parse(Class<E> type, String option, String text) {
        for (E e : type.getEnumConstants()) {
            if (label(e).equalsIgnoreCase(text.trim()) || e.name().equalsIgnoreCase(text.trim())) {
                return e;
            }
        }
        throw new IllegalArgumentException(option + " must be one of " + Arrays.stream(type.getEnumConstants()).map(CliEnums::label).toList()
                + ", found '" + text + "'");
    }
}
