package io.shortcutlens.audit;

/** How a class's maps of one method agree with its annotated objects: relevance mass on the object, and the pointing game. */
public record BoxAgreement(String className, String method, long images, double relevanceMass, double pointingGame) { }
