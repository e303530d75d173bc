package io.shortcutlens.explain;

import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The values a user gave for methods' options, as text by option name; options not given read their default. Each
 * read parses and checks the value, and an error names the option as the user wrote it ({@code --lime-samples} on the
 * command line, {@code limeSamples} in a Spark ML stage).
 */
public final class OptionValues {

    private final Map<String, String> given;
    private final Function<MethodOption, String> naming;

    /**
     * @param given  option name ({@link MethodOption#name()}) to the value as text
     * @param naming how errors name an option
     */
    public OptionValues(Map<String, String> given, Function<MethodOption, String> naming) {
        this.given = Map.copyOf(given);
        this.naming = naming;
    }

    /** Every option at its default. */
    public static OptionValues defaults() {
        return new OptionValues(Map.of(), MethodOption::cli);
    }

    /** The value as text, trimmed (the default when not given). */
    public String text(MethodOption o) {
        String v = given.get(o.name());
        return (v == null ? o.defaultValue() : v).trim();
    }

    public int integer(MethodOption o) {
        try {
            return Integer.parseInt(text(o));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(naming.apply(o) + " must be a whole number, found '" + text(o) + "'");
        }
    }

    public double number(MethodOption o) {
        try {
            return Double.parseDouble(text(o));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(naming.apply(o) + " must be a number, found '" + text(o) + "'");
        }
    }

    /** A number, or null for {@code keyword} ({@code auto}, {@code mean}: a value the method derives per image). */
    public Float numberOr(MethodOption o, String keyword) {
        String v = text(o);
        if (keyword.equalsIgnoreCase(v)) {
            return null;
        }
        try {
            return Float.valueOf(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(naming.apply(o) + " must be a number or '" + keyword + "', found '" + v + "'");
        }
    }

    /** A positive whole number, or 0 for {@code auto} (a size the method derives from the input). */
    public int positiveOrAuto(MethodOption o) {
        String v = text(o);
        if ("auto".equalsIgnoreCase(v)) {
            return 0;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new IllegalArgumentException(naming.apply(o) + " must be a positive integer or 'auto', found '" + v + "'");
    }

    /** A layer's name or index, or null for {@code auto}. */
    public String layerOrAuto(MethodOption o) {
        String v = text(o);
        return "auto".equalsIgnoreCase(v) ? null : v;
    }

    /** One of an enum's constants, by name in any case. */
    public <E extends Enum<E>> E choice(MethodOption o, Class<E> type) {
        String v = text(o);
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(v)) {
                return e;
            }
        }
        throw new IllegalArgumentException(naming.apply(o) + " must be one of " + java.util.Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT)).toList() + ", found '" + v + "'");
    }
}
