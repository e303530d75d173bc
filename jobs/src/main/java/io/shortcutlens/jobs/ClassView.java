package io.shortcutlens.jobs;

import java.util.Arrays;
import java.util.Locale;

/** Which class an image belongs to in the audit ({@code --group-by}): the one the model predicts, or its label. */
public enum ClassView {
    PREDICTED, LABEL;

    /** The name on the command line and in the {@code view} column of {@code class_stats}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ClassView parse(String text) {
        for (ClassView v : values()) {
            if (v.name().equalsIgnoreCase(text.trim())) {
                return v;
            }
        }
        throw new IllegalArgumentException("--group-by must be one of " + Arrays.stream(values()).map(ClassView::label).toList() + ", found '" + text + "'");
    }

    /** picocli's reading of {@code --group-by}. */
    public static final class Converter implements picocli.CommandLine.ITypeConverter<ClassView> {
        @Override
        public ClassView convert(String value) {
            return parse(value);
        }
    }
}
