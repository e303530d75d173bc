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

    public static ExplanationRecord failure(String imageId, String path, String label, String method, String params,
                                            String preprocessing, String modelId, String runId, double elapsedMs, String error) {
        return new ExplanationRecord(imageId, path, label, null, null, null, null, null, null, method, params, null, null, null,
                null, null, null, null, preprocessing, modelId, runId, elapsedMs, 0, error);
    }
}
