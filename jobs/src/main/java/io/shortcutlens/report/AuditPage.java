package io.shortcutlens.report;

import io.shortcutlens.audit.AuditFinding;
import io.shortcutlens.audit.BoxAgreement;
import io.shortcutlens.audit.Confirmation;
import io.shortcutlens.audit.FindingsDiff;
import io.shortcutlens.audit.GlobalCueProbe;
import io.shortcutlens.audit.ShortcutFinding;
import io.shortcutlens.audit.SubgroupDetector;
import io.shortcutlens.audit.Sufficiency;
import io.shortcutlens.audit.Transplant;
import io.shortcutlens.audit.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * What {@code report/audit.mustache} shows, section by section: text and numbers formatted here (the template escapes
 * every value), pictures as the data URIs and SVG the report draws. A section the audit has nothing for is null.
 */
public record AuditPage(String runId, String model, String input, String groupBy, Summary summary, Changes changes, Table findings, Ranks ranks,
                 GlobalCues globalCues, Table parts, Examples examples, Subgroups subgroups, Objects objects, List<ClassFigure> classes,
                 Confusion confusion, Inside inside, List<Parameter> parameters) {

    public static AuditPage of(AuditReport.Contents c) {
        List<AuditReport.FindingPanel> main = c.findings().stream().filter(p -> p.finding().verdict() != Verdict.OBJECT_PART).toList();
        List<AuditReport.FindingPanel> parts = c.findings().stream().filter(p -> p.finding().verdict() == Verdict.OBJECT_PART).toList();
        List<Parameter> parameters = new ArrayList<>();
        c.manifest().tree().fields().forEachRemaining(e -> parameters.add(new Parameter(e.getKey(),
                e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString())));
        return new AuditPage(c.manifest().runId(), c.manifest().model().path(), c.manifest().input(), c.groupBy(), Summary.of(c.findings(), c.cues()),
                c.history() == null ? null : Changes.of(c.history()), Table.of("findings", main), Ranks.of(c.ranks()), GlobalCues.of(c.cues()),
                Table.of("object-parts", parts), c.findings().isEmpty() ? null : new Examples(c.thresholds(), c.findings().stream().map(Panel::of).toList()),
                Subgroups.of(c.subgroups()), Objects.of(c.boxes()), c.classes().stream().map(ClassFigure::of).toList(), Confusion.of(c.confusion()),
                Inside.of(c.internals()), parameters);
    }

    /** Confirmed shortcuts and global cues first, each with its class, place, strength and reason; then how many of the rest. */
    public record Summary(List<ShortcutLine> shortcuts, List<CueLine> cues, String also) {
    public     boolean none() {
            return shortcuts.isEmpty() && cues.isEmpty();
        }

    public     static Summary of(List<AuditReport.FindingPanel> findings, List<GlobalCueProbe.Cue> cues) {
            List<ShortcutLine> shortcuts = findings.stream().map(AuditReport.FindingPanel::finding).filter(f -> f.verdict() == Verdict.SHORTCUT)
                    .map(f -> new ShortcutLine(f.verdict().label(), text(f.verdict()), f.finding().className(), placeOf(f), f.finding().method(),
                            percent(f.confirmation().flipRateRegion()), percent(f.confirmation().flipRateControl()), f.judgement().reason())).toList();
            List<CueLine> global = cues.stream().filter(q -> q.judgement().verdict() == Verdict.GLOBAL_CUE)
                    .map(q -> new CueLine(Verdict.GLOBAL_CUE.label(), text(Verdict.GLOBAL_CUE), q.className(), where(q), q.judgement().reason())).toList();
            long parts = count(findings, Verdict.OBJECT_PART);
            return new Summary(shortcuts, global, String.format(Locale.ROOT, "Also: %d object part%s, %d suspect, %d not confirmed.", parts,
                    parts == 1 ? "" : "s", count(findings, Verdict.SUSPECT), count(findings, Verdict.NOT_CONFIRMED)));
        }

        private static long count(List<AuditReport.FindingPanel> findings, Verdict v) {
            return findings.stream().filter(p -> p.finding().verdict() == v).count();
        }

        private static String where(GlobalCueProbe.Cue q) {
            return switch (q.kind()) {
                case TEXTURE -> "texture over the image";
                case CONTEXT -> "context around the object";
                case BORDER -> "the image's border";
                case WHOLE_IMAGE -> "whole image";
            };
        }
    }

    public record ShortcutLine(String verdict, String verdictText, String className, String place, String method, String flips, String control, String reason) { }

    public record CueLine(String verdict, String verdictText, String className, String where, String reason) { }

    /** What changed since the earlier audit: new and resolved shortcuts first, then the other changes. */
    public record Changes(String comparedTo, List<ChangeLine> lines, String unchanged) {
    public     boolean none() {
            return lines.isEmpty();
        }

    public     static Changes of(AuditReport.History history) {
            List<ChangeLine> shown = history.diff().stream().filter(e -> e.change() != FindingsDiff.Change.UNCHANGED)
                    .sorted(java.util.Comparator.comparing(FindingsDiff.Entry::change)).map(e -> new ChangeLine(e.change().label(), e.describe())).toList();
            long unchanged = history.diff().size() - shown.size();
            return new Changes(history.comparedTo(), shown, String.format(Locale.ROOT, "%d finding%s unchanged.", unchanged, unchanged == 1 ? "" : "s"));
        }
    }

    public record ChangeLine(String change, String text) { }

    /** A compact table of findings: what was flagged, what each test showed, the verdict; fits a laptop screen. */
    public record Table(String id, List<FindingRow> rows) {
    public     boolean none() {
            return rows.isEmpty();
        }

    public     static Table of(String id, List<AuditReport.FindingPanel> findings) {
            return new Table(id, findings.stream().map(p -> FindingRow.of(p.finding())).toList());
        }
    }

    public record FindingRow(String className, String method, String scope, String placesTitle, String place, String share, String flips, String flipsControl,
                      String pasted, String pastedControl, String alone, String aloneControl, String stamped, String p, String verdict, String verdictText) {
    public     static FindingRow of(AuditFinding c) {
            ShortcutFinding f = c.finding();
            Confirmation k = c.confirmation();
            Transplant t = c.evidence().transplant();
            Sufficiency s = c.evidence().sufficiency();
            return new FindingRow(f.className(), f.method(), scopeOf(c),
                    String.join("; ", c.places().stream().map(x -> x.region().describe() + ", control " + x.control().describe()).toList()), placeOf(c),
                    three(f.meanShare()), two(k.flipRateRegion()), two(k.flipRateControl()), two(t.rateRegion()), two(t.rateControl()), two(s.rateRegion()),
                    two(Math.max(s.rateControl(), s.rateBlank())), three(c.evidence().consistency().stampedShare()), pValue(c.pAdjusted()), c.verdict().label(),
                    text(c.verdict()));
        }
    }

    /** The evaluate job's ranking of this run's methods, when it ran. */
    public record Ranks(List<RankRow> rows) {
    public     static Ranks of(List<AuditReport.MethodRank> ranks) {
            return ranks.isEmpty() ? null
                    : new Ranks(ranks.stream().map(r -> new RankRow(r.method(), r.images(), three(r.mean()), three(r.low()), three(r.high()))).toList());
        }
    }

    public record RankRow(String method, int images, String mean, String low, String high) { }

    /** Every class's strongest whole-image change, the cues first. */
    public record GlobalCues(List<CueRow> rows) {
    public     static GlobalCues of(List<GlobalCueProbe.Cue> cues) {
            return cues.isEmpty() ? null : new GlobalCues(cues.stream().map(q -> new CueRow(q.className(), q.kind().label(), q.leaveWith().label(),
                    three(q.leaveRate()), three(q.othersLeaveRate()), q.enterWith().label(), three(q.enterRate()), three(q.typicalEnterRate()),
                    Double.isNaN(q.shift()) ? "–" : three(q.shift()), pValue(q.pAdjusted()), q.judgement().verdict().label(), text(q.judgement().verdict())))
                    .toList());
        }
    }

    public record CueRow(String className, String kind, String leaveWith, String leave, String othersLeave, String enterWith, String enter, String typicalEnter,
                  String carried, String p, String verdict, String verdictText) { }

    /** The thresholds, then each finding's heading, reason and pictures. */
    public record Examples(String thresholds, List<Panel> panels) { }

    /** One finding: heading, reason, and for a position-free finding the artifact (the mean of its images' own blocks, then each block). */
    public record Panel(String verdict, String verdictText, String className, String method, String scope, String region, String reason, List<Figure> artifact,
                 List<Figure> images) {
    public     boolean anyArtifact() {
            return !artifact.isEmpty();
        }

    public     static Panel of(AuditReport.FindingPanel p) {
            ShortcutFinding f = p.finding().finding();
            List<Figure> artifact = new ArrayList<>();
            for (int i = 0; i < p.artifactUris().size(); i++) {
                artifact.add(i == 0 ? new Figure("the artifact: mean of its images' own blocks", p.artifactUris().get(0),
                        "the artifact (mean of " + (p.artifactUris().size() - 1) + " own blocks)")
                        : new Figure("own block", p.artifactUris().get(i), p.examplePaths().get(i - 1)));
            }
            List<Figure> images = new ArrayList<>();
            for (int i = 0; i < p.exampleUris().size(); i++) {
                images.add(new Figure(f.className() + " example", p.exampleUris().get(i), p.examplePaths().get(i)));
            }
            return new Panel(p.finding().verdict().label(), text(p.finding().verdict()), f.className(), f.method(), scopeOf(p.finding()),
                    f.region().describe(), p.finding().judgement().reason(), artifact, images);
        }
    }

    /** A picture with its alternative text and caption. */
    public record Figure(String alt, String uri, String caption) { }

    /** The concentrated subgroups. */
    public record Subgroups(List<SubgroupRow> rows) {
    public     boolean none() {
            return rows.isEmpty();
        }

    public     static Subgroups of(List<SubgroupDetector.Subgroup> subgroups) {
            return new Subgroups(subgroups.stream().map(g -> new SubgroupRow(g.finding().className(), g.finding().method(),
                    g.finding().region().describe(), g.finding().images(), g.classImages(), three(g.fractionOfClass()), three(g.finding().meanShare()),
                    three(g.finding().consistency()), String.valueOf(g.clusters()))).toList());
        }
    }

    public record SubgroupRow(String className, String method, String region, long images, long classImages, String fraction, String meanShare,
                       String consistency, String clusters) { }

    /** How the maps agree with annotated objects (annotated runs only). */
    public record Objects(List<BoxRow> rows) {
    public     static Objects of(List<BoxAgreement> boxes) {
            return boxes.isEmpty() ? null : new Objects(boxes.stream().map(b -> new BoxRow(b.className(), b.method(), b.images(),
                    three(b.relevanceMass()), three(b.pointingGame()))).toList());
        }
    }

    public record BoxRow(String className, String method, long images, String mass, String pointing) { }

    public record ClassFigure(String className, String method, long images, String uri) {
    public     static ClassFigure of(AuditReport.ClassPanel c) {
            return new ClassFigure(c.className(), c.method(), c.images(), c.overlayUri());
        }
    }

    /** Image counts per (true label, predicted class). */
    public record Confusion(List<String> predicted, List<ConfusionRow> rows) {
    public     static Confusion of(AuditReport.Confusion confusion) {
            TreeSet<String> predicted = new TreeSet<>();
            confusion.counts().values().forEach(m -> predicted.addAll(m.keySet()));
            List<ConfusionRow> rows = new ArrayList<>();
            for (Map.Entry<String, Map<String, Long>> row : confusion.counts().entrySet()) {
                rows.add(new ConfusionRow(row.getKey(), predicted.stream().map(p -> String.valueOf(row.getValue().getOrDefault(p, 0L))).toList()));
            }
            return new Confusion(List.copyOf(predicted), rows);
        }
    }

    public record ConfusionRow(String label, List<String> counts) { }

    /** Deep dream tiles, activations of one image per class, the t-SNE map, and why a part is missing. */
    public record Inside(List<String> notes, List<Dream> dreams, Activations activations, Tsne tsne) {
    public     boolean anyDreams() {
            return !dreams.isEmpty();
        }

    public     static Inside of(InsideTheModel in) {
            if (in.dreams().isEmpty() && in.activations().isEmpty() && in.tsne() == null && in.notes().isEmpty()) {
                return null;
            }
            List<Dream> dreams = in.dreams().stream().map(d -> new Dream(d.layer(), d.objective(), String.format(Locale.ROOT, "%.3g → %.3g", d.before(),
                    d.after()), Heatmaps.dataUri(d.png()))).toList();
            Activations activations = null;
            if (!in.activations().isEmpty()) {
                InsideTheModel.ActivationPanel first = in.activations().get(0);
                activations = new Activations(first.layer(), first.channels(), first.height(), first.width(), in.activations());
            }
            InsideTheModel.TsnePlot t = in.tsne();
            Tsne tsne = t == null ? null : new Tsne(t.layer(), t.points(), t.misclassified(), t.source(), three(t.knn2d()), three(t.knnLayer()), t.svg());
            return new Inside(in.notes(), dreams, activations, tsne);
        }
    }

    public record Dream(String layer, String objective, String change, String uri) { }

    public record Activations(String layer, int channels, int height, int width, List<InsideTheModel.ActivationPanel> rows) { }

    public record Tsne(String layer, int points, long misclassified, String source, String knn2d, String knnLayer, String svg) { }

    /** One key of the run's manifest and its value as JSON text. */
    public record Parameter(String key, String value) { }

    /** The verdict as its badge says it. */
    public static String text(Verdict v) {
        return v.label().replace('_', ' ');
    }

    /** The region in words (all places of a places finding), without the grid cells. */
    public static String placeOf(AuditFinding f) {
        if (f.scope() == io.shortcutlens.audit.Scope.POSITION_FREE) {
            return "anywhere: each image's own most relevant block (most often the " + f.finding().region().describeBrief() + ")";
        }
        return String.join(", ", f.places().stream().map(x -> x.region().describeBrief()).distinct().toList());
    }

    public static String scopeOf(AuditFinding c) {
        return switch (c.scope()) {
            case CLASS -> "whole class";
            case PLACES -> c.places().size() + " subgroups, " + c.finding().images() + " / " + c.candidate().classImages();
            case SUBGROUP -> "subgroup " + c.finding().images() + " / " + c.candidate().classImages();
            case POSITION_FREE -> "whole class, each image at its own place";
        };
    }

    private static String three(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private static String two(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String percent(double v) {
        return String.format(Locale.ROOT, "%.0f", 100 * v);
    }

    private static String pValue(double v) {
        return String.format(Locale.ROOT, "%.1e", v);
    }
}
