package io.shortcutlens.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A cue spread over the image — a pattern over the background, a texture — that no region concentrates and no
 * whole-image property carries. Two changes tell it from an object, each judged against other classes' images:
 * <ul>
 *   <li>shape broken, texture kept ({@link ImageAdjustment#SHUFFLED}): the class's images <em>stay</em> in the class
 *       far more often than a typical other class's images stay in theirs (the median class), and than other classes'
 *       shuffled images <em>become</em> it — the class a model calls any scrambled image (on the decoy ONNX model,
 *       sandals: their straps in pieces still look like straps) keeps its own for that reason, not for a texture
 *       of its own; the evidence survives the object's destruction;</li>
 *   <li>fine pattern removed, shape kept ({@link ImageAdjustment#LOW_PASS} or {@link ImageAdjustment#LOW_PASS_COARSE},
 *       the scale with the larger gap): the class's images <em>leave</em> it far more often than other classes' leave
 *       theirs — the evidence lies in what the low-pass removes.</li>
 * </ul>
 * A texture cue needs both, as a whole-image cue needs its pair: the keep gap at least {@code minCueLeaveGap} (the
 * strong side: the object is gone and the class stays), the loss gap at least {@code minCueEnterGap} (the confirming
 * side: a low-pass that keeps a garment's shape also blurs its edges, so every class loses some images — on the decoy
 * family 40% of other classes' images left their class at the fine scale), the weaker p-value below alpha after Holm
 * over every cue test of the audit. Either alone has an ordinary reading: a class that is every model's answer for a
 * scrambled image survives shuffling; a class of thin objects (straps, laces) suffers from blurring. The probe is the
 * texture-versus-shape test of Geirhos et al. (2019), patch shuffling as in their ablations, and a low-pass at two
 * scales, asked per class rather than per model.
 */
public final class TextureCue {
    private TextureCue() { }

    /** Each class's texture test, at the low-pass scale where its gap is larger; nothing when the probe ran no shuffle. */
    static List<GlobalCueProbe.Tested> test(Map<ImageAdjustment, List<GlobalCueProbe.Count>> byAdjustment) {
        List<GlobalCueProbe.Count> shuffled = byAdjustment.getOrDefault(ImageAdjustment.SHUFFLED, List.of());
        List<GlobalCueProbe.Tested> out = new ArrayList<>();
        for (GlobalCueProbe.Count keep : shuffled) {
            if (keep.classImages() == 0) {
                continue;
            }
            long[] othersKept = GlobalCueProbe.othersPooled(shuffled, keep.className());
            // the baseline: a typical class's keep rate (the median), or the rate at which other classes' shuffled images
            // become the class, whichever is larger — the class a model calls any scrambled image keeps its own for that reason
            double othersKeep = Math.max(keep.enterRate(), GlobalCueProbe.median(shuffled.stream().filter(c -> !c.className().equals(keep.className()))
                    .mapToDouble(c -> 1 - c.leaveRate()).toArray()));
            double classKeep = 1 - keep.leaveRate();
            double pKeep = SignTest.binomialTail(keep.classImages() - keep.left(), keep.classImages(), Math.max(othersKeep, 1.0 / (othersKept[0] + 1)));
            GlobalCueProbe.Tested best = null;
            for (ImageAdjustment lowPass : List.of(ImageAdjustment.LOW_PASS, ImageAdjustment.LOW_PASS_COARSE)) {
                List<GlobalCueProbe.Count> blurred = byAdjustment.getOrDefault(lowPass, List.of());
                GlobalCueProbe.Count loss = blurred.stream().filter(c -> c.className().equals(keep.className())).findFirst().orElse(null);
                if (loss == null || loss.classImages() == 0) {
                    continue;
                }
                long[] othersLost = GlobalCueProbe.othersPooled(blurred, keep.className());
                double othersLeave = rate(othersLost[1], othersLost[0]);
                double pLoss = SignTest.binomialTail(loss.left(), loss.classImages(), Math.max(othersLeave, 1.0 / (othersLost[0] + 1)));
                GlobalCueProbe.Cue cue = new GlobalCueProbe.Cue(keep.className(), GlobalCueProbe.Kind.TEXTURE, lowPass, ImageAdjustment.SHUFFLED,
                        loss.classImages(), loss.leaveRate(), othersLeave, othersKept[0], classKeep, othersKeep, Double.NaN, Double.NaN, null);
                if (best == null || lossGap(cue) > lossGap(best.cue())) {
                    best = new GlobalCueProbe.Tested(cue, Math.max(pKeep, pLoss));
                }
            }
            if (best != null) {
                out.add(best);
            }
        }
        return out;
    }

    /** The weaker of the two gaps, each over its minimum: at least 1 for a cue. */
    static double strength(GlobalCueProbe.Cue c, AuditParams p) {
        return Math.min((c.enterRate() - c.typicalEnterRate()) / p.minCueLeaveGap(), (c.leaveRate() - c.othersLeaveRate()) / p.minCueEnterGap());
    }

    static Judgement decide(GlobalCueProbe.Cue c, double pAdjusted, AuditParams p) {
        String figures = String.format(Locale.ROOT, "%s keeps %.0f%% of its %d images in the class (baseline %.0f%%: a typical class keeping its own, or other classes' images becoming it; %d others) and %s"
                + " makes %.0f%% leave it (other classes %.0f%%), p %.1e", c.enterWith().label(), 100 * c.enterRate(), c.classImages(),
                100 * c.typicalEnterRate(), c.otherImages(), c.leaveWith().label(), 100 * c.leaveRate(), 100 * c.othersLeaveRate(), pAdjusted)
                + c.shiftClause();
        boolean cue = pAdjusted < p.alpha() && strength(c, p) >= 1 && c.carried(p);
        return cue ? new Judgement(Verdict.GLOBAL_CUE, "Texture cue spread over the image (the object's shape does not carry the class, its fine"
                + " pattern does): " + figures + ".")
                : new Judgement(Verdict.NOT_CONFIRMED, "No texture cue: " + figures + ".");
    }

    private static double lossGap(GlobalCueProbe.Cue c) {
        return c.leaveRate() - c.othersLeaveRate();
    }

    private static double rate(long k, long n) {
        return n == 0 ? 0 : (double) k / n;
    }
}
