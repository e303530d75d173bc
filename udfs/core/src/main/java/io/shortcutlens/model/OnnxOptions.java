package io.shortcutlens.model;

import java.io.Serializable;
import java.util.Locale;

/**
 * How ShortcutLens runs an ONNX model.
 *
 * @param layout  read from the model's input shape ({@code auto}), or given
 * @param softmax whether to turn the model's outputs into probabilities (for models that export logits)
 * @param threads ONNX Runtime intra-op threads; 0 = the task's cores ({@code spark.task.cpus}), or all cores outside a task
 */
public record OnnxOptions(InputLayout layout, boolean softmax, int threads) implements Serializable {

    /** The layout of an ONNX model's image input: read from the model's input shape ({@code auto}), or given. */
    public enum InputLayout {
        AUTO, NCHW, NHWC;

        /** The name on the command line, in the manifest and in the Spark ML param: {@code auto}, {@code nchw}, {@code nhwc}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The layout a name stands for (any case; null: {@code auto}); otherwise an error naming the three. */
        public static InputLayout parse(String text) {
            if (text == null) {
                return AUTO;
            }
            for (InputLayout l : values()) {
                if (l.label().equalsIgnoreCase(text.trim())) {
                    return l;
                }
            }
            throw new IllegalArgumentException("input layout must be auto, nchw or nhwc, found '" + text + "'");
        }
    }

    public OnnxOptions {
        layout = layout == null ? InputLayout.AUTO : layout;
        if (threads < 0) {
            throw new IllegalArgumentException("ONNX Runtime threads must be 0 (the task's cores) or more, found " + threads);
        }
    }

    public static OnnxOptions defaults() {
        return new OnnxOptions(InputLayout.AUTO, false, 0);
    }

    /** Options from the layout's name ({@link InputLayout#parse}). */
    public static OnnxOptions of(String layout, boolean softmax, int threads) {
        return new OnnxOptions(InputLayout.parse(layout), softmax, threads);
    }

    public OnnxOptions withThreads(int n) {
        return new OnnxOptions(layout, softmax, n);
    }
}
