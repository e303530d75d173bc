package io.shortcutlens.jobs;

import static org.apache.spark.sql.functions.col;

import io.shortcutlens.audit.AuditFinding;
import io.shortcutlens.audit.FindingsDiff;
import io.shortcutlens.audit.GlobalCueProbe;
import io.shortcutlens.audit.Region;
import io.shortcutlens.audit.Verdict;
import io.shortcutlens.lake.LakeTables;
import io.shortcutlens.lake.RunFolder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * An audit over time: this audit's findings as {@link FindingsDiff.Stated}, an earlier audit's read back from its
 * {@code findings} table, the {@code findings_diff} table, and {@code audit-summary.json} — what a scheduled run
 * alerts on.
 */
final class AuditHistory {
    private AuditHistory() { }

    /** A changed share or flip rate at least this large makes a matched finding "changed". */
    static final double TOLERANCE = 0.1;

    static List<FindingsDiff.Stated> stated(List<AuditFinding> findings, List<GlobalCueProbe.Cue> cues) {
        List<FindingsDiff.Stated> out = new ArrayList<>();
        for (AuditFinding f : findings) {
            Region r = f.finding().region();
            out.add(new FindingsDiff.Stated(f.finding().className(), f.finding().method(), r, r.describeBrief(), f.verdict(), f.finding().meanShare(),
                    f.confirmation().flipRateRegion()));
        }
        java.util.Set<String> cued = new java.util.HashSet<>(); // a class's cue once, as a diff pairs cues by class (the strongest kind comes first)
        for (GlobalCueProbe.Cue q : cues) {
            if (q.judgement().verdict() == Verdict.GLOBAL_CUE && cued.add(q.className())) {
                out.add(new FindingsDiff.Stated(q.className(), null, null, "whole image", Verdict.GLOBAL_CUE, 0, q.leaveRate()));
            }
        }
        return out;
    }

    /**
     * The findings of an earlier audit: {@code path} is its explain run's folder (holding {@code findings/}) or the
     * findings table itself. Fails naming the path when neither holds a findings table.
     */
    static List<FindingsDiff.Stated> read(SparkSession spark, String path, String option) {
        String dir = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        String table = exists(spark, RunFolder.of(dir).findings()) ? RunFolder.of(dir).findings() : dir;
        if (LakeTables.existing(spark, table) == null) {
            throw new IllegalArgumentException(option + " " + path + ": no findings table there (an audited run's folder, or its findings/ folder)");
        }
        List<FindingsDiff.Stated> out = new ArrayList<>();
        for (Row r : LakeTables.read(spark, table).select(col("class"), col("method"), col("grid_size"), col("region_row"), col("region_col"),
                col("region_height"), col("region_width"), col("verdict"), col("mean_share"), col("flip_rate_region"),
                col("cue_leave_rate")).orderBy(col("finding_id")).collectAsList()) {
            boolean global = r.isNullAt(2);
            Region region = global ? null : new Region(r.getInt(2), r.getInt(3), r.getInt(4), r.getInt(5), r.getInt(6));
            out.add(new FindingsDiff.Stated(r.getString(0), r.isNullAt(1) ? null : r.getString(1), region, global ? "whole image" : region.describeBrief(),
                    Verdict.valueOf(r.getString(7).toUpperCase(Locale.ROOT)), r.isNullAt(8) ? 0 : r.getDouble(8),
                    global ? (r.isNullAt(10) ? 0 : r.getDouble(10)) : (r.isNullAt(9) ? 0 : r.getDouble(9))));
        }
        return out;
    }

    private static boolean exists(SparkSession spark, String file) {
        Path p = new Path(file);
        try {
            return p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static final StructType DIFF = DataTypes.createStructType(new StructField[] {
        DataTypes.createStructField("change", DataTypes.StringType, false), DataTypes.createStructField("class", DataTypes.StringType, false),
        DataTypes.createStructField("method", DataTypes.StringType, true), DataTypes.createStructField("location", DataTypes.StringType, false),
        DataTypes.createStructField("verdict_before", DataTypes.StringType, true), DataTypes.createStructField("verdict_now", DataTypes.StringType, true),
        DataTypes.createStructField("share_before", DataTypes.DoubleType, true), DataTypes.createStructField("share_now", DataTypes.DoubleType, true),
        DataTypes.createStructField("flip_rate_before", DataTypes.DoubleType, true), DataTypes.createStructField("flip_rate_now", DataTypes.DoubleType, true),
        DataTypes.createStructField("description", DataTypes.StringType, false), DataTypes.createStructField("compared_to", DataTypes.StringType, false),
    });

    static void writeDiff(SparkSession spark, LakeTables.Writer tables, String path, List<FindingsDiff.Entry> diff, String comparedTo) {
        List<Row> rows = new ArrayList<>();
        for (FindingsDiff.Entry e : diff) {
            FindingsDiff.Stated b = e.before();
            FindingsDiff.Stated n = e.now();
            rows.add(RowFactory.create(e.change().label(), e.finding().className(), e.finding().method(), e.finding().location(),
                    b == null ? null : b.verdict().label(), n == null ? null : n.verdict().label(), b == null ? null : b.share(),
                    n == null ? null : n.share(), b == null ? null : b.flipRate(), n == null ? null : n.flipRate(), e.describe(), comparedTo));
        }
        tables.replace(spark.createDataFrame(rows, DIFF).coalesce(1), path);
    }
}
