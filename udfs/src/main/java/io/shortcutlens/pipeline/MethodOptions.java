package io.shortcutlens.pipeline;

import io.shortcutlens.explain.ActivationParams;
import io.shortcutlens.explain.GradCamParams;
import io.shortcutlens.explain.GradientParams;
import io.shortcutlens.explain.KernelShapParams;
import io.shortcutlens.explain.LimeParams;
import io.shortcutlens.explain.OcclusionParams;
import io.shortcutlens.explain.SuperpixelSegmenter;
import io.shortcutlens.image.DecodeLimits;
import io.shortcutlens.image.Normalisation;
import io.shortcutlens.model.LoadedModel;
import io.shortcutlens.model.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Every method's options as a user gives them (the explain job's command line, the Spark ML stage's params), turned
 * into {@link ExplainSettings} in one place so that both explain the same way.
 *
 * @param occlusionMask   occlusion window side, 0 = auto (20% of the shorter side)
 * @param occlusionStride occlusion stride, 0 = auto (10% of the shorter side)
 * @param occlusionValue  value written into the window, null = the image's per-channel mean
 * @param segmentation    LIME and KernelSHAP features: {@code slic} or {@code grid}
 * @param replacement     value of switched-off features, null = the per-channel image mean
 * @param gradCamLayer    Grad-CAM layer, null = auto
 * @param activationsLayer activations layer, null = auto
 */
public record MethodOptions(int occlusionMask, int occlusionStride, Float occlusionValue, String segmentation, int limeFeatures,
                            int limeSamples, double limeKernelWidth, Float replacement, double limeRidge, int shapSamples, String gradCamLayer,
                            String activationsLayer, int igSteps, float igBaseline, int smoothGradSamples, double smoothGradNoise,
                            int batchSize) {

    /**
     * The settings for {@code methods} on this model: each method's parameters from these options, the rest as given.
     * An unknown method fails naming the known ones.
     */
    public ExplainSettings settings(List<String> methods, LoadedModel loaded, ModelSpec spec, Normalisation normalisation, DecodeLimits limits,
                                    TargetSelection target, int topK, long seed, String runId, int gridSize) {
        OcclusionParams occ = null;
        LimeParams lime = null;
        KernelShapParams kernelShap = null;
        GradCamParams gradCam = null;
        ActivationParams activations = null;
        List<GradientParams> gradients = new ArrayList<>();
        SuperpixelSegmenter.Kind segments = SuperpixelSegmenter.Kind.valueOf(segmentation.trim().toUpperCase(Locale.ROOT));
        for (String m : methods) {
            String method = m.trim().toLowerCase(Locale.ROOT);
            switch (method) {
                case "occlusion" -> occ = new OcclusionParams(occlusionMask, occlusionStride, occlusionValue, batchSize).resolve(loaded.inputShape());
                case "lime" -> lime = new LimeParams(segments, limeFeatures, limeSamples, limeKernelWidth, replacement, limeRidge, batchSize);
                case "kernelshap" -> kernelShap = new KernelShapParams(segments, limeFeatures, shapSamples, replacement, batchSize);
                case "gradcam" -> gradCam = new GradCamParams(gradCamLayer);
                case "activations" -> activations = new ActivationParams(activationsLayer);
                case "saliency", "input-x-gradient", "integrated-gradients", "smoothgrad" -> gradients.add(new GradientParams(method, igSteps,
                        igBaseline, smoothGradSamples, smoothGradNoise, batchSize));
                default -> throw new IllegalArgumentException("unknown method '" + m + "' (expected one of " + ExplainSettings.METHODS + ")");
            }
        }
        return new ExplainSettings(spec, normalisation, limits, target, occ, lime, kernelShap, gradients, gradCam, activations, topK, seed, runId,
                gridSize);
    }

    /** The default hidden value as the options write it ({@link io.shortcutlens.explain.OcclusionParams#DEFAULT_MASK_VALUE}). */
    public static final String DEFAULT_HIDDEN = Float.toString(io.shortcutlens.explain.OcclusionParams.DEFAULT_MASK_VALUE);

    /**
     * A number given as text, or null for {@code keyword} ({@code auto}, {@code mean}: the value the method derives per
     * image); anything else fails naming the option.
     */
    public static Float numberOr(String value, String keyword, String option) {
        if (keyword.equalsIgnoreCase(value.trim())) {
            return null;
        }
        try {
            return Float.valueOf(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a number or '" + keyword + "', found '" + value + "'");
        }
    }

    /** {@code auto} (any case) as null, else the trimmed text: how layers are named by users. */
    public static String layerOrAuto(String v) {
        return v == null || "auto".equalsIgnoreCase(v.trim()) ? null : v.trim();
    }
}
