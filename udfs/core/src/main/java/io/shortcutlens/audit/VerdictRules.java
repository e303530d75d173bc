package io.shortcutlens.audit;

import java.util.Locale;

/**
 * The verdict table, from a finding's evidence to one verdict and the sentence that says why.
 *
 * <table>
 *   <caption>rules, first match wins</caption>
 *   <tr><th>the model relies on the region</th><th>evidence that the region is not the object</th><th>verdict</th></tr>
 *   <tr><td>weakly: p &lt; 0.05 before adjustment, flip gap ≥ half the minimum (the object says the class as well)</td>
 *       <td>the region transplants and is stamped content</td><td>shortcut</td></tr>
 *   <tr><td>no: adjusted p ≥ alpha or flip gap below the minimum</td><td>p &lt; 0.05 or score-drop gap ≥ min flip gap</td><td>suspect</td></tr>
 *   <tr><td>no</td><td>otherwise</td><td>not_confirmed</td></tr>
 *   <tr><td>yes</td><td>annotations: evidence on the objects ≥ object overlap</td><td>object_part</td></tr>
 *   <tr><td>yes</td><td>annotations: evidence off the objects</td><td>shortcut</td></tr>
 *   <tr><td>yes</td><td>the region transplants (gap ≥ its minimum, rate ≥ its ratio × the control's, p &lt; alpha) and is stamped
 *       content, or transplants with twice the minimum gap and p &lt; alpha after Holm over the audit's findings</td><td>shortcut</td></tr>
 *   <tr><td>yes</td><td>stamped content, and a transplant gap ≥ the support minimum or a sufficiency gap ≥ its minimum (p &lt; alpha)</td><td>shortcut</td></tr>
 *   <tr><td>yes</td><td>clearly stamped content: twice the minimum share, the minimum above the control, twice the flip gap</td><td>shortcut</td></tr>
 *   <tr><td>yes</td><td>stamped content alone, or a transplant below twice the minimum gap of content that is not stamped</td><td>suspect</td></tr>
 *   <tr><td>yes</td><td>none</td><td>object_part</td></tr>
 * </table>
 * Annotations, where given, are the strongest evidence and decide alone. Sufficiency (the region kept alone) only
 * backs stamped content: measured on Decoy Fashion-MNIST, the middle of a sneaker or the strap of a sandal kept alone
 * says its class as often as a planted swatch does (86% and 97% of images against 0% and 59% for their controls, on a
 * clean model), while a coat's or a shirt's swatch alone rarely does (0% and 4%) although pasting it turns 21% and 30%
 * of other garments into coats and shirts. A transplant without stamped content needs twice the gap, as stamped
 * content without a transplant needs twice the share: a piece of an object pasted into other objects' images can carry
 * their class a little by itself (the middle strip of the demo's cows, Grad-CAM maps: 20% of bears and sheep became
 * cows, its control 0%, nothing stamped), while a mark that is not the same pixels every time must carry its class
 * clearly to be told from the object.
 */
public final class VerdictRules {
    private VerdictRules() { }

    public static Judgement decide(Evidence e, AuditParams p) {
        Confirmation n = e.necessity();
        double flipGap = n.flipRateRegion() - n.flipRateControl();
        String masking = String.format(Locale.ROOT, "hiding the region flips %.0f%% of %d predictions against %.0f%% for the control (p %.1e)",
                100 * n.flipRateRegion(), n.images(), 100 * n.flipRateControl(), e.pAdjusted());
        Transplant t = e.transplant();
        Sufficiency s = e.sufficiency();
        ContentConsistency c = e.consistency();
        boolean transplants = t.pairs() > 0 && t.gap() >= p.minTransplantGap() && t.rateRegion() >= p.minTransplantRatio() * t.rateControl()
                && t.pValue() < p.alpha();
        // pasting that decides alone (content not stamped) carries the multiple-testing guard of masking, and twice the gap
        boolean carriesAlone = transplants && t.gap() >= 2 * p.minTransplantGap() && e.transplantPAdjusted() < p.alpha();
        boolean constant = c.stamped(p.minStamped());
        boolean relied = n.images() > 0 && e.pAdjusted() < p.alpha() && flipGap >= p.minFlipGap();
        // a cue the class's images also carry otherwise (the object says the class as well) flips fewer of them when hidden;
        // stamped content that carries the class when pasted is then the evidence, with masking only pointing the same way
        boolean redundant = !relied && n.images() > 0 && n.pValue() < 0.05 && flipGap >= p.minFlipGap() / 2 && transplants && constant;
        if (!relied && !redundant) {
            if (n.images() > 0 && (n.pValue() < 0.05 || n.meanDropRegion() - n.meanDropControl() >= p.minFlipGap())) {
                return new Judgement(Verdict.SUSPECT, "Some reliance, not confirmed: " + masking + ".");
            }
            return new Judgement(Verdict.NOT_CONFIRMED, n.images() == 0 ? "No image of the class could be re-predicted."
                    : "Not relied on: " + masking + ".");
        }
        if (e.objectOverlap() != null) {
            String where = String.format(Locale.ROOT, "%.0f%% of its evidence lies on the annotated objects", 100 * e.objectOverlap());
            return e.objectOverlap() >= p.objectOverlap()
                    ? new Judgement(Verdict.OBJECT_PART, "Part of the object: " + masking + ", and " + where + ".")
                    : new Judgement(Verdict.SHORTCUT, "Shortcut off the object: " + masking + ", and only " + where + ".");
        }
        String pasted = String.format(Locale.ROOT, "pasted into %d other images it makes %.0f%% of them the class (control %.0f%%)", t.pairs(),
                100 * t.rateRegion(), 100 * t.rateControl());
        String alone = String.format(Locale.ROOT, "kept alone it still says the class for %.0f%% (control %.0f%%, blank %.0f%%)",
                100 * s.rateRegion(), 100 * s.rateControl(), 100 * s.rateBlank());
        String stamped = String.format(Locale.ROOT, "%.0f%% of its pixels are the same in every image and unlike other classes' (control %.0f%%)",
                100 * c.stampedShare(), 100 * c.controlStampedShare())
                + (c.mark() == null ? "" : String.format(Locale.ROOT, ", %.0f%% of the %d-pixel box of the mark inside it (control %.0f%%)",
                        100 * c.markShare(), c.mark().cells(), 100 * c.controlMarkShare()));
        // without a transplant, stamped content needs twice the share and twice the reliance: a bag's handles against the
        // black background are as constant (0.24 of the region) but hiding them flips 26%, a line's half 0.29 and 52% over the control
        boolean stampedClearly = c.stampedShare() >= 2 * p.minStamped() && c.gap() >= p.minStamped() && flipGap >= 2 * p.minFlipGap();
        boolean supported = t.gap() >= p.minSupportGap() || (s.gap() >= p.minSufficiencyGap() && s.pValue() < p.alpha());
        if (redundant) {
            return new Judgement(Verdict.SHORTCUT, "Stamped and carries the class, beside the object: " + stamped + "; " + pasted + "; " + masking
                    + " (the rest of the image still says the class).");
        }
        if ((transplants && constant) || carriesAlone) {
            return new Judgement(Verdict.SHORTCUT, "Carries the class: " + pasted + "; " + masking + (constant ? "; " + stamped : "") + ".");
        }
        if (stampedClearly || (constant && supported)) {
            return new Judgement(Verdict.SHORTCUT, "Stamped content: " + stamped + "; " + masking + "; " + (t.gap() >= s.gap() ? pasted : alone) + ".");
        }
        if (constant) {
            return new Judgement(Verdict.SUSPECT, "Relied on and near-constant, but it does not carry the class: " + stamped + "; " + pasted + ".");
        }
        if (transplants) {
            return new Judgement(Verdict.SUSPECT, "Relied on and carries the class a little, but its content is not stamped: " + pasted + "; " + masking
                    + "; " + stamped + ".");
        }
        return new Judgement(Verdict.OBJECT_PART, "Part of the object: relied on (" + masking + "), but " + pasted + " and " + alone + ".");
    }
}
