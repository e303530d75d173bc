package io.shortcutlens.spark;

import io.shortcutlens.model.LoadedModel;
import io.shortcutlens.pipeline.ExplainSettings;
import io.shortcutlens.pipeline.ImageExplainPipeline;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The model's predicted class of each input row ({@link ExplainPartition#INPUT}, image ids set): one forward pass per
 * image, decoded and scored as the explain run does, for a sample stratified by prediction.
 */
public final class PredictedClasses implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    public static final StructType OUTPUT = DataTypes.createStructType(new StructField[] {
        DataTypes.createStructField("image_id", DataTypes.StringType, true),
        DataTypes.createStructField("path", DataTypes.StringType, true),
        DataTypes.createStructField("stratum", DataTypes.StringType, false),
    });

    private final ExplainSettings settings;
    private final String shippedModelName;
    private final HadoopConf hadoop;

    public PredictedClasses(ExplainSettings settings, String shippedModelName, HadoopConf hadoop) {
        this.settings = settings;
        this.shippedModelName = shippedModelName;
        this.hadoop = hadoop;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
        GpuBinder.bindTask();
        LoadedModel model = ModelFiles.load(settings.model(), shippedModelName);
        ImageExplainPipeline pipeline = new ImageExplainPipeline(settings, model);
        return ExplainPartition.inGroups(input, hadoop, settings.limits().maxFileBytes(), group -> {
            List<String> classes = pipeline.predictedClasses(group);
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < group.size(); i++) {
                rows.add(RowFactory.create(group.get(i).imageId(), group.get(i).path(), classes.get(i)));
            }
            return rows;
        });
    }
}
