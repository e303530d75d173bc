package io.shortcutlens.pipeline;

import io.shortcutlens.maps.AttributionMap;
import io.shortcutlens.maps.MapStatistics;

/**
 * One output row: one image × method × target class. On failure {@code error} says why and the prediction, map and
 * statistics are null; the identifying fields are always set so nothing is dropped.
 */
public record ExplanationRecord(String imageId, String path, String label, Integer predictedIndex, String predictedClass,
                                Float predictedScore, int[] topIndices, String[] topClasses, float[] topScores,
                                String method, String params, Integer targetIndex, String targetClass, Float targetScore,
                                AttributionMap map, Double fitIntercept, Double fitR2, MapStatistics stats,
                                String preprocessing, String modelId, String runId, double elapsedMs, int forwardPasses,
                                String error) {

    /** Which image a row is about: its id, path and label (either may be null). */
    public record Image(String imageId, String path, String label) { }

    /** How a row was made: the method and its parameters, the preprocessing, the model and the run. */
    public record Provenance(String method, String params, String preprocessing, String modelId, String runId) { }

    /** The row of an image a method could not explain: who, how, the time spent, and why. */
    public static ExplanationRecord failure(Image image, Provenance how, double elapsedMs, String error) {
        return new ExplanationRecord(image.imageId(), image.path(), image.label(), null, null, null, null, null, null, how.method(), how.params(), null,
                null, null, null, null, null, null, how.preprocessing(), how.modelId(), how.runId(), elapsedMs, 0, error);
    }
}
