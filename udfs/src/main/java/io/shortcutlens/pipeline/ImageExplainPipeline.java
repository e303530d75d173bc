package io.shortcutlens.pipeline;

import io.shortcutlens.explain.Explainer;
import io.shortcutlens.explain.Explanation;
import io.shortcutlens.explain.Seeds;
import io.shortcutlens.image.ImageDecodeException;
import io.shortcutlens.image.ImageDecoder;
import io.shortcutlens.image.ImageTensor;
import io.shortcutlens.image.Normalisation;
import io.shortcutlens.maps.MapStatistics;
import io.shortcutlens.model.LoadedModel;
import io.shortcutlens.model.ModelLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The per-image work of the explain job, free of Spark: decode → predict → every requested method → statistics.
 * Any failure of one image becomes error rows for that image (one per method), never an exception out of here.
 */
public final class ImageExplainPipeline {

    private final ExplainSettings settings;
    private final LoadedModel model;
    private final ImageDecoder decoder;
    private final Normalisation normalisation;
    private final List<Explainer> explainers;
    private final String preprocessing;

    public ImageExplainPipeline(ExplainSettings settings, LoadedModel model) {
        this.settings = settings;
        this.model = model;
        this.decoder = new ImageDecoder(settings.limits());
        this.normalisation = effectiveNormalisation(settings, model);
        this.normalisation.checkChannels(model.inputShape().channels());
        this.explainers = settings.explainers();
        this.preprocessing = "resize=" + model.inputShape().height() + "x" + model.inputShape().width() + ",channels="
                + model.inputShape().channels() + "," + normalisation;
    }

    /** The user's normalisation, else the one the model was trained with, else 0..1 scaling. */
    public static Normalisation effectiveNormalisation(ExplainSettings settings, LoadedModel model) {
        if (settings.normalisation() != null) {
            return settings.normalisation();
        }
        return model.trainedNormalisation() != null ? model.trainedNormalisation() : Normalisation.unitScale();
    }

    public String preprocessing() {
        return preprocessing;
    }

    /**
     * Explains one image.
     *
     * @param imageId the id to write, or null to use the content hash of {@code bytes}
     */
    public List<ExplanationRecord> explain(String imageId, String path, String label, byte[] bytes) {
        long t0 = System.nanoTime();
        String id = imageId != null ? imageId : imageId(path, bytes);
        if (bytes == null) {
            return failures(id, path, label, t0, "no image bytes (null value in the image column)");
        }
        ImageTensor image;
        float[] scores;
        try {
            image = decoder.decode(bytes, model.inputShape(), normalisation);
            scores = model.classifier().scores(image.input(), 1);
        } catch (ImageDecodeException e) {
            return failures(id, path, label, t0, e.getMessage());
        } catch (RuntimeException e) {
            return failures(id, path, label, t0, "prediction failed: " + e);
        }
        double sharedMs = (System.nanoTime() - t0) / 1e6;
        int predicted = argmax(scores);
        int[] top = topK(scores, Math.min(settings.topK(), scores.length));
        String[] topNames = Arrays.stream(top).mapToObj(model::className).toArray(String[]::new);
        float[] topScores = new float[top.length];
        for (int i = 0; i < top.length; i++) {
            topScores[i] = scores[top[i]];
        }
        int[] targets = settings.target().resolve(model, predicted);
        long seed = Seeds.forImage(id, settings.seed());
        List<ExplanationRecord> out = new ArrayList<>();
        for (Explainer explainer : explainers) {
            long t1 = System.nanoTime();
            try {
                List<Explanation> explanations = explainer.explain(image, scores, targets, model.classifier(), seed);
                double ms = sharedMs / explainers.size() + (System.nanoTime() - t1) / 1e6;
                for (Explanation e : explanations) {
                    float[] pixels = e.map().toPixels();
                    MapStatistics stats = MapStatistics.of(pixels, e.map().height(), e.map().width(), settings.gridSize());
                    out.add(new ExplanationRecord(id, path, label, predicted, model.className(predicted), scores[predicted], top,
                            topNames, topScores, explainer.method(), explainer.paramsJson(), e.target(),
                            model.className(e.target()), e.targetScore(), e.map(), e.intercept(), e.r2(), stats, preprocessing,
                            model.modelId(), settings.runId(), ms / explanations.size(), e.forwardPasses(), null));
                }
            } catch (RuntimeException e) {
                out.add(ExplanationRecord.failure(id, path, label, explainer.method(), explainer.paramsJson(), preprocessing,
                        model.modelId(), settings.runId(), (System.nanoTime() - t1) / 1e6, explainer.method() + " failed: " + e));
            }
        }
        return out;
    }

    /** Error rows (one per method) for an image that could not even be read. */
    public List<ExplanationRecord> failed(String imageId, String path, String label, String error) {
        return failures(imageId != null ? imageId : unreadId(path), path, label, System.nanoTime(), error);
    }

    /** The id of an image without a given one: the SHA-256 of its bytes (a rerun's key), or its path when it has none. */
    public static String imageId(String path, byte[] bytes) {
        return bytes == null ? "missing:" + path : ModelLoader.sha256(bytes);
    }

    /** The id of an image whose file could not be read. */
    public static String unreadId(String path) {
        return "unread:" + path;
    }

    private List<ExplanationRecord> failures(String id, String path, String label, long t0, String error) {
        double ms = (System.nanoTime() - t0) / 1e6;
        List<ExplanationRecord> out = new ArrayList<>();
        for (Explainer e : explainers) {
            out.add(ExplanationRecord.failure(id, path, label, e.method(), e.paramsJson(), preprocessing, model.modelId(),
                    settings.runId(), ms / explainers.size(), error));
        }
        return out;
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    static int[] topK(float[] v, int k) {
        return IntStream.range(0, v.length).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> -v[i]).thenComparingInt(i -> i))
                .limit(k).mapToInt(Integer::intValue).toArray();
    }
}
