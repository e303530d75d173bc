package io.shortcutlens.spark;

import io.shortcutlens.audit.ImageAdjustment;
import io.shortcutlens.image.DecodeLimits;
import io.shortcutlens.image.ImageDecoder;
import io.shortcutlens.image.ImageTensor;
import io.shortcutlens.image.Normalisation;
import io.shortcutlens.model.ImageClassifier;
import io.shortcutlens.model.LoadedModel;
import io.shortcutlens.model.ModelSpec;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The global-cue probe inside a task: each input row is one sampled image; the output row holds its prediction as is
 * and under every whole-image change ({@link ImageAdjustment#forChannels}, in that order), all in one batch of passes.
 */
public final class GlobalCuePartition implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    public static final StructType INPUT = DataTypes.createStructType(new StructField[] {
        DataTypes.createStructField("image_id", DataTypes.StringType, false),
        DataTypes.createStructField("path", DataTypes.StringType, false),
    });

    public static final StructType OUTPUT = DataTypes.createStructType(new StructField[] {
        DataTypes.createStructField("image_id", DataTypes.StringType, false),
        DataTypes.createStructField("predicted_index", DataTypes.IntegerType, true),
        DataTypes.createStructField("adjusted_index", DataTypes.createArrayType(DataTypes.IntegerType, false), true),
        DataTypes.createStructField("error", DataTypes.StringType, true),
    });

    private final ModelSpec model;
    private final String shippedModelName;
    private final Normalisation normalisation;
    private final DecodeLimits limits;
    private final HadoopConf hadoop;

    public GlobalCuePartition(ModelSpec model, String shippedModelName, Normalisation normalisation, DecodeLimits limits, HadoopConf hadoop) {
        this.model = model;
        this.shippedModelName = shippedModelName;
        this.normalisation = normalisation;
        this.limits = limits;
        this.hadoop = hadoop;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
        GpuBinder.bindTask();
        LoadedModel loaded = ModelFiles.load(model, shippedModelName);
        ImageDecoder decoder = new ImageDecoder(limits);
        ImageClassifier clf = loaded.classifier();
        int c = loaded.inputShape().channels();
        int h = loaded.inputShape().height();
        int w = loaded.inputShape().width();
        int size = loaded.inputShape().size();
        List<ImageAdjustment> changes = ImageAdjustment.forChannels(c);
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return input.hasNext();
            }

            @Override
            public Row next() {
                Row in = input.next();
                try {
                    ImageTensor image = decoder.decode(HadoopFiles.read(in.getString(1), hadoop, limits.maxFileBytes()), loaded.inputShape(), normalisation);
                    float[] batch = new float[(changes.size() + 1) * size];
                    System.arraycopy(image.input(), 0, batch, 0, size);
                    for (int i = 0; i < changes.size(); i++) {
                        float[] changed = normalisation.apply(changes.get(i).apply(image.pixels(), c, h, w), c, h * w);
                        System.arraycopy(changed, 0, batch, (i + 1) * size, size);
                    }
                    float[] s = clf.scores(batch, changes.size() + 1);
                    int k = clf.numClasses();
                    Integer[] adjusted = new Integer[changes.size()];
                    for (int i = 0; i < adjusted.length; i++) {
                        adjusted[i] = argmax(s, (i + 1) * k, k);
                    }
                    return RowFactory.create(in.getString(0), argmax(s, 0, k), adjusted, null);
                } catch (Exception e) {
                    return RowFactory.create(in.getString(0), null, null, e.getMessage() == null ? e.toString() : e.getMessage());
                }
            }
        };
    }

    private static int argmax(float[] s, int offset, int k) {
        int best = 0;
        for (int i = 1; i < k; i++) {
            if (s[offset + i] > s[offset + best]) {
                best = i;
            }
        }
        return best;
    }
}
