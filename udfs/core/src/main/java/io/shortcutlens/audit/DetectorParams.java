package io.shortcutlens.audit;

import java.io.Serializable;

/**
 * Thresholds of the shortcut detector; every figure a decision uses is written with the finding.
 *
 * @param minShare       a class must put at least this mean share of its positive mass into the region (a quarter: on the colour
 *                       family's corner logo the occlusion maps put 25% of the mass in its 1/16 of the image, the shape taking
 *                       the rest, where LIME put 63%; the candidate is a question the evidence tests answer, not a verdict)
 * @param imageShare     an image "uses" the region when its own share there reaches this
 * @param minConsistency at least this fraction of the class's images must use the region
 * @param minContrast    the class's mean share must exceed the other classes' mean share there by this much
 * @param maxArea        the region may cover at most this share of the image ("small")
 * @param minImages      classes with fewer explained images are not judged
 */
public record DetectorParams(double minShare, double imageShare, double minConsistency, double minContrast, double maxArea,
                             int minImages) implements Serializable {

    public static DetectorParams defaults() {
        return new DetectorParams(0.25, 0.25, 0.5, 0.2, 1 / 16.0, 10);
    }
}
