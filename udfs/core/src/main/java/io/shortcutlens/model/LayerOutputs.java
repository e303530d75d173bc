package io.shortcutlens.model;

/**
 * A classifier whose layers can be read: what the activations method, the report's activation panels and the
 * embedding job need. DL4J networks give it (with their gradients, {@link Differentiable}); ONNX models give it by
 * reading a tensor of their graph as an extra output.
 */
public interface LayerOutputs {

    /** The layer name {@link #activations} reads as "the input of the output layer". */
    String PENULTIMATE = "penultimate";

    /**
     * A layer's output per image, as MATLAB's {@code activations} gives it.
     *
     * @param layer a layer name or index; {@value #PENULTIMATE}: the layer that feeds the output layer (an embedding);
     *              null: the automatic Grad-CAM layer (the last feature map still larger than 1×1)
     */
    Differentiable.LayerActivations activations(float[] batch, int n, String layer);
}
