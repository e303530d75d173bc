package io.shortcutlens.jobs;

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
        return CliEnums.label(this);
    }

    public static WriteMode parse(String text) {
        return CliEnums.parse(WriteMode.class, "--mode", text);
    }

    /** picocli's reading of {@code --mode}. */
    public static final class Converter implements picocli.CommandLine.ITypeConverter<WriteMode> {
        @Override
        public WriteMode convert(String value) {
            return parse(value);
        }
    }
}
