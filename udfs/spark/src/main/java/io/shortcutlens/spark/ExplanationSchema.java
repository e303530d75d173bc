package io.shortcutlens.spark;

import static org.apache.spark.sql.types.DataTypes.BinaryType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.FloatType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.createArrayType;
import static org.apache.spark.sql.types.DataTypes.createStructField;
import static org.apache.spark.sql.types.DataTypes.createStructType;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code explanations} table. {@link #RESULT} is what an explanation of one image and class is (also the struct the
 * SQL functions return); {@link #ROW} adds who, what and how. The README documents every column.
 */
public final class ExplanationSchema {
    private ExplanationSchema() { }

    /** A map at native resolution; {@code AttributionMap.fromStored} rebuilds it at model-input resolution. */
    public static final StructType MAP = createStructType(new StructField[] {
        createStructField("kind", StringType, false),
        createStructField("height", IntegerType, false),
        createStructField("width", IntegerType, false),
        createStructField("values", createArrayType(FloatType, false), false),
        createStructField("grid_rows", IntegerType, false),
        createStructField("grid_cols", IntegerType, false),
        createStructField("window", IntegerType, false),
        createStructField("stride", IntegerType, false),
        createStructField("num_segments", IntegerType, false),
        createStructField("segments", BinaryType, true),
    });

    public static final StructType TOP_CLASS = createStructType(new StructField[] {
        createStructField("class_index", IntegerType, false),
        createStructField("class_name", StringType, true),
        createStructField("score", FloatType, false),
    });

    public static final StructType RESULT = createStructType(new StructField[] {
        createStructField("predicted_index", IntegerType, true),
        createStructField("predicted_class", StringType, true),
        createStructField("predicted_score", FloatType, true),
        createStructField("top_k", createArrayType(TOP_CLASS, false), true),
        createStructField("target_index", IntegerType, true),
        createStructField("target_class", StringType, true),
        createStructField("target_score", FloatType, true),
        createStructField("map", MAP, true),
        createStructField("fit_intercept", DoubleType, true),
        createStructField("fit_r2", DoubleType, true),
        createStructField("mass_grid_size", IntegerType, true),
        createStructField("mass_grid", createArrayType(FloatType, false), true),
        createStructField("peak_row", IntegerType, true),
        createStructField("peak_col", IntegerType, true),
        createStructField("centroid_y", FloatType, true),
        createStructField("centroid_x", FloatType, true),
        createStructField("entropy", FloatType, true),
        createStructField("mass_top_left", FloatType, true),
        createStructField("mass_top_right", FloatType, true),
        createStructField("mass_bottom_left", FloatType, true),
        createStructField("mass_bottom_right", FloatType, true),
        createStructField("mass_border", FloatType, true),
        createStructField("positive_mass", DoubleType, true),
        createStructField("negative_mass", DoubleType, true),
        createStructField("forward_passes", IntegerType, false),
        createStructField("elapsed_ms", DoubleType, false),
        createStructField("error", StringType, true),
    });

    private static final StructField[] HEAD = {
        createStructField("image_id", StringType, false),
        createStructField("path", StringType, true),
        createStructField("label", StringType, true),
        createStructField("method", StringType, false),
        createStructField("params", StringType, false),
    };

    private static final StructField[] TAIL = {
        createStructField("preprocessing", StringType, false),
        createStructField("model_id", StringType, false),
        createStructField("run_id", StringType, false),
    };

    public static final StructType ROW = row();

    private static StructType row() {
        List<StructField> fields = new ArrayList<>(List.of(HEAD));
        fields.addAll(List.of(RESULT.fields()));
        fields.addAll(List.of(TAIL));
        return createStructType(fields);
    }
}
