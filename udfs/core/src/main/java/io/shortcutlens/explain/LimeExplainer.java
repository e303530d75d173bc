package io.shortcutlens.explain;

import io.shortcutlens.image.ImageTensor;
import io.shortcutlens.maps.AttributionMap;
import io.shortcutlens.model.ImageClassifier;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * LIME for images (Ribeiro, Singh &amp; Guestrin 2016, "Why Should I Trust You?"). The image is split into {@code K}
 * segments; sample 0 keeps every segment, samples {@code 1 … n−1} keep each segment with probability ½ (bits drawn from
 * a {@link SplittableRandom} seeded by the caller); switched-off segments take the replacement value in every channel.
 * Each sample {@code z} is weighted {@code π(z) = exp(−d(z)²/σ²)} with {@code d} the cosine distance between {@code z}
 * and the all-ones vector, and the target score is fitted by weighted ridge regression
 * {@code f_c(z) ≈ b + z·β} ({@link WeightedRidge}); the map is {@code β}, one weight per segment, with {@code b} and
 * the weighted R² kept.
 *
 * <p>Sample 0's score is the caller's base score, so an explanation costs {@code n − 1} forward passes, in batches.
 */
public final class LimeExplainer extends SegmentExplainer {

    public static final MethodOption SEGMENTATION = new MethodOption("lime-segmentation", "limeSegmentation", MethodOption.Kind.TEXT, "slic|grid",
            "slic", "Features: SLIC superpixels (BoofCV) or a regular grid.");
    public static final MethodOption FEATURES = new MethodOption("lime-features", "limeFeatures", MethodOption.Kind.INT, "N",
            String.valueOf(LimeParams.DEFAULT_FEATURES), "Number of superpixels / grid cells.");
    public static final MethodOption SAMPLES = new MethodOption("lime-samples", "limeSamples", MethodOption.Kind.INT, "N",
            String.valueOf(LimeParams.DEFAULT_SAMPLES), "Perturbed samples per image (the first is the unperturbed image).");
    public static final MethodOption KERNEL_WIDTH = new MethodOption("lime-kernel-width", "limeKernelWidth", MethodOption.Kind.NUMBER, "W",
            String.valueOf(LimeParams.DEFAULT_KERNEL_WIDTH), "Sample weight exp(-d^2/W^2), d = cosine distance to the full image.");
    public static final MethodOption REPLACEMENT = new MethodOption("lime-replacement", "limeReplacement", MethodOption.Kind.TEXT, "mean|V",
            Float.toString(OcclusionParams.DEFAULT_MASK_VALUE), "Value of switched-off features (model-input units, as --occlusion-mask-value);"
            + " mean = the image's per-channel mean.");
    public static final MethodOption RIDGE = new MethodOption("lime-ridge", "limeRidge", MethodOption.Kind.NUMBER, "L",
            String.valueOf(LimeParams.DEFAULT_RIDGE), "Ridge penalty of the weighted linear fit.");

    /** LIME (Ribeiro et al. 2016): superpixels switched on and off at random, a weighted linear model of the score fitted to them. */
    public static final ExplainMethod<LimeParams> METHOD = ExplainMethod.of("lime", ExplainMethod.Needs.SCORES, LimeParams.class,
            List.of(SEGMENTATION, FEATURES, SAMPLES, KERNEL_WIDTH, REPLACEMENT, RIDGE, MethodOption.BATCH_SIZE),
            (v, input) -> new LimeParams(v.choice(SEGMENTATION, SuperpixelSegmenter.Kind.class), v.integer(FEATURES), v.integer(SAMPLES),
                    v.number(KERNEL_WIDTH), v.numberOr(REPLACEMENT, "mean"), v.number(RIDGE), v.integer(MethodOption.BATCH_SIZE)),
            p -> new LimeExplainer(p)).hidingPixelsWith("replacement");

    private final LimeParams params;

    public LimeExplainer(LimeParams params) {
        super(params.segmentation(), params.numFeatures());
        this.params = params;
    }

    @Override
    public String method() {
        return "lime";
    }

    @Override
    public String paramsJson() {
        return params.toJson();
    }

    @Override
    public List<Explanation> explain(ImageTensor image, Segmentation segmentation, float[] baseScores, int[] targets,
                                     ImageClassifier model, long seed) {
        int k = segmentation.count();
        int n = params.numSamples();
        SplittableRandom random = new SplittableRandom(seed);
        boolean[][] on = new boolean[n][k];
        double[][] z = new double[n][k];
        double[] weight = new double[n];
        double sigma2 = params.kernelWidth() * params.kernelWidth();
        for (int i = 0; i < n; i++) {
            int ones = 0;
            for (int j = 0; j < k; j++) {
                on[i][j] = i == 0 || random.nextBoolean();
                if (on[i][j]) {
                    z[i][j] = 1;
                    ones++;
                }
            }
            double distance = ones == 0 ? 1.0 : 1.0 - Math.sqrt((double) ones / k);
            weight[i] = Math.exp(-distance * distance / sigma2);
        }
        float[] scores = SegmentMasking.scores(image, segmentation, on, 1, params.replacement(), model, params.batchSize());
        WeightedRidge ridge = new WeightedRidge(z, weight, params.ridge());
        int classes = model.numClasses();
        int h = image.shape().height();
        int w = image.shape().width();
        List<Explanation> out = new ArrayList<>(targets.length);
        for (int t : targets) {
            double[] y = new double[n];
            y[0] = baseScores[t];
            for (int i = 1; i < n; i++) {
                y[i] = scores[(i - 1) * classes + t];
            }
            WeightedRidge.Fit fit = ridge.fit(y);
            float[] beta = new float[k];
            for (int j = 0; j < k; j++) {
                beta[j] = (float) fit.coefficients()[j];
            }
            AttributionMap map = AttributionMap.superpixels(h, w, segmentation.labels(), beta);
            out.add(new Explanation(t, baseScores[t], map, fit.intercept(), fit.r2(), n - 1));
        }
        return out;
    }
}
