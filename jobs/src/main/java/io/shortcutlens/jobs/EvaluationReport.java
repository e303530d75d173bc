package io.shortcutlens.jobs;

import io.shortcutlens.evaluate.EvaluationParams;
import io.shortcutlens.evaluate.MetricSummary;
import io.shortcutlens.evaluate.PerturbationCurves;
import io.shortcutlens.pipeline.ExplainManifest;
import io.shortcutlens.report.Html;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.SparkSession;

/**
 * The evaluation's report, one HTML file with inline SVG: methods ranked by how much faster their maps remove the
 * evidence than a random order, the areas per class with their intervals, each class's mean deletion curves, the
 * randomisation curves and the agreement between methods.
 */
final class EvaluationReport {
    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#7f7f7f"};

    private EvaluationReport() { }

    static void write(SparkSession spark, String file, ExplainManifest manifest, EvaluationParams params, List<EvaluateJob.Summary> rows,
                      Map<EvaluateJob.CurveKey, double[]> curves, int grid) {
        StringBuilder h = new StringBuilder();
        head(h, manifest, params);
        ranking(h, rows);
        perClass(h, rows, curves, grid);
        randomisation(h, rows);
        agreement(h, rows);
        h.append("</body></html>\n");
        RunManifest.writePage(spark, file, h.toString());
    }

    private static void head(StringBuilder h, ExplainManifest manifest, EvaluationParams params) {
        h.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>ShortcutLens evaluation ").append(Html.text(manifest.runId()))
                .append("</title><style>body{font-family:sans-serif;margin:24px;max-width:1100px}table{border-collapse:collapse;margin:8px 0}"
                        + "td,th{border:1px solid #ccc;padding:3px 7px;text-align:right;font-size:13px}th.l,td.l{text-align:left}"
                        + ".plots{display:flex;flex-wrap:wrap;gap:16px}.note{color:#555;font-size:13px}</style></head><body>\n");
        h.append("<h1>Which map to believe</h1>\n<p class=\"note\">Run <code>").append(Html.text(manifest.runId())).append("</code>, model <code>")
                .append(Html.text(manifest.model().path())).append("</code>. Evaluation <code>").append(Html.text(params.toJson())).append("</code>.</p>\n");
    }

    /** The methods ranked over every class: the paired difference with a random order (lower = the map finds the evidence faster). */
    private static void ranking(StringBuilder h, List<EvaluateJob.Summary> rows) {
        // ranking over every class: the paired difference with a random order (lower = the map finds the evidence faster)
        List<EvaluateJob.Summary> gains = rows.stream().filter(r -> r.section().equals("faithfulness") && r.className() == null
                && r.metric().equals("deletion_morf_minus_random")).sorted(Comparator.comparingDouble(r -> r.figure().mean())).toList();
        h.append("<h2>Methods ranked</h2>\n<p class=\"note\">Deletion area (cells removed in the map's order, most relevant first) minus the same image's"
                + " area in a random order: below 0 the map points at what the model uses; the interval is a 95% bootstrap interval over images.</p>\n");
        h.append("<table id=\"ranking\"><tr><th class=\"l\">method</th><th>images</th><th>deletion − random</th><th>95% interval</th></tr>\n");
        for (EvaluateJob.Summary g : gains) {
            h.append("<tr><td class=\"l\">").append(Html.text(g.method())).append("</td><td>").append(g.figure().n()).append("</td><td>")
                    .append(f(g.figure().mean())).append("</td><td>[").append(f(g.figure().low())).append(", ").append(f(g.figure().high())).append("]</td></tr>\n");
        }
        h.append("</table>\n");
        h.append(bars(gains.stream().map(EvaluateJob.Summary::method).toList(), gains.stream().map(EvaluateJob.Summary::figure).toList()));
    }

    /** Each class's faithfulness table and deletion curves. */
    private static void perClass(StringBuilder h, List<EvaluateJob.Summary> rows, Map<EvaluateJob.CurveKey, double[]> curves, int grid) {
        Set<String> classes = new LinkedHashSet<>();
        rows.stream().filter(r -> r.section().equals("faithfulness") && r.className() != null).forEach(r -> classes.add(r.className()));
        h.append("<h2>Faithfulness per class</h2>\n<p class=\"note\">Mean area under each curve of the target's score (↓: lower is better, ↑: higher is"
                + " better). ROAD imputes the removed cells from their neighbours instead of filling them.</p>\n");
        for (String c : classes) {
            h.append("<h3>").append(Html.text(c)).append("</h3>\n<table class=\"faithfulness\"><tr><th class=\"l\">method</th>");
            for (PerturbationCurves.Metric m : PerturbationCurves.Metric.values()) {
                h.append("<th>").append(m.label()).append(m.lowerIsBetter() ? " ↓" : " ↑").append("</th>");
            }
            h.append("</tr>\n");
            List<String> methods = rows.stream().filter(r -> c.equals(r.className())).map(EvaluateJob.Summary::method).distinct().toList();
            for (String method : methods) {
                h.append("<tr><td class=\"l\">").append(Html.text(method)).append("</td>");
                for (PerturbationCurves.Metric m : PerturbationCurves.Metric.values()) {
                    MetricSummary s = find(rows, "faithfulness", c, method, m.label() + "_area", null);
                    h.append("<td>").append(s == null ? "" : f(s.mean()) + " <small>[" + f(s.low()) + ", " + f(s.high()) + "]</small>").append("</td>");
                }
                h.append("</tr>\n");
            }
            h.append("</table>\n<div class=\"plots\">");
            List<String> names = new ArrayList<>();
            List<double[]> lines = new ArrayList<>();
            for (String method : methods) {
                double[] v = curves.get(new EvaluateJob.CurveKey(c, method, PerturbationCurves.Metric.DELETION_MORF));
                if (v != null) {
                    names.add(method);
                    lines.add(v);
                }
            }
            double[] random = methods.isEmpty() ? null : curves.get(new EvaluateJob.CurveKey(c, methods.get(0), PerturbationCurves.Metric.DELETION_RANDOM));
            if (random != null) {
                names.add("random order");
                lines.add(random);
            }
            h.append(plot("Deletion, most relevant first: " + c, "cells removed (of " + grid * grid + ")", "score", names, lines, false));
            h.append("</div>\n");
        }
    }

    /** The randomisation sanity check, where it ran. */
    private static void randomisation(StringBuilder h, List<EvaluateJob.Summary> rows) {
        List<EvaluateJob.Summary> mprt = rows.stream().filter(r -> r.section().equals("randomisation")).toList();
        if (!mprt.isEmpty()) {
            h.append("<h2>Randomisation sanity check</h2>\n<p class=\"note\">Rank correlation between each method's map on the trained model and on the"
                    + " model with its top layers' weights replaced by noise (Adebayo et al. 2018). A method that still draws the same map once the"
                    + " layers that decide are noise is showing the image, not the model: its curve should fall.</p>\n<div class=\"plots\">");
            List<String> names = mprt.stream().map(EvaluateJob.Summary::method).distinct().toList();
            List<double[]> lines = new ArrayList<>();
            for (String method : names) {
                lines.add(mprt.stream().filter(r -> r.method().equals(method)).sorted(Comparator.comparingInt(EvaluateJob.Summary::level))
                        .mapToDouble(r -> r.figure().mean()).toArray());
            }
            h.append(plot("Maps against the randomised model", "top layers randomised", "rank correlation", names, lines, true));
            h.append("</div>\n<table id=\"randomisation\"><tr><th class=\"l\">method</th><th>layers</th><th>images</th><th>rank correlation</th><th>95% interval</th></tr>\n");
            for (EvaluateJob.Summary r : mprt) {
                h.append("<tr><td class=\"l\">").append(Html.text(r.method())).append("</td><td>").append(r.level()).append("</td><td>").append(r.figure().n())
                        .append("</td><td>").append(f(r.figure().mean())).append("</td><td>[").append(f(r.figure().low())).append(", ")
                        .append(f(r.figure().high())).append("]</td></tr>\n");
            }
            h.append("</table>\n");
        }
    }

    /** Agreement between methods, where more than one ran. */
    private static void agreement(StringBuilder h, List<EvaluateJob.Summary> rows) {
        List<EvaluateJob.Summary> agree = rows.stream().filter(r -> r.section().equals("agreement")).toList();
        if (!agree.isEmpty()) {
            h.append("<h2>Agreement between methods</h2>\n<p class=\"note\">Per image, the rank correlation of two methods' absolute maps and whether"
                    + " they peak in the same cell of the mass grid; per class and over every class.</p>\n<table id=\"agreement\"><tr><th class=\"l\">class</th>"
                    + "<th class=\"l\">methods</th><th>images</th><th>rank correlation</th><th>same peak cell</th></tr>\n");
            for (EvaluateJob.Summary r : agree) {
                if (!r.metric().equals("spearman")) {
                    continue;
                }
                MetricSummary peak = find(rows, "agreement", r.className(), r.method(), "same_peak_rate", null);
                h.append("<tr><td class=\"l\">").append(Html.text(r.className() == null ? "(all)" : r.className())).append("</td><td class=\"l\">")
                        .append(Html.text(r.method())).append("</td><td>").append(r.figure().n()).append("</td><td>")
                        .append(f(r.figure().mean())).append(" <small>[").append(f(r.figure().low())).append(", ").append(f(r.figure().high()))
                        .append("]</small></td><td>").append(peak == null ? "" : f(peak.mean())).append("</td></tr>\n");
            }
            h.append("</table>\n");
        }
    }

    private static MetricSummary find(List<EvaluateJob.Summary> rows, String section, String cls, String method, String metric, Integer level) {
        return rows.stream().filter(r -> r.section().equals(section) && java.util.Objects.equals(r.className(), cls) && r.method().equals(method)
                && r.metric().equals(metric) && java.util.Objects.equals(r.level(), level)).map(EvaluateJob.Summary::figure).findFirst().orElse(null);
    }

    private static String f(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.3f", v) : "–";
    }

    /** Horizontal bars of each method's figure around 0, with its interval as a whisker. */
    static String bars(List<String> names, List<MetricSummary> figures) {
        if (names.isEmpty()) {
            return "";
        }
        int left = 150;
        int width = 300;
        int row = 22;
        int hgt = 20 + row * names.size();
        double lo = Math.min(0, figures.stream().mapToDouble(MetricSummary::low).filter(Double::isFinite).min().orElse(0));
        double hi = Math.max(0, figures.stream().mapToDouble(MetricSummary::high).filter(Double::isFinite).max().orElse(0));
        double span = Math.max(1e-9, hi - lo);
        java.util.function.DoubleUnaryOperator x = v -> left + (v - lo) / span * width;
        StringBuilder s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(left + width + 20).append("\" height=\"").append(hgt).append("\" class=\"bars\">");
        s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"4\" x2=\"%.1f\" y2=\"%d\" stroke=\"#000\"/>", x.applyAsDouble(0), x.applyAsDouble(0), hgt - 4));
        for (int i = 0; i < names.size(); i++) {
            MetricSummary f = figures.get(i);
            int y = 10 + row * i;
            double a = x.applyAsDouble(Math.min(0, f.mean()));
            double b = x.applyAsDouble(Math.max(0, f.mean()));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"end\">%s</text>", left - 6, y + 12, Html.text(names.get(i))));
            s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"14\" fill=\"%s\"/>", a, y, Math.max(1, b - a),
                    f.belowZero() ? "#2ca02c" : "#d62728"));
            if (Double.isFinite(f.low()) && Double.isFinite(f.high())) {
                s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#333\"/>", x.applyAsDouble(f.low()), y + 7,
                        x.applyAsDouble(f.high()), y + 7));
            }
        }
        s.append("</svg>");
        return s.toString();
    }

    /** A small SVG line plot, one line per name; x runs over each line's indices; y from 0 (or the data's minimum) to its maximum. */
    static String plot(String title, String xLabel, String yLabel, List<String> names, List<double[]> lines, boolean unitRange) {
        int w = 420;
        int hgt = 260;
        int left = 48;
        int bottom = 40;
        int top = 24;
        int right = 130;
        double lo = unitRange ? Math.min(-0.2, lines.stream().flatMapToDouble(java.util.Arrays::stream).min().orElse(0)) : 0;
        double hi = Math.max(unitRange ? 1 : 1e-9, lines.stream().flatMapToDouble(java.util.Arrays::stream).max().orElse(1));
        lo = Math.min(lo, lines.stream().flatMapToDouble(java.util.Arrays::stream).min().orElse(0));
        StringBuilder s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(w).append("\" height=\"").append(hgt).append("\" class=\"plot\">");
        s.append("<text x=\"").append(left).append("\" y=\"14\" font-size=\"12\">").append(Html.text(title)).append("</text>");
        int pw = w - left - right;
        int ph = hgt - top - bottom;
        s.append("<rect x=\"").append(left).append("\" y=\"").append(top).append("\" width=\"").append(pw).append("\" height=\"").append(ph)
                .append("\" fill=\"none\" stroke=\"#999\"/>");
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor=\"end\">%.2f</text>", left - 4, top + 8, hi));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor=\"end\">%.2f</text>", left - 4, top + ph, lo));
        s.append("<text x=\"").append(left + pw / 2).append("\" y=\"").append(hgt - 8).append("\" font-size=\"11\" text-anchor=\"middle\">")
                .append(Html.text(xLabel)).append("</text>");
        s.append("<text x=\"12\" y=\"").append(top + ph / 2).append("\" font-size=\"11\" transform=\"rotate(-90 12 ").append(top + ph / 2)
                .append(")\" text-anchor=\"middle\">").append(Html.text(yLabel)).append("</text>");
        for (int i = 0; i < lines.size(); i++) {
            double[] v = lines.get(i);
            String colour = names.get(i).equals("random order") ? "#000" : COLOURS[i % COLOURS.length];
            s.append("<polyline fill=\"none\" stroke=\"").append(colour).append(names.get(i).equals("random order") ? "\" stroke-dasharray=\"4 3" : "")
                    .append("\" stroke-width=\"1.6\" points=\"");
            for (int k = 0; k < v.length; k++) {
                double x = left + (v.length == 1 ? 0 : (double) k / (v.length - 1) * pw);
                double y = top + ph - (v[k] - lo) / (hi - lo) * ph;
                s.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            s.append("\"/>");
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"%s\">%s</text>", left + pw + 6, top + 12 + 14 * i, colour,
                    Html.text(names.get(i))));
        }
        s.append("</svg>");
        return s.toString();
    }
}
