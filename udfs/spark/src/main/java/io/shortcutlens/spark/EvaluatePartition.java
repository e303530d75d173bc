package io.shortcutlens.spark;

import io.shortcutlens.evaluate.EvaluationParams;
import io.shortcutlens.evaluate.PerturbationCurves;
import io.shortcutlens.explain.Seeds;
import io.shortcutlens.image.ImageTensor;
import io.shortcutlens.maps.AttributionMap;
import io.shortcutlens.model.LoadedModel;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The evaluation's forward passes inside a task: per explanation row (an image, a method's map, its target class),
 * the image read and decoded as the explain run did, and every curve of {@link PerturbationCurves} from the map. One
 * output row per input row: the areas by metric and the curves; an image that cannot be read is one row with its
 * error. The maps never leave the executors.
 */
public final class EvaluatePartition extends ImagePassPartition {
    private static final long serialVersionUID = 1L;

    /** What an input row holds (the explanation row's columns of the same names). */
    public static final List<String> INPUT = List.of("image_id", "path", "class", "method", "target_index", "map");

    private static final DataType FLOATS = DataTypes.createArrayType(DataTypes.FloatType, false);

    public static final StructType OUTPUT;

    static {
        List<StructField> f = new java.util.ArrayList<>(List.of(
                DataTypes.createStructField("image_id", DataTypes.StringType, false),
                DataTypes.createStructField("class", DataTypes.StringType, true),
                DataTypes.createStructField("method", DataTypes.StringType, false)));
        for (PerturbationCurves.Metric m : PerturbationCurves.Metric.values()) {
            f.add(DataTypes.createStructField(m.label(), DataTypes.DoubleType, true));
        }
        for (PerturbationCurves.Metric m : PerturbationCurves.Metric.values()) {
            f.add(DataTypes.createStructField(m.label() + "_curve", FLOATS, true));
        }
        f.add(DataTypes.createStructField("forward_passes", DataTypes.IntegerType, false));
        f.add(DataTypes.createStructField("error", DataTypes.StringType, true));
        OUTPUT = DataTypes.createStructType(f);
    }

    private final EvaluationParams params;

    public EvaluatePartition(TaskModel task, EvaluationParams params) {
        super(task);
        this.params = params;
    }

    @Override
    Row passes(Row in, LoadedModel loaded, Images images) throws Exception {
        ImageTensor image = images.read(in.getString(1));
        AttributionMap map = ExplanationRows.fromRow(in.getStruct(5));
        float[] pixels = map.toPixels();
        if (pixels.length != image.shape().pixels()) {
            throw new IllegalArgumentException("map of " + map.height() + "x" + map.width() + " for an image read at " + image.shape()
                    + ": the model or the decoding changed since the explain run");
        }
        List<PerturbationCurves.Curve> curves = PerturbationCurves.evaluate(image, pixels, in.getInt(4), loaded.classifier(), params,
                Seeds.forImage(in.getString(0), params.seed()));
        Object[] out = new Object[OUTPUT.size()];
        out[0] = in.getString(0);
        out[1] = in.isNullAt(2) ? null : in.getString(2);
        out[2] = in.getString(3);
        int passes = 0;
        for (PerturbationCurves.Curve c : curves) {
            out[3 + c.metric().ordinal()] = c.area();
            out[3 + PerturbationCurves.Metric.values().length + c.metric().ordinal()] = c.scores();
            passes += c.scores().length;
        }
        out[OUTPUT.size() - 2] = passes;
        return RowFactory.create(out);
    }

    @Override
    Row failed(Row in, String message) {
        Object[] out = new Object[OUTPUT.size()];
        out[0] = in.getString(0);
        out[1] = in.isNullAt(2) ? null : in.getString(2);
        out[2] = in.getString(3);
        out[OUTPUT.size() - 2] = 0;
        out[OUTPUT.size() - 1] = message;
        return RowFactory.create(out);
    }
}
