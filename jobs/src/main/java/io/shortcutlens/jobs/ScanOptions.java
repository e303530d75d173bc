package io.shortcutlens.jobs;

import io.shortcutlens.audit.RegionMasker;
import io.shortcutlens.lake.ImageSource;
import io.shortcutlens.lake.LakeTables;
import io.shortcutlens.lake.RunFolder;
import java.util.List;

/**
 * What a scan is asked to do: the typed form of the scan job's flags, and what a program hands to
 * {@link ScanJob#run(org.apache.spark.sql.SparkSession, ScanOptions)}.
 *
 * @param findings an audited explain run's folder: its findings with {@code verdicts} are scanned for
 * @param input    the images scanned
 * @param output   the output folder, or null for {@code RUN/scan}
 * @param verdicts the verdicts whose findings are scanned for
 * @param fill     how a region is hidden, or null for as the audit hid it
 * @param model    the model to predict with, or null for the run's own
 * @param seed     the seed of a noise fill
 * @param format   the tables' format
 */
public record ScanOptions(String findings, ImageSource input, String output, List<String> verdicts, RegionMasker.Fill fill, String model, long seed,
                          LakeTables.Format format) {
    public static final List<String> DEFAULT_VERDICTS = List.of("shortcut");
    public static final long DEFAULT_SEED = 1;

    public ScanOptions {
        if (findings == null || input == null) {
            throw new IllegalArgumentException("a scan needs --findings (an audited run) and --input (the images)");
        }
        findings = findings.endsWith("/") ? findings.substring(0, findings.length() - 1) : findings;
        verdicts = List.copyOf(verdicts == null || verdicts.isEmpty() ? DEFAULT_VERDICTS : verdicts);
        format = format == null ? LakeTables.Format.PARQUET : format;
    }

    /** The images scanned for the run's shortcut findings, hidden as the audit hid them, with the run's model. */
    public static ScanOptions of(String findings, ImageSource input) {
        return new ScanOptions(findings, input, null, DEFAULT_VERDICTS, null, null, DEFAULT_SEED, LakeTables.Format.PARQUET);
    }

    /** The output folder: the one given, else the run's {@code scan/}. */
    String out() {
        return output != null ? output : RunFolder.of(findings).scan();
    }
}
