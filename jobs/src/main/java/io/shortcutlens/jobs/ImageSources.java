package io.shortcutlens.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.shortcutlens.spark.ExplainPartition;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.RowFactory;
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

    /**
     * Every file under {@code root} (a folder, a file, or a glob), recursively, listed on the driver with the Hadoop
     * client (file:, hdfs:, s3a:, …). Hidden files and folders (names starting with '.' or '_') are skipped, as Spark's
     * file sources do; empty files are kept, so they become error rows rather than vanishing. Bytes are read inside
     * the tasks, after the size limit is checked.
     */
    static Dataset<Row> folder(SparkSession spark, String root, int slices) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        List<Row> files = new ArrayList<>();
        try {
            Path pattern = new Path(root);
            FileSystem fs = pattern.getFileSystem(conf);
            FileStatus[] matches = fs.globStatus(pattern);
            if (matches == null || matches.length == 0) {
                throw new IllegalArgumentException("input " + root + " does not exist (expected a folder of images, a file or a glob)");
            }
            for (FileStatus match : matches) {
                Path base = fs.makeQualified(match.getPath());
                if (match.isFile()) {
                    files.add(RowFactory.create(null, base.toString(), null, null));
                    continue;
                }
                RemoteIterator<LocatedFileStatus> it = fs.listFiles(base, true);
                String basePath = base.toUri().getPath();
                while (it.hasNext()) {
                    LocatedFileStatus f = it.next();
                    Path p = fs.makeQualified(f.getPath());
                    String relative = p.toUri().getPath().substring(basePath.length());
                    if (hidden(relative)) {
                        continue;
                    }
                    Path parent = p.getParent();
                    String label = parent.toUri().getPath().equals(basePath) ? null : parent.getName();
                    files.add(RowFactory.create(null, p.toString(), label, null));
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot list input " + root + ": " + e.getMessage(), e);
        }
        files.sort(Comparator.comparing(r -> r.getString(1)));
        int n = Math.max(1, Math.min(slices, Math.max(1, files.size())));
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        return spark.createDataFrame(jsc.parallelize(files, n), ExplainPartition.INPUT);
    }

    private static boolean hidden(String relativePath) {
        for (String part : relativePath.split("/")) {
            if (!part.isEmpty() && (part.startsWith(".") || part.startsWith("_"))) {
                return true;
            }
        }
        return false;
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
}
