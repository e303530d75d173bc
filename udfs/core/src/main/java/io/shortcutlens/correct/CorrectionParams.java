package io.shortcutlens.correct;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.Serializable;
import java.util.Locale;

/**
 * How the correct job trains a confirmed shortcut away: what stands in for the shortcut's region in the training
 * stream ({@code fill}), on which share of the images ({@code fraction}), and how the network is fine-tuned
 * (parameter averaging over {@code workers} Spark tasks). The defaults are here and nowhere else.
 *
 * @param fill               {@link Fill}
 * @param fraction           probability that one image's region is neutralised in one epoch (a seeded draw per image,
 *                           epoch and region)
 * @param seed               seed of the draws, the donors and the order of the training stream
 * @param epochs             passes over the training stream
 * @param batchSize          examples per mini-batch on each worker
 * @param workers            Spark tasks training in parallel; the training stream is split into this many parts by a
 *                           seeded hash of each image's path, so the result does not depend on the input's partitions
 * @param averagingFrequency mini-batches each worker fits between two averagings of the parameters
 * @param learningRate       the fine-tuning's learning rate (the network's own updater, this rate)
 */
@com.fasterxml.jackson.annotation.JsonPropertyOrder({"fill", "fraction", "seed", "epochs", "batch_size", "workers", "averaging_frequency", "learning_rate"})
public record CorrectionParams(Fill fill, double fraction, long seed, int epochs, @JsonProperty("batch_size") int batchSize, int workers,
                               @JsonProperty("averaging_frequency") int averagingFrequency, @JsonProperty("learning_rate") double learningRate)
        implements Serializable {

    /**
     * What stands in for the region. {@code MEAN}: the image's own per-channel mean; {@code NOISE}: seeded uniform noise
     * over the image's range in each channel; {@code PASTE}: the same region of an image from the other side — images of
     * the shortcut's class take it from images of other classes, images of other classes from images of the class — so
     * that at the default fraction (one half) the region's content is as common in the class as outside it and carries
     * no class. {@code SPREAD}: the artifact spread across classes (the augmentation of A-ClArC): images of other
     * classes take the region of an image of the class, images of the class get their own mean there, so at one half the
     * region's content is the class's as often outside the class as inside, and nothing of other classes' images enters
     * the class's. {@code MEAN} and {@code NOISE} are applied to the images of every class alike, so that the filled
     * region does not become a cue of its own.
     */
    public enum Fill {
        MEAN, NOISE, PASTE, SPREAD;

        @com.fasterxml.jackson.annotation.JsonValue
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * Whether the artifact is shown to the network on the other side of the class boundary, the only way its
         * weights are pushed down: mean and noise hide it everywhere, so a network fine-tuned with them can keep
         * reading it (the decoy's pullover: flips 1.00 -> 0.57 with mean, 0.06 with spread, 20 epochs).
         */
        public boolean unlearnsTheArtifact() {
            return this == PASTE || this == SPREAD;
        }

        public static Fill parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--fill takes mean, noise, paste or spread, found '" + s + "'");
            }
        }
    }

    /**
     * The image's own mean on every image: on the demo's net2 it kept every class's held-out accuracy (bear 1.000, cow
     * 0.950, sheep 1.000 after 10 epochs), where pasting across the class boundary traded sheep for bears (sheep 0.600
     * to 0.725 at the same epochs). Twenty epochs, not ten: with the corner hidden, bears held 0.925 after 10 and 0.975
     * after 20 (the net unlearns the watermark slowly). It only hides the artifact ({@link Fill#unlearnsTheArtifact}): on
     * the decoy benchmark, three classes with their own shade at one corner, it left pullover's shortcut where spread
     * removed all three (20 epochs), and the correct job says so when a shortcut is left.
     */
    public static final Fill DEFAULT_FILL = Fill.MEAN;
    public static final long DEFAULT_SEED = 42;
    public static final int DEFAULT_EPOCHS = 20;
    public static final int DEFAULT_BATCH_SIZE = 32;
    public static final int DEFAULT_WORKERS = 2;
    public static final int DEFAULT_AVERAGING_FREQUENCY = 4;
    public static final double DEFAULT_LEARNING_RATE = 1e-3;

    /** The fraction a fill takes unless told: one half for {@code PASTE} and {@code SPREAD} (the region then carries no class), every image otherwise. */
    public static double defaultFraction(Fill fill) {
        return fill == Fill.PASTE || fill == Fill.SPREAD ? 0.5 : 1.0;
    }

    /** Whether the fill takes region patches from other images (donors). */
    public boolean needsDonors() {
        return fill == Fill.PASTE || fill == Fill.SPREAD;
    }

    public static CorrectionParams defaults() {
        return new CorrectionParams(DEFAULT_FILL, defaultFraction(DEFAULT_FILL), DEFAULT_SEED, DEFAULT_EPOCHS, DEFAULT_BATCH_SIZE, DEFAULT_WORKERS,
                DEFAULT_AVERAGING_FREQUENCY, DEFAULT_LEARNING_RATE);
    }

    public CorrectionParams {
        if (fill == null) {
            throw new IllegalArgumentException("a correction needs a fill (mean, noise or paste)");
        }
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("--fraction is a share of the images in (0, 1], found " + fraction);
        }
        if (epochs < 1 || batchSize < 1 || workers < 1 || averagingFrequency < 1) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "--epochs, --batch-size, --workers and --averaging-frequency are at least 1, "
                    + "found %d, %d, %d, %d", epochs, batchSize, workers, averagingFrequency));
        }
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("--learning-rate must be positive, found " + learningRate);
        }
    }

}
