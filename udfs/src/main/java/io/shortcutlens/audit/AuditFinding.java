package io.shortcutlens.audit;

import java.io.Serializable;
import java.util.List;

/** A candidate with its evidence and verdict: one row of the audit's findings. */
public record AuditFinding(Candidate candidate, Evidence evidence, Judgement judgement) implements Serializable {

    public int id() {
        return candidate.id();
    }

    public ShortcutFinding finding() {
        return candidate.finding();
    }

    public Scope scope() {
        return candidate.scope();
    }

    public List<Place> places() {
        return candidate.places();
    }

    public Confirmation confirmation() {
        return evidence.necessity();
    }

    public double pAdjusted() {
        return evidence.pAdjusted();
    }

    public Double objectOverlap() {
        return evidence.objectOverlap();
    }

    public Verdict verdict() {
        return judgement.verdict();
    }

    /**
     * Judges every candidate: the masking tests' p-values are Holm-adjusted together, a places candidate pools its
     * parts' outcomes (each image tested at its own place), and the verdict rules decide. Findings come strongest
     * verdict first, then by adjusted p.
     *
     * @param measured per probed candidate id, what its images showed (absent: nothing could be re-predicted)
     * @param overlaps per candidate id, its evidence's share on the annotated objects; null without annotations
     */
    public static List<AuditFinding> judge(List<Candidate> candidates, java.util.Map<Integer, Measured> measured,
                                           java.util.Map<Integer, Double> overlaps, AuditParams params) {
        java.util.Map<Integer, Measured> all = new java.util.HashMap<>(measured);
        for (Candidate c : candidates) {
            if (!c.probed()) {
                List<Measured> parts = c.parts().stream().map(p -> measured.getOrDefault(p.id(), Measured.NONE)).toList();
                all.put(c.id(), Measured.pool(parts));
            }
        }
        double[] p = candidates.stream().mapToDouble(c -> all.getOrDefault(c.id(), Measured.NONE).necessity().pValue()).toArray();
        double[] adjusted = SignTest.holm(p);
        List<AuditFinding> out = new java.util.ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            Candidate c = candidates.get(i);
            Measured m = all.getOrDefault(c.id(), Measured.NONE);
            Double overlap = overlaps == null ? null : overlapOf(c, overlaps, measured);
            Evidence e = new Evidence(m.necessity(), adjusted[i], m.transplant(), m.sufficiency(), m.consistency(), overlap);
            out.add(new AuditFinding(c, e, VerdictRules.decide(e, params)));
        }
        out.sort(java.util.Comparator.comparing(AuditFinding::verdict).thenComparingDouble(AuditFinding::pAdjusted).thenComparingInt(AuditFinding::id));
        return out;
    }

    /** A places candidate's overlap: its parts' overlaps weighted by their re-predicted images. */
    private static Double overlapOf(Candidate c, java.util.Map<Integer, Double> overlaps, java.util.Map<Integer, Measured> measured) {
        if (c.probed()) {
            return overlaps.getOrDefault(c.id(), 0.0);
        }
        double weighted = 0;
        long n = 0;
        for (Candidate part : c.parts()) {
            long images = measured.getOrDefault(part.id(), Measured.NONE).necessity().images();
            weighted += images * overlaps.getOrDefault(part.id(), 0.0);
            n += images;
        }
        return n == 0 ? 0.0 : weighted / n;
    }

    /** What one candidate's images showed, before the adjustment over all candidates. */
    public record Measured(Confirmation necessity, Transplant transplant, Sufficiency sufficiency, ContentConsistency consistency)
            implements Serializable {
        public static final Measured NONE = new Measured(new Confirmation(0, 0, 0, 0, 0, 0, 0), Transplant.NONE, Sufficiency.NONE,
                ContentConsistency.NONE);

        /** Disjoint groups of images together: counts add; the consistency figures are image-weighted. */
        public static Measured pool(List<Measured> parts) {
            double s = 0, c = 0, spread = 0;
            long n = 0;
            for (Measured m : parts) {
                long k = m.necessity().images();
                s += k * m.consistency().stampedShare();
                c += k * m.consistency().controlStampedShare();
                spread += k * m.consistency().meanSpread();
                n += k;
            }
            return new Measured(Confirmation.pool(parts.stream().map(Measured::necessity).toList()),
                    Transplant.pool(parts.stream().map(Measured::transplant).toList()),
                    Sufficiency.pool(parts.stream().map(Measured::sufficiency).toList()),
                    n == 0 ? ContentConsistency.NONE : new ContentConsistency(s / n, c / n, spread / n));
        }
    }
}
