package io.shortcutlens.jobs;

import io.shortcutlens.audit.FindingsDiff;
import io.shortcutlens.correct.CorrectionParams;
import io.shortcutlens.correct.ShortcutRegion;
import io.shortcutlens.pipeline.ExplainManifest;
import io.shortcutlens.report.Html;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** The correct job's page: what was corrected and how, then before against after — per finding, and accuracy per class with and without the artifact. */
final class CorrectionReport {
    private CorrectionReport() { }

    /**
     * What the correction's page shows: the run, the correction's settings, the shortcut regions, held-out accuracy, the
     * findings before and after, the corrected network (null: trained elsewhere) and its audit's report (null: not audited).
     */
    record Contents(ExplainManifest manifest, CorrectionParams params, List<ShortcutRegion> regions, List<CorrectJob.Accuracy> accuracy,
                    List<FindingsDiff.Entry> beforeAfter, String corrected, String auditReport) { }

    static void write(SparkSession spark, String file, Contents c) {
        StringBuilder h = new StringBuilder();
        head(h, c.manifest(), c.params(), c.corrected());
        regions(h, c.regions());
        beforeAfter(h, c.beforeAfter());
        accuracy(h, c.accuracy());
        String auditReport = c.auditReport();
        if (auditReport != null) {
            h.append("<p>The corrected network's audit: <a href=\"").append(Html.text(relative(auditReport))).append("\">").append(Html.text(auditReport))
                    .append("</a></p>\n");
        }
        h.append("</body></html>\n");
        RunManifest.writePage(spark, file, h.toString());
    }

    private static void head(StringBuilder h, ExplainManifest manifest, CorrectionParams params, String corrected) {
        h.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>ShortcutLens correction of ").append(Html.text(manifest.runId()))
                .append("</title><style>body{font-family:sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse;margin:1em 0}"
                        + "td,th{border:1px solid #ccc;padding:.3em .6em;text-align:right}td:first-child,th:first-child{text-align:left}"
                        + ".resolved{color:#070}.alert{color:#b00}</style></head><body>\n");
        h.append("<h1>Correcting run ").append(Html.text(manifest.runId())).append("</h1>\n<p>Model ").append(Html.text(manifest.model().path()))
                .append(". Each confirmed shortcut region was neutralised in the training images (fill <b>").append(Html.text(params.fill().label()))
                .append("</b> on a seeded ").append(fmt(params.fraction())).append(" of the images each epoch)");
        if (corrected != null) {
            h.append(" and the network fine-tuned with dl4j-spark's parameter averaging (").append(params.epochs()).append(" epochs, ")
                    .append(params.workers()).append(" workers, mini-batches of ").append(params.batchSize()).append(", averaged every ")
                    .append(params.averagingFrequency()).append(", learning rate ").append(params.learningRate()).append("): <code>")
                    .append(Html.text(corrected)).append("</code>.");
        } else {
            h.append(": the model was trained elsewhere, so <code>recipe.json</code> and <code>affected_images/</code> are written for its pipeline.");
        }
        h.append("</p>\n");
    }

    private static void regions(StringBuilder h, List<ShortcutRegion> regions) {
        h.append("<h2>Shortcut regions</h2>\n<table><tr><th>class</th><th>region</th><th>findings</th></tr>\n");
        for (ShortcutRegion r : regions) {
            h.append("<tr><td>").append(Html.text(r.className())).append("</td><td>").append(Html.text(r.region().describe())).append("</td><td>")
                    .append(Html.text(r.findingIds())).append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static void beforeAfter(StringBuilder h, List<FindingsDiff.Entry> beforeAfter) {
        if (!beforeAfter.isEmpty()) {
            h.append("<h2>Before and after, per finding</h2>\n<p>The corrected network's maps of the held-out images, audited as the run was; each "
                    + "earlier shortcut region tested again whether or not the maps still point at it.</p>\n<table><tr><th>class</th><th>method</th>"
                    + "<th>region</th><th>verdict before</th><th>share</th><th>flip rate</th><th>verdict after</th><th>share</th><th>flip rate</th></tr>\n");
            for (FindingsDiff.Entry e : beforeAfter) {
                FindingsDiff.Stated b = e.before();
                FindingsDiff.Stated a = e.now();
                boolean still = a != null && a.verdict() == b.verdict();
                h.append("<tr><td>").append(Html.text(b.className())).append("</td><td>").append(Html.text(b.method())).append("</td><td>")
                        .append(Html.text(b.location())).append("</td><td>").append(Html.text(b.verdict().label())).append("</td><td>").append(fmt(b.share()))
                        .append("</td><td>").append(fmt(b.flipRate())).append("</td><td class=\"").append(still ? "alert" : "resolved").append("\">")
                        .append(a == null ? "not measured" : Html.text(a.verdict().label())).append("</td><td>").append(a == null ? "" : fmt(a.share()))
                        .append("</td><td>").append(a == null ? "" : fmt(a.flipRate())).append("</td></tr>\n");
            }
            h.append("</table>\n");
        }
    }

    private static void accuracy(StringBuilder h, List<CorrectJob.Accuracy> accuracy) {
        if (!accuracy.isEmpty()) {
            h.append("<h2>Accuracy on the held-out images</h2>\n<p>Per class, as the images are (with the artifact where they carry it) and with every "
                    + "shortcut region hidden as the audit hides it (without the artifact); dl4j-spark's distributed evaluation. The confusion matrices "
                    + "are in <code>confusion/</code>.</p>\n<table><tr><th>class</th><th>images</th><th>original, as is</th><th>corrected, as is</th>"
                    + "<th>original, regions hidden</th><th>corrected, regions hidden</th></tr>\n");
            for (String cls : accuracy.stream().map(CorrectJob.Accuracy::className).distinct().toList()) {
                Map<String, CorrectJob.Accuracy> by = new java.util.HashMap<>();
                accuracy.stream().filter(a -> a.className().equals(cls)).forEach(a -> by.put(a.model() + "/" + a.images(), a));
                h.append("<tr><td>").append(Html.text(cls)).append("</td><td>").append(by.get("original/as_is").count()).append("</td>");
                for (String k : List.of("original/as_is", "corrected/as_is", "original/regions_hidden", "corrected/regions_hidden")) {
                    h.append("<td>").append(fmt(by.get(k).accuracy())).append("</td>");
                }
                h.append("</tr>\n");
            }
            h.append("</table>\n");
        }
    }

    /** The audit's report path relative to the correction's folder when it lies inside it. */
    private static String relative(String auditReport) {
        int i = auditReport.indexOf("/explain/report/");
        return i >= 0 ? auditReport.substring(i + 1) : auditReport;
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.3f", v);
    }
}
