package io.shortcutlens.spark;

import io.shortcutlens.pipeline.ImageExplainPipeline;
import org.apache.spark.sql.Row;

/**
 * A row of {@link ExplainPartition#INPUT} with its image bytes — the row's own, or read from its path inside the task
 * (the file-size limit checked before reading) — and the id it is written under: the given one, else the bytes'
 * content hash, else (unreadable) its path. {@code error} says why there are no bytes.
 */
record InputBytes(String id, String path, String label, byte[] bytes, String error) {

    static InputBytes read(Row in, HadoopConf hadoop, long maxFileBytes) {
        String id = in.getString(0);
        String path = in.getString(1);
        byte[] bytes = in.isNullAt(3) ? null : (byte[]) in.get(3);
        String error = null;
        try {
            if (bytes == null && hadoop != null && path != null) {
                bytes = HadoopFiles.read(path, hadoop, maxFileBytes);
            }
            if (bytes == null) {
                error = "no image bytes (null value in the image column)";
            }
        } catch (Exception e) {
            bytes = null;
            error = e.getMessage() != null ? e.getMessage() : e.toString();
        }
        String key = id != null ? id : bytes == null ? ImageExplainPipeline.unreadId(path) : ImageExplainPipeline.imageId(path, bytes);
        return new InputBytes(key, path, in.getString(2), bytes, error);
    }
}
