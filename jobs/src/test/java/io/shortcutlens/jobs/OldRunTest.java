package io.shortcutlens.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shortcutlens.audit.FindingsDiff;
import io.shortcutlens.audit.Verdict;
import io.shortcutlens.lake.RunFolder;
import io.shortcutlens.lake.RunManifest;
import io.shortcutlens.pipeline.ExplainManifest;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * A run folder written by an earlier ShortcutLens (committed under {@code src/test/resources/old-run}: 30 demo photos,
 * the committed demo ONNX net2, an occlusion run and its audit, made on 2026-12-07 from commit 0aba534's tree) is
 * read, audited and compared by today's code. Its rows and manifest name the images and the model at the absolute
 * paths they were written from ({@code /tmp/shortcutlens-fixture/old-run/...}); the test puts them back there, as a
 * lake keeps its files where a run found them.
 */
class OldRunTest {
    private static final String WRITTEN_AT = "/tmp/shortcutlens-fixture/old-run";

    @Test
    void aRunWrittenBeforeIsReadAuditedAndCompared() throws Exception {
        Path resources = Path.of("src/test/resources/old-run");
        copy(resources.resolve("images"), Path.of(WRITTEN_AT, "images"));
        Files.copy(Path.of("src/test/resources/onnx/demo-net2.onnx"), Path.of(WRITTEN_AT, "model.onnx"), StandardCopyOption.REPLACE_EXISTING);
        File run = TestSpark.newDir("old-run");
        copy(resources.resolve("run"), run.toPath());
        File earlier = TestSpark.newDir("old-run-findings");
        copy(resources.resolve("run/findings"), earlier.toPath());

        ExplainManifest manifest = RunManifest.readExplain(TestSpark.session(), RunFolder.of(run).manifest());
        assertEquals("r554c3bd7e8a3118f", manifest.runId());
        assertEquals(java.util.List.of("bear", "cow", "sheep"), manifest.model().classNames());
        assertEquals(30, manifest.inputImages());
        assertEquals("0.0", manifest.hiddenValue(), "occlusion's mask value, as the run wrote it");

        AuditJob audit = new AuditJob();
        new CommandLine(audit).parseArgs("--run", run.getAbsolutePath(), "--min-images", "2", "--compare-to", earlier.getAbsolutePath());
        AuditJob.Result result = audit.run(TestSpark.session());
        assertTrue(result.findings().stream().anyMatch(f -> f.verdict() == Verdict.SHORTCUT && f.finding().className().equals("bear")
                && f.finding().region().describe().startsWith("lower-left")), "net2's watermark, as the earlier audit found it: " + result.findings());
        FindingsDiff.Entry bear = result.diff().stream().filter(e -> e.finding().className().equals("bear") && e.finding().verdict() == Verdict.SHORTCUT)
                .findFirst().orElseThrow(() -> new AssertionError("the bear's watermark in the comparison: " + result.diff()));
        assertEquals(FindingsDiff.Change.UNCHANGED, bear.change(), bear.describe());
        assertTrue(new File(run, "findings_diff").isDirectory(), "the comparison is written beside the findings");
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
