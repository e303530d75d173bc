package io.shortcutlens.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shortcutlens.audit.AuditParams;
import io.shortcutlens.audit.ControlChoice;
import io.shortcutlens.audit.DetectorParams;
import io.shortcutlens.audit.RegionMasker;
import io.shortcutlens.audit.Verdict;
import io.shortcutlens.decoy.DecoyFamilyJob;
import io.shortcutlens.decoy.DecoyJob;
import io.shortcutlens.decoy.DecoyOptions;
import io.shortcutlens.demo.DemoJob;
import io.shortcutlens.explain.LimeExplainer;
import io.shortcutlens.explain.OcclusionExplainer;
import io.shortcutlens.image.Normalisation;
import io.shortcutlens.lake.ImageSource;
import io.shortcutlens.lake.LakeTables;
import io.shortcutlens.model.OnnxOptions;
import io.shortcutlens.pipeline.ClassSample;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The jobs' typed options: the flags map to them with the same defaults as a program's builder, and the command line
 * a run records (its manifest's or summary's {@code arguments}) reads back to the same options, so the correct job
 * explains and audits a corrected model exactly as the run was explained and audited. No Spark.
 */
class JobOptionsTest {

    @Test
    void explainFlagsAndBuilderAgreeOnEveryDefault() {
        ExplainOptions flags = ExplainJob.parse(List.of("--input", "in", "--model", "m.onnx", "--output", "out/"));
        ExplainOptions built = ExplainOptions.builder(ImageSource.folder("in"), "m.onnx", "out").build();
        assertEquals(built.commandLine(), flags.commandLine());
        assertEquals("out", flags.output().path(), "a trailing slash is the same folder");
        assertEquals(List.of("occlusion", "lime"), flags.methods());
        assertNull(flags.sample());
    }

    @Test
    void anExplainRunsRecordedCommandLineReadsBackToItsOptions() {
        ExplainOptions o = ExplainOptions.builder(new ImageSource("lake/images", "parquet", "dt = '2026-12-01'",
                        new ImageSource.Columns("bytes", "id", "uri", "cls"), 7), "models/m.onnx", "runs/a")
                .model(new ExplainOptions.ModelChoice("models/m.onnx", new OnnxOptions(OnnxOptions.InputLayout.NHWC, true, 2), null,
                        List.of("bear", "cow", "sheep"), null, 1234))
                .normalising(new ExplainOptions.Normalising(0.5, new double[] {0.485, 0.456, 0.406}, null, Normalisation.ChannelOrder.BGR))
                .methods(List.of("occlusion", "lime", "gradcam")).option(OcclusionExplainer.MASK_SIZE, 8).option(LimeExplainer.SAMPLES, 300)
                .target("all").sample(new ClassSample(5, ClassSample.By.PREDICTION, 99)).seed(11).topK(2).gridSize(8)
                .output(new ExplainOptions.Output("runs/a", WriteMode.APPEND_NEW, LakeTables.Format.DELTA, "nightly")).build();
        assertEquals(11, o.sample().seed(), "the sample is drawn from the run's seed");
        ExplainOptions back = ExplainJob.parse(o.commandLine());
        assertEquals(o.commandLine(), back.commandLine());
        assertEquals(o.input(), back.input());
        assertEquals(o.model(), back.model());
        assertEquals(o.output(), back.output());
        assertEquals(o.sample(), back.sample());
        assertEquals(o.methodOptions(), back.methodOptions());
        assertArrayEquals(o.normalising().mean(), back.normalising().mean());
        assertEquals(Normalisation.ChannelOrder.BGR, back.normalising().order());
    }

    @Test
    void auditFlagsAndBuilderAgreeAndTheRecordedCommandLineReadsBack() {
        AuditOptions flags = AuditJob.parse(List.of("--run", "runs/a/"));
        assertEquals(AuditOptions.builder("runs/a").build(), flags);
        AuditParams params = new AuditParams(new DetectorParams(0.3, 0.2, 0.4, 0.1, 0.2, 7), 0.05, 0.25, ControlChoice.WEAKEST,
                AuditParams.defaults().objectOverlap(), 0.3, 3.0, 0.4, 0.2, 1.5, 0.2, 0.2, 0.4, 0.2, 0.7, 0.9);
        AuditOptions o = AuditOptions.builder("runs/a").model("other.zip").groupBy(ClassView.LABEL).params(params).clusters(4)
                .fill(RegionMasker.Fill.INPAINT).confirmImages(50).cueImages(20).objects(new AuditOptions.Objects("boxes", "delta")).seed(3)
                .pictures(new AuditOptions.Pictures("emb", "conv2", 0, false, "none")).format(LakeTables.Format.DELTA)
                .earlier(new AuditOptions.Earlier("runs/old", "runs/old")).failOn(List.of(Verdict.SHORTCUT, Verdict.GLOBAL_CUE)).build();
        assertEquals(o, AuditJob.parse(o.commandLine()));
        assertEquals(AuditOptions.Pictures.DEFAULT.withoutDreams(), new AuditOptions.Pictures(null, "auto", 0, false, "auto"));
    }

    /** Each job's flags, given only what they require, name the options a program builds from the same required parts. */
    @Test
    void everyJobsFlagsAndItsOptionsAgreeOnTheDefaults() {
        ScanJob scan = new ScanJob();
        Cli.commandLine(scan).parseArgs("--findings", "runs/a/", "--input", "lake/images");
        assertEquals(ScanOptions.of("runs/a", ImageSource.folder("lake/images")), scan.options());
        assertEquals("runs/a/scan", scan.options().out());
        EvaluateJob evaluate = new EvaluateJob();
        Cli.commandLine(evaluate).parseArgs("--run", "runs/a");
        assertEquals(EvaluateOptions.of("runs/a"), evaluate.options());
        EmbedJob embed = new EmbedJob();
        Cli.commandLine(embed).parseArgs("--input", "lake/images", "--model", "m.zip", "--output", "emb/");
        assertEquals(EmbedOptions.of(ImageSource.folder("lake/images"), "m.zip", "emb"), embed.options());
        CorrectJob correct = new CorrectJob();
        Cli.commandLine(correct).parseArgs("--findings", "runs/a", "--train", "lake/train", "--output", "fixed");
        assertEquals(CorrectOptions.of("runs/a", "lake/train", "fixed", io.shortcutlens.correct.CorrectionParams.defaults()), correct.options());
        DecoyJob decoy = new DecoyJob();
        Cli.commandLine(decoy).parseArgs();
        assertEquals(new DecoyOptions(DecoyOptions.Benchmark.of(new java.io.File("decoy-out"), "standard"), DecoyOptions.Explaining.DEFAULT,
                new DecoyOptions.Auditing(null, true, true), DecoyOptions.Correcting.NONE), decoy.options());
    }

    @Test
    void optionsThatCannotRunFailWhenBuilt() {
        assertThrows(IllegalArgumentException.class, () -> ImageSource.folder(" "));
        assertThrows(IllegalArgumentException.class, () -> ImageSource.folder("in").withPartitions(-1));
        IllegalArgumentException noMethod = assertThrows(IllegalArgumentException.class,
                () -> ExplainOptions.builder(ImageSource.folder("in"), "m", "out").methods(List.of()).build());
        assertTrue(noMethod.getMessage().contains("--methods"), noMethod.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ExplainJob.parse(List.of("--input", "in", "--model", "m", "--output", "o", "--per-class", "-1")));
        assertThrows(IllegalArgumentException.class, () -> new AuditOptions.Pictures(null, "auto", -1, true, "auto"));
        assertThrows(IllegalArgumentException.class, () -> new EmbedOptions(ImageSource.folder("in"), "m", null, "o", null, 0, null));
    }

    @Test
    void everyJobsHelpRendersWithoutAWarning() {
        // picocli formats descriptions with String.format: a bare '%' prints a warning and the raw text instead of help
        List<Object> jobs = List.of(new ExplainJob(), new AuditJob(), new ScanJob(), new EvaluateJob(), new CorrectJob(),
                new EmbedJob(), new DemoJob(), new DecoyJob(), new DecoyFamilyJob());
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        try {
            System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
            for (Object job : jobs) {
                String help = Cli.commandLine(job).getUsageMessage();
                assertTrue(help.startsWith("Usage: "), help);
                assertTrue(!help.contains("%n"), job.getClass().getSimpleName() + " help shows a raw format string");
            }
        } finally {
            System.setErr(err);
        }
        assertEquals("", captured.toString(java.nio.charset.StandardCharsets.UTF_8));
    }
}
