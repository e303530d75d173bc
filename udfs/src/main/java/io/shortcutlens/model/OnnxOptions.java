package io.shortcutlens.model;

import java.io.Serializable;
import java.util.Locale;

/**
 * How ShortcutLens runs an ONNX model.
 *
 * @param layout  {@code auto} (read from the model's input shape), {@code nchw} or {@code nhwc}
 * @param softmax whether to turn the model's outputs into probabilities (for models that export logits)
 * @param threads ONNX Runtime intra-op threads; 0 = the task's cores ({@code spark.task.cpus}), or all cores outside a task
 */
public record OnnxOptions(String layout, boolean softmax, int threads) implements Serializable {

    public OnnxOptions {
        layout = layout == null ? "auto" : layout.toLowerCase(Locale.ROOT);
        if (!layout.equals("auto") && !layout.equals("nchw") && !layout.equals("nhwc")) {
            throw new IllegalArgumentException("input layout must be auto, nchw or nhwc, found '" + layout + "'");
        }
        if (threads < 0) {
            throw new IllegalArgumentException("ONNX Runtime threads must be 0 (the task's cores) or more, found " + threads);
        }
    }

    public static OnnxOptions defaults() {
        return new OnnxOptions("auto", false, 0);
    }

    public OnnxOptions withThreads(int n) {
        return new OnnxOptions(layout, softmax, n);
    }
}
