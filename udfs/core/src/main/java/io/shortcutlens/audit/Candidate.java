package io.shortcutlens.audit;

import java.io.Serializable;
import java.util.List;

/**
 * A flagged region waiting for its evidence: the detector's finding, whose images it concerns, where they are tested
 * and — for a {@link Scope#PLACES} candidate — the subgroup candidates whose outcomes it pools (it re-predicts
 * nothing itself).
 *
 * @param id          unique within one audit; the key of its evidence rows
 * @param classImages images of the class the candidate was found in
 */
public record Candidate(int id, ShortcutFinding finding, Scope scope, List<Integer> clusters, long classImages, List<Place> places,
                        List<Candidate> parts) implements Serializable {
    public Candidate {
        clusters = List.copyOf(clusters);
        places = List.copyOf(places);
        parts = List.copyOf(parts);
        if (places.isEmpty()) {
            throw new IllegalArgumentException("candidate " + id + " has no place to test");
        }
    }

    /** Whether this candidate's images are re-predicted (a places candidate pools its parts instead). */
    public boolean probed() {
        return parts.isEmpty();
    }

    /** The control region of the (first) place. */
    public Region control() {
        return places.get(0).control();
    }
}
