package io.shortcutlens.spark;

import io.shortcutlens.image.DecodeLimits;
import io.shortcutlens.image.ImageDecoder;
import io.shortcutlens.image.ImageTensor;
import io.shortcutlens.image.Normalisation;
import io.shortcutlens.model.Differentiable;
import io.shortcutlens.model.LoadedModel;
import io.shortcutlens.model.ModelSpec;
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
 * One layer's activations per image (an embedding), with the model's prediction: rows of {@link #ROW} from rows of
 * {@link ExplainPartition#INPUT}. Images go through the network {@code batch} at a time; an image that cannot be read
 * or decoded is one row with an {@code error} and no embedding.
 */
public final class EmbedPartition implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    public static final StructType ROW = DataTypes.createStructType(new StructField[] {
        DataTypes.createStructField("image_id", DataTypes.StringType, false),
        DataTypes.createStructField("path", DataTypes.StringType, true),
        DataTypes.createStructField("label", DataTypes.StringType, true),
        DataTypes.createStructField("predicted_index", DataTypes.IntegerType, true),
        DataTypes.createStructField("predicted_class", DataTypes.StringType, true),
        DataTypes.createStructField("predicted_score", DataTypes.FloatType, true),
        DataTypes.createStructField("layer", DataTypes.StringType, true),
        DataTypes.createStructField("embedding", DataTypes.createArrayType(DataTypes.FloatType, false), true),
        DataTypes.createStructField("model_id", DataTypes.StringType, false),
        DataTypes.createStructField("error", DataTypes.StringType, true),
    });

    private final ModelSpec spec;
    private final String shippedModelName;
    private final Normalisation normalisation;
    private final DecodeLimits limits;
    private final String layer;
    private final int batch;
    private final HadoopConf hadoop;

    /**
     * @param normalisation null: the model's recorded normalisation, else 0..1 scaling
     * @param layer         as {@link Differentiable#activations} takes it
     * @param hadoop        reads rows without bytes from their path (null: such rows are error rows)
     */
    public EmbedPartition(ModelSpec spec, String shippedModelName, Normalisation normalisation, DecodeLimits limits, String layer, int batch,
                          HadoopConf hadoop) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, found " + batch);
        }
        this.spec = spec;
        this.shippedModelName = shippedModelName;
        this.normalisation = normalisation;
        this.limits = limits;
        this.layer = layer;
        this.batch = batch;
        this.hadoop = hadoop;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
        GpuBinder.bindTask();
        LoadedModel model = ModelFiles.load(spec, shippedModelName);
        if (!(model.classifier() instanceof io.shortcutlens.model.LayerOutputs net)) {
            throw new IllegalArgumentException("model " + spec.path() + " gives no layer activations (a DL4J network or an ONNX model does)");
        }
        Normalisation norm = normalisation != null ? normalisation
                : model.trainedNormalisation() != null ? model.trainedNormalisation() : Normalisation.unitScale();
        ImageDecoder decoder = new ImageDecoder(limits);
        int size = model.inputShape().size();
        List<Row> out = new ArrayList<>();
        List<Row> pending = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        float[] pixels = new float[batch * size];
        while (input.hasNext()) {
            Row in = input.next();
            InputBytes read = InputBytes.read(in, hadoop, limits.maxFileBytes());
            String error = read.error();
            if (error == null) {
                try {
                    ImageTensor image = decoder.decode(read.bytes(), model.inputShape(), norm);
                    System.arraycopy(image.input(), 0, pixels, pending.size() * size, size);
                    pending.add(in);
                    ids.add(read.id());
                } catch (Exception e) {
                    error = e.getMessage() != null ? e.getMessage() : e.toString();
                }
            }
            if (error != null) {
                out.add(RowFactory.create(read.id(), read.path(), read.label(), null, null, null, null, null, model.modelId(), error));
            }
            if (pending.size() == batch || (!input.hasNext() && !pending.isEmpty())) {
                flush(net, model, pixels, pending, ids, out);
            }
        }
        return out.iterator();
    }

    private void flush(io.shortcutlens.model.LayerOutputs net, LoadedModel model, float[] pixels, List<Row> pending, List<String> ids, List<Row> out) {
        int n = pending.size();
        int classes = model.numClasses();
        float[] scores = model.classifier().scores(pixels, n);
        Differentiable.LayerActivations a = net.activations(pixels, n, layer);
        int dim = a.size();
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                best = scores[i * classes + c] > scores[i * classes + best] ? c : best;
            }
            float[] e = java.util.Arrays.copyOfRange(a.values(), i * dim, (i + 1) * dim);
            Row in = pending.get(i);
            out.add(RowFactory.create(ids.get(i), in.getString(1), in.getString(2), best, model.className(best), scores[i * classes + best],
                    a.layer(), e, model.modelId(), null));
        }
        pending.clear();
        ids.clear();
    }
}
