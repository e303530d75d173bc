package io.shortcutlens.spark;

import io.shortcutlens.image.DecodeLimits;
import io.shortcutlens.image.ImageDecodeException;
import io.shortcutlens.image.ImageDecoder;
import io.shortcutlens.image.ImageTensor;
import io.shortcutlens.image.Normalisation;
import io.shortcutlens.model.LoadedModel;
import io.shortcutlens.model.ModelSpec;
import java.io.IOException;
import java.util.Iterator;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;

/**
 * The shared plumbing of the audit's forward passes inside a task: the model from the executor's cache (as in the
 * explain job), images read through Hadoop and decoded as the explain run did, one output row per input row. A
 * subclass says only what one row's passes are.
 */
abstract class ImagePassPartition implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    private final ModelSpec model;
    private final String shippedModelName;
    protected final Normalisation normalisation;
    private final DecodeLimits limits;
    private final HadoopConf hadoop;

    ImagePassPartition(TaskModel task) {
        this.model = task.model();
        this.shippedModelName = task.shippedName();
        this.normalisation = task.normalisation();
        this.limits = task.limits();
        this.hadoop = task.hadoop();
    }

    /** One input row's passes; an exception becomes the row {@link #failed} returns. */
    abstract Row passes(Row in, LoadedModel loaded, Images images) throws Exception;

    /** The output row of an input row whose passes failed with {@code message}. */
    abstract Row failed(Row in, String message);

    /** Reads and decodes images at the model's input, as the explain run did. */
    final class Images {
        private final ImageDecoder decoder = new ImageDecoder(limits);
        private final LoadedModel loaded;

        Images(LoadedModel loaded) {
            this.loaded = loaded;
        }

        ImageTensor read(String path) throws IOException, ImageDecodeException {
            return decoder.decode(HadoopFiles.read(path, hadoop, limits.maxFileBytes()), loaded.inputShape(), normalisation);
        }
    }

    @Override
    public final Iterator<Row> call(Iterator<Row> input) {
        GpuBinder.bindTask();
        LoadedModel loaded = ModelFiles.load(model, shippedModelName);
        Images images = new Images(loaded);
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return input.hasNext();
            }

            @Override
            public Row next() {
                Row in = input.next();
                try {
                    return passes(in, loaded, images);
                } catch (Exception e) {
                    return failed(in, e.getMessage() == null ? e.toString() : e.getMessage());
                }
            }
        };
    }
}
