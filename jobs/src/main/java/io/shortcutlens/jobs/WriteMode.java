package io.shortcutlens.jobs;

import java.util.Arrays;
import java.util.Locale;

/** What the explain job does when its output table exists ({@code --mode}). */
public enum WriteMode {
    /** Replace this run's partitions; other runs' stay. */
    OVERWRITE,
    /** Explain only the images this run has not explained yet (same content, model and parameters = same row). */
    APPEND_NEW,
    /** Refuse to write into an existing table. */
    ERROR;

    /** The name on the command line: {@code overwrite}, {@code append-new}, {@code error}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static WriteMode parse(String text) {
        for (WriteMode m : values()) {
            if (m.label().equalsIgnoreCase(text.trim()) || m.name().equalsIgnoreCase(text.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException("--mode must be one of " + Arrays.stream(values()).map(WriteMode::label).toList() + ", found '" + text + "'");
    }

    /** picocli's reading of {@code --mode}. */
    public static final class Converter implements picocli.CommandLine.ITypeConverter<WriteMode> {
        @Override
        public WriteMode convert(String value) {
            return parse(value);
        }
    }
}
