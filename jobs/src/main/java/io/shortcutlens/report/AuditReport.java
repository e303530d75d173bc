package io.shortcutlens.report;

import io.shortcutlens.audit.AuditFinding;
import io.shortcutlens.audit.BoxAgreement;
import io.shortcutlens.audit.FindingsDiff;
import io.shortcutlens.audit.GlobalCueProbe;
import io.shortcutlens.audit.SubgroupDetector;
import io.shortcutlens.lake.LakeTables;
import io.shortcutlens.lake.RunFolder;
import io.shortcutlens.pipeline.ExplainManifest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * The audit's static HTML report: one self-contained file (pictures inlined as PNG data URIs, no scripts, no external
 * assets) that opens from disk. Every string that comes from data is escaped.
 */
public final class AuditReport {

    /** One class's mean map drawn over its average image, for one method. */
    public record ClassPanel(String className, String method, long images, String overlayUri) { }

    /** A finding with its example overlays. */
    /**
     * One finding's pictures: example images with their maps, and — for a position-free finding — the artifact: the mean
     * of the examples' own blocks, then each block (empty otherwise).
     */
    public record FindingPanel(AuditFinding finding, List<String> exampleUris, List<String> examplePaths, List<String> artifactUris) { }

    /** Image counts per (true label, predicted class). */
    public record Confusion(Map<String, Map<String, Long>> counts) { }

    private AuditReport() { }

    /**
     * Everything the report shows: the run, the findings with their pictures, the cues, the class panels, the subgroups,
     * the box agreement (annotated runs), the confusion matrix, the model's inside, the change since an earlier audit
     * ({@code history}: null when none was compared) and the methods' ranks.
     */
    public record Contents(ExplainManifest manifest, String groupBy, String thresholds, List<FindingPanel> findings, List<GlobalCueProbe.Cue> cues,
                    List<ClassPanel> classes, List<SubgroupDetector.Subgroup> subgroups, List<BoxAgreement> boxes, Confusion confusion,
                    InsideTheModel internals, History history, List<MethodRank> ranks) { }

    /** The report at {@code file} (any Hadoop path), with the deep dream tiles as PNG files beside it. */
    public static void write(SparkSession spark, String file, Contents c) {
        save(spark, file, html(c), c.internals().dreams());
    }

    /** The page, from {@code report/audit.mustache}. */
    public static String html(Contents c) {
        return Templates.render("audit", AuditPage.of(c));
    }

    private static void save(SparkSession spark, String file, String html, List<InsideTheModel.DreamTile> dreamTiles) {
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
            for (InsideTheModel.DreamTile d : dreamTiles) {
                try (OutputStream out = fs.create(new Path(dreams, dreamFile(d)), true)) {
                    out.write(d.png());
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot write report " + file + ": " + e.getMessage(), e);
        }
    }

    /** "layer1-channel-3.png", "class-bear.png". */
    public static String dreamFile(InsideTheModel.DreamTile d) {
        String name = d.objective().startsWith("class ") ? d.objective() : d.layer() + " " + d.objective();
        return name.replaceAll("[^A-Za-z0-9_.]+", "-") + ".png";
    }

    /** An earlier audit this one was compared with ({@code --compare-to}) and the diff. */
    public record History(String comparedTo, List<FindingsDiff.Entry> diff) { }

    /**
     * A method's faithfulness as the evaluate job measured it on this run (every class): its deletion area less a random
     * order's, image by image, with the 95% interval. Read from {@code RUN/evaluation/evaluation} when the evaluate job
     * wrote it there; empty otherwise.
     */
    public record MethodRank(String method, int images, double mean, double low, double high) {
    public     static List<MethodRank> read(SparkSession spark, ExplainManifest manifest) {
            String runDir = manifest.output().replaceAll("/explanations/?$", "");
            String table = RunFolder.of(RunFolder.of(runDir).evaluation()).evaluationTable();
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
}
