package io.shortcutlens.bench;

public final class ExplainBenchmark {
    public static void main(String[] args) {
        throw new UnsupportedOperationException("written next");
    }
}
