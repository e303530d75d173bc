package io.shortcutlens.spark;

import java.io.IOException;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Reads one file inside a task through the Hadoop client, refusing files over a size limit before reading them. */
public final class HadoopFiles {
    private HadoopFiles() { }

    /** The file's bytes; an {@link IOException} whose message says what went wrong otherwise. */
    public static byte[] read(String path, HadoopConf hadoop, long maxBytes) throws IOException {
        Path p = new Path(path);
        FileSystem fs = p.getFileSystem(hadoop.get());
        long length = fs.getFileStatus(p).getLen();
        if (length > maxBytes) {
            throw new IOException("file is " + length + " bytes, over the limit of " + maxBytes + " bytes (raise --max-file-bytes to accept it)");
        }
        byte[] bytes = new byte[(int) length];
        try (FSDataInputStream in = fs.open(p)) {
            in.readFully(0, bytes);
        }
        return bytes;
    }
}
