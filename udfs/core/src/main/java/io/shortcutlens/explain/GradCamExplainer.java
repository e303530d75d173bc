package io.shortcutlens.explain;

import io.shortcutlens.image.InputShape;
import io.shortcutlens.model.Differentiable;
import io.shortcutlens.model.ImageClassifier;
import java.util.ArrayList;
import java.util.List;

/**
 * Grad-CAM (Selvaraju et al. 2017): for the target class's logit {@code y}, the feature maps {@code A_k} of a layer
 * (by default the last convolution whose output is still larger than 1×1, as MATLAB's {@code gradCAM} picks its last
 * ReLU) are weighted by {@code α_k = mean over positions of ∂y/∂A_k}, summed, passed through ReLU, less its minimum
 * (see {@link #floorAtMinimum}) and upsampled bilinearly to the input size. One forward and one backward pass per
 * batch of (image, target) pairs: the images of a partition go through the network together.
 */
public final class GradCamExplainer extends ImageBatchedExplainer {

    public static final MethodOption LAYER = new MethodOption("gradcam-layer", "gradCamLayer", MethodOption.Kind.TEXT, "NAME|auto", "auto",
            "Feature layer (name or index; an ONNX node or tensor name); auto = the last convolution whose output is still larger than 1x1"
            + " (MATLAB's gradCAM: the last such ReLU).");

    /** Grad-CAM (Selvaraju et al. 2017): a layer's feature maps weighted by their pooled gradients, positive part, upsampled. */
    public static final ExplainMethod<GradCamParams> METHOD = ExplainMethod.of("gradcam", ExplainMethod.Needs.GRADIENTS, GradCamParams.class,
            List.of(LAYER),
            (v, input) -> new GradCamParams(v.layerOrAuto(LAYER)),
            p -> new GradCamExplainer(p));

    private final GradCamParams params;

    public GradCamExplainer(GradCamParams params) {
        this.params = params;
    }

    @Override
    public String method() {
        return "gradcam";
    }

    @Override
    public String paramsJson() {
        return params.toJson();
    }

    @Override
    protected void check(ImageClassifier model) {
        GradientMaps.differentiable(model, method());
    }

    /** One forward and one backward pass for the batch: the feature maps and their gradients, a CAM per pair. */
    @Override
    protected List<float[]> maps(ImageClassifier model, float[] batch, int n, int[] targets, InputShape shape) {
        Differentiable d = GradientMaps.differentiable(model, method());
        Differentiable.FeatureGradients fg = d.featureGradients(batch, n, targets, params.layer());
        List<float[]> up = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            up.add(io.shortcutlens.maps.Resize.bilinear(floorAtMinimum(cam(fg, j)), fg.height(), fg.width(), shape.height(), shape.width()));
        }
        return up;
    }

    /** ReLU(Σ_k α_k A_k) for image {@code i} of the batch, at the feature maps' resolution. */
    public static float[] cam(Differentiable.FeatureGradients fg, int i) {
        int hw = fg.height() * fg.width();
        int base = i * fg.channels() * hw;
        float[] cam = new float[hw];
        for (int k = 0; k < fg.channels(); k++) {
            double alpha = 0;
            for (int p = 0; p < hw; p++) {
                alpha += fg.gradients()[base + k * hw + p];
            }
            alpha /= hw;
            for (int p = 0; p < hw; p++) {
                cam[p] += (float) (alpha * fg.activations()[base + k * hw + p]);
            }
        }
        for (int p = 0; p < hw; p++) {
            cam[p] = Math.max(0f, cam[p]);
        }
        return cam;
    }

    /**
     * The map less its smallest value: an offset shared by every position says nothing about where the evidence is,
     * yet would spread the map's mass over the whole image (viewers min-max scale Grad-CAM for the same reason).
     */
    static float[] floorAtMinimum(float[] cam) {
        float min = Float.POSITIVE_INFINITY;
        for (float v : cam) {
            min = Math.min(min, v);
        }
        float[] out = new float[cam.length];
        for (int p = 0; p < cam.length; p++) {
            out[p] = cam[p] - min;
        }
        return out;
    }
}
