package io.shortcutlens.lake;

import static org.apache.spark.sql.functions.col;

import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.util.Arrays;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * The jobs' tables on a lake, written and read the same way by every job: plain Parquet (the default: any reader, one
 * folder per table) or Delta Lake (every write one atomic commit in {@code _delta_log}: a driver killed at any moment
 * leaves readers the previous version; the history keeps each write's metadata and every version stays readable).
 * Readers need not be told: a folder with a {@code _delta_log} is read as Delta, any other as Parquet.
 */
public final class LakeTables {
    private static final Logger LOG = LoggerFactory.getLogger(LakeTables.class);
    /** The session setting Delta copies into a commit's {@code userMetadata}. */
    private static final String COMMIT_METADATA = "spark.databricks.delta.commitInfo.userMetadata";
    public static final String DELTA_LOG = "_delta_log";

    public enum Format { PARQUET, DELTA }

    private LakeTables() { }

    /** How one job writes its tables: the format, and the metadata a Delta commit keeps (null: none). */
    public record Writer(Format format, String commitInfo) {
        /** Replaces the whole table at {@code path}; see {@link LakeTables#replace}. */
    public     void replace(Dataset<Row> rows, String path) {
            LakeTables.replace(rows, path, format, commitInfo);
        }
    }

    /** {@code --table-format}, the same option on every job that writes tables. */
    public static final class FormatOption {
        @Option(names = "--table-format", paramLabel = "parquet|delta", description = {"Tables written as plain Parquet (default) or Delta Lake",
            "(atomic commits, history, time travel: VERSION AS OF); readers detect either."})
        public Format format = Format.PARQUET;
    }

    /** The format of the table at {@code path}; null when nothing is there. A folder with a Delta log is Delta, even before its first commit. */
    public static Format existing(SparkSession spark, String path) {
        Path p = new Path(path);
        try {
            FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (!fs.exists(p)) {
                return null;
            }
            if (fs.exists(new Path(p, DELTA_LOG))) {
                return Format.DELTA;
            }
            FileStatus[] entries = fs.listStatus(p, q -> !q.getName().startsWith("_") && !q.getName().startsWith("."));
            return entries.length == 0 ? null : Format.PARQUET;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot look at table " + path + ": " + e.getMessage(), e);
        }
    }

    /** Whether a Delta table at {@code path} has a committed version (a first write killed before its commit leaves none). */
    public static boolean hasCommit(SparkSession spark, String path) {
        return existing(spark, path) == Format.DELTA && DeltaTable.isDeltaTable(spark, path);
    }

    /** The table at {@code path}, in whichever format it was written (its latest version). */
    public static Dataset<Row> read(SparkSession spark, String path) {
        return read(spark, path, null);
    }

    /** The table at {@code path}; a Delta table at {@code version} when given (time travel), else its latest. */
    public static Dataset<Row> read(SparkSession spark, String path, Long version) {
        if (existing(spark, path) == Format.DELTA) {
            return version == null ? spark.read().format("delta").load(path)
                    : spark.read().format("delta").option("versionAsOf", version).load(path);
        }
        return spark.read().parquet(path);
    }

    /** The latest committed version of the Delta table at {@code path}; null for Parquet or a table never committed. */
    public static Long version(SparkSession spark, String path) {
        if (!hasCommit(spark, path)) {
            return null;
        }
        return DeltaTable.forPath(spark, path).history(1).select("version").head().getLong(0);
    }

    /**
     * Replaces the whole table with {@code rows} (a derived table: findings, statistics): Parquet rewrites the folder;
     * Delta commits a new version, older ones stay readable. A table of the other format is removed first, as a Parquet
     * overwrite would remove it.
     */
    public static void replace(Dataset<Row> rows, String path, Format format, String metadata) {
        Format was = existing(rows.sparkSession(), path);
        if (format == Format.DELTA) {
            if (was == Format.PARQUET) {
                delete(rows.sparkSession(), path);
            }
            commit(rows.sparkSession(), metadata, () -> rows.write().format("delta").mode(SaveMode.Overwrite)
                    .option("overwriteSchema", "true").save(path));
        } else {
            rows.write().mode(SaveMode.Overwrite).parquet(path);
        }
    }

    /**
     * Replaces the rows of one slice ({@code sliceColumn = slice}) of a table partitioned by {@code partitions}, the other
     * slices untouched: a dynamic partition overwrite in Parquet, a {@code replaceWhere} commit in Delta.
     */
    public static void replaceSlice(Dataset<Row> rows, String path, Format format, String sliceColumn, String slice, String metadata, String... partitions) {
        if (format == Format.DELTA) {
            String where = sliceColumn + " = '" + slice.replace("'", "''") + "'";
            commit(rows.sparkSession(), metadata, () -> rows.write().format("delta").mode(SaveMode.Overwrite).option("replaceWhere", where)
                    .partitionBy(partitions).save(path));
        } else {
            rows.write().mode(SaveMode.Overwrite).option("partitionOverwriteMode", "dynamic").partitionBy(partitions).parquet(path);
        }
    }

    /**
     * Adds the rows whose key is not in the table yet. Delta: a {@code MERGE} on the key (null-safe equality; insert when not matched), one
     * commit; a table with no commit yet is created by the write. Parquet: an append, the caller having left out the
     * keys the table holds.
     */
    public static void appendNew(Dataset<Row> rows, String path, Format format, String metadata, String[] key, String... partitions) {
        SparkSession spark = rows.sparkSession();
        if (format == Format.DELTA && hasCommit(spark, path)) {
            Column on = Arrays.stream(key).map(k -> col("t." + k).eqNullSafe(col("s." + k))).reduce(Column::and).orElseThrow();
            commit(spark, metadata, () -> DeltaTable.forPath(spark, path).as("t").merge(rows.as("s"), on).whenNotMatched().insertAll().execute());
        } else if (format == Format.DELTA) {
            commit(spark, metadata, () -> rows.write().format("delta").mode(SaveMode.Append).partitionBy(partitions).save(path));
        } else {
            rows.write().mode(SaveMode.Append).partitionBy(partitions).parquet(path);
        }
    }

    /** Writes a new table, refusing when one is there (Parquet: the folder exists; Delta: a version is committed). */
    public static void create(Dataset<Row> rows, String path, Format format, String metadata, String... partitions) {
        if (format == Format.DELTA) {
            if (hasCommit(rows.sparkSession(), path)) {
                throw new IllegalArgumentException("table " + path + " exists (Delta, version " + version(rows.sparkSession(), path) + ")");
            }
            commit(rows.sparkSession(), metadata, () -> rows.write().format("delta").mode(SaveMode.Append).partitionBy(partitions).save(path));
        } else {
            rows.write().mode(SaveMode.ErrorIfExists).partitionBy(partitions).parquet(path);
        }
    }

    /**
     * Marks a folder as a Delta table before its first commit, so that what a first write killed before its commit
     * leaves behind (data files no commit names) is recognised as Delta, never read as a Parquet table.
     */
    public static void claim(SparkSession spark, String path) {
        Path log = new Path(path, DELTA_LOG);
        try {
            log.getFileSystem(spark.sparkContext().hadoopConfiguration()).mkdirs(log);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot create " + log + ": " + e.getMessage(), e);
        }
    }

    /** Runs a Delta write with {@code metadata} as its commit's {@code userMetadata} (shown by DESCRIBE HISTORY). */
    private static void commit(SparkSession spark, String metadata, Runnable write) {
        boolean had = spark.conf().contains(COMMIT_METADATA);
        String before = had ? spark.conf().get(COMMIT_METADATA) : null;
        if (metadata != null) {
            spark.conf().set(COMMIT_METADATA, metadata);
        }
        try {
            write.run();
        } finally {
            if (had) {
                spark.conf().set(COMMIT_METADATA, before);
            } else {
                spark.conf().unset(COMMIT_METADATA);
            }
        }
    }

    private static void delete(SparkSession spark, String path) {
        Path p = new Path(path);
        try {
            LOG.info("replacing Parquet table {} by a Delta table", path);
            p.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(p, true);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot replace table " + path + ": " + e.getMessage(), e);
        }
    }
}
