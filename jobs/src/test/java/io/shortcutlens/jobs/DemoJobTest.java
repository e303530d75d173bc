package io.shortcutlens.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The demo at a smaller size: the planted watermark is where net2 looks and where net1 does not. */
class DemoJobTest {

    @Test
    void net2LooksAtTheWatermarkCornerAndNet1DoesNot() throws Exception {
        File out = TestSpark.newDir("demo");
        DemoJob demo = new DemoJob();
        new CommandLine(demo).parseArgs("--out", out.getAbsolutePath(), "--train-per-class", "300", "--test-per-class", "10",
                "--epochs", "5", "--lime-samples", "150");
        List<DemoJob.Finding> findings = demo.run(TestSpark.session());
        assertEquals(4, findings.size(), findings.toString());
        for (DemoJob.Finding f : findings) {
            assertEquals(10, f.images(), f.toString());
            System.out.printf("demo test: %s %s lower-left share %.3f%n", f.net(), f.method(), f.lowerLeftShare());
            if (f.net().equals("net2")) {
                assertTrue(f.lowerLeftShare() > 0.5, "net2 rests on the watermark: " + f);
            } else {
                assertTrue(f.lowerLeftShare() < 0.25, "net1 looks elsewhere: " + f);
            }
        }
        assertTrue(new File(out, "explain/net2/manifest.json").isFile());
        assertTrue(new File(out, "data/test/bear").list().length == 10);
    }
}
