package io.shortcutlens.jobs;

import io.shortcutlens.pipeline.ExplainManifest;
import io.shortcutlens.audit.AuditFinding;
import io.shortcutlens.audit.Confirmation;
import io.shortcutlens.audit.FindingsDiff;
import io.shortcutlens.audit.GlobalCueProbe;
import io.shortcutlens.audit.Sufficiency;
import io.shortcutlens.audit.Transplant;
import io.shortcutlens.audit.Verdict;
import io.shortcutlens.audit.ShortcutFinding;
import io.shortcutlens.audit.SubgroupDetector;
import io.shortcutlens.report.Heatmaps;
import io.shortcutlens.report.Html;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * The audit's static HTML report: one self-contained file (pictures inlined as PNG data URIs, no scripts, no external
 * assets) that opens from disk. Every string that comes from data is escaped.
 */
final class AuditReport {

    /** One class's mean map drawn over its average image, for one method. */
    record ClassPanel(String className, String method, long images, String overlayUri) { }

    /** A finding with its example overlays. */
    /**
     * One finding's pictures: example images with their maps, and — for a position-free finding — the artifact: the mean
     * of the examples' own blocks, then each block (empty otherwise).
     */
    record FindingPanel(AuditFinding finding, List<String> exampleUris, List<String> examplePaths, List<String> artifactUris) { }

    /** Image counts per (true label, predicted class). */
    record Confusion(Map<String, Map<String, Long>> counts) { }

    private AuditReport() { }

    /**
     * Everything the report shows: the run, the findings with their pictures, the cues, the class panels, the subgroups,
     * the box agreement (annotated runs), the confusion matrix, the model's inside, the change since an earlier audit
     * ({@code history}: null when none was compared) and the methods' ranks.
     */
    record Contents(ExplainManifest manifest, String groupBy, String thresholds, List<FindingPanel> findings, List<GlobalCueProbe.Cue> cues,
                    List<ClassPanel> classes, List<SubgroupDetector.Subgroup> subgroups, List<AuditJob.BoxAgreement> boxes, Confusion confusion,
                    ModelInternals.Internals internals, History history, List<MethodRank> ranks) { }

    /** The report at {@code file} (any Hadoop path), with the deep dream tiles as PNG files beside it. */
    static void write(SparkSession spark, String file, Contents c) {
        save(spark, file, html(c), c.internals().dreams());
    }

    /** The page: a short sequence of sections, each its own method. */
    static String html(Contents c) {
        StringBuilder h = new StringBuilder();
        head(h, c);
        summary(h, c.findings(), c.cues());
        if (c.history() != null) {
            changes(h, c.history());
        }
        findingSections(h, c);
        subgroups(h, c.subgroups());
        objects(h, c.boxes());
        classMeans(h, c.classes());
        confusion(h, c.confusion());
        insideTheModel(h, c.internals());
        parameters(h, c.manifest());
        return h.toString();
    }

    private static void head(StringBuilder h, Contents c) {
        ExplainManifest manifest = c.manifest();
        String groupBy = c.groupBy();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>ShortcutLens audit</title>\n<style>")
                .append("body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}")
                .append("td,th{border:1px solid #bbb;padding:4px 8px;text-align:right}.place{white-space:nowrap}small{color:#555}th{background:#eee}td.l,th.l{text-align:left}")
                .append("table.findings{font-size:13px}table.findings td,table.findings th{padding:3px 5px}.reason{max-width:70em}")
                .append(".badge{display:inline-block;padding:1px 6px;border-radius:8px;font-size:12px;font-weight:bold;color:#fff;white-space:nowrap}")
                .append(".badge.shortcut{background:#b00}.badge.global_cue{background:#a0a}.badge.suspect{background:#c70}")
                .append(".badge.object_part{background:#272}.badge.not_confirmed{background:#888}#summary li{margin:4px 0}")
                .append(".badge.new{background:#b00}.badge.resolved{background:#272}.badge.changed{background:#c70}")
                .append("figure{display:inline-block;margin:4px;text-align:center;font-size:11px;max-width:220px;word-break:break-all}")
                .append("img{image-rendering:pixelated;border:1px solid #999}code{overflow-wrap:anywhere}</style></head><body>\n");
        h.append("<h1>ShortcutLens audit</h1>\n<p>Run <code>").append(Html.text(manifest.runId())).append("</code> of model <code>")
                .append(Html.text(manifest.model().path())).append("</code> on <code>")
                .append(Html.text(manifest.input())).append("</code>. Classes are the <b>").append(Html.text(groupBy))
                .append("</b> class of each image; maps are drawn with the jet colormap at 50% opacity over the image.</p>\n");
    }

    /** The findings and object-part tables, the cues, the methods' ranks, and each finding's reason and pictures. */
    private static void findingSections(StringBuilder h, Contents c) {
        List<FindingPanel> findings = c.findings();
        List<FindingPanel> main = findings.stream().filter(p -> p.finding().verdict() != Verdict.OBJECT_PART).toList();
        List<FindingPanel> parts = findings.stream().filter(p -> p.finding().verdict() == Verdict.OBJECT_PART).toList();
        h.append("<h2>Findings</h2>\n");
        if (main.isEmpty()) {
            h.append("<p>No region flagged beyond the objects themselves.</p>\n");
        } else {
            findingsTable(h, "findings", main);
        }
        methodRanks(h, c.ranks());
        globalCues(h, c.cues());
        h.append("<h2>Object parts</h2>\n<p>Regions the model relies on that are part of its objects: normal, shown for insight, never counted")
                .append(" as shortcuts.</p>\n");
        if (parts.isEmpty()) {
            h.append("<p>None.</p>\n");
        } else {
            findingsTable(h, "object-parts", parts);
        }
        if (!findings.isEmpty()) {
            h.append("<p>Thresholds: <code>").append(Html.text(c.thresholds())).append("</code></p>\n");
            examples(h, findings);
        }
    }

    /** Each finding's heading, reason and pictures (a position-free finding's artifact first). */
    private static void examples(StringBuilder h, List<FindingPanel> findings) {
        h.append("<h2>Examples</h2>\n");
        for (FindingPanel p : findings) {
            ShortcutFinding f = p.finding().finding();
            h.append("<h3>").append(badge(p.finding().verdict())).append(' ').append(Html.text(f.className())).append(" · ")
                    .append(Html.text(f.method())).append(" · ").append(Html.text(scope(p.finding()))).append(" · ")
                    .append(Html.text(f.region().describe())).append("</h3>\n<p class=\"reason\">").append(Html.text(p.finding().judgement().reason()))
                    .append("</p>\n");
            if (!p.artifactUris().isEmpty()) {
                h.append("<div class=\"examples artifact\">");
                for (int i = 0; i < p.artifactUris().size(); i++) {
                    h.append("<figure><img class=\"patch\" alt=\"").append(i == 0 ? "the artifact: mean of its images' own blocks" : "own block")
                            .append("\" src=\"").append(p.artifactUris().get(i)).append("\"><figcaption>")
                            .append(i == 0 ? "the artifact (mean of " + (p.artifactUris().size() - 1) + " own blocks)" : Html.text(p.examplePaths().get(i - 1)))
                            .append("</figcaption></figure>");
                }
                h.append("</div>\n<p>Each image's own most relevant block, wherever it lies; the images that carry it:</p>\n");
            }
            h.append("<div class=\"examples\">");
            for (int i = 0; i < p.exampleUris().size(); i++) {
                h.append("<figure><img class=\"overlay\" alt=\"").append(Html.text(f.className())).append(" example\" src=\"")
                        .append(p.exampleUris().get(i)).append("\"><figcaption>").append(Html.text(p.examplePaths().get(i)))
                        .append("</figcaption></figure>");
            }
            h.append("</div>\n");
        }
    }

    private static void subgroups(StringBuilder h, List<SubgroupDetector.Subgroup> subgroups) {
        h.append("<h2>Subgroups</h2>\n<p>Images of each class clustered by where their attribution lies (KMeans on the mass grids);")
                .append(" clusters that share a concentrated region, merged. A subgroup inside a class finding is tested with it.</p>\n");
        if (subgroups.isEmpty()) {
            h.append("<p>No concentrated subgroup.</p>\n");
        } else {
            h.append("<table id=\"subgroups\"><tr><th class=\"l\">class</th><th class=\"l\">method</th><th class=\"l\">region</th>")
                    .append("<th>images</th><th>of class</th><th>share of class</th><th>mean share</th><th>consistency</th>")
                    .append("<th class=\"l\">clusters</th></tr>\n");
            for (SubgroupDetector.Subgroup g : subgroups) {
                ShortcutFinding f = g.finding();
                h.append("<tr><td class=\"l\">").append(Html.text(f.className())).append("</td><td class=\"l\">").append(Html.text(f.method()))
                        .append("</td><td class=\"l\">").append(Html.text(f.region().describe())).append("</td><td>").append(f.images())
                        .append("</td><td>").append(g.classImages()).append("</td>").append(num(g.fractionOfClass())).append(num(f.meanShare()))
                        .append(num(f.consistency())).append("<td class=\"l\">").append(Html.text(g.clusters())).append("</td></tr>\n");
            }
            h.append("</table>\n");
        }
    }

    private static void objects(StringBuilder h, List<AuditJob.BoxAgreement> boxes) {
        if (!boxes.isEmpty()) {
            h.append("<h2>Objects</h2>\n<p>Relevance mass: share of positive attribution on the annotated object (box or mask). Pointing game: share")
                    .append(" of images whose map peaks on it.</p>\n<table id=\"boxes\"><tr><th class=\"l\">class</th><th class=\"l\">method</th>")
                    .append("<th>images</th><th>relevance mass</th><th>pointing game</th></tr>\n");
            for (AuditJob.BoxAgreement b : boxes) {
                h.append("<tr><td class=\"l\">").append(Html.text(b.className())).append("</td><td class=\"l\">").append(Html.text(b.method()))
                        .append("</td><td>").append(b.images()).append("</td>").append(num(b.relevanceMass())).append(num(b.pointingGame()))
                        .append("</tr>\n");
            }
            h.append("</table>\n");
        }
    }

    private static void classMeans(StringBuilder h, List<ClassPanel> classes) {
        h.append("<h2>Class mean maps</h2>\n<div class=\"classes\">");
        for (ClassPanel c : classes) {
            h.append("<figure><img class=\"overlay\" alt=\"mean map of ").append(Html.text(c.className())).append("\" src=\"").append(c.overlayUri())
                    .append("\"><figcaption>").append(Html.text(c.className())).append(" · ").append(Html.text(c.method())).append(" · ")
                    .append(c.images()).append(" images</figcaption></figure>");
        }
        h.append("</div>\n");
    }

    private static void confusion(StringBuilder h, Confusion confusion) {
        h.append("<h2>Confusion matrix</h2>\n<table id=\"confusion\"><tr><th class=\"l\">label \\ predicted</th>");
        TreeSet<String> predicted = new TreeSet<>();
        confusion.counts().values().forEach(m -> predicted.addAll(m.keySet()));
        for (String p : predicted) {
            h.append("<th>").append(Html.text(p)).append("</th>");
        }
        h.append("</tr>\n");
        for (Map.Entry<String, Map<String, Long>> row : confusion.counts().entrySet()) {
            h.append("<tr><th class=\"l\">").append(Html.text(row.getKey())).append("</th>");
            for (String p : predicted) {
                h.append("<td>").append(row.getValue().getOrDefault(p, 0L)).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
    }

    private static void parameters(StringBuilder h, ExplainManifest manifest) {
        h.append("<h2>Run parameters</h2>\n<table id=\"parameters\">");
        manifest.tree().fields().forEachRemaining(e -> h.append("<tr><th class=\"l\">").append(Html.text(e.getKey())).append("</th><td class=\"l\"><code>")
                .append(Html.text(e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString())).append("</code></td></tr>\n"));
        h.append("</table>\n</body></html>\n");
    }

    private static void save(SparkSession spark, String file, String html, List<ModelInternals.DreamTile> dreamTiles) {
        Path p = new Path(file);
        try {
            FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
            Path dreams = new Path(p.getParent(), "deep-dream");
            fs.delete(p, false); // with its checksum file, on a local disk
            fs.delete(dreams, true);
            if (fs instanceof org.apache.hadoop.fs.LocalFileSystem local) {
                fs = local.getRawFileSystem(); // no .crc files beside a report people open and copy
            }
            try (OutputStream out = fs.create(p, true)) {
                out.write(html.getBytes(StandardCharsets.UTF_8));
            }
            // the deep dream tiles also as PNG files beside the report, for slides and tickets
            for (ModelInternals.DreamTile d : dreamTiles) {
                try (OutputStream out = fs.create(new Path(dreams, dreamFile(d)), true)) {
                    out.write(d.png());
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot write report " + file + ": " + e.getMessage(), e);
        }
    }

    /** "layer1-channel-3.png", "class-bear.png". */
    static String dreamFile(ModelInternals.DreamTile d) {
        String name = d.objective().startsWith("class ") ? d.objective() : d.layer() + " " + d.objective();
        return name.replaceAll("[^A-Za-z0-9_.]+", "-") + ".png";
    }

    /** Deep dream tiles, activations of one image per class, the t-SNE map. */
    private static void insideTheModel(StringBuilder h, ModelInternals.Internals in) {
        if (in.dreams().isEmpty() && in.activations().isEmpty() && in.tsne() == null && in.notes().isEmpty()) {
            return;
        }
        h.append("<h2>Inside the model</h2>\n");
        for (String note : in.notes()) {
            h.append("<p class=\"note\">").append(Html.text(note)).append("</p>\n");
        }
        if (!in.dreams().isEmpty()) {
            h.append("<h3>Deep dream</h3>\n<p>Images that raise a channel's mean activation (or a class's score) most, by gradient ascent from")
                    .append(" the same noise over 3 pyramid levels (scale 1.4, 10 steps each), for the channels most active on that noise; each tile rescaled to its own range; under each, the objective before → after. Also in")
                    .append(" <code>deep-dream/</code> beside this report.</p>\n<div id=\"dreams\">");
            for (ModelInternals.DreamTile d : in.dreams()) {
                h.append("<figure><img class=\"dream\" alt=\"deep dream ").append(Html.text(d.objective())).append("\" src=\"")
                        .append(Heatmaps.dataUri(d.png())).append("\"><figcaption>").append(Html.text(d.layer())).append(" · ")
                        .append(Html.text(d.objective())).append("<br>").append(String.format(Locale.ROOT, "%.3g → %.3g", d.before(), d.after()))
                        .append("</figcaption></figure>");
            }
            h.append("</div>\n");
        }
        if (!in.activations().isEmpty()) {
            ModelInternals.ActivationPanel first = in.activations().get(0);
            h.append("<h3>Activations</h3>\n<p>Layer <code>").append(Html.text(first.layer())).append("</code> (").append(first.channels())
                    .append(" channels of ").append(first.height()).append("×").append(first.width()).append(") on the first image of each")
                    .append(" class: the image, every channel (one grey scale for all), and the channel with the strongest activation,")
                    .append(" upsampled over the image.</p>\n<table id=\"activations\">");
            for (ModelInternals.ActivationPanel a : in.activations()) {
                h.append("<tr><th class=\"l\">").append(Html.text(a.className())).append("<br><small>").append(Html.text(a.path()))
                        .append("</small></th><td><img alt=\"image\" src=\"").append(a.imageUri()).append("\"></td><td><img class=\"tiles\" alt=\"")
                        .append(a.channels()).append(" channels\" src=\"").append(a.tilesUri()).append("\"></td><td><img alt=\"strongest channel\" src=\"")
                        .append(a.strongestUri()).append("\"><br><small>channel ").append(a.strongest()).append("</small></td></tr>\n");
            }
            h.append("</table>\n");
        }
        if (in.tsne() != null) {
            ModelInternals.TsnePlot t = in.tsne();
            h.append("<h3>t-SNE of the embeddings</h3>\n<p>Layer <code>").append(Html.text(t.layer())).append("</code>, ").append(t.points())
                    .append(" images (").append(t.misclassified()).append(" misclassified, marked ×) from <code>").append(Html.text(t.source()))
                    .append("</code>. Leave-one-out 5-nearest-neighbour accuracy: ").append(String.format(Locale.ROOT, "%.3f", t.knn2d()))
                    .append(" on the map, ").append(String.format(Locale.ROOT, "%.3f", t.knnLayer())).append(" in the layer's own space.</p>\n")
                    .append(t.svg()).append("\n");
        }
    }

    /** The verdict as a coloured badge. */
    static String badge(Verdict v) {
        return "<span class=\"badge " + v.label() + "\">" + v.label().replace('_', ' ') + "</span>";
    }

    /** Confirmed shortcuts and global cues first, each with its class, region, strength and reason; then what else was found. */
    private static void summary(StringBuilder h, List<FindingPanel> findings, List<GlobalCueProbe.Cue> cues) {
        List<AuditFinding> shortcuts = findings.stream().map(FindingPanel::finding).filter(f -> f.verdict() == Verdict.SHORTCUT).toList();
        List<GlobalCueProbe.Cue> global = cues.stream().filter(c -> c.judgement().verdict() == Verdict.GLOBAL_CUE).toList();
        h.append("<section id=\"summary\"><h2>Summary</h2>\n");
        if (shortcuts.isEmpty() && global.isEmpty()) {
            h.append("<p>No confirmed shortcut and no global cue.</p>\n");
        } else {
            h.append("<ul>\n");
            for (AuditFinding f : shortcuts) {
                h.append("<li>").append(badge(f.verdict())).append(" <b>").append(Html.text(f.finding().className())).append("</b> · ")
                        .append(Html.text(place(f))).append(" · ").append(Html.text(f.finding().method()))
                        .append(String.format(Locale.ROOT, " · hiding it flips %.0f%% (control %.0f%%). ", 100 * f.confirmation().flipRateRegion(),
                                100 * f.confirmation().flipRateControl()))
                        .append(Html.text(f.judgement().reason())).append("</li>\n");
            }
            for (GlobalCueProbe.Cue c : global) {
                h.append("<li>").append(badge(Verdict.GLOBAL_CUE)).append(" <b>").append(Html.text(c.className())).append("</b> · ").append(switch (c.kind()) {
                    case TEXTURE -> "texture over the image";
                    case CONTEXT -> "context around the object";
                    case BORDER -> "the image's border";
                    case WHOLE_IMAGE -> "whole image";
                }).append(" · ")
                        .append(Html.text(c.judgement().reason())).append("</li>\n");
            }
            h.append("</ul>\n");
        }
        long parts = findings.stream().filter(p -> p.finding().verdict() == Verdict.OBJECT_PART).count();
        long suspects = findings.stream().filter(p -> p.finding().verdict() == Verdict.SUSPECT).count();
        long unconfirmed = findings.stream().filter(p -> p.finding().verdict() == Verdict.NOT_CONFIRMED).count();
        h.append(String.format(Locale.ROOT, "<p>Also: %d object part%s, %d suspect, %d not confirmed.</p></section>%n", parts, parts == 1 ? "" : "s",
                suspects, unconfirmed));
    }

    /** An earlier audit this one was compared with ({@code --compare-to}) and the diff. */
    record History(String comparedTo, List<FindingsDiff.Entry> diff) { }

    /**
     * A method's faithfulness as the evaluate job measured it on this run (every class): its deletion area less a random
     * order's, image by image, with the 95% interval. Read from {@code RUN/evaluation/evaluation} when the evaluate job
     * wrote it there; empty otherwise.
     */
    record MethodRank(String method, int images, double mean, double low, double high) {
        static List<MethodRank> read(SparkSession spark, ExplainManifest manifest) {
            String runDir = manifest.output().replaceAll("/explanations/?$", "");
            String table = runDir + "/evaluation/evaluation";
            try {
                org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(table);
                if (!p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p)) {
                    return List.of();
                }
                return LakeTables.read(spark, table).where("section = 'faithfulness' AND class IS NULL AND metric = 'deletion_morf_minus_random'"
                        + " AND run_id = '" + manifest.runId().replace("'", "") + "'").orderBy("mean").collectAsList().stream()
                        .map(r -> new MethodRank(r.getAs("method"), r.<Integer>getAs("images"), r.<Double>getAs("mean"), r.<Double>getAs("low"),
                                r.<Double>getAs("high"))).toList();
            } catch (IOException | RuntimeException e) {
                return List.of(); // no evaluation of this run: the section is left out
            }
        }
    }

    /** Which map to believe: the evaluate job's ranking of this run's methods, when it ran. */
    private static void methodRanks(StringBuilder h, List<MethodRank> ranks) {
        if (ranks.isEmpty()) {
            return;
        }
        h.append("<h2>Which map to believe</h2>\n<p>From <code>./submit.sh evaluate</code> on this run (<code>evaluation/evaluation.html</code>):"
                + " each method's deletion area (cells removed in its map's order) less a random order's, image by image, with a 95% interval."
                + " Below 0 its maps point at what the model uses; weigh findings of methods at the bottom of this table less.</p>\n");
        h.append("<table id=\"method-ranks\"><tr><th class=\"l\">method</th><th>images</th><th>deletion − random</th><th>95% interval</th></tr>\n");
        for (MethodRank r : ranks) {
            h.append("<tr><td class=\"l\">").append(Html.text(r.method())).append("</td><td>").append(r.images()).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%.3f", r.mean())).append("</td><td>")
                    .append(String.format(Locale.ROOT, "[%.3f, %.3f]", r.low(), r.high())).append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    /** What changed since the earlier audit: new and resolved shortcuts first, then the other changes. */
    private static void changes(StringBuilder h, History history) {
        h.append("<section id=\"changes\"><h2>Since the earlier audit</h2>\n<p>Compared with <code>").append(Html.text(history.comparedTo()))
                .append("</code>.</p>\n");
        List<FindingsDiff.Entry> shown = history.diff().stream().filter(e -> e.change() != FindingsDiff.Change.UNCHANGED)
                .sorted(java.util.Comparator.comparing(FindingsDiff.Entry::change)).toList();
        if (shown.isEmpty()) {
            h.append("<p>No change.</p>\n");
        } else {
            h.append("<ul>\n");
            for (FindingsDiff.Entry e : shown) {
                h.append("<li><span class=\"badge change ").append(e.change().label()).append("\">").append(e.change().label()).append("</span> ")
                        .append(Html.text(e.describe())).append("</li>\n");
            }
            h.append("</ul>\n");
        }
        long unchanged = history.diff().size() - shown.size();
        h.append(String.format(Locale.ROOT, "<p>%d finding%s unchanged.</p></section>%n", unchanged, unchanged == 1 ? "" : "s"));
    }

    /** The region in words (all places of a places finding), without the grid cells. */
    private static String place(AuditFinding f) {
        if (f.scope() == io.shortcutlens.audit.Scope.POSITION_FREE) {
            return "anywhere: each image's own most relevant block (most often the " + f.finding().region().describeBrief() + ")";
        }
        return String.join(", ", f.places().stream().map(x -> x.region().describeBrief()).distinct().toList());
    }

    /** A compact table of findings: what was flagged, what each test showed, the verdict; fits a laptop screen. */
    private static void findingsTable(StringBuilder h, String id, List<FindingPanel> findings) {
        h.append("<table id=\"").append(id).append("\" class=\"findings\"><tr><th class=\"l\">class</th><th class=\"l\">method</th>")
                .append("<th class=\"l\">images</th><th class=\"l\">region</th><th title=\"mean share of the class's positive attribution\">share</th>")
                .append("<th title=\"hiding the region / the control flips\">flips</th><th title=\"pasted into other classes' images: became the class\">pasted</th>")
                .append("<th title=\"kept alone: still the class (control or blank)\">alone</th><th title=\"share of the region's pixels near-constant")
                .append(" and distinct\">stamped</th><th>p (Holm)</th><th class=\"l\">verdict</th></tr>\n");
        for (FindingPanel p : findings) {
            AuditFinding c = p.finding();
            ShortcutFinding f = c.finding();
            Confirmation k = c.confirmation();
            Transplant t = c.evidence().transplant();
            Sufficiency s = c.evidence().sufficiency();
            h.append("<tr><td class=\"l\">").append(Html.text(f.className())).append("</td><td class=\"l\">").append(Html.text(f.method()))
                    .append("</td><td class=\"l\">").append(Html.text(scope(c))).append("</td><td class=\"l\" title=\"")
                    .append(Html.text(String.join("; ", c.places().stream().map(x -> x.region().describe() + ", control " + x.control().describe()).toList())))
                    .append("\">").append(Html.text(place(c))).append("</td>").append(num(f.meanShare()))
                    .append(pair(k.flipRateRegion(), k.flipRateControl())).append(pair(t.rateRegion(), t.rateControl()))
                    .append(pair(s.rateRegion(), Math.max(s.rateControl(), s.rateBlank()))).append(num(c.evidence().consistency().stampedShare()))
                    .append("<td>").append(String.format(Locale.ROOT, "%.1e", c.pAdjusted())).append("</td><td class=\"l\">")
                    .append(badge(c.verdict())).append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    /** Every class's strongest whole-image change, the cues first. */
    private static void globalCues(StringBuilder h, List<GlobalCueProbe.Cue> cues) {
        if (cues.isEmpty()) {
            return;
        }
        h.append("<h2>Global cues</h2>\n<p>Each class's images under whole-image changes (brightness, contrast, sharpness, JPEG, colour")
                .append(" balance): how many a change makes leave the class, against other classes' images, and how many other images the opposite")
                .append(" change turns into the class, against a typical class. Texture cues (a pattern spread over the image): how many of the")
                .append(" class's images a low-pass makes leave it, and how many shuffling the image's tiles (its shape broken, its texture kept)")
                .append(" keeps in it, each against other classes' images. Context cues (the background around the object): how many of the")
                .append(" class's images leave it and stay in it with their object — the half of the image their own map ranks highest — hidden,")
                .append(" against a typical class keeping its own or other images becoming it. <i>Carried</i>: whether the class's own images have more of what the")
                .append(" removing change takes away (darker images for a class brightening removes, a finer pattern for one a low-pass removes):")
                .append(" the share of pairs, one of its images and one of another class's, where its image lies further that way (median over")
                .append(" classes; 0.50 is a typical class). A class a model calls every degraded image leaves under the change without carrying")
                .append(" anything.</p>\n<table id=\"global-cues\"><tr><th class=\"l\">class</th>")
                .append("<th class=\"l\">kind</th><th class=\"l\">removed (context: kept) by</th><th>leave / keep</th><th>others</th>")
                .append("<th class=\"l\">created (whole image) or kept (texture, context) by</th><th>enter / keep</th>")
                .append("<th>typical enter / others keep</th><th>carried</th><th>p (Holm)</th><th class=\"l\">verdict</th></tr>\n");
        for (GlobalCueProbe.Cue c : cues) {
            h.append("<tr><td class=\"l\">").append(Html.text(c.className())).append("</td><td class=\"l\">").append(c.kind().label())
                    .append("</td><td class=\"l\">").append(c.leaveWith().label())
                    .append("</td>").append(num(c.leaveRate())).append(num(c.othersLeaveRate())).append("<td class=\"l\">").append(c.enterWith().label())
                    .append("</td>").append(num(c.enterRate())).append(num(c.typicalEnterRate()))
                    .append(Double.isNaN(c.shift()) ? "<td>–</td>" : num(c.shift())).append("<td>")
                    .append(String.format(Locale.ROOT, "%.1e", c.pAdjusted())).append("</td><td class=\"l\">").append(badge(c.judgement().verdict()))
                    .append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static String pair(double region, double control) {
        return String.format(Locale.ROOT, "<td>%.2f <small>/ %.2f</small></td>", region, control);
    }

    private static String scope(AuditFinding c) {
        return switch (c.scope()) {
            case CLASS -> "whole class";
            case PLACES -> c.places().size() + " subgroups, " + c.finding().images() + " / " + c.candidate().classImages();
            case SUBGROUP -> "subgroup " + c.finding().images() + " / " + c.candidate().classImages();
            case POSITION_FREE -> "whole class, each image at its own place";
        };
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "<td>%.3f</td>", v);
    }
}
