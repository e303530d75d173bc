package io.shortcutlens.audit;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What changed between an earlier audit and this one, for scheduled runs that must say "since last night": each
 * finding of one audit is matched with the other's finding of the same class and method at an overlapping region (a
 * retrained model may flag a neighbouring block of the same watermark), or, for global cues, of the same class.
 * <ul>
 *   <li>{@link Change#NEW}: a shortcut or global cue now, absent before or of a weaker verdict;</li>
 *   <li>{@link Change#RESOLVED}: a shortcut or global cue before, absent now or of a weaker verdict;</li>
 *   <li>{@link Change#CHANGED}: present in both, another verdict, or a share or flip rate moved by at least the
 *       tolerance;</li>
 *   <li>{@link Change#UNCHANGED}: the rest, matched.</li>
 * </ul>
 * Findings of the weaker verdicts that appear or disappear are listed as CHANGED against nothing: a data team's
 * alert rests on shortcuts and global cues, the rest is for reading.
 */
public final class FindingsDiff {
    private FindingsDiff() { }

    public enum Change {
        NEW, RESOLVED, CHANGED, UNCHANGED;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One finding as an audit states it: where ({@code region} null for a global cue), what was concluded, and how
     * strong ({@code share}: the class's mean share of mass in the region; {@code flipRate}: predictions that change
     * when it is hidden).
     */
    public record Stated(String className, String method, Region region, String location, Verdict verdict, double share,
                         double flipRate) implements Serializable {
        boolean alerting() {
            return verdict == Verdict.SHORTCUT || verdict == Verdict.GLOBAL_CUE;
        }

        boolean sameFinding(Stated o) {
            if (!className.equals(o.className) || (region == null) != (o.region == null)) {
                return false;
            }
            return region == null || (method.equals(o.method) && region.grid() == o.region.grid() && region.overlaps(o.region));
        }
    }

    /** One line of the diff: the finding before (null: absent) and now (null: absent). */
    public record Entry(Change change, Stated before, Stated now) implements Serializable {
        /** The finding this line speaks of (now, else before). */
        public Stated finding() {
            return now != null ? now : before;
        }

        public String describe() {
            Stated f = finding();
            String what = String.format(Locale.ROOT, "%s %s%s", f.className(), f.region() == null ? "global cue" : f.location(),
                    f.method() == null ? "" : " (" + f.method() + ")");
            return switch (change) {
                case NEW -> "new: " + what + " is " + now.verdict().label() + (before == null ? "" : ", was " + before.verdict().label());
                case RESOLVED -> "resolved: " + what + " was " + before.verdict().label() + (now == null ? ", not flagged now" : ", now " + now.verdict().label());
                case CHANGED -> "changed: " + what + " " + (before == null ? "(not flagged)" : before.verdict().label() + String.format(Locale.ROOT,
                        " share %.2f flips %.2f", before.share(), before.flipRate())) + " -> " + (now == null ? "(not flagged)"
                        : now.verdict().label() + String.format(Locale.ROOT, " share %.2f flips %.2f", now.share(), now.flipRate()));
                case UNCHANGED -> "unchanged: " + what + " " + now.verdict().label();
            };
        }
    }

    /**
     * The diff of {@code before} against {@code now}: each finding of {@code now}, in order, takes the first unmatched
     * finding of {@code before} that is the same finding (an identical region first); the unmatched of either side
     * are new or resolved.
     */
    public static List<Entry> diff(List<Stated> before, List<Stated> now, double tolerance) {
        if (!(tolerance >= 0)) {
            throw new IllegalArgumentException("the tolerance of a changed share or flip rate is at least 0, found " + tolerance);
        }
        List<Stated> open = new ArrayList<>(before);
        List<Entry> out = new ArrayList<>();
        for (Stated n : now) {
            Optional<Stated> match = open.stream().filter(b -> b.sameFinding(n) && java.util.Objects.equals(b.region(), n.region())).findFirst()
                    .or(() -> open.stream().filter(b -> b.sameFinding(n)).findFirst());
            match.ifPresent(open::remove);
            out.add(entry(match.orElse(null), n, tolerance));
        }
        for (Stated b : open) {
            out.add(entry(b, null, tolerance));
        }
        return out;
    }

    private static Entry entry(Stated before, Stated now, double tolerance) {
        boolean wasAlert = before != null && before.alerting();
        boolean isAlert = now != null && now.alerting();
        if (isAlert && !wasAlert) {
            return new Entry(Change.NEW, before, now);
        }
        if (wasAlert && !isAlert) {
            return new Entry(Change.RESOLVED, before, now);
        }
        if (before == null || now == null || before.verdict() != now.verdict() || Math.abs(before.share() - now.share()) >= tolerance
                || Math.abs(before.flipRate() - now.flipRate()) >= tolerance) {
            return new Entry(Change.CHANGED, before, now);
        }
        return new Entry(Change.UNCHANGED, before, now);
    }

    /** Whether anything but unchanged lines is in the diff. */
    public static boolean anyChange(List<Entry> diff) {
        return diff.stream().anyMatch(e -> e.change() != Change.UNCHANGED);
    }
}
