package io.shortcutlens.spark;

import io.shortcutlens.model.LoadedModel;
import io.shortcutlens.model.ModelLoadException;
import io.shortcutlens.model.ModelLoader;
import io.shortcutlens.model.ModelSpec;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * Driver-side model handling: fetches the model from any Hadoop path, loads and checks it before a task starts
 * (so a wrong path or shape fails fast), and ships one content-named copy to every executor with {@code addFile}, once per
 * application: the jobs and the Spark ML {@code ImageExplainer} share it.
 */
public final class ModelStaging {

    /** The model as the driver loaded it, its spec with the content hash, and the name it was shipped under. */
    public record Staged(LoadedModel model, ModelSpec spec, String shippedName) { }

    private ModelStaging() { }

    /** Copies already shipped, per application and content name: Spark refuses the same file name from another path. */
    private static final java.util.Map<String, String> SHIPPED = new java.util.concurrent.ConcurrentHashMap<>();

    public static Staged stage(SparkSession spark, ModelSpec spec) {
        File local = fetch(spark, spec.path());
        LoadedModel model = ModelLoader.load(local, spec);
        // Named by content so two models with the same file name never collide in SparkFiles.
        String shippedName = model.modelId().substring(0, 16) + "-" + local.getName();
        String key = spark.sparkContext().applicationId() + "/" + shippedName;
        if (SHIPPED.containsKey(key)) { // the same model a second time in this application (the audit's report after its masking test)
            return new Staged(model, spec.withModelId(model.modelId()), shippedName);
        }
        File dir;
        try {
            dir = Files.createTempDirectory("shortcutlens-model-").toFile();
            dir.deleteOnExit();
        } catch (IOException e) {
            throw new ModelLoadException("cannot create a temporary folder for model " + spec.path() + ": " + e.getMessage(), e);
        }
        File shipped = new File(dir, shippedName);
        try {
            Files.copy(local.toPath(), shipped.toPath(), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new ModelLoadException("cannot stage model file " + spec.path() + ": " + e.getMessage(), e);
        }
        shipped.deleteOnExit();
        spark.sparkContext().addFile(shipped.getAbsolutePath());
        SHIPPED.put(key, shipped.getAbsolutePath());
        return new Staged(model, spec.withModelId(model.modelId()), shippedName);
    }

    private static File fetch(SparkSession spark, String path) {
        Path p = new Path(path);
        try {
            FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (!fs.exists(p)) {
                throw new ModelLoadException("model file " + path + " does not exist (expected " + ModelLoader.EXPECTED + ")");
            }
            if (fs.getScheme().equals("file")) {
                return new File(fs.makeQualified(p).toUri().getPath());
            }
            File tmp = Files.createTempFile("shortcutlens-", "-" + p.getName()).toFile();
            tmp.deleteOnExit();
            fs.copyToLocalFile(false, p, new Path(tmp.getAbsolutePath()), true);
            return tmp;
        } catch (IOException e) {
            throw new ModelLoadException("cannot read model file " + path + ": " + e.getMessage(), e);
        }
    }
}
