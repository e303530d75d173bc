package io.shortcutlens.audit;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Non-localised cues: a class whose predictions follow a whole-image property rather than a region. Per class and
 * per whole-image change ({@link ImageAdjustment}), a sample of every class is re-predicted; a class has a global cue
 * when one change makes its images leave it far more often than other classes' images leave theirs, <em>and</em> the
 * opposite change makes other classes' images enter it far more often than they enter a typical class — undoing the
 * cue removes the class, doing it creates the class. No region is involved, so none is reported.
 *
 * <p>A cue spread over the image (a pattern over the background, a texture) moves with neither pair: the class's maps
 * are flat and no brightness, contrast or colour change removes it. {@link TextureCue} tests it with the shape-breaking
 * and fine-detail-removing changes; both kinds of test are Holm-adjusted together and each class keeps its strongest.
 */
public final class GlobalCueProbe {
    private GlobalCueProbe() { }

    /**
     * One class under one change: of its sampled images (predicted as the class), how many left it; of the sampled
     * images of other classes, how many the change turned into it.
     */
    public record Count(String className, ImageAdjustment adjustment, long classImages, long left, long otherImages, long entered)
            implements Serializable {
        public double leaveRate() {
            return classImages == 0 ? 0 : (double) left / classImages;
        }

        public double enterRate() {
            return otherImages == 0 ? 0 : (double) entered / otherImages;
        }
    }

    /** One class's test of one kind before adjustment: the cue's figures and its raw p-value (the weaker of its sides). */
    record Tested(Cue cue, double pValue) { }

    /**
     * Which kind of cue a {@link Cue} tests: a whole-image property (a pair of opposite changes), a texture spread over the
     * image ({@link TextureCue}), the context around the object ({@link ContextCue}), or the image's border ({@link BorderCue}).
     */
    public enum Kind {
        WHOLE_IMAGE, TEXTURE, CONTEXT, BORDER;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A global cue of one class: the change that removes it ({@code leaveWith}) and the opposite one that creates it
     * ({@code enterWith}), with the rates behind both and a p-value for the weaker of the two, Holm-adjusted over all
     * classes and changes tested. For a {@link Kind#TEXTURE} cue the second test is not an opposite change but the
     * shape-breaking one: {@code enterWith} is {@link ImageAdjustment#SHUFFLED}, {@code enterRate} the share of the
     * class's images it keeps in the class, {@code typicalEnterRate} the share of other classes' images it keeps in
     * theirs (the median class) or the share of other classes' shuffled images that become the class, whichever is larger,
     * and {@code otherImages} the number of other classes' images. For a {@link Kind#CONTEXT} cue both changes are
     * {@link ImageAdjustment#OBJECT_HIDDEN}: {@code leaveRate} the share of the class's images it removes and
     * {@code othersLeaveRate} the baseline's, {@code enterRate} the share kept and {@code typicalEnterRate} the baseline (a
     * typical class keeping its own, or other images becoming the class). {@code shift} says whether the class's own images carry
     * the property the removing change moves ({@link PropertyShift#against}: 0.5 no different from a typical class, 1 every
     * one of them beyond every other class's image; NaN where it was not measured).
     */
    public record Cue(String className, Kind kind, ImageAdjustment leaveWith, ImageAdjustment enterWith, long classImages, double leaveRate,
                      double othersLeaveRate, long otherImages, double enterRate, double typicalEnterRate, double shift, double pAdjusted,
                      Judgement judgement) implements Serializable {

        /** The same tests with an adjusted p-value and a verdict. */
        public Cue judged(double p, Judgement j) {
            return new Cue(className, kind, leaveWith, enterWith, classImages, leaveRate, othersLeaveRate, otherImages, enterRate, typicalEnterRate,
                    shift, p, j);
        }

        /** The same tests with the class's images measured on the removing change's property. */
        Cue withShift(double s) {
            return new Cue(className, kind, leaveWith, enterWith, classImages, leaveRate, othersLeaveRate, otherImages, enterRate, typicalEnterRate,
                    s, pAdjusted, judgement);
        }

        /**
         * Whether the class's images carry the property (at least {@code minCueShift}); a cue not measured on its images
         * (NaN) is judged by its tests alone.
         */
        boolean carried(AuditParams p) {
            return Double.isNaN(shift) || shift >= p.minCueShift();
        }

        /** The reason's clause on the class's images; empty where they were not measured. */
        String shiftClause() {
            if (Double.isNaN(shift)) {
                return "";
            }
            ImageProperty q = leaveWith.property();
            String side = leaveWith.raises() ? "less" : "more";
            return String.format(Locale.ROOT, "; its images have %s %s than other classes' (%.0f%% of pairs, median over classes; 50%%: typical)",
                    side, q.label(), 100 * shift);
        }
    }

    /**
     * Per-class counts under one change from its confusion: {@code confusion[a][b]} images predicted {@code a} as is
     * and {@code b} after the change.
     */
    public static List<Count> counts(List<String> classNames, ImageAdjustment change, long[][] confusion) {
        int k = classNames.size();
        long total = 0;
        for (long[] row : confusion) {
            for (long v : row) {
                total += v;
            }
        }
        List<Count> out = new ArrayList<>();
        for (int a = 0; a < k; a++) {
            long classImages = 0;
            long stayed = confusion[a][a];
            long enteredA = 0;
            for (int b = 0; b < k; b++) {
                classImages += confusion[a][b];
                if (b != a) {
                    enteredA += confusion[b][a];
                }
            }
            if (classImages > 0) {
                out.add(new Count(classNames.get(a), change, classImages, classImages - stayed, total - classImages, enteredA));
            }
        }
        return out;
    }

    /** Every class's strongest test of each kind (a whole-image pair, the texture test), judged; the cues first. */
    public static List<Cue> judge(List<Count> counts, AuditParams params) {
        return judge(counts, PropertyShift.NONE, params);
    }

    /**
     * Every class's strongest test of each kind, judged with the class's images measured on each removing change's
     * property ({@code shifts}): a cue needs its images to carry what the change takes away.
     */
    public static List<Cue> judge(List<Count> counts, PropertyShift shifts, AuditParams params) {
        Map<ImageAdjustment, List<Count>> byAdjustment = new TreeMap<>();
        for (Count c : counts) {
            byAdjustment.computeIfAbsent(c.adjustment(), k -> new ArrayList<>()).add(c);
        }
        List<Cue> tested = new ArrayList<>();
        List<Double> p = new ArrayList<>();
        for (Count leave : counts) {
            if (!leave.adjustment().paired() || leave.classImages() == 0) {
                continue;
            }
            for (ImageAdjustment creating : leave.adjustment().enterWith()) {
                Count enter = byAdjustment.getOrDefault(creating, List.of()).stream()
                        .filter(c -> c.className().equals(leave.className())).findFirst().orElse(null);
                if (enter != null && enter.otherImages() > 0) {
                    Tested t = pair(leave, enter, byAdjustment, shifts);
                    tested.add(t.cue());
                    p.add(t.pValue());
                }
            }
        }
        for (Tested t : TextureCue.test(byAdjustment)) {
            p.add(t.pValue());
            tested.add(t.cue().withShift(shifts.against(t.cue().className(), t.cue().leaveWith())));
        }
        for (Tested t : ContextCue.test(byAdjustment)) {
            p.add(t.pValue());
            tested.add(t.cue());
        }
        for (Tested t : BorderCue.test(byAdjustment)) {
            p.add(t.pValue());
            tested.add(t.cue().withShift(shifts.against(t.cue().className(), t.cue().leaveWith())));
        }
        double[] adjusted = SignTest.holm(p.stream().mapToDouble(Double::doubleValue).toArray());
        Map<List<String>, Cue> best = new TreeMap<>(Comparator.comparing((List<String> k) -> k.get(0)).thenComparing(k -> k.get(1)));
        for (int i = 0; i < tested.size(); i++) {
            Cue t = tested.get(i);
            Cue c = t.judged(adjusted[i], decide(t, adjusted[i], params));
            List<String> key = List.of(c.className(), c.kind().label());
            Cue before = best.get(key);
            if (before == null || stronger(c, before, params)) {
                best.put(key, c);
            }
        }
        return best.values().stream().sorted(Comparator.comparing((Cue c) -> c.judgement().verdict())
                .thenComparing(c -> -strength(c, params)).thenComparing(Cue::className)).toList();
    }

    /** Others' leave rate under the removing change (pooled over other classes) and the typical class's enter rate under the creating one. */
    private record Baselines(double othersLeave, long othersImages, double typicalEnter) { }

    private static Baselines baselines(Count leave, Count enter, Map<ImageAdjustment, List<Count>> byAdjustment) {
        long[] others = othersPooled(byAdjustment.get(leave.adjustment()), leave.className());
        long othersImages = others[0];
        double othersLeave = othersImages == 0 ? 0 : (double) others[1] / othersImages;
        double typicalEnter = median(byAdjustment.get(enter.adjustment()).stream().filter(c -> !c.className().equals(leave.className()))
                .mapToDouble(Count::enterRate).toArray());
        return new Baselines(othersLeave, othersImages, typicalEnter);
    }

    /**
     * One pair's test: the change that removes the class and one that creates it, with their baselines, and its raw
     * p-value: the weaker of its two one-sided binomial tails.
     */
    private static Tested pair(Count leave, Count enter, Map<ImageAdjustment, List<Count>> byAdjustment, PropertyShift shifts) {
        Baselines b = baselines(leave, enter, byAdjustment);
        double pLeave = SignTest.binomialTail(leave.left(), leave.classImages(), Math.max(b.othersLeave(), 1.0 / (b.othersImages() + 1)));
        double pEnter = SignTest.binomialTail(enter.entered(), enter.otherImages(), Math.max(b.typicalEnter(), 1.0 / (enter.otherImages() + 1)));
        return new Tested(new Cue(leave.className(), Kind.WHOLE_IMAGE, leave.adjustment(), enter.adjustment(), leave.classImages(), leave.leaveRate(),
                b.othersLeave(), enter.otherImages(), enter.enterRate(), b.typicalEnter(), shifts.against(leave.className(), leave.adjustment()),
                Double.NaN, null), Math.max(pLeave, pEnter));
    }

    /** The cue judged again under other thresholds (its tests and adjusted p unchanged): the family's threshold split uses it. */
    public static Cue rejudge(Cue c, AuditParams p) {
        return c.judged(c.pAdjusted(), decide(c, c.pAdjusted(), p));
    }

    /**
     * The cues with those of a class that has a {@code shortcut} finding judged {@code not_confirmed}: a mark the class
     * relies on moves every whole-image test that weakens it (on the colour family's sticker case, less contrast made
     * 100% of the sticker's class leave it against 48% of other classes), and the finding says where the cue is. The
     * reason keeps the test's figures.
     */
    public static List<Cue> explainedByShortcuts(List<Cue> cues, List<AuditFinding> findings) {
        List<Cue> out = new ArrayList<>();
        for (Cue c : cues) {
            AuditFinding mark = findings.stream().filter(f -> f.verdict() == Verdict.SHORTCUT && f.finding().className().equals(c.className()))
                    .findFirst().orElse(null);
            if (mark == null || c.judgement().verdict() != Verdict.GLOBAL_CUE) {
                out.add(c);
                continue;
            }
            out.add(c.judged(c.pAdjusted(), new Judgement(Verdict.NOT_CONFIRMED, "Explained by the class's shortcut"
                            + " finding (" + mark.finding().method() + ", " + mark.scope().label() + " " + mark.finding().region().describe() + "), which"
                            + " the change weakens: " + c.judgement().reason())));
        }
        return out;
    }

    /** A cue over a test that found none, else the larger strength. */
    private static boolean stronger(Cue c, Cue than, AuditParams p) {
        boolean cue = c.judgement().verdict() == Verdict.GLOBAL_CUE;
        boolean thanCue = than.judgement().verdict() == Verdict.GLOBAL_CUE;
        return cue != thanCue ? cue : strength(c, p) > strength(than, p);
    }

    /** The weaker of the two gaps, each over its minimum: at least 1 for a cue. */
    static double strength(Cue c, AuditParams p) {
        return switch (c.kind()) {
            case TEXTURE -> TextureCue.strength(c, p);
            case CONTEXT -> ContextCue.strength(c, p);
            case BORDER -> BorderCue.strength(c, p);
            case WHOLE_IMAGE -> Math.min((c.leaveRate() - c.othersLeaveRate()) / p.minCueLeaveGap(), (c.enterRate() - c.typicalEnterRate()) / p.minCueEnterGap());
        };
    }

    /** The verdict of one test by its kind's rule. */
    static Judgement decide(Cue c, double pAdjusted, AuditParams p) {
        return switch (c.kind()) {
            case TEXTURE -> TextureCue.decide(c, pAdjusted, p);
            case CONTEXT -> ContextCue.decide(c, pAdjusted, p);
            case BORDER -> BorderCue.decide(c, pAdjusted, p);
            case WHOLE_IMAGE -> decideWholeImage(c, pAdjusted, p);
        };
    }

    private static Judgement decideWholeImage(Cue c, double pAdjusted, AuditParams p) {
        String figures = String.format(Locale.ROOT, "%s makes %.0f%% of its %d images leave it (other classes %.0f%%) and %s turns %.0f%% of %d"
                + " other images into it (a typical class %.0f%%), p %.1e", c.leaveWith().label(), 100 * c.leaveRate(), c.classImages(),
                100 * c.othersLeaveRate(), c.enterWith().label(), 100 * c.enterRate(), c.otherImages(), 100 * c.typicalEnterRate(), pAdjusted)
                + c.shiftClause();
        boolean cue = pAdjusted < p.alpha() && c.leaveRate() - c.othersLeaveRate() >= p.minCueLeaveGap()
                && c.enterRate() - c.typicalEnterRate() >= p.minCueEnterGap() && c.carried(p);
        return cue ? new Judgement(Verdict.GLOBAL_CUE, "Whole-image cue: " + figures + ".")
                : new Judgement(Verdict.NOT_CONFIRMED, "No whole-image cue: " + figures + ".");
    }

    /** Other classes' images under one change and how many of them left their class, pooled: {@code {images, left}}. */
    static long[] othersPooled(List<Count> counts, String className) {
        long images = 0;
        long left = 0;
        for (Count c : counts) {
            if (!c.className().equals(className)) {
                images += c.classImages();
                left += c.left();
            }
        }
        return new long[] {images, left};
    }

    static double median(double[] v) {
        if (v.length == 0) {
            return 0;
        }
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
