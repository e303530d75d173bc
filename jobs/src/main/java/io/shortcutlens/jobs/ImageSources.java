package io.shortcutlens.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.when;

import io.shortcutlens.spark.ExplainPartition;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Turns what the user points at into rows of {@link ExplainPartition#INPUT}: a folder tree of images (label = the
 * folder an image sits in, like ImageFolder or imageDatastore with folder labels) or any table Spark reads with an
 * image-bytes column.
 */
final class ImageSources {
    private ImageSources() { }

    /** Every file under {@code root}, recursively, through Spark's binaryFile source (file:, hdfs:, s3a:, …). */
    static Dataset<Row> folder(SparkSession spark, String root) {
        String qualifiedRoot = qualify(spark, root);
        Dataset<Row> files = spark.read().format("binaryFile").option("recursiveFileLookup", "true").load(root);
        Column parent = regexp_extract(col("path"), "^(.*)/[^/]*$", 1);
        Column folderName = regexp_extract(col("path"), "([^/]+)/[^/]*$", 1);
        Column label = when(parent.equalTo(lit(qualifiedRoot)), lit(null).cast("string")).otherwise(folderName);
        return files.select(lit(null).cast("string").as("image_id"), col("path"), label.as("label"), col("content").as("bytes"));
    }

    /** A table with an image-bytes column and optional id, path and label columns. */
    static Dataset<Row> table(SparkSession spark, String path, String format, String imageCol, String idCol, String pathCol,
                              String labelCol) {
        Dataset<Row> table = spark.read().format(format).load(path);
        List<String> columns = Arrays.asList(table.columns());
        require(columns, imageCol, "--image-col", path);
        Column id = optional(columns, idCol, "--id-col", path);
        Column p = optional(columns, pathCol, "--path-col", path);
        Column label = optional(columns, labelCol, "--label-col", path);
        return table.select(id.as("image_id"), p.as("path"), label.as("label"), col(imageCol).cast("binary").as("bytes"));
    }

    private static void require(List<String> columns, String name, String option, String path) {
        if (!columns.contains(name)) {
            throw new IllegalArgumentException("table " + path + " has no column '" + name + "' (" + option + "); its columns are " + columns);
        }
    }

    private static Column optional(List<String> columns, String name, String option, String path) {
        if (name == null || name.isEmpty()) {
            return lit(null).cast("string");
        }
        require(columns, name, option, path);
        return col(name).cast("string");
    }

    static String qualify(SparkSession spark, String path) {
        try {
            Path p = new Path(path);
            FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
            String q = fs.makeQualified(p).toString();
            return q.endsWith("/") ? q.substring(0, q.length() - 1) : q;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot resolve input path " + path + ": " + e.getMessage(), e);
        }
    }
}
