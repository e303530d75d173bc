package io.shortcutlens.model;

import io.shortcutlens.image.InputShape;
import io.shortcutlens.image.Normalisation;
import java.util.List;

/** A model ready to explain with: the classifier, its file's identity, and how its inputs and outputs are named. */
public record LoadedModel(String path, String modelId, ImageClassifier classifier, List<String> classNames,
                          Normalisation trainedNormalisation) {

    public InputShape inputShape() {
        return classifier.inputShape();
    }

    public int numClasses() {
        return classifier.numClasses();
    }

    public String className(int index) {
        return index >= 0 && index < classNames.size() ? classNames.get(index) : null;
    }

    /** Resolves a target given as a class index or a class name; the message lists the classes when it fails. */
    public int classIndex(String nameOrIndex) {
        int i = classNames.indexOf(nameOrIndex);
        if (i >= 0) {
            return i;
        }
        try {
            int idx = Integer.parseInt(nameOrIndex.trim());
            if (idx >= 0 && idx < numClasses()) {
                return idx;
            }
        } catch (NumberFormatException ignored) {
            // not a number either: report below
        }
        throw new IllegalArgumentException("target class '" + nameOrIndex + "' is neither a class name nor an index below "
                + numClasses() + " of model " + path + " (classes: " + classNames + ")");
    }
}
