package io.shortcutlens.jobs;

import io.shortcutlens.correct.CorrectionParams;
import io.shortcutlens.lake.LakeTables;

/**
 * What a correction is asked to do: the typed form of the correct job's flags, and what another job or a program hands
 * to {@link CorrectJob#run(org.apache.spark.sql.SparkSession, CorrectOptions)}.
 *
 * @param findings   an audited explain run's folder: its findings with verdict shortcut are corrected
 * @param train      the training images, a folder tree whose sub-folders are the model's classes
 * @param model      the model to correct, or null for the run's own
 * @param output     the output folder
 * @param heldOut    held-out images (a folder tree) evaluated and audited before and after, or null for the run's input
 * @param params     the neutralising fill, its share and the fine-tuning's settings
 * @param skipAudit  fine-tune and evaluate only: no re-explain and re-audit
 * @param partitions partitions the image listings are read in (0: four per core)
 * @param format     the tables' format
 */
public record CorrectOptions(String findings, String train, String model, String output, String heldOut, CorrectionParams params, boolean skipAudit,
                             int partitions, LakeTables.Format format) {
    public CorrectOptions {
        if (findings == null || train == null || output == null) {
            throw new IllegalArgumentException("a correction needs --findings, --train and --output");
        }
        if (partitions < 0) {
            throw new IllegalArgumentException("--partitions must be 0 or more, found " + partitions);
        }
        findings = trim(findings);
        output = trim(output);
        params = params == null ? CorrectionParams.defaults() : params;
        format = format == null ? LakeTables.Format.PARQUET : format;
    }

    /** The correction of the run's findings with its own model at these settings, the held-out images being the run's input. */
    public static CorrectOptions of(String findings, String train, String output, CorrectionParams params) {
        return new CorrectOptions(findings, train, null, output, null, params, false, 0, LakeTables.Format.PARQUET);
    }

    private static String trim(String p) {
        return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }
}
