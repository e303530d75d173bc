package io.shortcutlens.report;

import io.shortcutlens.evaluate.CurveKey;
import io.shortcutlens.evaluate.EvaluationParams;
import io.shortcutlens.evaluate.EvaluationRow;
import io.shortcutlens.evaluate.MetricSummary;
import io.shortcutlens.evaluate.PerturbationCurves;
import io.shortcutlens.lake.RunManifest;
import io.shortcutlens.pipeline.ExplainManifest;
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
public final class EvaluationReport {
    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#7f7f7f"};

    private EvaluationReport() { }

    public static void write(SparkSession spark, String file, ExplainManifest manifest, EvaluationParams params, List<EvaluationRow> rows,
                             Map<CurveKey, double[]> curves, int grid) {
        RunManifest.writePage(spark, file, Templates.render("evaluation", page(manifest, params, rows, new Curves(curves, grid))));
    }

    /** The mean curves per (class, method, metric), and the side of the grid whose cells they remove. */
    public record Curves(Map<CurveKey, double[]> means, int grid) { }

    /** What {@code report/evaluation.mustache} shows: text (the template escapes it) and the SVG pictures drawn here. */
    public record Page(String runId, String model, String params, List<Figure> ranking, String rankingBars, List<ClassSection> classes,
                Randomisation randomisation, Agreement agreement) { }

    /** One method's figure: images, mean and 95% interval ({@code level}: randomised layers, where it applies). */
    public record Figure(String method, Integer level, long n, String mean, String low, String high) {
    public     static Figure of(String method, Integer level, MetricSummary s) {
            return new Figure(method, level, s.n(), f(s.mean()), f(s.low()), f(s.high()));
        }
    }

    /** One class: the metrics' areas per method, and its deletion curves. */
    public record ClassSection(String name, List<String> metrics, List<MethodRow> rows, String plot) { }

    public record MethodRow(String method, List<Cell> cells) { }

    /** A mean and its interval; all null where the metric was not measured. */
    public record Cell(String mean, String low, String high) { }

    /** The randomisation check's curves and table (null: it did not run). */
    public record Randomisation(String plot, List<Figure> rows) { }

    /** Agreement between methods (null: one method only). */
    public record Agreement(List<AgreementRow> rows) { }

    public record AgreementRow(String className, String methods, long n, String mean, String low, String high, String samePeak) { }

    public static Page page(ExplainManifest manifest, EvaluationParams params, List<EvaluationRow> rows, Curves curves) {
        List<EvaluationRow> gains = rows.stream().filter(r -> r.section().equals("faithfulness") && r.className() == null
                && r.metric().equals("deletion_morf_minus_random")).sorted(Comparator.comparingDouble(r -> r.figure().mean())).toList();
        return new Page(manifest.runId(), manifest.model().path(), params.toJson(), gains.stream().map(g -> Figure.of(g.method(), null, g.figure())).toList(),
                bars(gains.stream().map(EvaluationRow::method).toList(), gains.stream().map(EvaluationRow::figure).toList()),
                classes(rows, curves), randomisation(rows), agreement(rows));
    }

    /** Each class's faithfulness table and deletion curves. */
    private static List<ClassSection> classes(List<EvaluationRow> rows, Curves curves) {
        Set<String> classes = new LinkedHashSet<>();
        rows.stream().filter(r -> r.section().equals("faithfulness") && r.className() != null).forEach(r -> classes.add(r.className()));
        List<String> metrics = java.util.Arrays.stream(PerturbationCurves.Metric.values()).map(m -> m.label() + (m.lowerIsBetter() ? " ↓" : " ↑")).toList();
        List<ClassSection> out = new ArrayList<>();
        for (String c : classes) {
            List<String> methods = rows.stream().filter(r -> c.equals(r.className())).map(EvaluationRow::method).distinct().toList();
            List<MethodRow> table = new ArrayList<>();
            for (String method : methods) {
                List<Cell> cells = new ArrayList<>();
                for (PerturbationCurves.Metric m : PerturbationCurves.Metric.values()) {
                    MetricSummary s = find(rows, "faithfulness", c, method, m.label() + "_area", null);
                    cells.add(s == null ? new Cell(null, null, null) : new Cell(f(s.mean()), f(s.low()), f(s.high())));
                }
                table.add(new MethodRow(method, cells));
            }
            List<String> names = new ArrayList<>();
            List<double[]> lines = new ArrayList<>();
            for (String method : methods) {
                double[] v = curves.means().get(new CurveKey(c, method, PerturbationCurves.Metric.DELETION_MORF));
                if (v != null) {
                    names.add(method);
                    lines.add(v);
                }
            }
            double[] random = methods.isEmpty() ? null
                    : curves.means().get(new CurveKey(c, methods.get(0), PerturbationCurves.Metric.DELETION_RANDOM));
            if (random != null) {
                names.add("random order");
                lines.add(random);
            }
            int cells = curves.grid() * curves.grid();
            out.add(new ClassSection(c, metrics, table, plot("Deletion, most relevant first: " + c, "cells removed (of " + cells + ")", "score", names,
                    lines, false)));
        }
        return out;
    }

    /** The randomisation sanity check, where it ran. */
    private static Randomisation randomisation(List<EvaluationRow> rows) {
        List<EvaluationRow> mprt = rows.stream().filter(r -> r.section().equals("randomisation")).toList();
        if (mprt.isEmpty()) {
            return null;
        }
        List<String> names = mprt.stream().map(EvaluationRow::method).distinct().toList();
        List<double[]> lines = new ArrayList<>();
        for (String method : names) {
            lines.add(mprt.stream().filter(r -> r.method().equals(method)).sorted(Comparator.comparingInt(EvaluationRow::level))
                    .mapToDouble(r -> r.figure().mean()).toArray());
        }
        return new Randomisation(plot("Maps against the randomised model", "top layers randomised", "rank correlation", names, lines, true),
                mprt.stream().map(r -> Figure.of(r.method(), r.level(), r.figure())).toList());
    }

    /** Agreement between methods, where more than one ran. */
    private static Agreement agreement(List<EvaluationRow> rows) {
        List<EvaluationRow> agree = rows.stream().filter(r -> r.section().equals("agreement") && r.metric().equals("spearman")).toList();
        if (agree.isEmpty()) {
            return null;
        }
        return new Agreement(agree.stream().map(r -> {
            MetricSummary peak = find(rows, "agreement", r.className(), r.method(), "same_peak_rate", null);
            return new AgreementRow(r.className() == null ? "(all)" : r.className(), r.method(), r.figure().n(), f(r.figure().mean()),
                    f(r.figure().low()), f(r.figure().high()), peak == null ? "" : f(peak.mean()));
        }).toList());
    }

    private static MetricSummary find(List<EvaluationRow> rows, String section, String cls, String method, String metric, Integer level) {
        return rows.stream().filter(r -> r.section().equals(section) && java.util.Objects.equals(r.className(), cls) && r.method().equals(method)
                && r.metric().equals(metric) && java.util.Objects.equals(r.level(), level)).map(EvaluationRow::figure).findFirst().orElse(null);
    }

    private static String f(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.3f", v) : "–";
    }

    /** Horizontal bars of each method's figure around 0, with its interval as a whisker. */
    public static String bars(List<String> names, List<MetricSummary> figures) {
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
    public static String plot(String title, String xLabel, String yLabel, List<String> names, List<double[]> lines, boolean unitRange) {
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
