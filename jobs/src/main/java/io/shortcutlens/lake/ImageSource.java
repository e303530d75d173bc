package io.shortcutlens.lake;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Where a job's images come from and how they are split: a folder tree of image files ({@code format = "images"}, the
 * label a sub-folder's name) or a table with a column of encoded image bytes.
 *
 * @param input      a folder or a table; any Hadoop path
 * @param format     {@link #FOLDER} or a Spark data source (parquet, orc, delta, ...)
 * @param where      a Spark SQL condition on the rows (a table's columns; a folder's path, label and key=value folders), or null
 * @param columns    a table's columns: image bytes, and optionally id, path and label
 * @param partitions the input repartitioned into this many partitions (0: a table's own; a folder: four per core)
 */
public record ImageSource(String input, String format, String where, Columns columns, int partitions) {
    /** The format of a folder tree of image files. */
    public static final String FOLDER = "images";

    /** A table's columns: the encoded image bytes, and optionally the id (default: a hash of the bytes), the path and the label. */
    public record Columns(String image, String id, String path, String label) {
        public static final Columns DEFAULT = new Columns("image", null, null, null);
    }

    public ImageSource {
        if (input == null || input.isBlank()) {
            throw new IllegalArgumentException("an input is needed: a folder tree of images or a table (--input)");
        }
        if (partitions < 0) {
            throw new IllegalArgumentException("--partitions must be 0 or more, found " + partitions);
        }
        format = format == null ? FOLDER : format;
        columns = columns == null ? Columns.DEFAULT : columns;
    }

    /** The images of a folder tree, split as the job sees fit. */
    public static ImageSource folder(String input) {
        return new ImageSource(input, FOLDER, null, Columns.DEFAULT, 0);
    }

    /** This source split into {@code n} partitions. */
    public ImageSource withPartitions(int n) {
        return new ImageSource(input, format, where, columns, n);
    }

    /** A folder tree of image files (read inside the tasks), not a table of image bytes. */
    public boolean isFolder() {
        return FOLDER.equalsIgnoreCase(format);
    }

    /** Rows of {@code ExplainPartition.INPUT}: image id (or null), path, label, bytes (null for a folder's files). */
    public Dataset<Row> read(SparkSession spark) {
        if (isFolder()) {
            return ImageSources.folder(spark, input, partitions > 0 ? partitions : spark.sparkContext().defaultParallelism() * 4, where);
        }
        Dataset<Row> images = ImageSources.table(spark, this);
        return partitions > 0 ? images.repartition(partitions) : images;
    }
}
