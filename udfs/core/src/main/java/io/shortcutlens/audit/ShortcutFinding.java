package io.shortcutlens.audit;

/**
 * A class that puts a large share of its attribution into a small region, consistently, and more than other classes
 * do there — with the figures behind that decision.
 */
public record ShortcutFinding(String className, String method, Region region, long images, double meanShare,
                              double consistency, double otherClassesShare, double contrast) { }
