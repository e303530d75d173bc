package io.shortcutlens.audit;

import java.io.Serializable;
import java.util.Locale;

/**
 * Every threshold of the audit's decisions, with its defaults stated once; written with the findings.
 *
 * @param detector          thresholds of the region and subgroup detectors
 * @param alpha             significance level over all findings (Holm) for the masking test, and per test for the others
 * @param minFlipGap        flip rate hiding the region must add over hiding the control: the model relies on the region
 * @param control           which equal-sized region every test compares a finding with
 * @param objectOverlap     with annotations: a finding whose evidence lies at least this much on the objects is an object part
 * @param minTransplantGap  rate at which the pasted region turns other classes' images into the class, over the control's
 * @param minTransplantRatio and at least this many times the control's rate: when any pasted content turns receivers
 *                          into the class (two classes, objects in the same place), the region must stand out
 * @param minSufficiencyGap rate at which the region alone still says the class, over the control alone and a blank input (backs stamped content)
 * @param maxSpread         content consistency: a pixel's spread over the class's images, at most this times the region's spread
 * @param minDistance       content consistency: its class mean at least this many region spreads from other classes' mean
 * @param minStamped        content consistency: share of the region's pixels stamped (and more than the control's by half of it)
 * @param minSupportGap     a weaker transplant gap that backs stamped content
 * @param minCueLeaveGap    global cue: share of the class's images that leave it under a whole-image change, over other classes'
 * @param minCueEnterGap    global cue: share of other images that enter the class under the opposite change, over the typical class's
 * @param minCueShift       global cue: the class's images carry what the removing change takes away: the median over other classes
 *                          of the chance that one of its images lies further on that side than one of theirs ({@link PropertyShift})
 * @param minContextKeep    context cue: of the images a typical class loses with its object hidden, the share the class keeps
 *                          ({@link ContextCue}): its leave rate at most {@code 1 - minContextKeep} times the baseline's
 */
public record AuditParams(DetectorParams detector, double alpha, double minFlipGap, ControlChoice control, double objectOverlap,
                          double minTransplantGap, double minTransplantRatio, double minSufficiencyGap, double maxSpread, double minDistance, double minStamped,
                          double minSupportGap, double minCueLeaveGap, double minCueEnterGap, double minCueShift,
                          double minContextKeep) implements Serializable {

    public AuditParams {
        for (double p : new double[] {alpha, objectOverlap, minStamped}) {
            if (!(p > 0 && p <= 1)) {
                throw new IllegalArgumentException("alpha, object overlap and stamped share lie in (0, 1], found " + p);
            }
        }
        if (control == null || detector == null) {
            throw new IllegalArgumentException("audit parameters need a detector and a control choice");
        }
    }

    public static AuditParams defaults() {
        return new AuditParams(DetectorParams.defaults(), 0.01, 0.2, ControlChoice.STRONGEST, 0.5, 0.2, 2.0, 0.3, 0.15, 1.0, 0.1, 0.1, 0.5, 0.1, 0.8, 0.8);
    }

    /** The same thresholds with another context-cue keep share (the family's threshold split tries several). */
    public AuditParams withContextKeep(double keep) {
        return new AuditParams(detector, alpha, minFlipGap, control, objectOverlap, minTransplantGap, minTransplantRatio, minSufficiencyGap, maxSpread,
                minDistance, minStamped, minSupportGap, minCueLeaveGap, minCueEnterGap, minCueShift, keep);
    }

    /** The thresholds as one JSON object, the {@code thresholds} column of every finding. */
    public String toJson(int clusters) {
        DetectorParams d = detector;
        return String.format(Locale.ROOT, "{\"min_share\":%s,\"image_share\":%s,\"min_consistency\":%s,\"min_contrast\":%s,\"max_area\":%s,"
                + "\"min_images\":%d,\"alpha\":%s,\"min_flip_gap\":%s,\"control\":\"%s\",\"clusters\":%d,\"object_overlap\":%s,"
                + "\"min_transplant_gap\":%s,\"min_transplant_ratio\":%s,\"min_sufficiency_gap\":%s,\"max_spread\":%s,\"min_distance\":%s,\"min_stamped\":%s,"
                + "\"min_support_gap\":%s,\"min_cue_leave_gap\":%s,\"min_cue_enter_gap\":%s,\"min_cue_shift\":%s,\"min_context_keep\":%s}", d.minShare(), d.imageShare(), d.minConsistency(),
                d.minContrast(), d.maxArea(), d.minImages(), alpha, minFlipGap, control.name().toLowerCase(Locale.ROOT), clusters, objectOverlap,
                minTransplantGap, minTransplantRatio, minSufficiencyGap, maxSpread, minDistance, minStamped, minSupportGap, minCueLeaveGap, minCueEnterGap, minCueShift,
                minContextKeep);
    }
}
