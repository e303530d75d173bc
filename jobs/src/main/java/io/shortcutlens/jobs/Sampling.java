package io.shortcutlens.jobs;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;

import io.shortcutlens.pipeline.ClassSample;
import io.shortcutlens.pipeline.ExplainSettings;
import io.shortcutlens.spark.ContentIds;
import io.shortcutlens.spark.ExplainPartition;
import io.shortcutlens.spark.HadoopConf;
import io.shortcutlens.spark.PredictedClasses;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * The explain job's {@code --per-class} sample, wired in Spark: content ids first (the key of the sample), the class of
 * each image (its label, or the model's prediction), then the lowest {@link ClassSample#rank ranks} per class. Only the
 * small table of chosen ids is shuffled and collected; the images themselves are filtered where they are.
 */
final class Sampling {
    private Sampling() { }

    static Dataset<Row> sample(Dataset<Row> images, ClassSample sample, ExplainSettings settings, String shippedModel, HadoopConf hadoop) {
        Dataset<Row> withIds = images.mapPartitions(new ContentIds(hadoop, settings.limits().maxFileBytes()), Encoders.row(ExplainPartition.INPUT));
        Dataset<Row> strata;
        if (sample.by() == ClassSample.By.LABEL) {
            if (images.where(col("label").isNotNull()).isEmpty()) {
                throw new IllegalArgumentException("--per-class samples by label, and the input has none (class folders or a label column);"
                        + " sample by the model's prediction with --sample-by prediction");
            }
            strata = withIds.select(col("image_id"), col("path"), coalesce(col("label"), lit(ClassSample.NONE)).as("stratum"));
        } else {
            strata = withIds.mapPartitions(new PredictedClasses(settings, shippedModel, hadoop), Encoders.row(PredictedClasses.OUTPUT));
        }
        UserDefinedFunction rank = functions.udf((UDF1<String, Long>) sample::rank, DataTypes.LongType);
        Dataset<Row> chosen = strata.withColumn("rank", rank.apply(col("image_id")))
                .withColumn("n", row_number().over(Window.partitionBy("stratum").orderBy(col("rank"), col("image_id"), col("path"))))
                .where(col("n").leq(sample.perClass()))
                .select("image_id", "path");
        // the chosen ids are collected once (N per class: small), so the classes (a forward pass each, by prediction) are
        // not computed again each time the sample is read; the same content at two paths is one image id: both are kept
        List<Row> ids = chosen.select("image_id").distinct().collectAsList();
        Dataset<Row> kept = images.sparkSession().createDataFrame(ids, DataTypes.createStructType(new org.apache.spark.sql.types.StructField[] {
            DataTypes.createStructField("image_id", DataTypes.StringType, true)}));
        return withIds.join(broadcast(kept), "image_id", "left_semi").select("image_id", "path", "label", "bytes");
    }
}
