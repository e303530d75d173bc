package io.shortcutlens.jobs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shortcutlens.demo.DemoData;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Text from data — class names, labels, paths — appears in the report as text, never as markup. */
class ReportTest {

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
        assertTrue(text.contains("&lt;img src=x onerror=alert(1)&gt;"), "the label appears as text");

        HeadlessChromium.Page page = HeadlessChromium.load(html, new File(out, "report.png"));
        assertFalse(page.dom().contains("<script"), "no script element after load");
        assertFalse(page.dom().contains("<img src=\"x\""), "no injected image after load");
        assertTrue(page.dom().contains("id=\"confusion\""), "confusion matrix present");
        List.of("&lt;img src=x onerror=alert(1)&gt;").forEach(s -> assertTrue(page.dom().contains(s), s));
    }
}
