package io.shortcutlens.jobs;

import static org.apache.spark.sql.functions.col;

import java.util.List;
import org.apache.spark.ml.clustering.KMeans;
import org.apache.spark.ml.clustering.KMeansModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SpRAy's first step at data-set scale: the images of each (class, method) are clustered by their attribution-mass
 * grids with Spark MLlib's KMeans, so images that put their mass in the same place fall together. The grids are
 * shares of each image's positive mass, so the distance compares where images look, not how strongly.
 */
final class SubgroupClustering {
    private static final Logger LOG = LoggerFactory.getLogger("shortcutlens.audit");
    static final String CLUSTER = "cluster";

    private SubgroupClustering() { }

    /**
     * The view's rows with a {@value #CLUSTER} column: the image's cluster within its (class, method). Groups with
     * fewer than {@code minImages} images are left out. Returns null when no group is large enough. The result is
     * persisted; the caller unpersists it.
     */
    static Dataset<Row> assign(Dataset<Row> view, int k, long seed, int minImages) {
        Dataset<Row> features = view.withColumn("features", org.apache.spark.ml.functions.array_to_vector(col("mass_grid").cast("array<double>")))
                .persist(StorageLevel.MEMORY_AND_DISK());
        List<Row> groups = features.groupBy("class", "method").count().where(col("count").geq(minImages)).orderBy("class", "method").collectAsList();
        Dataset<Row> assigned = null;
        int clustered = 0;
        for (Row g : groups) {
            Dataset<Row> part = features.where(col("class").equalTo(g.getString(0)).and(col("method").equalTo(g.getString(1))));
            int clusters = (int) Math.min(k, g.getLong(2) / 2);
            if (clusters >= 2) {
                // never more clusters than distinct grids: MLlib's k-means|| then seeds fewer centres than k and its training
                // fails (an index out of bounds); a model whose maps of a class are all alike (Grad-CAM after a correction) has them
                clusters = (int) Math.min(clusters, part.select("mass_grid").distinct().limit(clusters).count());
            }
            if (clusters < 2) {
                continue; // too few images, or too few distinct grids, to split (MLlib's KMeans needs k ≥ 2)
            }
            KMeansModel model = new KMeans().setK(clusters).setSeed(seed).setMaxIter(30).setFeaturesCol("features").setPredictionCol(CLUSTER).fit(part);
            Dataset<Row> a = model.transform(part).drop("features");
            clustered++;
            assigned = assigned == null ? a : assigned.unionByName(a);
        }
        if (assigned == null) {
            features.unpersist();
            return null;
        }
        assigned = assigned.persist(StorageLevel.MEMORY_AND_DISK());
        LOG.info("[subgroups] {} (class, method) groups clustered, k = {}", clustered, k);
        assigned.count();
        features.unpersist();
        return assigned;
    }
}
