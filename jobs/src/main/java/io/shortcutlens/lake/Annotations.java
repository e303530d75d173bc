package io.shortcutlens.lake;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.shortcutlens.maps.ObjectRegion;
import java.io.File;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.collection.Seq;

/**
 * Object annotations for the audit: a table with {@code path} (as the explain job writes it) and, per image, a
 * {@code box} (x0, y0, x1, y1 as fractions of the image) and/or a {@code mask} (an encoded image, PNG, whose non-zero
 * pixels are the object; any size, stretched over the image). Where a row has both, the mask is used.
 */
public final class Annotations {
    private Annotations() { }

    public static final StructType SCHEMA = DataTypes.createStructType(List.of(
            DataTypes.createStructField("path", DataTypes.StringType, false),
            DataTypes.createStructField("box", DataTypes.createArrayType(DataTypes.DoubleType, false), true),
            DataTypes.createStructField("mask", DataTypes.BinaryType, true)));

    public static final String EXPECTED = "expected 'path' (as in the explanations) and 'box' (x0, y0, x1, y1 as fractions of the image)"
            + " and/or 'mask' (an encoded image whose non-zero pixels are the object)";

    /** One annotation row for a local file: its path as the explain job writes it (qualified), a box or a mask. */
    public static Row row(Configuration conf, File file, double[] box, byte[] mask) throws java.io.IOException {
        Path p = new Path(file.getAbsolutePath());
        return RowFactory.create(p.getFileSystem(conf).makeQualified(p).toString(),
                box == null ? null : Arrays.stream(box).boxed().toArray(Double[]::new), mask);
    }

    /** Writes annotation rows as one Parquet file under {@code dir} and returns its path. */
    public static String write(SparkSession spark, List<Row> rows, File dir) {
        spark.createDataFrame(rows, SCHEMA).coalesce(1).write().mode(SaveMode.Overwrite).parquet(dir.getAbsolutePath());
        return dir.getAbsolutePath();
    }

    /** Reads an annotation table as {@code path, box, mask}, the missing one of box and mask as nulls. */
    public static Dataset<Row> read(SparkSession spark, String path, String format) {
        Dataset<Row> table = spark.read().format(format).load(path);
        List<String> columns = Arrays.asList(table.columns());
        if (!columns.contains("path") || !(columns.contains("box") || columns.contains("mask"))) {
            throw new IllegalArgumentException("annotations " + path + ": " + EXPECTED + ", found " + columns);
        }
        return table.select(col("path"),
                columns.contains("box") ? col("box").cast("array<double>").as("box") : lit(null).cast("array<double>").as("box"),
                columns.contains("mask") ? col("mask").cast("binary").as("mask") : lit(null).cast("binary").as("mask"));
    }

    /** The object of one annotation row: its mask when it has one, else its box. */
    public static ObjectRegion object(Seq<Object> box, byte[] mask, String path) {
        try {
            if (mask != null) {
                return ObjectRegion.mask(mask);
            }
            if (box == null) {
                throw new IllegalArgumentException("neither a box nor a mask");
            }
            double[] b = new double[box.size()];
            for (int i = 0; i < b.length; i++) {
                b[i] = ((Number) box.apply(i)).doubleValue();
            }
            return ObjectRegion.box(b);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("annotation of " + path + ": " + e.getMessage(), e);
        }
    }
}
