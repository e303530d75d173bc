package io.shortcutlens.lake;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * Writes and reads {@code manifest.json} next to a run's data (how the output was made and what it holds), and other
 * small JSON files beside it ({@code audit-summary.json}).
 */
public final class RunManifest {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private RunManifest() { }

    /** Writes a record (or a map) as JSON: its keys as its Jackson annotations name them. */
    public static void write(SparkSession spark, String file, Object manifest) {
        try {
            writeText(spark, file, JSON.writeValueAsString(manifest));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes JSON text as it is. */
    public static void writeText(SparkSession spark, String file, String json) {
        Path p = new Path(file);
        try {
            FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
            try (OutputStream out = fs.create(p, true)) {
                out.write(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes a page people open (a report): replaced whole, and on a local disk without the checksum file Hadoop's
     * local file system adds, so the folder copies cleanly.
     */
    public static void writePage(SparkSession spark, String file, String html) {
        Path p = new Path(file);
        try {
            FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
            fs.delete(p, false);
            if (fs instanceof org.apache.hadoop.fs.LocalFileSystem local) {
                fs = local.getRawFileSystem();
            }
            try (OutputStream out = fs.create(p, true)) {
                out.write(html.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot write report " + file + ": " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> read(SparkSession spark, String file) {
        Path p = new Path(file);
        try {
            FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
            try (InputStream in = fs.open(p)) {
                return JSON.readValue(in, Map.class);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read run manifest " + file + ": " + e.getMessage(), e);
        }
    }

    /** A JSON file read as the record {@code type} (keys it does not know are left alone: a later version's). */
    public static <T> T read(SparkSession spark, String file, Class<T> type) {
        Path p = new Path(file);
        try (InputStream in = p.getFileSystem(spark.sparkContext().hadoopConfiguration()).open(p)) {
            return JSON.readValue(in, type);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** An explain run's manifest, typed; fails naming the file when it is not one. */
    public static io.shortcutlens.pipeline.ExplainManifest readExplain(SparkSession spark, String file) {
        Path p = new Path(file);
        try (InputStream in = p.getFileSystem(spark.sparkContext().hadoopConfiguration()).open(p)) {
            return io.shortcutlens.pipeline.ExplainManifest.parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read run manifest " + file + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("cannot read run manifest " + file + ": " + e.getMessage(), e);
        }
    }

    /** A map as one line of JSON (a Delta commit's metadata). */
    public static String json(Object map) {
        try {
            return new ObjectMapper().writeValueAsString(map);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }

    /** JSON text as a tree, so a manifest nests it rather than quoting it. */
    public static com.fasterxml.jackson.databind.JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + json, e);
        }
    }

    /** A JSON object (a method's parameters) as a map, so the manifest nests it rather than quoting it. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parse(String json) {
        try {
            return JSON.readValue(json, Map.class);
        } catch (IOException e) {
            throw new IllegalStateException("not a JSON object: " + json, e);
        }
    }
}
