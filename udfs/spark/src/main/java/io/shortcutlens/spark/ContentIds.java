package io.shortcutlens.spark;

import io.shortcutlens.pipeline.ImageExplainPipeline;
import java.io.IOException;
import java.util.Iterator;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Gives every input row ({@link ExplainPartition#INPUT}) its image id before anything is explained, so that a rerun
 * can skip the images it has already explained: the given id, else the id the explain pipeline writes
 * ({@link ImageExplainPipeline#imageId}). Rows of a folder tree are read here (size limit checked first) and keep their bytes, so the
 * explain step does not read them again; a file that cannot be read gets the id its error row will carry.
 */
public final class ContentIds implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    private final HadoopConf hadoop;
    private final long maxFileBytes;

    /** @param hadoop how to read rows without bytes from their path (null: such rows keep a null id) */
    public ContentIds(HadoopConf hadoop, long maxFileBytes) {
        this.hadoop = hadoop;
        this.maxFileBytes = maxFileBytes;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return input.hasNext();
            }

            @Override
            public Row next() {
                Row in = input.next();
                if (!in.isNullAt(0)) {
                    return in;
                }
                String path = in.getString(1);
                byte[] bytes = in.isNullAt(3) ? null : (byte[]) in.get(3);
                if (bytes == null && hadoop != null && path != null) {
                    try {
                        bytes = HadoopFiles.read(path, hadoop, maxFileBytes);
                    } catch (IOException | RuntimeException e) {
                        return RowFactory.create(ImageExplainPipeline.unreadId(path), path, in.getString(2), null);
                    }
                }
                return RowFactory.create(ImageExplainPipeline.imageId(path, bytes), path, in.getString(2), bytes);
            }
        };
    }
}
