package io.shortcutlens.jobs;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import io.shortcutlens.audit.BoxAgreement;
import io.shortcutlens.audit.Candidate;
import io.shortcutlens.lake.Annotations;
import io.shortcutlens.lake.LakeTables;
import io.shortcutlens.lake.RunFolder;
import io.shortcutlens.spark.ExplanationRows;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the audit does with object annotations (boxes or masks): how maps agree with them, and how much of each finding lies on them. */
final class AuditObjects {
    private static final Logger LOG = LoggerFactory.getLogger("shortcutlens.audit");

    private AuditObjects() { }

    /**
     * Joins the view with the annotation table on {@code path}, scores every map against its box on the executors
     * (writes {@code box_scores}, one row per image and method) and returns the per-class means (written as
     * {@code box_agreement}).
     */
    static List<BoxAgreement> boxes(SparkSession spark, LakeTables.Writer tables, Dataset<Row> table, String dir, Dataset<Row> view) {
        UserDefinedFunction score = udf((org.apache.spark.sql.api.java.UDF4<Row, scala.collection.Seq<Object>, byte[], String, float[]>) (m, box, mask, path) ->
                io.shortcutlens.maps.ObjectScores.score(ExplanationRows.fromRow(m).toPixels(), m.getInt(m.fieldIndex("height")),
                        m.getInt(m.fieldIndex("width")), Annotations.object(box, mask, path)), DataTypes.createArrayType(DataTypes.FloatType, false));
        Dataset<Row> scored = view.join(table, "path")
                .withColumn("s", score.apply(col("map"), col("box"), col("mask"), col("path")))
                .select(col("image_id"), col("path"), col("class"), col("method"), col("box"), col("mask").isNotNull().as("masked"),
                        col("s").getItem(0).as("relevance_mass"), col("s").getItem(1).equalTo(1f).as("pointing_hit"));
        tables.replace(scored, RunFolder.of(dir).boxScores());
        Dataset<Row> perClass = LakeTables.read(spark, RunFolder.of(dir).boxScores()).groupBy("class", "method")
                .agg(count("*").as("images"), avg("relevance_mass").as("relevance_mass"),
                        avg(when(col("pointing_hit"), 1.0).otherwise(0.0)).as("pointing_game"))
                .orderBy("class", "method");
        tables.replace(perClass.coalesce(1), RunFolder.of(dir).boxAgreement());
        List<BoxAgreement> out = new ArrayList<>();
        for (Row r : perClass.collectAsList()) {
            out.add(new BoxAgreement(r.getString(0), r.getString(1), r.getLong(2), r.getDouble(3), r.getDouble(4)));
        }
        LOG.info("[boxes] {} (class, method) pairs scored against their object boxes, written to {}/box_agreement", out.size(), dir);
        return out;
    }

    /**
     * Per finding: over its re-predicted images, the mean share of the finding's evidence inside its region that lies on
     * the annotated object (the map's positive mass there, or the region's area where the map has none): a corner
     * region that is partly garment is on the object only when the map's evidence in it is on the garment.
     */
    static Map<Integer, Double> overlaps(SparkSession spark, Dataset<Row> table, Dataset<Row> taskRows, List<Candidate> found, Dataset<Row> view, int h,
                                          int w) {
        List<Row> methods = new ArrayList<>();
        for (Candidate c : found) {
            methods.add(RowFactory.create(c.id(), c.finding().method()));
        }
        Dataset<Row> methodOf = spark.createDataFrame(methods, DataTypes.createStructType(List.of(
                DataTypes.createStructField("finding_id", DataTypes.IntegerType, false),
                DataTypes.createStructField("method", DataTypes.StringType, false))));
        UserDefinedFunction overlap = udf((org.apache.spark.sql.api.java.UDF5<scala.collection.Seq<Integer>, Row, scala.collection.Seq<Object>, byte[], String, Double>)
                (r, m, box, mask, path) -> {
                    int mh = m == null ? h : m.getInt(m.fieldIndex("height"));
                    int mw = m == null ? w : m.getInt(m.fieldIndex("width"));
                    int[] region = {r.apply(0) * mh / h, r.apply(1) * mw / w, (r.apply(2) * mh + h - 1) / h, (r.apply(3) * mw + w - 1) / w};
                    return io.shortcutlens.maps.ObjectScores.overlap(region, mh, mw, Annotations.object(box, mask, path),
                            m == null ? null : ExplanationRows.fromRow(m).toPixels());
                }, DataTypes.DoubleType);
        Dataset<Row> maps = taskRows.join(methodOf, "finding_id")
                .join(view.select("image_id", "method", "map"), scala.collection.JavaConverters.asScalaBuffer(List.of("image_id", "method")).toSeq(), "left")
                .join(table, "path");
        Map<Integer, Double> out = new java.util.HashMap<>();
        for (Row r : maps.groupBy("finding_id").agg(avg(overlap.apply(col("region_box"), col("map"), col("box"), col("mask"), col("path"))))
                .collectAsList()) {
            out.put(r.getInt(0), r.getDouble(1));
        }
        return out;
    }
}
