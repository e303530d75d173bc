package io.shortcutlens.audit;

/** A verdict with the one sentence that says why, built from the figures behind it. */
public record Judgement(Verdict verdict, String reason) {
    public Judgement {
        if (verdict == null || reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a judgement needs a verdict and a reason, found " + verdict + " / " + reason);
        }
    }
}
