package io.shortcutlens.jobs;

import io.shortcutlens.audit.AuditFinding;
import io.shortcutlens.audit.GlobalCueProbe;
import io.shortcutlens.audit.Verdict;
import io.shortcutlens.decoy.FashionMnist;
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
        version = "ShortcutLens " + ExplainJob.VERSION,
        description = {"The audit's benchmark: every case of the Decoy Fashion-MNIST family trained, explained and audited without annotations;",
            "precision and recall of 'shortcut' verdicts and of 'global_cue' findings against the measured reliance."})
public final class DecoyFamilyJob implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger("shortcutlens.decoy");

    @Option(names = "--data", paramLabel = "DIR", description = "Fashion-MNIST IDX files (Debian: dataset-fashion-mnist).")
    File data = FashionMnist.DEFAULT_DIR;

    @Option(names = "--out", paramLabel = "DIR", description = "One folder per case goes here.")
    File out = new File("decoy-family-out");

    @Option(names = "--cases", split = ",", paramLabel = "NAME", description = "Cases (decoy variants, see ./submit.sh decoy --help).")
    List<String> cases = new ArrayList<>(List.of("standard", "top-right", "edge", "line", "centre", "places", "half", "dimmed", "low-contrast", "background",
            "background-fine", "background-coarse", "clean"));

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

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the cues, training and LIME.")
    long seed = 1;

    /** One case and method: the truth, what the audit said, and the counts that score it. */
    record CaseScore(String caseName, String method, List<String> truth, boolean globalTruth, List<String> shortcuts, List<String> hits,
                     List<String> objectParts, List<String> cues, List<String> reliance) {
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

    record Outcome(List<CaseScore> scores, double precision, double recall, long cleanShortcuts, long cueHits, long cueTruth, long falseCues,
                   double seconds) { }

    public static void main(String[] args) {
        System.exit(ExplainJob.commandLine(new DecoyFamilyJob()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        SparkSession spark = Sessions.get("ShortcutLens decoy family");
        try {
            Outcome o = run(spark);
            System.out.print(table(o));
            return 0;
        } finally {
            spark.stop();
        }
    }

    Outcome run(SparkSession spark) throws Exception {
        long t0 = System.nanoTime();
        List<CaseScore> scores = new ArrayList<>();
        for (String name : cases) {
            List<String> methods = limeCases.contains(name) ? List.of("occlusion", "lime") : List.of("occlusion");
            LOG.info("[family] case {} ({}), without annotations", name, methods);
            DecoyJob job = new DecoyJob();
            List<String> args = new ArrayList<>(List.of("--variant", name, "--out", new File(out, name).getAbsolutePath(), "--skip-clean",
                    "--no-annotations", "--train-images", String.valueOf(trainImages), "--audit-per-class", String.valueOf(auditPerClass), "--epochs",
                    String.valueOf(epochs), "--occlusion-stride", String.valueOf(occlusionStride), "--methods", String.join(",", methods), "--seed",
                    String.valueOf(seed)));
            if (reuse) {
                args.add("--reuse");
            }
            ExplainJob.commandLine(job).parseArgs(args.toArray(new String[0]));
            DecoyJob.Outcome o = job.run(spark);
            AuditJob.Result audit = o.audits().get("decoy");
            List<String> relied = o.reliance().stream().filter(r -> r.share() >= minReliance).map(DecoyJob.Reliance::className).sorted().toList();
            boolean global = !o.decoy().localised() && !o.decoy().poisoned().isEmpty();
            List<String> cues = audit.cues().stream().filter(c -> c.judgement().verdict() == Verdict.GLOBAL_CUE).map(GlobalCueProbe.Cue::className).distinct().sorted().toList();
            for (String method : methods) {
                List<AuditFinding> mine = audit.findings().stream().filter(f -> f.finding().method().equals(method)).toList();
                List<String> shortcuts = classes(mine, Verdict.SHORTCUT);
                List<String> hits = global ? List.of() : shortcuts.stream().filter(c -> relied.contains(c) && mine.stream()
                        .anyMatch(f -> f.verdict() == Verdict.SHORTCUT && f.finding().className().equals(c) && DecoyJob.atSwatch(f, o.decoy()))).toList();
                scores.add(new CaseScore(name, method, relied, global, shortcuts, hits, classes(mine, Verdict.OBJECT_PART), cues,
                        o.reliance().stream().map(r -> String.format(Locale.ROOT, "%s %d/%d", r.className(), r.changedWithout(), r.rightWithSwatch())).toList()));
            }
        }
        long flagged = scores.stream().mapToLong(s -> s.shortcuts().size()).sum();
        long hits = scores.stream().mapToLong(s -> s.hits().size()).sum();
        long truth = scores.stream().filter(s -> !s.globalTruth()).mapToLong(s -> s.truth().size()).sum();
        long clean = scores.stream().filter(s -> s.caseName().equals("clean")).mapToLong(s -> s.shortcuts().size()).sum();
        // global cues: once per case (they do not depend on the map method)
        List<CaseScore> perCase = scores.stream().filter(x -> x.method().equals("occlusion")).toList();
        long cueHits = perCase.stream().mapToLong(x -> x.cueHits().size()).sum();
        long cueTruth = perCase.stream().filter(CaseScore::globalTruth).mapToLong(x -> x.truth().size()).sum();
        long falseCues = perCase.stream().mapToLong(x -> x.cues().size() - x.cueHits().size()).sum();
        return new Outcome(scores, flagged == 0 ? 1 : (double) hits / flagged, truth == 0 ? 1 : (double) hits / truth, clean, cueHits, cueTruth,
                falseCues, (System.nanoTime() - t0) / 1e9);
    }

    private static List<String> classes(List<AuditFinding> findings, Verdict v) {
        return new ArrayList<>(new TreeSet<>(findings.stream().filter(f -> f.verdict() == v).map(f -> f.finding().className()).toList()));
    }

    /** The per-case table and the totals. */
    static String table(Outcome o) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%n%-13s %-9s %-34s %-26s %-22s %-4s %-4s %-20s %s%n", "case", "method",
                "reliance (changed/right)", "shortcut verdicts", "true (>= min reliance)", "FP", "FN", "global_cue", "object_part"));
        for (CaseScore s : o.scores()) {
            b.append(String.format(Locale.ROOT, "%-13s %-9s %-34s %-26s %-22s %-4d %-4d %-20s %s%n", s.caseName(), s.method(), String.join(", ", s.reliance()),
                    s.shortcuts(), (s.globalTruth() ? "global " : "") + s.truth(), s.falseShortcuts(), s.missed(), s.cues(), s.objectParts()));
        }
        b.append(String.format(Locale.ROOT, "shortcut verdicts: precision %.2f, recall %.2f; clean model: %d shortcut verdicts; global cues: %d of %d"
                + " found, %d false; %.0f s%n", o.precision(), o.recall(), o.cleanShortcuts(), o.cueHits(), o.cueTruth(), o.falseCues(), o.seconds()));
        return b.toString();
    }
}
