package io.shortcutlens.pipeline;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * A stratified sample of the input: at most {@code perClass} images per class, the class being the image's label or
 * the model's prediction. Which images are taken depends only on the seed and each image's content id: every image
 * gets a rank from them, and a class keeps its lowest ranks. So the sample is the same whatever the partitioning, the
 * order of the input or the number of executors, and a rerun takes the same images.
 *
 * @param perClass images kept per class (at least 1)
 * @param by       what an image's class is
 * @param seed     the run seed (another seed, another sample)
 */
public record ClassSample(int perClass, By by, long seed) implements Serializable {

    /** What an image's class is: its label (class folders, a label column) or the model's prediction. */
    public enum By { LABEL, PREDICTION }

    /** The class of images without a label, or whose prediction failed: kept as a class of its own. */
    public static final String NONE = "(none)";

    public ClassSample {
        if (perClass < 1) {
            throw new IllegalArgumentException("per-class sample size must be at least 1, found " + perClass);
        }
        if (by == null) {
            throw new IllegalArgumentException("sample by label or by prediction");
        }
    }

    /** The image's rank in its class: a 63-bit number from the seed and the content id, uniform over images. */
    public long rank(String imageId) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] d = sha.digest((seed + "/" + imageId).getBytes(StandardCharsets.UTF_8));
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = v << 8 | (d[i] & 0xff);
            }
            return v >>> 1;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** For the manifest and the run id. */
    public String toJson() {
        return "{\"per_class\":" + perClass + ",\"by\":\"" + by.name().toLowerCase(Locale.ROOT) + "\",\"seed\":" + seed + "}";
    }
}
