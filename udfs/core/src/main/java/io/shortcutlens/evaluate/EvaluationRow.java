package io.shortcutlens.evaluate;

/** One row of the evaluation table: a figure of a class (null: every class) and method at a randomisation level (null: none). */
public record EvaluationRow(String section, String className, String method, String metric, Integer level, MetricSummary figure) { }
