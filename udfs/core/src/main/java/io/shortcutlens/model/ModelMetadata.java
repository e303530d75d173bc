package io.shortcutlens.model;

import io.shortcutlens.image.InputShape;
import io.shortcutlens.image.Normalisation;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * What a model zip can carry besides the network: input shape, class names and the normalisation it was trained
 * with. Stored inside the ModelSerializer zip as one text entry of {@code key=value} lines so any DL4J tool can still
 * open the file.
 */
public final class ModelMetadata implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The ModelSerializer object key ShortcutLens writes and reads. */
    public static final String OBJECT_KEY = "shortcutlens-metadata";

    private final InputShape inputShape;
    private final List<String> classNames;
    private final Normalisation normalisation;

    public ModelMetadata(InputShape inputShape, List<String> classNames, Normalisation normalisation) {
        this.inputShape = inputShape;
        this.classNames = classNames == null ? null : List.copyOf(classNames);
        this.normalisation = normalisation;
    }

    public InputShape inputShape() {
        return inputShape;
    }

    public List<String> classNames() {
        return classNames;
    }

    public Normalisation normalisation() {
        return normalisation;
    }

    public String toText() {
        StringBuilder b = new StringBuilder();
        if (inputShape != null) {
            b.append("input_shape=").append(inputShape.channels()).append(',').append(inputShape.height()).append(',')
                    .append(inputShape.width()).append('\n');
        }
        if (classNames != null) {
            b.append("class_names=").append(String.join("\t", classNames)).append('\n');
        }
        if (normalisation != null) {
            b.append("normalisation=").append(normalisation).append('\n');
        }
        return b.toString();
    }

    public static ModelMetadata fromText(String text) {
        InputShape shape = null;
        List<String> names = null;
        Normalisation norm = null;
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String key = line.substring(0, eq);
            String value = line.substring(eq + 1);
            switch (key) {
                case "input_shape" -> shape = InputShape.parse(value);
                case "class_names" -> names = new ArrayList<>(List.of(value.split("\t")));
                case "normalisation" -> norm = Normalisation.parse(value);
                default -> { }
            }
        }
        return new ModelMetadata(shape, names, norm);
    }
}
