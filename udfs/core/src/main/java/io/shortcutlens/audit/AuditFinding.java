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
     * Judges every candidate: the masking tests' p-values are Holm-adjusted together, and so are the transplant tests', a places candidate pools its
     * parts' outcomes (each image tested at its own place), and the verdict rules decide. Findings come strongest
     * verdict first, then by adjusted p.
     *
     * @param measured per probed candidate id, what its images showed (absent: nothing could be re-predicted)
     * @param overlaps per candidate id, its evidence's share on the annotated objects; null without annotations
     */
    public static List<AuditFinding> judge(List<Candidate> candidates, java.util.Map<Integer, Measured> measured,
                                           java.util.Map<Integer, Double> overlaps, AuditParams params) {
        java.util.Map<Integer, Measured> all = new java.util.HashMap<>(measured);
        java.util.Map<Integer, Integer> scattered = new java.util.HashMap<>();
        List<Candidate> judged = new java.util.ArrayList<>();
        for (Candidate c : candidates) {
            if (!c.probed()) {
                // a places finding says one cue sits in several places: pool only the places whose own images show a cue
                // (with annotations, which decide alone, every place is pooled)
                List<Candidate> cued = overlaps != null ? c.parts()
                        : c.parts().stream().filter(part -> showsCue(measured.getOrDefault(part.id(), Measured.NONE), params)).toList();
                List<Candidate> pooled = cued.size() >= 2 ? cued : c.parts();
                if (cued.size() >= 2 && cued.size() < c.parts().size()) {
                    c = Candidates.places(c.id(), cued);
                } else if (cued.size() < 2) {
                    scattered.put(c.id(), cued.size());
                }
                all.put(c.id(), Measured.pool(pooled.stream().map(part -> measured.getOrDefault(part.id(), Measured.NONE)).toList()));
            }
            judged.add(c);
        }
        double[] p = judged.stream().mapToDouble(c -> all.getOrDefault(c.id(), Measured.NONE).necessity().pValue()).toArray();
        double[] adjusted = SignTest.holm(p);
        double[] transplantAdjusted = SignTest.holm(judged.stream().mapToDouble(c -> all.getOrDefault(c.id(), Measured.NONE).transplant().pValue()).toArray());
        List<AuditFinding> out = new java.util.ArrayList<>();
        for (int i = 0; i < judged.size(); i++) {
            Candidate c = judged.get(i);
            Measured m = all.getOrDefault(c.id(), Measured.NONE);
            Double overlap = overlaps == null ? null : overlapOf(c, overlaps, measured);
            Evidence e = new Evidence(m.necessity(), adjusted[i], m.transplant(), transplantAdjusted[i], m.sufficiency(), m.consistency(), overlap,
                    m.recurring());
            Judgement j = scattered.containsKey(c.id())
                    ? new Judgement(Verdict.NOT_CONFIRMED, String.format(java.util.Locale.ROOT,
                            "No common cue: %d of its %d places show one of their own (pasted or stamped); each place is judged as its own subgroup.",
                            scattered.get(c.id()), c.parts().size()))
                    : c.scope() == Scope.POSITION_FREE ? PositionFree.decide(e, params) : VerdictRules.decide(e, params);
            out.add(new AuditFinding(c, e, j));
        }
        out.sort(java.util.Comparator.comparing(AuditFinding::verdict).thenComparingDouble(AuditFinding::pAdjusted).thenComparingInt(AuditFinding::id));
        return out;
    }

    /**
     * The finding judged again under other decision thresholds (its measurements and adjusted p-values unchanged; a places
     * finding judged as scattered keeps its verdict): the family's threshold split uses it.
     */
    public AuditFinding rejudge(AuditParams params) {
        if (candidate.scope() == Scope.PLACES && judgement.verdict() == Verdict.NOT_CONFIRMED && judgement.reason().startsWith("No common cue")) {
            return this;
        }
        return new AuditFinding(candidate, evidence, candidate.scope() == Scope.POSITION_FREE ? PositionFree.decide(evidence, params)
                : VerdictRules.decide(evidence, params));
    }

    /**
     * Whether one place's images show a cue of their own beyond reliance: the region carries some of the class when
     * pasted, or it is stamped content.
     */
    static boolean showsCue(Measured m, AuditParams p) {
        return m.transplant().gap() >= p.minSupportGap() || m.consistency().stamped(p.minStamped());
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
    public record Measured(Confirmation necessity, Transplant transplant, Sufficiency sufficiency, ContentConsistency consistency,
                           RecurringContent recurring) implements Serializable {
        public static final Measured NONE = new Measured(new Confirmation(0, 0, 0, 0, 0, 0, 0), Transplant.NONE, Sufficiency.NONE,
                ContentConsistency.NONE);

        /** Figures at fixed places (no recurring-content test). */
        public Measured(Confirmation necessity, Transplant transplant, Sufficiency sufficiency, ContentConsistency consistency) {
            this(necessity, transplant, sufficiency, consistency, RecurringContent.NONE);
        }

        /** The same figures with the recurring-content test of a position-free finding. */
        public Measured with(RecurringContent r) {
            return new Measured(necessity, transplant, sufficiency, consistency, r);
        }

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
