package io.shortcutlens.explain;

import io.shortcutlens.maps.AttributionMap;

/**
 * One explainer's answer for one target class of one image.
 *
 * @param target        class index explained
 * @param targetScore   the model's score for that class on the unperturbed image
 * @param map           the attribution map at native resolution
 * @param intercept     surrogate-model intercept (LIME), else null
 * @param r2            weighted R² of the surrogate fit (LIME), else null
 * @param forwardPasses images scored for this explanation (shared by all targets of one image)
 */
public record Explanation(int target, float targetScore, AttributionMap map, Double intercept, Double r2, int forwardPasses) { }
