package io.shortcutlens.decoy;

import io.shortcutlens.jobs.*;
import io.shortcutlens.audit.AuditFinding;
import io.shortcutlens.audit.AuditParams;
import io.shortcutlens.audit.DetectorParams;
import io.shortcutlens.audit.GlobalCueProbe;
import io.shortcutlens.audit.Verdict;
import io.shortcutlens.lake.ImageSource;
import io.shortcutlens.lake.RunFolder;
import io.shortcutlens.lake.RunManifest;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The audit's benchmark: a family of Decoy Fashion-MNIST cases — marks at several places and of several shapes, one
 * on part of a class, non-localised cues, a clean model — each trained, explained and audited <em>without
 * annotations</em>, scored against the ground truth measured without explanations: a class truly relies on its cue
 * when removing the cue changes at least {@code --min-reliance} of its right predictions.
 */
@Command(name = "decoy-family", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true, usageHelpWidth = 120,
        version = "ShortcutLens " + Cli.VERSION,
        description = {"The audit's benchmark: every case of the Decoy Fashion-MNIST family trained, explained and audited without annotations;",
            "precision and recall of 'shortcut' verdicts and of 'global_cue' findings against the measured reliance."})
public final class DecoyFamilyJob implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger("shortcutlens.decoy");

    @Option(names = "--data", paramLabel = "DIR", description = "Fashion-MNIST IDX files (Debian: dataset-fashion-mnist).")
    File data = FashionMnist.DEFAULT_DIR;

    @Option(names = "--out", paramLabel = "DIR", description = "One folder per case goes here.")
    File out = new File("decoy-family-out");

    @Option(names = "--cases", split = ",", paramLabel = "NAME", description = "Cases (decoy variants, see ./submit.sh decoy --help); none: only --colour-cases.")
    List<String> cases = new ArrayList<>(List.of("standard", "top-right", "edge", "line", "centre", "places", "half", "dimmed", "low-contrast", "background",
            "background-fine", "background-coarse", "anywhere", "anywhere-small", "dark-dot", "clean"));

    @Option(names = "--lime-cases", split = ",", paramLabel = "NAME", description = "Cases audited with LIME maps as well as occlusion.")
    List<String> limeCases = new ArrayList<>(List.of("standard", "edge", "line", "places", "half", "clean"));

    @Option(names = "--train-images", paramLabel = "N", description = "Training images per case.")
    int trainImages = 12_000;

    @Option(names = "--audit-per-class", paramLabel = "N", description = "Audited test images per class.")
    int auditPerClass = 100;

    @Option(names = "--epochs", paramLabel = "N", description = "Training epochs.")
    int epochs = 2;

    @Option(names = "--occlusion-stride", paramLabel = "PX", description = "Occlusion window step (window 4 px).")
    int occlusionStride = 4;

    @Option(names = "--min-reliance", paramLabel = "S", description = "Share of right predictions that must change without the cue for a true shortcut.")
    double minReliance = 0.2;

    @Option(names = "--reuse", description = "Reuse the models and explain runs already in --out (re-audit only).")
    boolean reuse;

    @Option(names = "--dreams", negatable = true, fallbackValue = "true", description = {"Deep dream pictures in each case's audit report",
        "(off by default: the family scores verdicts, and dreams cost minutes a case)."})
    boolean dreams;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the cues, training and LIME.")
    long seed = 1;

    @Option(names = "--colour-cases", paramLabel = "DIR", description = {"Also the colour cases written by scripts/make_colour_family.py (one",
        "folder per case: model.onnx, images/, truth.json): PyTorch-trained ResNet-style ONNX models on 64x64 colour scenes."})
    File colourCases;

    @Option(names = "--colour-lime-cases", split = ",", paramLabel = "NAME", description = "Colour cases audited with LIME maps as well as occlusion.")
    List<String> colourLimeCases = new ArrayList<>(List.of("logo-corner", "sticker", "clean"));

    /**
     * One audited case and method as measured: the truth (classes relying on the cue, whether the cue is spread over the
     * image, where a localised cue lies), the findings and cues with their evidence, and the half of the family it belongs
     * to (the threshold split).
     */
    record CaseData(String caseName, String method, List<String> truth, boolean globalTruth, java.util.function.Predicate<AuditFinding> atCue,
                    boolean truthAtBorder, List<AuditFinding> findings, List<GlobalCueProbe.Cue> cues, List<String> reliance, int half) { }

    /** One case and method scored under some thresholds: what the audit said, and the counts. */
    record CaseScore(String caseName, String method, List<String> truth, boolean globalTruth, List<String> shortcuts, List<String> hits,
                     List<String> objectParts, List<String> cues, List<String> reliance, int half) {
        long falseShortcuts() {
            return shortcuts.size() - hits.size();
        }

        long missed() {
            return globalTruth ? 0 : truth.size() - hits.size();
        }

        /** Global cues found for a class that truly relies on a whole-image cue. */
        List<String> cueHits() {
            return globalTruth ? cues.stream().filter(truth::contains).toList() : List.of();
        }
    }

    /** Precision and recall of shortcut verdicts and of cues over some cases, and both together. */
    record Totals(long flagged, long hits, long truth, long cueHits, long cueTruth, long falseCues, long cleanShortcuts) {
        double precision() {
            return flagged == 0 ? 1 : (double) hits / flagged;
        }

        double recall() {
            return truth == 0 ? 1 : (double) hits / truth;
        }

        double allPrecision() {
            long said = flagged + cueHits + falseCues;
            return said == 0 ? 1 : (double) (hits + cueHits) / said;
        }

        double allRecall() {
            long t = truth + cueTruth;
            return t == 0 ? 1 : (double) (hits + cueHits) / t;
        }

        double f1() {
            double p = allPrecision();
            double r = allRecall();
            return p + r == 0 ? 0 : 2 * p * r / (p + r);
        }

        static Totals of(List<CaseScore> scores) {
            long flagged = scores.stream().mapToLong(x -> x.shortcuts().size()).sum();
            long hits = scores.stream().mapToLong(x -> x.hits().size()).sum();
            long truth = scores.stream().filter(x -> !x.globalTruth()).mapToLong(x -> x.truth().size()).sum();
            long clean = scores.stream().filter(x -> x.caseName().endsWith("clean")).mapToLong(x -> x.shortcuts().size()).sum();
            // cues: once per case (they do not depend on the map method)
            List<CaseScore> perCase = scores.stream().filter(x -> x.method().equals("occlusion")).toList();
            long cueHits = perCase.stream().mapToLong(x -> x.cueHits().size()).sum();
            long cueTruth = perCase.stream().filter(CaseScore::globalTruth).mapToLong(x -> x.truth().size()).sum();
            long falseCues = perCase.stream().mapToLong(x -> x.cues().size() - x.cueHits().size()).sum();
            return new Totals(flagged, hits, truth, cueHits, cueTruth, falseCues, clean);
        }
    }

    /** Decision thresholds chosen on one half, and the other half's figures under them. */
    record Split(int chosenOn, AuditParams params, Totals chosenHalf, Totals otherHalf) { }

    record Outcome(List<CaseScore> scores, Totals totals, List<Split> splits, double seconds) { }

    public static void main(String[] args) {
        System.exit(Cli.commandLine(new DecoyFamilyJob()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        return Sessions.run("ShortcutLens decoy family", spark -> {
            Outcome o = run(spark);
            System.out.print(table(o));
            return 0;
        });
    }

    Outcome run(SparkSession spark) throws Exception {
        long t0 = System.nanoTime();
        List<CaseData> data = new ArrayList<>();
        for (String name : cases) {
            if (!name.isBlank() && !name.equals("none")) {
                decoyCase(spark, name, data);
            }
        }
        if (colourCases != null) {
            File[] folders = colourCases.listFiles(f -> new File(f, "truth.json").isFile());
            if (folders == null || folders.length == 0) {
                throw new IllegalArgumentException("--colour-cases " + colourCases + " holds no case folder with a truth.json: write them with"
                        + " /usr/bin/python3 scripts/make_colour_family.py " + colourCases);
            }
            java.util.Arrays.sort(folders);
            for (File f : folders) {
                colourCase(spark, f, data);
            }
        }
        AuditParams defaults = AuditParams.defaults();
        List<CaseScore> scores = data.stream().map(d -> score(d, defaults)).toList();
        return new Outcome(scores, Totals.of(scores), List.of(split(data, 0), split(data, 1)), (System.nanoTime() - t0) / 1e9);
    }

    /** A Decoy Fashion-MNIST case: trained here (DL4J), explained, audited without annotations. */
    private void decoyCase(SparkSession spark, String name, List<CaseData> data) throws Exception {
        List<String> methods = limeCases.contains(name) ? List.of("occlusion", "lime") : List.of("occlusion");
        LOG.info("[family] case {} ({}), without annotations", name, methods);
        DecoyOptions.Benchmark bench = new DecoyOptions.Benchmark(FashionMnist.DEFAULT_DIR, new File(out, name), name, trainImages, auditPerClass, epochs,
                seed, true, reuse, null);
        DecoyJob.Outcome o = DecoyJob.run(spark, new DecoyOptions(bench, DecoyOptions.Explaining.DEFAULT.with(methods, occlusionStride),
                new DecoyOptions.Auditing(null, false, dreams), DecoyOptions.Correcting.NONE));
        AuditJob.Result audit = o.audits().get("decoy");
        List<String> relied = o.reliance().stream().filter(r -> r.share() >= minReliance).map(DecoyJob.Reliance::className).sorted().toList();
        boolean global = !o.decoy().localised() && !o.decoy().poisoned().isEmpty();
        List<String> reliance = o.reliance().stream().map(r -> String.format(Locale.ROOT, "%s %d/%d", r.className(), r.changedWithout(),
                r.rightWithSwatch())).toList();
        int half = half(data);
        for (String method : methods) {
            data.add(new CaseData(name, method, relied, global, f -> DecoyJob.atSwatch(f, o.decoy()), atBorder(o.decoy().swatchBoxes().stream()
                    .map(b -> new double[] {(double) b[0] / FashionMnist.SIDE, (double) b[1] / FashionMnist.SIDE, (double) b[2] / FashionMnist.SIDE,
                            (double) b[3] / FashionMnist.SIDE}).toList()), mine(audit, method), audit.cues(), reliance,
                    half));
        }
    }

    /**
     * A colour case of scripts/make_colour_family.py: its ONNX model explained on its images and audited without
     * annotations; a localised cue is found where the truth's boxes are (a sticker that moves: anywhere).
     */
    private void colourCase(SparkSession spark, File folder, List<CaseData> data) throws Exception {
        String name = "colour/" + folder.getName();
        com.fasterxml.jackson.databind.JsonNode truth = new com.fasterxml.jackson.databind.ObjectMapper().readTree(new File(folder, "truth.json"));
        List<String> methods = colourLimeCases.contains(folder.getName()) ? List.of("occlusion", "lime") : List.of("occlusion");
        LOG.info("[family] case {} ({}), without annotations", name, methods);
        File run = new File(out, name);
        boolean explained = reuse && new File(RunFolder.of(run).manifest()).isFile()
                && RunManifest.readExplain(spark, new File(RunFolder.of(run).manifest()).getAbsolutePath()).rowsPerMethod().keySet().containsAll(methods);
        if (!explained) {
            ExplainJob.run(spark, ExplainOptions.builder(ImageSource.folder(new File(folder, "images").getAbsolutePath()),
                    new File(folder, "model.onnx").getAbsolutePath(), run.getAbsolutePath()).methods(methods).seed(seed).build());
        }
        AuditOptions.Builder audit = AuditOptions.builder(run.getAbsolutePath());
        if (!dreams) {
            audit.pictures(AuditOptions.Pictures.DEFAULT.withoutDreams());
        }
        AuditJob.Result result = AuditJob.run(spark, audit.build());
        List<String> relied = new ArrayList<>();
        List<String> reliance = new ArrayList<>();
        truth.path("reliance").fields().forEachRemaining(e -> {
            long changed = e.getValue().get(0).asLong();
            long right = e.getValue().get(1).asLong();
            reliance.add(String.format(Locale.ROOT, "%s %d/%d", e.getKey(), changed, right));
            if (right > 0 && (double) changed / right >= minReliance) {
                relied.add(e.getKey());
            }
        });
        boolean global = !truth.path("localised").asBoolean() && !relied.isEmpty();
        List<double[]> boxes = new ArrayList<>();
        truth.path("boxes").forEach(b -> boxes.add(new double[] {b.get(0).asDouble(), b.get(1).asDouble(), b.get(2).asDouble(), b.get(3).asDouble()}));
        java.util.function.Predicate<AuditFinding> at = f -> boxes.isEmpty() || f.places().stream().allMatch(pl -> boxes.stream().anyMatch(b -> {
            io.shortcutlens.audit.Region r = pl.region();
            double y0 = (double) r.row() / r.grid();
            double x0 = (double) r.col() / r.grid();
            double y1 = (double) (r.row() + r.height()) / r.grid();
            double x1 = (double) (r.col() + r.width()) / r.grid();
            return y0 < b[2] && b[0] < y1 && x0 < b[3] && b[1] < x1;
        }));
        int half = half(data);
        for (String method : methods) {
            data.add(new CaseData(name, method, relied, global, at, atBorder(boxes), mine(result, method), result.cues(), reliance, half));
        }
    }

    /**
     * Whether a localised truth lies in the image's border band, where a border cue says its cue is: some boxes
     * ({@code {y0, x0, y1, x1}} as shares of the side), each inside the band along one edge.
     */
    static boolean atBorder(List<double[]> boxes) {
        double band = io.shortcutlens.audit.ImageAdjustment.BAND + 1e-9;
        return !boxes.isEmpty() && boxes.stream().allMatch(b -> b[2] <= band || b[0] >= 1 - band || b[3] <= band || b[1] >= 1 - band);
    }

    private static List<AuditFinding> mine(AuditJob.Result audit, String method) {
        return audit.findings().stream().filter(f -> f.finding().method().equals(method)).toList();
    }

    /** Cases alternate between the two halves in the order they are run: the half of the next case (both its methods go there). */
    private static int half(List<CaseData> data) {
        return (int) (data.stream().map(CaseData::caseName).distinct().count() % 2);
    }

    /**
     * A case scored under {@code p}: every finding and cue judged again under its thresholds; a region found at a share of
     * the class's maps below {@code p}'s minimum share is left out, as the detector would leave it out (a position-free
     * finding has no such share: its candidates come from where each image's evidence lies).
     */
    static CaseScore score(CaseData d, AuditParams p) {
        List<AuditFinding> findings = d.findings().stream()
                .filter(f -> f.scope() == io.shortcutlens.audit.Scope.POSITION_FREE || f.finding().meanShare() >= p.detector().minShare())
                .map(f -> f.rejudge(p)).toList();
        List<GlobalCueProbe.Cue> found = GlobalCueProbe.explainedByShortcuts(d.cues().stream().map(c -> GlobalCueProbe.rejudge(c, p)).toList(), findings)
                .stream().filter(c -> c.judgement().verdict() == Verdict.GLOBAL_CUE).toList();
        // a border cue names a place, the border band: where the truth is a mark it is scored as a located verdict
        java.util.function.Predicate<GlobalCueProbe.Cue> located = c -> !d.globalTruth() && c.kind() == GlobalCueProbe.Kind.BORDER;
        List<String> cues = found.stream().filter(located.negate()).map(GlobalCueProbe.Cue::className).distinct().sorted().toList();
        List<String> borders = found.stream().filter(located).map(GlobalCueProbe.Cue::className).toList();
        List<String> shortcuts = new ArrayList<>(new TreeSet<>(classes(findings, Verdict.SHORTCUT)));
        shortcuts.addAll(borders.stream().filter(c -> !shortcuts.contains(c)).toList());
        List<String> hits = d.globalTruth() ? List.of() : shortcuts.stream().filter(c -> d.truth().contains(c) && (findings.stream()
                .anyMatch(f -> f.verdict() == Verdict.SHORTCUT && f.finding().className().equals(c) && d.atCue().test(f))
                || d.truthAtBorder() && borders.contains(c))).toList();
        return new CaseScore(d.caseName(), d.method(), d.truth(), d.globalTruth(), shortcuts, hits, classes(findings, Verdict.OBJECT_PART), cues,
                d.reliance(), d.half());
    }

    /**
     * The decision thresholds (flip gap, transplant gap, cue leave gap, the cue's share carried by its images, the context
     * cue's keep share, the regions' minimum share) with the best F1 of shortcut and cue verdicts on half {@code on}, ties
     * to the setting that moves the fewest thresholds from the defaults, and both halves' figures under them. Candidates are found at the defaults (the detectors are not re-run): a higher
     * minimum share leaves out the findings below it, with their p-values still adjusted over every candidate.
     */
    static Split split(List<CaseData> data, int on) {
        AuditParams d = AuditParams.defaults();
        List<CaseData> mine = data.stream().filter(x -> x.half() == on).toList();
        List<CaseData> other = data.stream().filter(x -> x.half() != on).toList();
        AuditParams best = d;
        double bestF1 = Totals.of(mine.stream().map(x -> score(x, d)).toList()).f1();
        for (double flip : new double[] {0.1, 0.2, 0.3, 0.4}) {
            for (double transplant : new double[] {0.1, 0.2, 0.3}) {
                for (double cue : new double[] {0.3, 0.4, 0.5, 0.6, 0.7}) {
                    for (double shift : new double[] {0.7, 0.8, 0.9}) {
                        for (double share : new double[] {d.detector().minShare(), d.detector().minShare() + 0.1}) {
                            DetectorParams q = d.detector();
                            AuditParams p = new AuditParams(new DetectorParams(share, q.imageShare(), q.minConsistency(), q.minContrast(), q.maxArea(),
                                    q.minImages()), d.alpha(), flip, d.control(), d.objectOverlap(), transplant, d.minTransplantRatio(),
                                    d.minSufficiencyGap(), d.maxSpread(), d.minDistance(), d.minStamped(), d.minSupportGap(), cue, d.minCueEnterGap(), shift,
                                    d.minContextKeep());
                            for (double context : new double[] {0.7, 0.8, 0.9}) {
                                AuditParams pc = p.withContextKeep(context);
                                double f1 = Totals.of(mine.stream().map(x -> score(x, pc)).toList()).f1();
                                // ties go to the setting nearest the defaults (fewest thresholds moved), not to the first tried: the
                                // lowest thresholds come first and an arbitrary one of equally good settings is no choice of this half
                                if (f1 > bestF1 + 1e-9 || (f1 > bestF1 - 1e-9 && moved(pc, d) < moved(best, d))) {
                                    bestF1 = Math.max(f1, bestF1);
                                    best = pc;
                                }
                            }
                        }
                    }
                }
            }
        }
        AuditParams chosen = best;
        return new Split(on, chosen, Totals.of(mine.stream().map(x -> score(x, chosen)).toList()),
                Totals.of(other.stream().map(x -> score(x, chosen)).toList()));
    }

    /** How many of the split's thresholds {@code p} moves from {@code d}. */
    static int moved(AuditParams p, AuditParams d) {
        double[] a = {p.minFlipGap(), p.minTransplantGap(), p.minCueLeaveGap(), p.minCueShift(), p.minContextKeep(), p.detector().minShare()};
        double[] b = {d.minFlipGap(), d.minTransplantGap(), d.minCueLeaveGap(), d.minCueShift(), d.minContextKeep(), d.detector().minShare()};
        int n = 0;
        for (int i = 0; i < a.length; i++) {
            n += Math.abs(a[i] - b[i]) > 1e-9 ? 1 : 0;
        }
        return n;
    }

    private static List<String> classes(List<AuditFinding> findings, Verdict v) {
        return new ArrayList<>(new TreeSet<>(findings.stream().filter(f -> f.verdict() == v).map(f -> f.finding().className()).toList()));
    }

    /** The per-case table, the totals and the threshold split. */
    static String table(Outcome o) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%n%-26s %-4s %-9s %-30s %-24s %-22s %-3s %-3s %-14s %s%n", "case", "half",
                "method", "reliance (changed/right)", "shortcut verdicts", "true (>= min reliance)", "FP", "FN", "global_cue", "object_part"));
        for (CaseScore s : o.scores()) {
            b.append(String.format(Locale.ROOT, "%-26s %-4s %-9s %-30s %-24s %-22s %-3d %-3d %-14s %s%n", s.caseName(), s.half() == 0 ? "A" : "B",
                    s.method(), String.join(", ", s.reliance()), s.shortcuts(), (s.globalTruth() ? "global " : "") + s.truth(), s.falseShortcuts(),
                    s.missed(), s.cues(), s.objectParts()));
        }
        Totals t = o.totals();
        b.append(String.format(Locale.ROOT, "defaults, every case: shortcut verdicts precision %.2f, recall %.2f; cues %d of %d found, %d false;"
                + " shortcut and cue verdicts together precision %.2f, recall %.2f; clean models: %d shortcut verdicts; %.0f s%n", t.precision(),
                t.recall(), t.cueHits(), t.cueTruth(), t.falseCues(), t.allPrecision(), t.allRecall(), t.cleanShortcuts(), o.seconds()));
        for (Split s : o.splits()) {
            String on = s.chosenOn() == 0 ? "A" : "B";
            String other = s.chosenOn() == 0 ? "B" : "A";
            AuditParams p = s.params();
            b.append(String.format(Locale.ROOT, "thresholds chosen on half %s (min flip gap %.1f, min transplant gap %.1f, min cue leave gap %.1f,"
                    + " min cue shift %.1f, min context keep %.1f, min share %.2f):"
                    + " half %s precision %.2f recall %.2f; held-out half %s precision %.2f, recall %.2f (%d of %d true shortcuts and cues found,"
                    + " %d verdicts false); clean: %d shortcut verdicts%n", on, p.minFlipGap(), p.minTransplantGap(), p.minCueLeaveGap(), p.minCueShift(),
                    p.minContextKeep(), p.detector().minShare(), on,
                    s.chosenHalf().allPrecision(), s.chosenHalf().allRecall(), other, s.otherHalf().allPrecision(), s.otherHalf().allRecall(),
                    s.otherHalf().hits() + s.otherHalf().cueHits(), s.otherHalf().truth() + s.otherHalf().cueTruth(),
                    s.otherHalf().flagged() - s.otherHalf().hits() + s.otherHalf().falseCues(), s.otherHalf().cleanShortcuts()));
        }
        return b.toString();
    }
}
