package io.shortcutlens.jobs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shortcutlens.audit.BoxAgreement;
import io.shortcutlens.demo.DemoData;
import io.shortcutlens.lake.Annotations;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Text from data — class names, labels, paths — appears in the report as text, never as markup. */
class ReportTest {

    /** The report is opened in Chromium at the end: a missing browser fails here, before the long work. */
    @org.junit.jupiter.api.BeforeAll
    static void chromiumIsInstalled() {
        HeadlessChromium.binary();
    }

    @Test
    void classNamesAndLabelsAreEscaped() throws Exception {
        File dir = TestSpark.newDir("hostile-names");
        String label = "<img src=x onerror=alert(1)>";
        File folder = new File(dir, label);
        DemoData.writeFolder(DemoData.split(4, DemoData.Stamping.BEARS, 71).stream().filter(p -> p.animal().equals("cow")).toList(), dir);
        assertTrue(new File(dir, "cow").renameTo(folder));
        File out = TestSpark.newDir("hostile-names-out");
        TestSpark.explainJob("--input", dir.getAbsolutePath(), "--model", TestSpark.model().getAbsolutePath(), "--output", out.getAbsolutePath(),
                "--methods", "occlusion", "--occlusion-mask-size", "8", "--occlusion-stride", "8",
                "--class-names", "bear,<script>alert(1)</script>,sheep").run(TestSpark.session());
        AuditJob audit = new AuditJob();
        new CommandLine(audit).parseArgs("--run", out.getAbsolutePath(), "--min-images", "1");
        AuditJob.Result result = audit.run(TestSpark.session());
        File html = new File(result.reportPath());
        String text = Files.readString(html.toPath(), StandardCharsets.UTF_8);
        assertFalse(text.contains("<script"), "no script element in the report");
        assertFalse(text.contains("<img src=x"), "no label as markup");
        // escaped in the file ('=' may be written &#61;), and read back by the browser as the label's text (below)
        assertTrue(text.replace("&#61;", "=").contains("&lt;img src=x onerror=alert(1)&gt;"), "the label appears as text");

        HeadlessChromium.Page page = HeadlessChromium.load(html, new File(out, "report.png"));
        assertFalse(page.dom().contains("<script"), "no script element after load");
        assertFalse(page.dom().contains("<img src=\"x\""), "no injected image after load");
        assertTrue(page.dom().contains("id=\"confusion\""), "confusion matrix present");
        List.of("&lt;img src=x onerror=alert(1)&gt;").forEach(s -> assertTrue(page.dom().contains(s), s));
        // the report opens with its summary; every table of findings fits a 1366-px window
        assertTrue(page.dom().indexOf("id=\"summary\"") > 0 && page.dom().indexOf("id=\"summary\"") < page.dom().indexOf("id=\"confusion\""));
        java.util.Map<String, Integer> widths = HeadlessChromium.widths(html, 1366, "summary", "findings", "object-parts", "global-cues");
        assertTrue(widths.values().stream().allMatch(w -> w <= 1366) && widths.get("summary") > 0, widths.toString());

        // object masks as annotations: a mask covering each whole image holds all of its mass and its peak
        java.awt.image.BufferedImage full = new java.awt.image.BufferedImage(3, 2, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                full.getRaster().setSample(x, y, 0, 1);
            }
        }
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(full, "png", png);
        List<org.apache.spark.sql.Row> rows = new java.util.ArrayList<>();
        for (File f : folder.listFiles()) {
            rows.add(Annotations.row(TestSpark.session().sparkContext().hadoopConfiguration(), f, null, png.toByteArray()));
        }
        String masks = Annotations.write(TestSpark.session(), rows, new File(out, "masks"));
        AuditJob withMasks = new AuditJob();
        new CommandLine(withMasks).parseArgs("--run", out.getAbsolutePath(), "--min-images", "1", "--annotations", masks);
        List<BoxAgreement> agreement = withMasks.run(TestSpark.session()).boxes();
        assertFalse(agreement.isEmpty());
        for (BoxAgreement b : agreement) {
            assertTrue(b.relevanceMass() == 1.0 && b.pointingGame() == 1.0, b.toString());
        }
        // a table with neither a box nor a mask column is refused with what is expected
        String bare = new File(out, "bare").getAbsolutePath();
        TestSpark.session().read().parquet(masks).select("path").write().parquet(bare);
        AuditJob wrong = new AuditJob();
        new CommandLine(wrong).parseArgs("--run", out.getAbsolutePath(), "--min-images", "1", "--annotations", bare);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> wrong.run(TestSpark.session()));
        assertTrue(e.getMessage().contains("'mask'") && e.getMessage().contains(bare), e.getMessage());
        // so is a folder that is not the embed job's output, before any work
        AuditJob noEmbeddings = new AuditJob();
        String missing = new File(out, "no-such-embeddings").getAbsolutePath();
        new CommandLine(noEmbeddings).parseArgs("--run", out.getAbsolutePath(), "--embeddings", missing);
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> noEmbeddings.run(TestSpark.session()));
        assertTrue(e.getMessage().contains(missing) && e.getMessage().contains("submit.sh embed"), e.getMessage());
    }
}
