package io.shortcutlens.report;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shortcutlens.audit.FindingsDiff;
import io.shortcutlens.audit.Region;
import io.shortcutlens.audit.Verdict;
import io.shortcutlens.correct.ClassAccuracy;
import io.shortcutlens.correct.CorrectionParams;
import io.shortcutlens.correct.ShortcutRegion;
import io.shortcutlens.evaluate.CurveKey;
import io.shortcutlens.evaluate.EvaluationRow;
import io.shortcutlens.pipeline.ExplainManifest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pages rendered from their templates, without Spark: what data says is escaped, and the sections follow what there is to show. */
class ReportTemplatesTest {
    private static final String HOSTILE = "<script>alert('x')</script>";

    private static ExplainManifest manifest() {
        return ExplainManifest.parse("{\"run_id\": \"r&1\", \"model\": {\"path\": \"/models/" + HOSTILE.replace("'", "\\u0027")
                + ".zip\", \"model_id\": \"m\", \"input_shape\": [1, 28, 28], \"class_names\": [\"a\", \"b\"]}, \"normalisation\": \"scale=0.00392\"}");
    }

    @Test
    void theCorrectionPageEscapesWhatDataSaysAndShowsWhatThereIs() {
        Region corner = new Region(4, 3, 0, 1, 1);
        FindingsDiff.Stated before = new FindingsDiff.Stated(HOSTILE, "occlusion", corner, corner.describe(), Verdict.SHORTCUT, 0.61, 0.9);
        FindingsDiff.Stated after = new FindingsDiff.Stated(HOSTILE, "occlusion", corner, corner.describe(), Verdict.NOT_CONFIRMED, 0.2, 0.05);
        List<ClassAccuracy> accuracy = List.of(new ClassAccuracy("original", "as_is", HOSTILE, 10, 9),
                new ClassAccuracy("corrected", "as_is", HOSTILE, 10, 8), new ClassAccuracy("original", "regions_hidden", HOSTILE, 10, 2),
                new ClassAccuracy("corrected", "regions_hidden", HOSTILE, 10, 7));
        CorrectionReport.Contents trained = new CorrectionReport.Contents(manifest(), CorrectionParams.defaults(),
                List.of(new ShortcutRegion(List.of(3), HOSTILE, 0, corner, new int[] {21, 0, 28, 7})), accuracy,
                List.of(new FindingsDiff.Entry(FindingsDiff.Change.CHANGED, before, after)), "/out/model/corrected.zip", "/out/explain/report/index.html");
        String page = Templates.render("correction", CorrectionReport.Page.of(trained));
        assertFalse(page.contains("<script>"), "data is escaped");
        assertTrue(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), page);
        assertTrue(page.contains("Correcting run r&amp;1"), page);
        assertTrue(page.contains("<h2>Before and after, per finding</h2>") && page.contains("<td class=\"resolved\">" + Verdict.NOT_CONFIRMED.label() + "</td>"), page);
        assertTrue(page.contains("<td>0.900</td><td>0.800</td><td>0.200</td><td>0.700</td>"), page);
        assertTrue(page.contains("dl4j-spark's parameter averaging (" + CorrectionParams.DEFAULT_EPOCHS + " epochs"), page);
        assertTrue(page.contains("<a href=\"explain/report/index.html\">"), page);

        CorrectionReport.Contents elsewhere = new CorrectionReport.Contents(manifest(), CorrectionParams.defaults(), List.of(), List.of(), List.of(),
                null, null);
        String recipe = Templates.render("correction", CorrectionReport.Page.of(elsewhere));
        assertTrue(recipe.contains("the model was trained elsewhere"), recipe);
        assertFalse(recipe.contains("Before and after") || recipe.contains("Accuracy on the held-out") || recipe.contains("parameter averaging"), recipe);
    }

    @Test
    void theEvaluationPageEscapesWhatDataSaysAndLeavesOutWhatDidNotRun() {
        io.shortcutlens.evaluate.MetricSummary gain = new io.shortcutlens.evaluate.MetricSummary(40, -0.2, -0.3, -0.1);
        List<EvaluationRow> rows = List.of(new EvaluationRow("faithfulness", null, "occlusion", "deletion_morf_minus_random", null, gain),
                new EvaluationRow("faithfulness", HOSTILE, "occlusion", "deletion_morf_area", null, new io.shortcutlens.evaluate.MetricSummary(20, 0.25, 0.2, 0.3)));
        java.util.Map<CurveKey, double[]> curves = java.util.Map.of(
                new CurveKey(HOSTILE, "occlusion", io.shortcutlens.evaluate.PerturbationCurves.Metric.DELETION_MORF), new double[] {0.9, 0.5, 0.1});
        String page = Templates.render("evaluation", EvaluationReport.page(manifest(), io.shortcutlens.evaluate.EvaluationParams.defaults(io.shortcutlens.audit.RegionMasker.Fill.ZERO), rows,
                new EvaluationReport.Curves(curves, 8)));
        assertFalse(page.contains("<script>"), "data is escaped, in the tables and in the pictures");
        assertTrue(page.contains("<h3>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</h3>"), page);
        assertTrue(page.contains("<tr><td class=\"l\">occlusion</td><td>40</td><td>-0.200</td><td>[-0.300, -0.100]</td></tr>"), page);
        assertTrue(page.contains("<td>0.250 <small>[0.200, 0.300]</small></td><td></td>"), "a metric not measured is an empty cell: " + page);
        assertTrue(page.contains("<svg") && page.contains("cells removed (of 64)"), page);
        assertFalse(page.contains("Randomisation sanity check") || page.contains("Agreement between methods"), "sections of what did not run are left out");
    }
}
