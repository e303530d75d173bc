package io.shortcutlens.spark;

import io.shortcutlens.audit.AffectedProbe;
import io.shortcutlens.audit.RegionMasker;
import io.shortcutlens.audit.ScanTarget;
import io.shortcutlens.explain.Seeds;
import io.shortcutlens.image.DecodeLimits;
import io.shortcutlens.image.ImageDecoder;
import io.shortcutlens.image.ImageTensor;
import io.shortcutlens.image.Normalisation;
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
 * The scan inside a task ({@link AffectedProbe}): rows of {@link ExplainPartition#INPUT} in, one row per image out —
 * its prediction, and for each scan target of that class what hiding the target's regions did. Images are read (from
 * their bytes, or their path inside the task) and decoded as the explain job does, and probed in groups, each group in
 * two batched passes. An image that cannot be read or decoded is one row with its error; the others go on.
 */
public final class ScanPartition implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    static final StructType EFFECT = DataTypes.createStructType(new StructField[] {
        DataTypes.createStructField("target", DataTypes.IntegerType, false),
        DataTypes.createStructField("predicted_after_index", DataTypes.IntegerType, false),
        DataTypes.createStructField("score_before", DataTypes.FloatType, false),
        DataTypes.createStructField("score_after", DataTypes.FloatType, false),
        DataTypes.createStructField("affected", DataTypes.BooleanType, false),
    });

    public static final StructType OUTPUT = DataTypes.createStructType(new StructField[] {
        DataTypes.createStructField("image_id", DataTypes.StringType, false),
        DataTypes.createStructField("path", DataTypes.StringType, true),
        DataTypes.createStructField("label", DataTypes.StringType, true),
        DataTypes.createStructField("predicted_index", DataTypes.IntegerType, true),
        DataTypes.createStructField("score", DataTypes.FloatType, true),
        DataTypes.createStructField("passes", DataTypes.IntegerType, false),
        DataTypes.createStructField("effects", DataTypes.createArrayType(EFFECT, false), false),
        DataTypes.createStructField("error", DataTypes.StringType, true),
    });

    /** Images decoded and predicted together. */
    static final int IMAGES_PER_GROUP = 16;

    private final ModelSpec model;
    private final String shippedModelName;
    private final Normalisation normalisation;
    private final DecodeLimits limits;
    private final HadoopConf hadoop;
    private final List<ScanTarget> targets;
    private final RegionMasker.Fill fill;
    private final long seed;

    public ScanPartition(TaskModel task, List<ScanTarget> targets, RegionMasker.Fill fill, long seed) {
        this.model = task.model();
        this.shippedModelName = task.shippedName();
        this.normalisation = task.normalisation();
        this.limits = task.limits();
        this.hadoop = task.hadoop();
        this.targets = List.copyOf(targets);
        this.fill = fill;
        this.seed = seed;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
        GpuBinder.bindTask();
        LoadedModel loaded = ModelFiles.load(model, shippedModelName);
        ImageDecoder decoder = new ImageDecoder(limits);
        int h = loaded.inputShape().height();
        int w = loaded.inputShape().width();
        int[] classIndex = targets.stream().mapToInt(t -> loaded.classIndex(t.className())).toArray();
        List<List<int[]>> boxes = targets.stream().map(t -> t.pixelBoxes(h, w)).toList();
        List<Row> out = new ArrayList<>();
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                if (next >= out.size() && input.hasNext()) {
                    out.clear();
                    next = 0;
                    group(input, loaded, decoder, classIndex, boxes, out);
                }
                return next < out.size();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                return out.get(next++);
            }
        };
    }

    /** Reads, decodes and probes the next group of rows, adding their output rows in input order. */
    private void group(Iterator<Row> input, LoadedModel loaded, ImageDecoder decoder, int[] classIndex, List<List<int[]>> boxes, List<Row> out) {
        List<Row> rows = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        List<ImageTensor> images = new ArrayList<>();
        while (rows.size() < IMAGES_PER_GROUP && input.hasNext()) {
            Row in = input.next();
            InputBytes read = InputBytes.read(in, hadoop, limits.maxFileBytes());
            String error = read.error();
            ImageTensor image = null;
            if (error == null) {
                try {
                    image = decoder.decode(read.bytes(), loaded.inputShape(), normalisation);
                } catch (Exception e) {
                    error = e.getMessage() == null ? e.toString() : e.getMessage();
                }
            }
            rows.add(in);
            ids.add(read.id());
            errors.add(error);
            if (image != null) {
                images.add(image);
            }
        }
        List<AffectedProbe.Outcome> outcomes = AffectedProbe.probe(images, classIndex, boxes, fill, loaded.classifier(),
                Seeds.forImage(ids.get(0), seed));
        int j = 0;
        for (int i = 0; i < rows.size(); i++) {
            Row in = rows.get(i);
            if (errors.get(i) != null) {
                out.add(RowFactory.create(ids.get(i), in.getString(1), in.getString(2), null, null, 0, new Row[0], errors.get(i)));
                continue;
            }
            AffectedProbe.Outcome o = outcomes.get(j++);
            Row[] effects = o.effects().stream().map(e -> RowFactory.create(e.target(), e.predictedAfter(), e.scoreBefore(), e.scoreAfter(),
                    o.affected(e))).toArray(Row[]::new);
            out.add(RowFactory.create(ids.get(i), in.getString(1), in.getString(2), o.predicted(), o.score(), o.passes(), effects, null));
        }
    }
}
