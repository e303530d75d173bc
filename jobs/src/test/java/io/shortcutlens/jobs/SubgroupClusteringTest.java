package io.shortcutlens.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The audit's KMeans over mass grids, on classes whose grids are all alike or take only two values. */
class SubgroupClusteringTest {
    private static final StructType VIEW = DataTypes.createStructType(List.of(DataTypes.createStructField("class", DataTypes.StringType, false),
            DataTypes.createStructField("method", DataTypes.StringType, false), DataTypes.createStructField("image_id", DataTypes.StringType, false),
            DataTypes.createStructField("mass_grid", DataTypes.createArrayType(DataTypes.FloatType, false), false)));

    private static Dataset<Row> view(int images, int distinct) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < images; i++) {
            Float[] grid = new Float[16];
            java.util.Arrays.fill(grid, 0f);
            grid[i % distinct] = 1f;
            rows.add(RowFactory.create("bear", "gradcam", "img" + i, grid));
        }
        return TestSpark.session().createDataFrame(rows, VIEW);
    }

    @Test
    void aClassWhoseGridsAreAllAlikeIsNotSplit() {
        assertNull(SubgroupClustering.assign(view(20, 1), 6, 1, 8), "one distinct grid: nothing to cluster, and no failure");
    }

    @Test
    void twoDistinctGridsMakeTwoClustersHoweverManyAreAsked() {
        Dataset<Row> a = SubgroupClustering.assign(view(20, 2), 6, 1, 8);
        assertEquals(2, a.select(SubgroupClustering.CLUSTER).distinct().count());
        a.unpersist();
    }
}
