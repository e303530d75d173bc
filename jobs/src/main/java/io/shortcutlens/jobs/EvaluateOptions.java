package io.shortcutlens.jobs;

import io.shortcutlens.audit.RegionMasker;
import io.shortcutlens.evaluate.EvaluationParams;
import io.shortcutlens.lake.LakeTables;
import io.shortcutlens.lake.RunFolder;
import java.util.List;

/**
 * What an evaluation is asked to do: the typed form of the evaluate job's flags, and what a program hands to
 * {@link EvaluateJob#run(org.apache.spark.sql.SparkSession, EvaluateOptions)}.
 *
 * @param run           an explain run's output folder
 * @param output        the output folder, or null for {@code RUN/evaluation}
 * @param format        the tables' format
 * @param perClass      images per class whose maps are evaluated (a seeded sample)
 * @param methods       the methods whose maps are evaluated, or null for every method of the run
 * @param curves        how the perturbation curves are drawn
 * @param randomisation the cascading randomisation check
 * @param model         the model to re-predict with, or null for the run's own
 * @param seed          the seed of the sample, the random order, ROAD's noise and the randomised weights
 */
public record EvaluateOptions(String run, String output, LakeTables.Format format, int perClass, List<String> methods, Curves curves,
                              Randomisation randomisation, String model, long seed) {
    public static final int DEFAULT_PER_CLASS = 20;

    /**
     * The curves: the map's cells on a {@code grid × grid} grid removed or revealed one at a time, removed cells
     * filled with {@code fill} (null: as the run hid pixels), ROAD's steps and noise, images per forward pass.
     */
    public record Curves(int grid, RegionMasker.Fill fill, int roadSteps, double roadNoise, int batchSize) {
        public static final Curves DEFAULT = new Curves(EvaluationParams.DEFAULT_GRID, null, EvaluationParams.DEFAULT_ROAD_STEPS,
                EvaluationParams.DEFAULT_ROAD_NOISE, EvaluationParams.DEFAULT_BATCH_SIZE);
    }

    /** Cascading randomisation of the top 1..{@code layers} parameter layers (0: none), re-explaining {@code perClass} images per class with {@code methods} (null: the evaluated ones). */
    public record Randomisation(int layers, int perClass, List<String> methods) {
        public static final Randomisation DEFAULT = new Randomisation(EvaluationParams.DEFAULT_RANDOMISED_LAYERS, 5, null);
    }

    public EvaluateOptions {
        if (run == null || run.isBlank()) {
            throw new IllegalArgumentException("an evaluation needs an explain run's output folder (--run)");
        }
        if (perClass < 1) {
            throw new IllegalArgumentException("--per-class must be 1 or more, found " + perClass);
        }
        run = run.endsWith("/") ? run.substring(0, run.length() - 1) : run;
        format = format == null ? LakeTables.Format.PARQUET : format;
        curves = curves == null ? Curves.DEFAULT : curves;
        randomisation = randomisation == null ? Randomisation.DEFAULT : randomisation;
    }

    /** The run's maps evaluated at the defaults. */
    public static EvaluateOptions of(String run) {
        return new EvaluateOptions(run, null, LakeTables.Format.PARQUET, DEFAULT_PER_CLASS, null, Curves.DEFAULT, Randomisation.DEFAULT, null,
                EvaluationParams.DEFAULT_SEED);
    }

    /** The output folder: the one given, else the run's {@code evaluation/}. */
    String out() {
        return output != null ? output : RunFolder.of(run).evaluation();
    }
}
