package io.shortcutlens.spark;

import io.shortcutlens.explain.KernelShapExplainer;
import io.shortcutlens.explain.KernelShapParams;
import io.shortcutlens.explain.LimeExplainer;
import io.shortcutlens.explain.OcclusionExplainer;
import io.shortcutlens.explain.LimeParams;
import io.shortcutlens.explain.OcclusionParams;
import io.shortcutlens.pipeline.ExplainSettings;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.types.DataTypes;

/**
 * Registers ShortcutLens's explainers as Spark SQL functions, for users' own jobs:
 * <pre>
 *   occlusion_map(image_bytes)                      -- settings' occlusion parameters
 *   occlusion_map_sized(image_bytes, mask_size, stride)
 *   lime_map(image_bytes)                           -- settings' LIME parameters
 *   lime_map_sampled(image_bytes, num_samples)
 *   kernelshap_map(image_bytes)                     -- settings' KernelSHAP parameters
 *   attribution_pixels(map)                         -- the full-resolution map, row-major array of floats
 * </pre>
 * Each explainer function returns the {@link ExplanationSchema#RESULT} struct for the settings' target (the predicted
 * class by default); {@code result.error} is set, not thrown, for images that cannot be read.
 */
public final class ShortcutLensFunctions {
    private ShortcutLensFunctions() { }

    /**
     * Loads and checks the model on the driver (a wrong path or shape fails here, not in a task), ships it once per
     * application and registers the functions.
     */
    public static void register(SparkSession spark, ExplainSettings given) {
        ModelStaging.Staged staged = ModelStaging.stage(spark, given.model());
        String shipped = staged.shippedName();
        ExplainSettings settings = given.withModel(staged.spec());
        OcclusionParams occ = settings.params(OcclusionExplainer.METHOD) != null ? settings.params(OcclusionExplainer.METHOD) : OcclusionParams.defaults();
        LimeParams lime = settings.params(LimeExplainer.METHOD) != null ? settings.params(LimeExplainer.METHOD) : LimeParams.defaults();
        KernelShapParams shap = settings.params(KernelShapExplainer.METHOD) != null ? settings.params(KernelShapExplainer.METHOD)
                : KernelShapParams.defaults();
        ExplainSettings occSettings = settings.withOnly(OcclusionExplainer.METHOD, occ);
        ExplainSettings limeSettings = settings.withOnly(LimeExplainer.METHOD, lime);
        spark.udf().register("occlusion_map", new ExplainFunction(occSettings, shipped), ExplanationSchema.RESULT);
        spark.udf().register("occlusion_map_sized", (UDF3<byte[], Integer, Integer, Row>) (b, mask, stride) -> ExplainFunction.result(
                occSettings.withOnly(OcclusionExplainer.METHOD, new OcclusionParams(mask, stride, occ.maskValue(), occ.batchSize())), shipped, b),
                ExplanationSchema.RESULT);
        spark.udf().register("lime_map", new ExplainFunction(limeSettings, shipped), ExplanationSchema.RESULT);
        spark.udf().register("lime_map_sampled", (UDF2<byte[], Integer, Row>) (b, n) -> ExplainFunction.result(limeSettings.withOnly(
                LimeExplainer.METHOD, new LimeParams(lime.segmentation(), lime.numFeatures(), n, lime.kernelWidth(), lime.replacement(), lime.ridge(),
                        lime.batchSize())), shipped, b), ExplanationSchema.RESULT);
        spark.udf().register("kernelshap_map", new ExplainFunction(settings.withOnly(KernelShapExplainer.METHOD, shap), shipped),
                ExplanationSchema.RESULT);
        spark.udf().register("attribution_pixels", (UDF1<Row, float[]>) m -> m == null ? null : ExplanationRows.fromRow(m).toPixels(),
                DataTypes.createArrayType(DataTypes.FloatType, false));
    }
}
