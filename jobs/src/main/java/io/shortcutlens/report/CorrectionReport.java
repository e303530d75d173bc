package io.shortcutlens.report;

import io.shortcutlens.audit.FindingsDiff;
import io.shortcutlens.correct.ClassAccuracy;
import io.shortcutlens.correct.CorrectionParams;
import io.shortcutlens.correct.ShortcutRegion;
import io.shortcutlens.lake.RunManifest;
import io.shortcutlens.pipeline.ExplainManifest;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** The correct job's page: what was corrected and how, then before against after — per finding, and accuracy per class with and without the artifact. */
public final class CorrectionReport {
    private CorrectionReport() { }

    /**
     * What the correction's page shows: the run, the correction's settings, the shortcut regions, held-out accuracy, the
     * findings before and after, the corrected network (null: trained elsewhere) and its audit's report (null: not audited).
     */
    public record Contents(ExplainManifest manifest, CorrectionParams params, List<ShortcutRegion> regions, List<ClassAccuracy> accuracy,
                    List<FindingsDiff.Entry> beforeAfter, String corrected, String auditReport) { }

    public static void write(SparkSession spark, String file, Contents c) {
        RunManifest.writePage(spark, file, Templates.render("correction", Page.of(c)));
    }

    /** What {@code report/correction.mustache} shows, as text (numbers formatted, nothing escaped: the template escapes). */
    public record Page(String runId, String model, String fill, String fraction, Tuning tuning, List<RegionRow> regions, List<DiffRow> beforeAfter,
                List<AccuracyRow> accuracy, Link auditReport) {
    public     boolean anyBeforeAfter() {
            return !beforeAfter.isEmpty();
        }

    public     boolean anyAccuracy() {
            return !accuracy.isEmpty();
        }

    public     static Page of(Contents c) {
            CorrectionParams p = c.params();
            Tuning tuning = c.corrected() == null ? null : new Tuning(p.epochs(), p.workers(), p.batchSize(), p.averagingFrequency(),
                    String.valueOf(p.learningRate()), c.corrected());
            return new Page(c.manifest().runId(), c.manifest().model().path(), p.fill().label(), Templates.number(p.fraction()), tuning,
                    c.regions().stream().map(r -> new RegionRow(r.className(), r.region().describe(), String.valueOf(r.findingIds()))).toList(),
                    c.beforeAfter().stream().map(DiffRow::of).toList(), AccuracyRow.of(c.accuracy()),
                    c.auditReport() == null ? null : new Link(relative(c.auditReport()), c.auditReport()));
        }
    }

    /** How the network was fine-tuned, and where it went. */
    public record Tuning(int epochs, int workers, int batchSize, int averagingFrequency, String learningRate, String corrected) { }

    public record RegionRow(String className, String region, String findings) { }

    /** A link and the text it shows. */
    public record Link(String link, String path) { }

    /** One earlier finding before and after ({@code state}: resolved, or alert when the verdict stands). */
    public record DiffRow(String className, String method, String location, String verdictBefore, String shareBefore, String flipBefore, String state,
                   String verdictAfter, String shareAfter, String flipAfter) {
    public     static DiffRow of(FindingsDiff.Entry e) {
            FindingsDiff.Stated b = e.before();
            FindingsDiff.Stated a = e.now();
            boolean still = a != null && a.verdict() == b.verdict();
            return new DiffRow(b.className(), b.method(), b.location(), b.verdict().label(), Templates.number(b.share()), Templates.number(b.flipRate()),
                    still ? "alert" : "resolved", a == null ? "not measured" : a.verdict().label(), a == null ? "" : Templates.number(a.share()),
                    a == null ? "" : Templates.number(a.flipRate()));
        }
    }

    /** One class's held-out accuracy: original and corrected, as is and with the regions hidden. */
    public record AccuracyRow(String className, long images, List<String> values) {
    public     static List<AccuracyRow> of(List<ClassAccuracy> accuracy) {
            List<AccuracyRow> rows = new java.util.ArrayList<>();
            for (String cls : accuracy.stream().map(ClassAccuracy::className).distinct().toList()) {
                Map<String, ClassAccuracy> by = new java.util.HashMap<>();
                accuracy.stream().filter(a -> a.className().equals(cls)).forEach(a -> by.put(a.model() + "/" + a.images(), a));
                rows.add(new AccuracyRow(cls, by.get("original/as_is").count(), List.of("original/as_is", "corrected/as_is", "original/regions_hidden",
                        "corrected/regions_hidden").stream().map(k -> Templates.number(by.get(k).accuracy())).toList()));
            }
            return rows;
        }
    }

    /** The audit's report path relative to the correction's folder when it lies inside it. */
    private static String relative(String auditReport) {
        int i = auditReport.indexOf("/explain/report/");
        return i >= 0 ? auditReport.substring(i + 1) : auditReport;
    }
}
