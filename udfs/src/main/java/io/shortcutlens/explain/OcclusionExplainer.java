package io.shortcutlens.explain;

import io.shortcutlens.image.ImageTensor;
import io.shortcutlens.image.InputShape;
import io.shortcutlens.maps.AttributionMap;
import io.shortcutlens.model.ImageClassifier;
import java.util.ArrayList;
import java.util.List;

/**
 * Occlusion sensitivity (Zeiler &amp; Fergus 2014, "Visualizing and Understanding Convolutional Networks"), as Captum
 * defines it: a square window of side {@code m} slides with stride {@code s} over the image (origins
 * {@code 0, s, 2s, …}, the last window possibly clipped at the border), all channels inside it set to the mask value;
 * for each window {@code w}, {@code Δ_w = f_c(x) − f_c(x with w occluded)}; a pixel's attribution is the mean of
 * {@code Δ_w} over the windows covering it.
 *
 * <p>The stored map is the window grid {@code Δ}; {@link AttributionMap#toPixels()} computes the per-pixel means.
 * All windows are scored in batches of {@code batchSize}; every target class is read from the same forward passes.
 *
 * <pre>{@code
 * Explainer occ = new OcclusionExplainer(new OcclusionParams(8, 4, null, 64));
 * float[] base = model.scores(image.input(), 1);
 * AttributionMap map = occ.explain(image, base, new int[] {label}, model, 0L).get(0).map();
 * }</pre>
 */
public final class OcclusionExplainer implements Explainer {

    public static final MethodOption MASK_SIZE = new MethodOption("occlusion-mask-size", "occlusionMaskSize", MethodOption.Kind.TEXT, "N|auto",
            "auto", "Occlusion window side in pixels at model input; auto = 20% of the shorter side.");
    public static final MethodOption STRIDE = new MethodOption("occlusion-stride", "occlusionStride", MethodOption.Kind.TEXT, "N|auto", "auto",
            "Occlusion window stride; auto = 10% of the shorter side.");
    public static final MethodOption MASK_VALUE = new MethodOption("occlusion-mask-value", "occlusionMaskValue", MethodOption.Kind.TEXT, "V|auto",
            Float.toString(OcclusionParams.DEFAULT_MASK_VALUE), "Value written into the window (model-input units: 0 is black for [0, 1] inputs,"
            + " the mean colour for standardised ones); auto = the image's per-channel mean, blind to a mark of that shade.");

    /** Occlusion sensitivity (Zeiler and Fergus 2014): a window slid over the image, the score's drop per position. */
    public static final ExplainMethod<OcclusionParams> METHOD = ExplainMethod.of("occlusion", ExplainMethod.Needs.SCORES,
            OcclusionParams.class,
            List.of(MASK_SIZE, STRIDE, MASK_VALUE, MethodOption.BATCH_SIZE),
            (v, input) -> new OcclusionParams(v.positiveOrAuto(MASK_SIZE), v.positiveOrAuto(STRIDE), v.numberOr(MASK_VALUE, "auto"),
                    v.integer(MethodOption.BATCH_SIZE)).resolve(input),
            p -> new OcclusionExplainer(p));

    private final OcclusionParams params;

    public OcclusionExplainer(OcclusionParams params) {
        this.params = params;
    }

    @Override
    public String method() {
        return "occlusion";
    }

    @Override
    public String paramsJson() {
        return params.toJson();
    }

    @Override
    public List<Explanation> explain(ImageTensor image, float[] baseScores, int[] targets, ImageClassifier model, long seed) {
        InputShape shape = image.shape();
        OcclusionParams p = params.resolve(shape);
        int h = shape.height();
        int w = shape.width();
        int plane = shape.pixels();
        int[] rows = AttributionMap.origins(h, p.maskSize(), p.stride());
        int[] cols = AttributionMap.origins(w, p.maskSize(), p.stride());
        int windows = rows.length * cols.length;
        float[] fillValues = image.fillValues(p.maskValue());
        float[] input = image.input();
        float[] scores = PerturbationBatcher.scores(model, windows, p.batchSize(), (index, dest, offset) -> {
            System.arraycopy(input, 0, dest, offset, input.length);
            int y0 = rows[index / cols.length];
            int x0 = cols[index % cols.length];
            int y1 = Math.min(h, y0 + p.maskSize());
            int x1 = Math.min(w, x0 + p.maskSize());
            for (int c = 0; c < fillValues.length; c++) {
                int base = offset + c * plane;
                for (int y = y0; y < y1; y++) {
                    java.util.Arrays.fill(dest, base + y * w + x0, base + y * w + x1, fillValues[c]);
                }
            }
        });
        int k = model.numClasses();
        List<Explanation> out = new ArrayList<>(targets.length);
        for (int t : targets) {
            float[] delta = new float[windows];
            for (int i = 0; i < windows; i++) {
                delta[i] = baseScores[t] - scores[i * k + t];
            }
            out.add(new Explanation(t, baseScores[t], AttributionMap.windowGrid(h, w, p.maskSize(), p.stride(), delta), null, null, windows));
        }
        return out;
    }
}
