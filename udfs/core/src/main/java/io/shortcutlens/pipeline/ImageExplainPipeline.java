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
     * One image as the pipeline takes it.
     *
     * @param imageId   the id to write, or null to use the content hash of {@code bytes}
     * @param readError why the file could not be read (then {@code bytes} is null and the image becomes error rows)
     */
    public record Input(String imageId, String path, String label, byte[] bytes, String readError) {
        public Input(String imageId, String path, String label, byte[] bytes) {
            this(imageId, path, label, bytes, null);
        }
    }

    /**
     * Explains one image.
     *
     * @param imageId the id to write, or null to use the content hash of {@code bytes}
     */
    public List<ExplanationRecord> explain(String imageId, String path, String label, byte[] bytes) {
        return explainAll(List.of(new Input(imageId, path, label, bytes)));
    }

    /**
     * Explains several images: each decoded and predicted, then each method over all of them (methods that
     * {@link Explainer#batchesImages() batch images} send them through the model together: their maps equal the
     * one-image maps to float rounding). The rows come per image, per method, as {@link #explain} gives them; a
     * failure stays with its image.
     */
    /**
     * The predicted class's name of each input (decoded and scored as {@link #explainAll} does), or
     * {@link ClassSample#NONE} where the image cannot be read, decoded or scored.
     */
    public List<String> predictedClasses(List<Input> inputs) {
        int n = inputs.size();
        ImageTensor[] images = new ImageTensor[n];
        List<Integer> decoded = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Input in = inputs.get(i);
            if (in.readError() == null && in.bytes() != null) {
                try {
                    images[i] = decoder.decode(in.bytes(), model.inputShape(), normalisation);
                    decoded.add(i);
                } catch (ImageDecodeException e) {
                    // no class: the sample keeps such images apart
                }
            }
        }
        float[][] scores = predict(images, decoded, new String[n]);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(scores[i] == null ? ClassSample.NONE : model.className(argmax(scores[i])));
        }
        return out;
    }

    public List<ExplanationRecord> explainAll(List<Input> inputs) {
        long t0 = System.nanoTime();
        int n = inputs.size();
        List<List<ExplanationRecord>> rows = new ArrayList<>();
        String[] ids = new String[n];
        ImageTensor[] images = new ImageTensor[n];
        List<Integer> decoded = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Input in = inputs.get(i);
            rows.add(new ArrayList<>());
            if (in.readError() != null) {
                ids[i] = in.imageId() != null ? in.imageId() : unreadId(in.path());
                rows.set(i, failures(ids[i], in.path(), in.label(), t0, in.readError()));
                continue;
            }
            ids[i] = in.imageId() != null ? in.imageId() : imageId(in.path(), in.bytes());
            if (in.bytes() == null) {
                rows.set(i, failures(ids[i], in.path(), in.label(), t0, "no image bytes (null value in the image column)"));
                continue;
            }
            try {
                images[i] = decoder.decode(in.bytes(), model.inputShape(), normalisation);
                decoded.add(i);
            } catch (ImageDecodeException e) {
                rows.set(i, failures(ids[i], in.path(), in.label(), t0, e.getMessage()));
            }
        }
        String[] predictionErrors = new String[n];
        float[][] scores = predict(images, decoded, predictionErrors);
        List<Integer> ok = new ArrayList<>();
        for (int i : decoded) {
            if (scores[i] == null) {
                rows.set(i, failures(ids[i], inputs.get(i).path(), inputs.get(i).label(), t0, "prediction failed: " + predictionErrors[i]));
            } else {
                ok.add(i);
            }
        }
        if (ok.isEmpty()) {
            return flatten(rows);
        }
        double sharedMs = (System.nanoTime() - t0) / 1e6 / ok.size();
        List<ImageTensor> okImages = new ArrayList<>();
        List<float[]> okScores = new ArrayList<>();
        List<int[]> okTargets = new ArrayList<>();
        long[] seeds = new long[ok.size()];
        for (int k = 0; k < ok.size(); k++) {
            int i = ok.get(k);
            okImages.add(images[i]);
            okScores.add(scores[i]);
            okTargets.add(settings.target().resolve(model, argmax(scores[i])));
            seeds[k] = Seeds.forImage(ids[i], settings.seed());
        }
        for (Explainer explainer : explainers) {
            List<List<Explanation>> all = null;
            double ms = 0;
            if (explainer.batchesImages() && ok.size() > 1) {
                long t1 = System.nanoTime();
                try {
                    all = explainer.explainAll(okImages, okScores, okTargets, model.classifier(), seeds);
                    ms = (System.nanoTime() - t1) / 1e6 / ok.size();
                } catch (RuntimeException e) {
                    all = null; // one image's failure: explained one by one below, so that it stays with that image
                }
            }
            for (int k = 0; k < ok.size(); k++) {
                int i = ok.get(k);
                Input in = inputs.get(i);
                long t1 = System.nanoTime();
                try {
                    List<Explanation> explanations = all != null ? all.get(k)
                            : explainer.explain(okImages.get(k), okScores.get(k), okTargets.get(k), model.classifier(), seeds[k]);
                    double imageMs = sharedMs / explainers.size() + (all != null ? ms : (System.nanoTime() - t1) / 1e6);
                    rows.get(i).addAll(records(ids[i], in, scores[i], explainer, explanations, imageMs));
                } catch (RuntimeException e) {
                    rows.get(i).add(ExplanationRecord.failure(new ExplanationRecord.Image(ids[i], in.path(), in.label()), provenance(explainer),
                            (System.nanoTime() - t1) / 1e6, explainer.method() + " failed: " + e));
                }
            }
        }
        return flatten(rows);
    }

    /**
     * Scores of the decoded images, one image per pass: a prediction (and every map computed from it) must not depend
     * on which images share a partition, and a batched pass sums in another order. A failing image's scores stay
     * null, its error noted.
     */
    private float[][] predict(ImageTensor[] images, List<Integer> decoded, String[] errors) {
        float[][] scores = new float[images.length][];
        for (int i : decoded) {
            try {
                scores[i] = model.classifier().scores(images[i].input(), 1);
            } catch (RuntimeException e) {
                errors[i] = e.toString();
            }
        }
        return scores;
    }

    private List<ExplanationRecord> records(String id, Input in, float[] scores, Explainer explainer, List<Explanation> explanations, double ms) {
        int predicted = argmax(scores);
        int[] top = topK(scores, Math.min(settings.topK(), scores.length));
        String[] topNames = Arrays.stream(top).mapToObj(model::className).toArray(String[]::new);
        float[] topScores = new float[top.length];
        for (int i = 0; i < top.length; i++) {
            topScores[i] = scores[top[i]];
        }
        List<ExplanationRecord> out = new ArrayList<>();
        for (Explanation e : explanations) {
            float[] pixels = e.map().toPixels();
            MapStatistics stats = MapStatistics.of(pixels, e.map().height(), e.map().width(), settings.gridSize());
            out.add(new ExplanationRecord(id, in.path(), in.label(), predicted, model.className(predicted), scores[predicted], top, topNames,
                    topScores, explainer.method(), explainer.paramsJson(), e.target(), model.className(e.target()), e.targetScore(), e.map(),
                    e.intercept(), e.r2(), stats, preprocessing, model.modelId(), settings.runId(), ms / explanations.size(), e.forwardPasses(),
                    null));
        }
        return out;
    }

    private static List<ExplanationRecord> flatten(List<List<ExplanationRecord>> rows) {
        List<ExplanationRecord> out = new ArrayList<>();
        rows.forEach(out::addAll);
        return out;
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
            out.add(ExplanationRecord.failure(new ExplanationRecord.Image(id, path, label), provenance(e), ms / explainers.size(), error));
        }
        return out;
    }

    private ExplanationRecord.Provenance provenance(Explainer e) {
        return new ExplanationRecord.Provenance(e.method(), e.paramsJson(), preprocessing, model.modelId(), settings.runId());
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
