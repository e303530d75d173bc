package io.shortcutlens.jobs;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shortcutlens.demo.DemoData;
import java.io.File;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The explain and audit jobs submitted through submit.sh to a real standalone cluster (a master and two workers on
 * 127.0.0.1, executors in their own JVMs): the Parquet written equals, row for row and map for map, what local[2]
 * writes for the same input.
 */
class StandaloneClusterIT {

    @Test
    void clusterOutputEqualsLocalOutput() throws Exception {
        File work = TestSpark.newDir("standalone");
        File images = new File(work, "images");
        DemoData.writeFolder(DemoData.split(4, DemoData.Stamping.BEARS, 81), images); // 12 images
        String model = TestSpark.model().getAbsolutePath();
        String[] job = {"--input", images.getAbsolutePath(), "--model", model, "--methods", "occlusion,lime", "--occlusion-mask-size", "8",
            "--occlusion-stride", "4", "--lime-samples", "40", "--partitions", "4"};

        File clusterOut = new File(work, "cluster-out");
        try (StandaloneCluster cluster = StandaloneCluster.start(work, 2, 1, "1500m", Map.of())) {
            File log = new File(work, "explain.log");
            int rc = cluster.submit(log, concat(new String[] {"explain", "--master", cluster.masterUrl, "--conf", "spark.executor.memory=1g",
                "--conf", "spark.cores.max=2", "--conf", "spark.executorEnv.OMP_NUM_THREADS=1"}, concat(job, "--output", clusterOut.getAbsolutePath())));
            assertEquals(0, rc, "explain on the cluster failed:\n" + tail(log));
            String manifest = Files.readString(new File(clusterOut, "manifest.json").toPath());
            assertTrue(manifest.contains("\"spark_master\" : \"" + cluster.masterUrl + "\""), manifest);
            for (int i = 0; i < 2; i++) { // each worker launched an executor JVM for the application
                File[] apps = new File(work, "worker-" + i).listFiles((d, n) -> n.startsWith("app-"));
                assertTrue(apps != null && apps.length == 1, "worker " + i + " ran no executor");
            }
            File auditLog = new File(work, "audit.log");
            rc = cluster.submit(auditLog, "audit", "--master", cluster.masterUrl, "--conf", "spark.executor.memory=1g", "--conf", "spark.cores.max=2",
                    "--run", clusterOut.getAbsolutePath(), "--min-images", "2");
            assertEquals(0, rc, "audit on the cluster failed:\n" + tail(auditLog));
            assertTrue(new File(clusterOut, "findings/_SUCCESS").isFile());
            assertTrue(new File(clusterOut, "report/index.html").isFile());
        }

        File localOut = new File(work, "local-out");
        ExplainJob.Result local = TestSpark.explainJob(concat(job, "--output", localOut.getAbsolutePath())).run(TestSpark.session());
        Set<List<Object>> fromCluster = rows(TestSpark.session().read().parquet(new File(clusterOut, "explanations").getAbsolutePath()));
        Set<List<Object>> fromLocal = rows(TestSpark.session().read().parquet(local.explanationsPath()));
        assertEquals(24, fromLocal.size());
        assertEquals(fromLocal, fromCluster);
    }

    /** Each row as (image id, method, run id, predicted class, target score, map values, error): maps compared exactly. */
    private static Set<List<Object>> rows(Dataset<Row> d) {
        Set<List<Object>> out = new HashSet<>();
        for (Row r : d.select(col("image_id"), col("method"), col("run_id"), col("predicted_index"), col("target_score"), col("map.values"),
                col("error")).collectAsList()) {
            out.add(List.of(r.getString(0), r.getString(1), r.getString(2), r.isNullAt(3) ? -1 : r.getInt(3), r.isNullAt(4) ? Float.NaN : r.getFloat(4),
                    r.isNullAt(5) ? List.of() : r.getList(5), r.isNullAt(6) ? "" : r.getString(6)));
        }
        return out;
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static String tail(File log) throws java.io.IOException {
        String s = Files.readString(log.toPath());
        return s.substring(Math.max(0, s.length() - 4000));
    }
}
