package io.shortcutlens.pipeline;

import io.shortcutlens.explain.ExplainMethod;
import io.shortcutlens.explain.Explainer;
import io.shortcutlens.explain.LimeExplainer;
import io.shortcutlens.explain.MethodParams;
import io.shortcutlens.explain.MethodRun;
import io.shortcutlens.explain.Methods;
import io.shortcutlens.explain.OcclusionExplainer;
import io.shortcutlens.explain.OcclusionParams;
import io.shortcutlens.image.DecodeLimits;
import io.shortcutlens.image.Normalisation;
import io.shortcutlens.maps.MapStatistics;
import io.shortcutlens.model.Differentiable;
import io.shortcutlens.model.LayerOutputs;
import io.shortcutlens.model.LoadedModel;
import io.shortcutlens.model.ModelSpec;
import java.io.Serializable;
import java.util.List;

/**
 * Everything a task needs to explain images, shipped once per task: the model to load, preprocessing, the methods with
 * their parameters, and the run's identity. Immutable; the {@code with…} methods return copies.
 *
 * @param model         where the model file is and what the driver saw
 * @param normalisation pixel normalisation, or null to use the one recorded in the model (else 0..1 scaling)
 * @param runs          the methods with their resolved parameters, in the order rows are written (at least one)
 * @param topK          how many top classes each row lists
 * @param seed          run seed; each image's random stream is derived from it and the image id
 * @param gridSize      side of the attribution-mass grid in the statistics
 */
public record ExplainSettings(ModelSpec model, Normalisation normalisation, DecodeLimits limits, TargetSelection target, List<MethodRun> runs,
                              int topK, long seed, String runId, int gridSize) implements Serializable {

    /** The explain job's defaults beside the methods' (which their options state). */
    public static final String DEFAULT_TARGET = "predicted";
    public static final int DEFAULT_TOP_K = 3;
    public static final long DEFAULT_SEED = 0L;

    public ExplainSettings {
        runs = runs == null ? List.of() : List.copyOf(runs);
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no explanation method requested (expected one or more of " + Methods.names() + ")");
        }
        if (runs.stream().map(MethodRun::method).distinct().count() != runs.size()) {
            throw new IllegalArgumentException("a method is listed twice: " + runs.stream().map(MethodRun::method).toList());
        }
        if (topK < 1) {
            throw new IllegalArgumentException("top-k must be at least 1, found " + topK);
        }
        if (gridSize < 1) {
            throw new IllegalArgumentException("grid size must be at least 1, found " + gridSize);
        }
    }

    /** Occlusion and LIME at their defaults (occlusion's window still "auto": it is resolved per input by the explain job). */
    public static ExplainSettings defaults(ModelSpec model) {
        return new ExplainSettings(model, null, DecodeLimits.defaults(), TargetSelection.parse(DEFAULT_TARGET),
                List.of(MethodRun.of(OcclusionExplainer.METHOD, OcclusionParams.defaults()), MethodRun.of(LimeExplainer.METHOD,
                        LimeExplainer.METHOD.defaults(null))), DEFAULT_TOP_K, DEFAULT_SEED, "adhoc", MapStatistics.DEFAULT_GRID);
    }

    /**
     * Checks these settings against the model before any task starts: the target must be one of its classes, methods
     * that read layers need a model whose layers can be read, methods that need gradients a model that gives them (a
     * DL4J network, an ONNX graph of operators with gradients), and each method's own checks (a layer it names).
     */
    public void check(LoadedModel loaded) {
        target.check(loaded);
        List<String> layers = methodsNeeding(ExplainMethod.Needs.LAYERS);
        if (!layers.isEmpty() && !(loaded.classifier() instanceof LayerOutputs)) {
            throw new IllegalArgumentException("methods " + layers + " read layers of the network, which the " + loaded.classifier() + " does not give");
        }
        List<String> gradients = methodsNeeding(ExplainMethod.Needs.GRADIENTS);
        if (!gradients.isEmpty()) {
            if (!(loaded.classifier() instanceof Differentiable d)) {
                throw new IllegalArgumentException("methods " + gradients + " need gradients, which the " + loaded.classifier() + " does not give:"
                        + " explain it with the perturbation methods " + Methods.perturbationList() + ", which need only its class scores");
            }
            // each method's own gradient on one blank image: Grad-CAM differentiates only the layers after its map, the
            // others the whole graph, so a model can give one and not the other
            float[] blank = new float[loaded.inputShape().size()];
            for (MethodRun r : runs) {
                if (r.descriptor().needs() != ExplainMethod.Needs.GRADIENTS) {
                    continue;
                }
                try {
                    if (r.params() instanceof io.shortcutlens.explain.GradCamParams g) {
                        d.featureGradients(blank, 1, new int[] {0}, g.layer());
                    } else {
                        d.inputGradients(blank, 1, new int[] {0});
                    }
                } catch (UnsupportedOperationException e) {
                    throw new IllegalArgumentException("model " + loaded.path() + ": " + e.getMessage() + Methods.gradientAdvice(), e);
                }
            }
        }
        for (MethodRun r : runs) {
            r.check(loaded);
        }
    }

    private List<String> methodsNeeding(ExplainMethod.Needs needs) {
        return runs.stream().filter(r -> r.descriptor().needs() == needs).map(MethodRun::method).toList();
    }

    /** The parameters of a method of this run, or null when it is not run. */
    public <P extends MethodParams> P params(ExplainMethod<P> method) {
        return runs.stream().filter(r -> r.method().equals(method.name())).findFirst().map(r -> method.paramsType().cast(r.params())).orElse(null);
    }

    public List<Explainer> explainers() {
        return runs.stream().map(MethodRun::explainer).toList();
    }

    public List<String> methods() {
        return runs.stream().map(MethodRun::method).toList();
    }

    /** A copy running only these methods. */
    public ExplainSettings withRuns(List<MethodRun> only) {
        return new ExplainSettings(model, normalisation, limits, target, only, topK, seed, runId, gridSize);
    }

    /** A copy running only this method. */
    public <P extends MethodParams> ExplainSettings withOnly(ExplainMethod<P> method, P params) {
        return withRuns(List.of(MethodRun.of(method, params)));
    }

    /** The same settings for another model spec (the driver's checked one, carrying the content hash). */
    public ExplainSettings withModel(ModelSpec spec) {
        return new ExplainSettings(spec, normalisation, limits, target, runs, topK, seed, runId, gridSize);
    }

    public ExplainSettings withRunId(String id) {
        return new ExplainSettings(model, normalisation, limits, target, runs, topK, seed, id, gridSize);
    }
}
