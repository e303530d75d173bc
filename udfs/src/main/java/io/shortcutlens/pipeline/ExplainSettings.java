package io.shortcutlens.pipeline;

import io.shortcutlens.explain.Explainer;
import io.shortcutlens.explain.ActivationExplainer;
import io.shortcutlens.explain.ActivationParams;
import io.shortcutlens.explain.GradCamExplainer;
import io.shortcutlens.explain.KernelShapExplainer;
import io.shortcutlens.explain.KernelShapParams;
import io.shortcutlens.explain.GradCamParams;
import io.shortcutlens.explain.GradientExplainer;
import io.shortcutlens.explain.GradientParams;
import io.shortcutlens.explain.LimeExplainer;
import io.shortcutlens.explain.LimeParams;
import io.shortcutlens.explain.OcclusionExplainer;
import io.shortcutlens.explain.OcclusionParams;
import io.shortcutlens.image.DecodeLimits;
import io.shortcutlens.image.Normalisation;
import io.shortcutlens.maps.MapStatistics;
import io.shortcutlens.model.ModelSpec;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything a task needs to explain images, shipped once per task: the model to load, preprocessing, the methods with
 * their parameters, and the run's identity. Immutable; the {@code with…} methods return copies.
 *
 * @param model         where the model file is and what the driver saw
 * @param normalisation pixel normalisation, or null to use the one recorded in the model (else 0..1 scaling)
 * @param occlusion     occlusion parameters, or null when the method is not requested
 * @param lime          LIME parameters, or null when the method is not requested
 * @param kernelShap    KernelSHAP parameters, or null when the method is not requested
 * @param gradients     gradient methods requested (saliency, input × gradient, integrated gradients, SmoothGrad), maybe none
 * @param gradCam       Grad-CAM parameters, or null when the method is not requested
 * @param activations   the activations method's parameters (strongest channel of a layer), or null
 * @param topK          how many top classes each row lists
 * @param seed          run seed; each image's random stream is derived from it and the image id
 * @param gridSize      side of the attribution-mass grid in the statistics
 */
public record ExplainSettings(ModelSpec model, Normalisation normalisation, DecodeLimits limits, TargetSelection target,
                              OcclusionParams occlusion, LimeParams lime, KernelShapParams kernelShap, List<GradientParams> gradients,
                              GradCamParams gradCam, ActivationParams activations, int topK, long seed, String runId, int gridSize)
        implements Serializable {

    public ExplainSettings {
        gradients = gradients == null ? List.of() : List.copyOf(gradients);
        if (occlusion == null && lime == null && kernelShap == null && gradients.isEmpty() && gradCam == null && activations == null) {
            throw new IllegalArgumentException("no explanation method requested (expected one or more of " + METHODS + ")");
        }
        if (topK < 1) {
            throw new IllegalArgumentException("top-k must be at least 1, found " + topK);
        }
        if (gridSize < 1) {
            throw new IllegalArgumentException("grid size must be at least 1, found " + gridSize);
        }
    }

    /** Every method the explain job knows, in the order its rows are written. */
    public static final List<String> METHODS = List.of("occlusion", "lime", "kernelshap", "gradcam", "saliency", "input-x-gradient", "integrated-gradients",
            "smoothgrad", "activations");

    /** The methods that need only class scores (any model, ONNX included); activations need the model's layers (DL4J or ONNX); the others its gradients (DL4J). */
    public static final List<String> PERTURBATION_METHODS = List.of("occlusion", "lime", "kernelshap");

    public static ExplainSettings defaults(ModelSpec model) {
        return new ExplainSettings(model, null, DecodeLimits.defaults(), TargetSelection.predicted(), OcclusionParams.defaults(),
                LimeParams.defaults(), null, List.of(), null, null, 3, 0L, "adhoc", MapStatistics.DEFAULT_GRID);
    }

    /**
     * Checks these settings against the model before any task starts: the target must be one of its classes, the
     * activations method needs a model whose layers can be read (and the layer must be there), and the gradient methods
     * need a network that gives gradients (a DL4J MultiLayerNetwork; not an ONNX model).
     */
    public void check(io.shortcutlens.model.LoadedModel loaded) {
        target.check(loaded);
        if (activations != null) {
            if (!(loaded.classifier() instanceof io.shortcutlens.model.LayerOutputs layers)) {
                throw new IllegalArgumentException("method activations reads a layer of the network, which the " + loaded.classifier() + " does not give");
            }
            try {
                layers.activations(new float[loaded.inputShape().size()], 1, activations.layer());
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                throw new IllegalArgumentException("model " + loaded.path() + ", activations: " + e.getMessage(), e);
            }
        }
        if (gradCam == null && gradients.isEmpty()) {
            return;
        }
        if (!(loaded.classifier() instanceof io.shortcutlens.model.Differentiable d)) {
            List<String> asked = methods().stream().filter(m -> !PERTURBATION_METHODS.contains(m) && !m.equals("activations")).toList();
            throw new IllegalArgumentException("methods " + asked + " need gradients, which the " + loaded.classifier() + " does not give:"
                    + " explain it with the perturbation methods occlusion, lime or kernelshap, which need only its class scores");
        }
        try {
            d.logits(new float[loaded.inputShape().size()], 1);
        } catch (UnsupportedOperationException e) {
            throw new IllegalArgumentException("model " + loaded.path() + ": " + e.getMessage(), e);
        }
    }

    /** Whether a requested method needs the model's gradients (or its layers: {@code activations}). */
    public boolean needsGradients() {
        return gradCam != null || !gradients.isEmpty() || activations != null;
    }

    public List<Explainer> explainers() {
        List<Explainer> list = new ArrayList<>();
        if (occlusion != null) {
            list.add(new OcclusionExplainer(occlusion));
        }
        if (lime != null) {
            list.add(new LimeExplainer(lime));
        }
        if (kernelShap != null) {
            list.add(new KernelShapExplainer(kernelShap));
        }
        if (gradCam != null) {
            list.add(new GradCamExplainer(gradCam));
        }
        for (GradientParams g : gradients) {
            list.add(new GradientExplainer(g));
        }
        if (activations != null) {
            list.add(new ActivationExplainer(activations));
        }
        return list;
    }

    public List<String> methods() {
        return explainers().stream().map(Explainer::method).toList();
    }

    /** A copy with only these perturbation methods (no gradient method). */
    public ExplainSettings withMethods(OcclusionParams o, LimeParams l) {
        return withMethods(o, l, null);
    }

    /** A copy with only these perturbation methods (no gradient method); null ones are not run. */
    public ExplainSettings withMethods(OcclusionParams o, LimeParams l, KernelShapParams k) {
        return new ExplainSettings(model, normalisation, limits, target, o, l, k, List.of(), null, null, topK, seed, runId, gridSize);
    }

    /** The same settings for another model spec (the driver's checked one, carrying the content hash). */
    public ExplainSettings withModel(ModelSpec spec) {
        return new ExplainSettings(spec, normalisation, limits, target, occlusion, lime, kernelShap, gradients, gradCam, activations, topK, seed,
                runId, gridSize);
    }

    public ExplainSettings withRunId(String id) {
        return new ExplainSettings(model, normalisation, limits, target, occlusion, lime, kernelShap, gradients, gradCam, activations, topK, seed, id,
                gridSize);
    }
}
