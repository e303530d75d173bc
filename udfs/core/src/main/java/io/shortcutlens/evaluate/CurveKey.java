package io.shortcutlens.evaluate;

/** A mean curve's key: the class, the method and the curve. */
public record CurveKey(String className, String method, PerturbationCurves.Metric metric) { }
