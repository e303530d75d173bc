package io.shortcutlens.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.shortcutlens.audit.AuditFinding;
import io.shortcutlens.audit.FindingsDiff;
import io.shortcutlens.audit.GlobalCueProbe;
import io.shortcutlens.audit.Verdict;
import io.shortcutlens.pipeline.ExplainManifest;
import io.shortcutlens.report.AuditReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code audit-summary.json}, what a scheduler reads after an audit: the run, the counts by verdict, each shortcut and
 * global cue with its reason, with {@code --compare-to} the diff's counts and lines, and the command line that asks for
 * the audit (the correct job audits a corrected model with it).
 */
@JsonPropertyOrder({"run_id", "model_id", "verdicts", "shortcuts_and_global_cues", "diff", "arguments"})
record AuditSummary(@JsonProperty("run_id") String runId, @JsonProperty("model_id") String modelId, Map<String, Long> verdicts,
                    @JsonProperty("shortcuts_and_global_cues") List<Alert> alerts, @JsonInclude(JsonInclude.Include.NON_NULL) Diff diff,
                    List<String> arguments) {

    AuditSummary {
        arguments = arguments == null ? List.of() : arguments; // summaries written before audits recorded them
    }

    /** A shortcut or a global cue: where, what and why ({@code method} null for a global cue). */
    @JsonPropertyOrder({"class", "method", "location", "verdict", "reason"})
    record Alert(@JsonProperty("class") String className, String method, String location, String verdict, String reason) { }

    /** The change since an earlier audit: how many findings are new, resolved, changed and unchanged, and the lines saying what changed. */
    @JsonPropertyOrder({"compared_to", "new", "resolved", "changed", "unchanged", "lines"})
    record Diff(@JsonProperty("compared_to") String comparedTo, @JsonProperty("new") long added, long resolved, long changed, long unchanged,
                List<String> lines) {
        static Diff of(String comparedTo, List<FindingsDiff.Entry> diff) {
            return new Diff(comparedTo, count(diff, FindingsDiff.Change.NEW), count(diff, FindingsDiff.Change.RESOLVED),
                    count(diff, FindingsDiff.Change.CHANGED), count(diff, FindingsDiff.Change.UNCHANGED),
                    diff.stream().filter(e -> e.change() != FindingsDiff.Change.UNCHANGED).map(FindingsDiff.Entry::describe).toList());
        }

        private static long count(List<FindingsDiff.Entry> diff, FindingsDiff.Change c) {
            return diff.stream().filter(e -> e.change() == c).count();
        }
    }

    /** The summary of an audit of {@code manifest}'s run; {@code comparedTo} null when it was not compared with an earlier one. */
    static AuditSummary of(ExplainManifest manifest, List<AuditFinding> findings, List<GlobalCueProbe.Cue> cues, AuditReport.History history,
                           List<String> arguments) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (Verdict v : Verdict.values()) {
            long n = v == Verdict.GLOBAL_CUE ? cues.stream().filter(q -> q.judgement().verdict() == v).count()
                    : findings.stream().filter(f -> f.verdict() == v).count();
            counts.put(v.label(), n);
        }
        List<Alert> alerts = new ArrayList<>();
        for (AuditFinding f : findings) {
            if (f.verdict() == Verdict.SHORTCUT) {
                alerts.add(new Alert(f.finding().className(), f.finding().method(), f.finding().region().describe(), f.verdict().label(),
                        f.judgement().reason()));
            }
        }
        for (GlobalCueProbe.Cue q : cues) {
            if (q.judgement().verdict() == Verdict.GLOBAL_CUE) {
                alerts.add(new Alert(q.className(), null, "whole image", Verdict.GLOBAL_CUE.label(), q.judgement().reason()));
            }
        }
        return new AuditSummary(manifest.runId(), manifest.model().modelId(), counts, alerts,
                history == null ? null : Diff.of(history.comparedTo(), history.diff()), arguments);
    }
}
