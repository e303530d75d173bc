package io.shortcutlens.correct;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * What a training pipeline outside ShortcutLens needs to train a confirmed shortcut away (an ONNX model trained in
 * PyTorch): per shortcut region, the class, the box as shares of the image's height and width, the fill and the
 * fraction. The rule is the one the correct job applies to DL4J networks ({@link RegionNeutraliser}): in every epoch,
 * each training image has each step's box replaced with probability {@code fraction}: by the image's per-channel mean
 * ({@code mean}), by uniform noise over the image's range ({@code noise}), or by the same box of a random training
 * image from the other side ({@code paste}: an image of the step's class takes it from an image of another class, an
 * image of another class from an image of the step's class).
 */
@JsonPropertyOrder({"model_id", "class_names", "input_size", "rule", "settings", "steps"})
public record CorrectionRecipe(@JsonProperty("model_id") String modelId, @JsonProperty("class_names") List<String> classNames,
                               @JsonIgnore int inputHeight, @JsonIgnore int inputWidth, @JsonProperty("settings") CorrectionParams params, List<Step> steps) {

    /** How a pipeline applies the steps: the file states it beside them. */
    public static final String RULE = "in every epoch, each training image has each step's box replaced with probability 'fraction': mean = the image's "
            + "per-channel mean; noise = uniform noise over the image's range per channel; paste = the same box of a random training image "
            + "from the other side (an image of the step's class takes it from an image of another class, any other image from an image "
            + "of the step's class). Boxes are shares of the image's height and width, end exclusive.";

    /** One shortcut region to neutralise; its box in shares of the image's size (end exclusive). */
    @JsonPropertyOrder({"finding_ids", "class", "class_index", "region", "box", "fill", "fraction"})
    public record Step(@JsonProperty("finding_ids") List<Integer> findingIds, @JsonProperty("class") String className,
                       @JsonProperty("class_index") int classIndex, String region, Box box, String fill, double fraction) { }

    /** A box as shares of the image's height ({@code top, bottom}) and width ({@code left, right}), end exclusive. */
    @JsonPropertyOrder({"top", "left", "bottom", "right"})
    public record Box(double top, double left, double bottom, double right) { }

    /** The input's height and width, as the file states them. */
    @JsonProperty("input_size")
    public List<Integer> inputSize() {
        return List.of(inputHeight, inputWidth);
    }

    /** {@link #RULE}, as the file states it. */
    @JsonProperty("rule")
    public String rule() {
        return RULE;
    }

    public static CorrectionRecipe of(String modelId, List<String> classNames, int h, int w, CorrectionParams params, List<ShortcutRegion> regions) {
        List<Step> steps = new ArrayList<>();
        for (ShortcutRegion r : regions) {
            double[] b = r.relativeBox(h, w);
            steps.add(new Step(r.findingIds(), r.className(), r.classIndex(), r.region().describe(), new Box(b[0], b[1], b[2], b[3]),
                    params.fill().label(), params.fraction()));
        }
        return new CorrectionRecipe(modelId, List.copyOf(classNames), h, w, params, List.copyOf(steps));
    }

}
