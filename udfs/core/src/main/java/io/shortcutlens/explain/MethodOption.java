package io.shortcutlens.explain;

import java.util.Locale;

/**
 * One option a method reads, declared once: the explain job shows it as {@code --name}, the Spark ML stage as the param
 * {@code param}, both with this default and this description. Options several methods read (the batch size, LIME's
 * segments for KernelSHAP) are one constant referenced by each of them.
 *
 * @param name         the command-line name without dashes, e.g. {@code lime-samples}
 * @param param        the Spark ML param's name, e.g. {@code limeSamples}
 * @param kind         how the value is typed in the Spark ML stage (the command line reads text)
 * @param label        the value's placeholder in the command line's help, e.g. {@code N}
 * @param defaultValue the default as text, parsed the same way as a value given by a user
 * @param description  one sentence or two; what the value means, its units, its keywords
 */
public record MethodOption(String name, String param, Kind kind, String label, String defaultValue, String description) {

    /** How a value is typed: a whole number, a real number, or text (a keyword such as {@code auto}, a name, a number or keyword). */
    public enum Kind { INT, NUMBER, TEXT }

    /** Perturbed (or path, or noisy) images per forward pass; every method that batches reads it. */
    public static final MethodOption BATCH_SIZE = new MethodOption("batch-size", "batchSize", Kind.INT, "N", String.valueOf(OcclusionParams.DEFAULT_BATCH),
            "Images per forward (and backward) pass.");

    public MethodOption {
        if (!name.matches("[a-z][a-z0-9-]*") || !param.matches("[a-z][A-Za-z0-9]*")) {
            throw new IllegalArgumentException("option names are lower-case words joined by '-' and params camelCase, found " + name + " / " + param);
        }
    }

    /** The command-line spelling, {@code --name}. */
    public String cli() {
        return "--" + name;
    }

    /** The default as the Spark ML param holds it (Integer, Double or String). */
    public Object typedDefault() {
        return typed(defaultValue);
    }

    /** A value given as text or as a number, as the Spark ML param holds it; fails naming the param. */
    public Object typed(Object value) {
        try {
            return switch (kind) {
                case INT -> value instanceof Number n ? Integer.valueOf(Math.toIntExact(n.longValue())) : Integer.valueOf(value.toString().trim());
                case NUMBER -> value instanceof Number n ? Double.valueOf(n.doubleValue()) : Double.valueOf(value.toString().trim());
                case TEXT -> value.toString().trim();
            };
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(param + " must be " + (kind == Kind.INT ? "a whole number" : "a number") + ", found '" + value + "'");
        }
    }

    @Override
    public String toString() {
        return cli() + " (" + kind.name().toLowerCase(Locale.ROOT) + ", default " + defaultValue + ")";
    }
}
