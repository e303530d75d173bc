package io.shortcutlens.correct;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a training pipeline outside ShortcutLens needs to train a confirmed shortcut away (an ONNX model trained in
 * PyTorch): per shortcut region, the class, the box as shares of the image's height and width, the fill and the
 * fraction. The rule is the one the correct job applies to DL4J networks ({@link RegionNeutraliser}): in every epoch,
 * each training image has each step's box replaced with probability {@code fraction}: by the image's per-channel mean
 * ({@code mean}), by uniform noise over the image's range ({@code noise}), or by the same box of a random training
 * image from the other side ({@code paste}: an image of the step's class takes it from an image of another class, an
 * image of another class from an image of the step's class).
 */
public record CorrectionRecipe(String modelId, List<String> classNames, int inputHeight, int inputWidth, CorrectionParams params, List<Step> steps) {

    /** One shortcut region to neutralise; {@code top, left, bottom, right} are shares of the image's size (end exclusive). */
    public record Step(List<Integer> findingIds, String className, int classIndex, String region, double top, double left, double bottom,
                       double right, String fill, double fraction) {
        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("finding_ids", findingIds);
            m.put("class", className);
            m.put("class_index", classIndex);
            m.put("region", region);
            m.put("box", Map.of("top", top, "left", left, "bottom", bottom, "right", right));
            m.put("fill", fill);
            m.put("fraction", fraction);
            return m;
        }
    }

    public static CorrectionRecipe of(String modelId, List<String> classNames, int h, int w, CorrectionParams params, List<ShortcutRegion> regions) {
        List<Step> steps = new ArrayList<>();
        for (ShortcutRegion r : regions) {
            double[] b = r.relativeBox(h, w);
            steps.add(new Step(r.findingIds(), r.className(), r.classIndex(), r.region().describe(), b[0], b[1], b[2], b[3], params.fill().label(),
                    params.fraction()));
        }
        return new CorrectionRecipe(modelId, List.copyOf(classNames), h, w, params, List.copyOf(steps));
    }

    /** The recipe as {@code recipe.json} holds it. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model_id", modelId);
        m.put("class_names", classNames);
        m.put("input_size", List.of(inputHeight, inputWidth));
        m.put("rule", "in every epoch, each training image has each step's box replaced with probability 'fraction': mean = the image's "
                + "per-channel mean; noise = uniform noise over the image's range per channel; paste = the same box of a random training image "
                + "from the other side (an image of the step's class takes it from an image of another class, any other image from an image "
                + "of the step's class). Boxes are shares of the image's height and width, end exclusive.");
        m.put("settings", params.toMap());
        m.put("steps", steps.stream().map(Step::toMap).toList());
        return m;
    }
}
