package io.shortcutlens.audit;

import java.io.Serializable;

/**
 * Everything the audit measured about one candidate.
 *
 * @param necessity     the masking test (hide the region, against hiding the control)
 * @param pAdjusted     its p-value adjusted over all the audit's findings (Holm)
 * @param transplant    the pasting experiment
 * @param transplantPAdjusted its p-value adjusted over all the audit's findings (Holm): where pasting alone makes a
 *                      finding a shortcut (content that is not stamped), it carries the same multiple-testing guard as masking
 * @param sufficiency   keep only the region
 * @param consistency   how constant and distinct the region's content is (no forward pass)
 * @param objectOverlap with annotations: share of the finding's evidence on the objects; null without annotations
 * @param recurring     a position-free finding: whether its images' own blocks hold the same content ({@link RecurringContent#NONE} otherwise)
 */
public record Evidence(Confirmation necessity, double pAdjusted, Transplant transplant, double transplantPAdjusted, Sufficiency sufficiency,
                       ContentConsistency consistency, Double objectOverlap, RecurringContent recurring) implements Serializable {

    /** Evidence of a finding at fixed places (no recurring-content test). */
    public Evidence(Confirmation necessity, double pAdjusted, Transplant transplant, double transplantPAdjusted, Sufficiency sufficiency,
                    ContentConsistency consistency, Double objectOverlap) {
        this(necessity, pAdjusted, transplant, transplantPAdjusted, sufficiency, consistency, objectOverlap, RecurringContent.NONE);
    }
}
