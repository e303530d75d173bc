package io.shortcutlens.jobs;

/**
 * Which class an image belongs to: the one the model predicts, or its label (the audit's {@code --group-by}, the embed
 * job's {@code --class-by}).
 */
public enum ClassView {
    PREDICTED, LABEL;

    /** The name on the command line and in the {@code view} column of {@code class_stats}. */
    public String label() {
        return CliEnums.label(this);
    }

    public static ClassView parse(String text) {
        return CliEnums.parse(ClassView.class, "--group-by", text);
    }

    /** picocli's reading of the embed job's {@code --class-by}. */
    public static final class ClassByConverter implements picocli.CommandLine.ITypeConverter<ClassView> {
        @Override
        public ClassView convert(String value) {
            return CliEnums.parse(ClassView.class, "--class-by", value);
        }
    }

    /** picocli's reading of {@code --group-by}. */
    public static final class Converter implements picocli.CommandLine.ITypeConverter<ClassView> {
        @Override
        public ClassView convert(String value) {
            return parse(value);
        }
    }
}
