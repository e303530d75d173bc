package io.shortcutlens.spark;

import io.shortcutlens.model.LoadedModel;
import io.shortcutlens.pipeline.ExplainSettings;
import io.shortcutlens.pipeline.ImageExplainPipeline;
import java.util.ArrayList;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.CollectionAccumulator;

/**
 * Explains a partition of images. Input rows have the columns of {@link #INPUT}; each yields one row per method and
 * target. Only the settings travel with the task; the model comes from the executor's cache.
 */
public final class ExplainPartition implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    /** What the explain job feeds a partition: an optional id, where the image came from, its label and its bytes. */
    public static final StructType INPUT = DataTypes.createStructType(new StructField[] {
        DataTypes.createStructField("image_id", DataTypes.StringType, true),
        DataTypes.createStructField("path", DataTypes.StringType, true),
        DataTypes.createStructField("label", DataTypes.StringType, true),
        DataTypes.createStructField("bytes", DataTypes.BinaryType, true),
    });

    /** Images decoded, predicted and (where a method batches images) explained together. */
    static final int IMAGES_PER_GROUP = 16;

    private final ExplainSettings settings;
    private final String shippedModelName;
    private final HadoopConf hadoop;
    private final CollectionAccumulator<String> devices;

    /**
     * @param hadoop  when set, rows without bytes are read from their {@code path} inside the task (with the file-size
     *                limit checked before reading); when null, rows without bytes become error rows
     * @param devices when set, each task adds its {@link GpuBinder.Binding#describe() binding} (the job's manifest
     *                lists them)
     */
    public ExplainPartition(ExplainSettings settings, String shippedModelName, HadoopConf hadoop, CollectionAccumulator<String> devices) {
        this.settings = settings;
        this.shippedModelName = shippedModelName;
        this.hadoop = hadoop;
        this.devices = devices;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
        GpuBinder.Binding binding = GpuBinder.bindTask();
        if (devices != null) {
            devices.add(binding.describe());
        }
        LoadedModel model = ModelFiles.load(settings.model(), shippedModelName);
        ImageExplainPipeline pipeline = new ImageExplainPipeline(settings, model);
        // a group of images at a time: predicted in one pass, and sent together through methods that batch images
        return inGroups(input, hadoop, settings.limits().maxFileBytes(), group -> pipeline.explainAll(group).stream().map(ExplanationRows::row).toList());
    }

    /** The output rows of the input read {@value #IMAGES_PER_GROUP} images at a time, each group's rows from {@code rows}. */
    static Iterator<Row> inGroups(Iterator<Row> input, HadoopConf hadoop, long maxFileBytes,
                                  java.util.function.Function<List<ImageExplainPipeline.Input>, List<Row>> rows) {
        return new Iterator<>() {
            private final ArrayDeque<Row> pending = new ArrayDeque<>();

            @Override
            public boolean hasNext() {
                while (pending.isEmpty() && input.hasNext()) {
                    List<ImageExplainPipeline.Input> group = new ArrayList<>();
                    while (group.size() < IMAGES_PER_GROUP && input.hasNext()) {
                        group.add(read(input.next(), hadoop, maxFileBytes));
                    }
                    pending.addAll(rows.apply(group));
                }
                return !pending.isEmpty();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return pending.poll();
            }
        };
    }

    /** The row as the pipeline takes it, its bytes read from its path inside the task when the row has none. */
    static ImageExplainPipeline.Input read(Row in, HadoopConf hadoop, long maxFileBytes) {
        String id = in.getString(0);
        String path = in.getString(1);
        String label = in.getString(2);
        if (!in.isNullAt(3) || hadoop == null) {
            return new ImageExplainPipeline.Input(id, path, label, in.isNullAt(3) ? null : (byte[]) in.get(3));
        }
        try {
            return new ImageExplainPipeline.Input(id, path, label, HadoopFiles.read(path, hadoop, maxFileBytes));
        } catch (IOException | RuntimeException e) {
            String why = e instanceof IOException && e.getMessage() != null && e.getMessage().startsWith("file is ") ? e.getMessage()
                    : "cannot read file: " + e;
            return new ImageExplainPipeline.Input(id, path, label, null, why);
        }
    }
}
