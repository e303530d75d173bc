package io.shortcutlens.lake;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.shortcutlens.spark.ExplainPartition;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what the user points at into rows of {@link ExplainPartition#INPUT}: a folder tree of images (label = the
 * folder an image sits in, like ImageFolder or imageDatastore with folder labels) or any table Spark reads with an
 * image-bytes column.
 */
public final class ImageSources {
    private static final Logger LOG = LoggerFactory.getLogger("shortcutlens.input");
    private ImageSources() { }

    /**
     * Every file under {@code root} (a folder, a file, or a glob), recursively, listed on the driver with the Hadoop
     * client (file:, hdfs:, s3a:, …). Hidden files and folders (names starting with '.' or '_') are skipped, as Spark's
     * file sources do; empty files are kept, so they become error rows rather than vanishing. Bytes are read inside
     * the tasks, after the size limit is checked. Folders named {@code key=value} (Hive-style partitions, e.g.
     * {@code dt=2026-11-26}) are columns that {@code where} (a Spark SQL condition, or null) can select on, with
     * {@code path} and {@code label}; such a folder is never an image's label.
     */
    public static Dataset<Row> folder(SparkSession spark, String root, int slices, String where) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        long t0 = System.nanoTime();
        List<Row> files = new ArrayList<>();
        List<Map<String, String>> partitions = new ArrayList<>();
        try {
            Path pattern = new Path(root);
            FileSystem fs = pattern.getFileSystem(conf);
            FileStatus[] matches = fs.globStatus(pattern);
            if (matches == null || matches.length == 0) {
                throw new IllegalArgumentException("input " + root + " does not exist (expected a folder of images, a file or a glob)");
            }
            for (FileStatus match : matches) {
                Path base = fs.makeQualified(match.getPath());
                if (match.isFile()) {
                    files.add(RowFactory.create(null, base.toString(), null, null));
                    partitions.add(Map.of());
                    continue;
                }
                String basePath = base.toUri().getPath();
                for (FileStatus f : walk(fs, base)) {
                    Path p = fs.makeQualified(f.getPath());
                    String relative = p.toUri().getPath().substring(basePath.length());
                    Path parent = p.getParent();
                    String label = parent.toUri().getPath().equals(basePath) || partition(parent.getName()) != null ? null : parent.getName();
                    files.add(RowFactory.create(null, p.toString(), label, null));
                    Map<String, String> values = new TreeMap<>();
                    for (String part : relative.split("/")) {
                        String[] kv = partition(part);
                        if (kv != null) {
                            values.put(kv[0], kv[1]);
                        }
                    }
                    partitions.add(values);
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot list input " + root + ": " + e.getMessage(), e);
        }
        LOG.info("listed {} files under {} in {} s", files.size(), root, String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - t0) / 1e9));
        if (where != null) {
            files = select(spark, files, partitions, where, root);
        }
        files.sort(Comparator.comparing(r -> r.getString(1)));
        int n = Math.max(1, Math.min(slices, Math.max(1, files.size())));
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        return spark.createDataFrame(jsc.parallelize(files, n), ExplainPartition.INPUT);
    }

    /** Folders listed at once while walking a tree: listing waits on the file system, not on the cores. */
    private static final int LISTING_THREADS = 16;

    /**
     * Every file below {@code root} whose path below it has no hidden part (a name starting with '.' or '_': hidden
     * folders are not entered), folder by folder with plain {@code listStatus}, the folders of one depth listed in
     * parallel. Not {@code listFiles(root, true)}: its {@code LocatedFileStatus} asks the file system for every file's
     * permissions, and Hadoop's local file system without its native library forks an {@code ls} process for each (60,000
     * images took over 8 minutes, one file at a time, before the first task).
     */
    public static List<FileStatus> walk(FileSystem fs, Path root) throws IOException {
        List<FileStatus> files = new ArrayList<>();
        List<Path> level = List.of(root);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(LISTING_THREADS, r -> {
            Thread t = new Thread(r, "shortcutlens-listing");
            t.setDaemon(true);
            return t;
        });
        try {
            while (!level.isEmpty()) {
                List<java.util.concurrent.Future<FileStatus[]>> listed = new ArrayList<>();
                for (Path dir : level) {
                    listed.add(pool.submit(() -> fs.listStatus(dir)));
                }
                List<Path> next = new ArrayList<>();
                for (java.util.concurrent.Future<FileStatus[]> f : listed) {
                    for (FileStatus st : get(f)) {
                        String name = st.getPath().getName();
                        if (name.startsWith(".") || name.startsWith("_")) {
                            continue;
                        }
                        if (st.isDirectory()) {
                            next.add(st.getPath());
                        } else {
                            files.add(st);
                        }
                    }
                }
                level = next;
            }
        } finally {
            pool.shutdownNow();
        }
        return files;
    }

    private static FileStatus[] get(java.util.concurrent.Future<FileStatus[]> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("listing interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause().getMessage(), e.getCause());
        }
    }

    /** {@code {key, value}} of a folder named {@code key=value} with an identifier as key (Hive-style), else null. */
    private static String[] partition(String name) {
        int eq = name.indexOf('=');
        return eq > 0 && name.substring(0, eq).matches("[A-Za-z][A-Za-z0-9_]*") ? new String[] {name.substring(0, eq), name.substring(eq + 1)} : null;
    }

    /** The listed files that satisfy {@code where}, evaluated by Spark over path, label and the partition columns. */
    private static List<Row> select(SparkSession spark, List<Row> files, List<Map<String, String>> partitions, String where, String root) {
        SortedSet<String> keys = new TreeSet<>();
        partitions.forEach(m -> keys.addAll(m.keySet()));
        keys.removeAll(List.of("path", "label"));
        List<StructField> fields = new ArrayList<>(List.of(
                DataTypes.createStructField("path", DataTypes.StringType, false),
                DataTypes.createStructField("label", DataTypes.StringType, true)));
        keys.forEach(k -> fields.add(DataTypes.createStructField(k, DataTypes.StringType, true)));
        List<Row> listed = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            List<Object> values = new ArrayList<>(List.of(files.get(i).getString(1)));
            values.add(files.get(i).getString(2));
            for (String k : keys) {
                values.add(partitions.get(i).get(k));
            }
            listed.add(RowFactory.create(values.toArray()));
        }
        Dataset<Row> table = spark.createDataFrame(listed, DataTypes.createStructType(fields));
        List<Row> kept = new ArrayList<>();
        for (Row r : filter(table, where, root).select("path", "label").collectAsList()) {
            kept.add(RowFactory.create(null, r.getString(0), r.getString(1), null));
        }
        return kept;
    }

    /** {@code table.where(where)}, or an error that names the input and the columns the condition may use. */
    public static Dataset<Row> filter(Dataset<Row> table, String where, String input) {
        try {
            Dataset<Row> selected = table.where(where);
            selected.queryExecution().assertAnalyzed();
            return selected;
        } catch (Exception e) {
            if (!(e instanceof org.apache.spark.sql.AnalysisException)) {
                throw e;
            }
            throw new IllegalArgumentException("--where \"" + where + "\" does not apply to input " + input + ": " + e.getMessage().split("\n")[0]
                    + "; its columns are " + Arrays.asList(table.columns()), e);
        }
    }

    /** A table with an image-bytes column and optional id, path and label columns. */
    public static Dataset<Row> table(SparkSession spark, ImageSource source) {
        String path = source.input();
        Dataset<Row> table = spark.read().format(source.format()).load(path);
        if (source.where() != null) {
            table = filter(table, source.where(), path);
        }
        List<String> columns = Arrays.asList(table.columns());
        ImageSource.Columns named = source.columns();
        require(columns, named.image(), "--image-col", path);
        Column id = optional(columns, named.id(), "--id-col", path);
        Column p = optional(columns, named.path(), "--path-col", path);
        Column label = optional(columns, named.label(), "--label-col", path);
        return table.select(id.as("image_id"), p.as("path"), label.as("label"), col(named.image()).cast("binary").as("bytes"));
    }

    private static void require(List<String> columns, String name, String option, String path) {
        if (!columns.contains(name)) {
            throw new IllegalArgumentException("table " + path + " has no column '" + name + "' (" + option + "); its columns are " + columns);
        }
    }

    private static Column optional(List<String> columns, String name, String option, String path) {
        if (name == null || name.isEmpty()) {
            return lit(null).cast("string");
        }
        require(columns, name, option, path);
        return col(name).cast("string");
    }
}
