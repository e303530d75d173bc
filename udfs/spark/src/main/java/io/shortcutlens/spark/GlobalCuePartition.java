package io.shortcutlens.spark;

import io.shortcutlens.audit.EvidenceProbe;
import io.shortcutlens.audit.ImageAdjustment;
import io.shortcutlens.audit.ImageProperty;
import io.shortcutlens.image.ImageTensor;
import io.shortcutlens.image.InputShape;
import io.shortcutlens.model.ImageClassifier;
import io.shortcutlens.model.LoadedModel;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The global-cue probe inside a task: each input row is one sampled image with its map's mass grid; the output row
 * holds its prediction as is and under every change of the probe ({@link ImageAdjustment#probed}, in that order: the
 * whole-image changes, then its object hidden), all in one batch of passes, and the image's own {@link ImageProperty} values (what each change moves).
 */
public final class GlobalCuePartition extends ImagePassPartition {
    private static final long serialVersionUID = 1L;

    public static final StructType INPUT = DataTypes.createStructType(new StructField[] {
        DataTypes.createStructField("image_id", DataTypes.StringType, false),
        DataTypes.createStructField("path", DataTypes.StringType, false),
        DataTypes.createStructField("mass_grid", DataTypes.createArrayType(DataTypes.FloatType, false), false),
    });

    public static final StructType OUTPUT = DataTypes.createStructType(new StructField[] {
        DataTypes.createStructField("image_id", DataTypes.StringType, false),
        DataTypes.createStructField("predicted_index", DataTypes.IntegerType, true),
        DataTypes.createStructField("adjusted_index", DataTypes.createArrayType(DataTypes.IntegerType, false), true),
        DataTypes.createStructField("properties", DataTypes.createArrayType(DataTypes.DoubleType, false), true),
        DataTypes.createStructField("error", DataTypes.StringType, true),
    });

    public GlobalCuePartition(TaskModel task) {
        super(task);
    }

    @Override
    Row passes(Row in, LoadedModel loaded, Images images) throws Exception {
        ImageTensor image = images.read(in.getString(1));
        InputShape shape = loaded.inputShape();
        List<ImageAdjustment> changes = ImageAdjustment.probed(shape.channels());
        int size = shape.size();
        float[] batch = new float[(changes.size() + 1) * size];
        System.arraycopy(image.input(), 0, batch, 0, size);
        float[] grid = floats(in.getList(2));
        for (int i = 0; i < changes.size(); i++) {
            ImageAdjustment change = changes.get(i);
            float[] px = image.pixels();
            float[] changed = switch (change) {
                case OBJECT_HIDDEN -> ImageAdjustment.hideObject(px, shape.channels(), shape.height(), shape.width(), grid);
                default -> change.apply(px, shape.channels(), shape.height(), shape.width());
            };
            System.arraycopy(normalisation.apply(changed, shape.channels(), shape.pixels()), 0, batch, (i + 1) * size, size);
        }
        ImageClassifier clf = loaded.classifier();
        float[] s = clf.scores(batch, changes.size() + 1);
        int k = clf.numClasses();
        Integer[] adjusted = new Integer[changes.size()];
        for (int i = 0; i < adjusted.length; i++) {
            adjusted[i] = EvidenceProbe.argmax(s, (i + 1) * k, k);
        }
        double[] measured = ImageProperty.measureAll(image.pixels(), shape.channels(), shape.height(), shape.width());
        Double[] properties = new Double[measured.length];
        for (int i = 0; i < measured.length; i++) {
            properties[i] = measured[i];
        }
        return RowFactory.create(in.getString(0), EvidenceProbe.argmax(s, 0, k), adjusted, properties, null);
    }

    private static float[] floats(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    @Override
    Row failed(Row in, String message) {
        return RowFactory.create(in.getString(0), null, null, null, message);
    }
}
