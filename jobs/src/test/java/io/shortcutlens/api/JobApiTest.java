package io.shortcutlens.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.shortcutlens.audit.Verdict;
import io.shortcutlens.explain.OcclusionExplainer;
import io.shortcutlens.jobs.AuditJob;
import io.shortcutlens.jobs.AuditOptions;
import io.shortcutlens.jobs.CorrectJob;
import io.shortcutlens.jobs.CorrectOptions;
import io.shortcutlens.jobs.EmbedJob;
import io.shortcutlens.jobs.EmbedOptions;
import io.shortcutlens.jobs.EvaluateJob;
import io.shortcutlens.jobs.EvaluateOptions;
import io.shortcutlens.jobs.ExplainJob;
import io.shortcutlens.jobs.ExplainOptions;
import io.shortcutlens.jobs.ScanJob;
import io.shortcutlens.jobs.ScanOptions;
import io.shortcutlens.lake.ImageSource;
import java.util.List;
import java.util.function.BiFunction;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The jobs as a program outside their package uses them: options built from public types, and each job's
 * {@code run(SparkSession, Options)} and its result reachable (this class compiles only if they are). Running them is
 * the other tests' work.
 */
class JobApiTest {

    @Test
    void aProgramBuildsEveryJobsOptionsAndReachesItsRun() {
        ExplainOptions explain = ExplainOptions.builder(ImageSource.folder("/lake/images"), "models/net2.onnx", "out/net2")
                .methods(List.of("occlusion", "lime")).option(OcclusionExplainer.MASK_SIZE, 16).build();
        AuditOptions audit = AuditOptions.builder("out/net2").failOn(List.of(Verdict.SHORTCUT)).build();
        assertEquals(List.of("occlusion", "lime"), explain.methods());
        assertEquals("16", explain.methodOptions().get(OcclusionExplainer.MASK_SIZE.name()));
        assertEquals(List.of(Verdict.SHORTCUT), audit.failOn());
        BiFunction<SparkSession, ExplainOptions, ExplainJob.Result> explainRun = ExplainJob::run;
        BiFunction<SparkSession, AuditOptions, AuditJob.Result> auditRun = AuditJob::run;
        BiFunction<SparkSession, ScanOptions, ScanJob.Result> scanRun = ScanJob::run;
        BiFunction<SparkSession, EvaluateOptions, EvaluateJob.Result> evaluateRun = EvaluateJob::run;
        BiFunction<SparkSession, EmbedOptions, EmbedJob.Result> embedRun = EmbedJob::run;
        assertNotNull(List.of(explainRun, auditRun, scanRun, evaluateRun, embedRun));
        CorrectOptions correct = CorrectOptions.of("out/net2", "/lake/train", "out/fixed", io.shortcutlens.correct.CorrectionParams.defaults());
        assertEquals("out/net2", correct.findings());
        Runnable correctRun = () -> {
            try {
                CorrectJob.Result r = CorrectJob.run(null, correct);
                assertNotNull(r.accuracy());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        assertNotNull(correctRun);
        assertEquals("out/net2/scan", ScanOptions.of("out/net2/", ImageSource.folder("/lake/images")).findings() + "/scan");
        assertEquals(EvaluateOptions.Curves.DEFAULT, EvaluateOptions.of("out/net2").curves());
        assertEquals(EmbedOptions.TsneMap.DEFAULT, EmbedOptions.of(ImageSource.folder("/lake/images"), "m.zip", "out/embed").tsne());
    }
}
