package io.shortcutlens.pipeline;

import io.shortcutlens.model.LoadedModel;
import java.io.Serializable;
import java.util.Locale;

/** Which classes to explain per image: the predicted one (default), every class, or one given by name or index. */
public record TargetSelection(Mode mode, String classSpec) implements Serializable {

    public enum Mode { PREDICTED, ALL, FIXED }

    public static TargetSelection predicted() {
        return new TargetSelection(Mode.PREDICTED, null);
    }

    /** Parses {@code predicted}, {@code all}, or a class name or index. */
    public static TargetSelection parse(String text) {
        String t = text.trim();
        return switch (t.toLowerCase(Locale.ROOT)) {
            case "predicted", "pred", "" -> predicted();
            case "all" -> new TargetSelection(Mode.ALL, null);
            default -> new TargetSelection(Mode.FIXED, t);
        };
    }

    /** Checks a fixed class against the model before any task starts. */
    public void check(LoadedModel model) {
        if (mode == Mode.FIXED) {
            model.classIndex(classSpec);
        }
    }

    public int[] resolve(LoadedModel model, int predicted) {
        return switch (mode) {
            case PREDICTED -> new int[] {predicted};
            case ALL -> java.util.stream.IntStream.range(0, model.numClasses()).toArray();
            case FIXED -> new int[] {model.classIndex(classSpec)};
        };
    }

    @Override
    public String toString() {
        return mode == Mode.FIXED ? classSpec : mode.name().toLowerCase(Locale.ROOT);
    }
}
