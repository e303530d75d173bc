package io.shortcutlens.jobs;

import io.shortcutlens.demo.DemoData;
import io.shortcutlens.demo.DemoNetworks;
import io.shortcutlens.demo.TrailCameraScenes;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/** One real local[2] Spark session and one small trained model, shared by the job tests of this JVM. */
final class TestSpark {
    private static SparkSession spark;
    private static File model;
    private static File scratch;

    private TestSpark() { }

    static synchronized SparkSession session() {
        if (spark == null) {
            spark = Sessions.withDelta(SparkSession.builder().master("local[2]").appName("shortcutlens-tests")
                    .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
                    .config("spark.databricks.delta.snapshotPartitions", "2").config("spark.driver.host", "127.0.0.1")).getOrCreate();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> spark.stop()));
        }
        return spark;
    }

    static synchronized File scratch() throws IOException {
        if (scratch == null) {
            scratch = Files.createTempDirectory("shortcutlens-test-").toFile();
        }
        return scratch;
    }

    /** bear / cow / sheep, trained briefly on watermarked bears: enough for real, non-trivial maps. */
    static synchronized File model() throws IOException {
        if (model == null) {
            MultiLayerNetwork net = DemoNetworks.train(DemoData.threeClass(DemoData.split(40, DemoData.Stamping.BEARS, 7)), 2, 3, null);
            model = new File(scratch(), "models/animals.zip");
            DemoNetworks.save(net, TrailCameraScenes.ANIMALS, model);
        }
        return model;
    }

    static File newDir(String name) throws IOException {
        File d = new File(scratch(), name);
        d.mkdirs();
        return d;
    }

    /** Parses explain-job arguments exactly as the command line would. */
    static ExplainJob explainJob(String... args) {
        ExplainJob job = new ExplainJob();
        Cli.commandLine(job).parseArgs(args);
        return job;
    }
}
