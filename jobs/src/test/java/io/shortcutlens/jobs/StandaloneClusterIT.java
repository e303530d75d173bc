package io.shortcutlens.jobs;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.shortcutlens.jobs.StandaloneCluster.concat;
import static io.shortcutlens.jobs.StandaloneCluster.tail;

import io.shortcutlens.demo.DemoData;
import io.shortcutlens.lake.RunManifest;
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
    private static File work;
    private static StandaloneCluster cluster;

    @org.junit.jupiter.api.BeforeAll
    static void startCluster() throws Exception {
        work = TestSpark.newDir("standalone");
        cluster = StandaloneCluster.start(work, 2, 1, "1500m", Map.of());
    }

    @org.junit.jupiter.api.AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void anExecutorKilledMidJobLosesNoRowAndDuplicatesNone() throws Exception {
        File images = new File(work, "kill-images");
        DemoData.writeFolder(DemoData.split(20, DemoData.Stamping.BEARS, 91), images); // 60 images
        File out = new File(work, "kill-out");
        File log = new File(work, "kill.log");
        Process p = cluster.startSubmit(log, "explain", "--master", cluster.masterUrl, "--conf", "spark.executor.memory=1g", "--conf",
                "spark.cores.max=2", "--input", images.getAbsolutePath(), "--model", TestSpark.model().getAbsolutePath(), "--output",
                out.getAbsolutePath(), "--methods", "occlusion,lime", "--occlusion-mask-size", "8", "--occlusion-stride", "4",
                "--lime-samples", "100", "--partitions", "12");
        // once the explain stage runs, kill an executor JVM in the middle of a task of it
        long deadline = System.currentTimeMillis() + 600_000;
        while (!Files.readString(log.toPath()).contains("[3/4]") && p.isAlive() && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        List<ProcessHandle> executors = cluster.executors();
        assertEquals(2, executors.size(), "two executors before the kill:\n" + tail(log));
        ProcessHandle victim = executors.get(0);
        File stderr = cluster.executorLog(victim);
        long started = tasksStarted(stderr);
        while (tasksStarted(stderr) == started && p.isAlive() && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        Thread.sleep(500);
        victim.destroyForcibly();
        assertEquals(0, StandaloneCluster.finish(p, log), "the job survives a lost executor:\n" + tail(log));

        Dataset<Row> rows = TestSpark.session().read().parquet(new File(out, "explanations").getAbsolutePath());
        assertEquals(120, rows.count(), "60 images x 2 methods, no row lost");
        assertEquals(120, rows.select("image_id", "method").distinct().count(), "no (image, method) twice");
        Map<String, Object> manifest = RunManifest.read(TestSpark.session(), new File(out, "manifest.json").getAbsolutePath());
        System.out.println("executor kill: failed task attempts " + manifest.get("failed_task_attempts") + ", executors lost "
                + manifest.get("executors_lost"));
        assertTrue(((Number) manifest.get("failed_task_attempts")).longValue() > 0, manifest.toString());
        assertTrue(((Number) manifest.get("executors_lost")).longValue() >= 1, manifest.toString());
    }

    @Test
    void clusterOutputEqualsLocalOutput() throws Exception {
        File images = new File(work, "images");
        DemoData.writeFolder(DemoData.split(4, DemoData.Stamping.BEARS, 81), images); // 12 images
        String model = TestSpark.model().getAbsolutePath();
        String[] job = {"--input", images.getAbsolutePath(), "--model", model, "--methods", "occlusion,lime", "--occlusion-mask-size", "8",
            "--occlusion-stride", "4", "--lime-samples", "40", "--partitions", "4"};

        File clusterOut = new File(work, "cluster-out");
        {
            File log = new File(work, "explain.log");
            int rc = cluster.submit(log, concat(new String[] {"explain", "--master", cluster.masterUrl, "--conf", "spark.executor.memory=1g",
                "--conf", "spark.cores.max=2", "--conf", "spark.executorEnv.OMP_NUM_THREADS=1"}, concat(job, "--output", clusterOut.getAbsolutePath())));
            assertEquals(0, rc, "explain on the cluster failed:\n" + tail(log));
            String manifest = Files.readString(new File(clusterOut, "manifest.json").toPath());
            assertTrue(manifest.contains("\"spark_master\" : \"" + cluster.masterUrl + "\""), manifest);
            for (int i = 0; i < 2; i++) { // each worker launched executor JVMs
                File[] apps = new File(work, "worker-" + i).listFiles((d, n) -> n.startsWith("app-"));
                assertTrue(apps != null && apps.length >= 1, "worker " + i + " ran no executor");
            }
            File auditLog = new File(work, "audit.log");
            rc = cluster.submit(auditLog, "audit", "--master", cluster.masterUrl, "--conf", "spark.executor.memory=1g", "--conf", "spark.cores.max=2",
                    "--run", clusterOut.getAbsolutePath(), "--min-images", "2", "--dream-channels", "0", "--no-dream-classes", "--activations-layer", "none");
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

    /**
     * The correct job's fine-tuning through dl4j-spark on the cluster (executors in their own JVMs, parameter averaging
     * across them) gives the network local[2] gives for the same findings, photos and settings.
     */
    @Test
    void fineTuningOnTheClusterGivesTheLocalNetwork() throws Exception {
        File held = new File(work, "correct-held");
        DemoData.writeFolder(DemoData.split(16, DemoData.Stamping.BEARS, 85), held);
        File train = new File(work, "correct-train");
        DemoData.writeFolder(DemoData.split(24, DemoData.Stamping.BEARS, 86), train);
        File run = new File(work, "correct-run");
        TestSpark.explainJob("--input", held.getAbsolutePath(), "--model", TestSpark.model().getAbsolutePath(), "--output", run.getAbsolutePath(),
                "--methods", "occlusion", "--occlusion-mask-size", "8", "--occlusion-stride", "4", "--occlusion-mask-value", "auto").run(TestSpark.session());
        AuditJob audit = new AuditJob();
        Cli.commandLine(audit).parseArgs("--run", run.getAbsolutePath(), "--dream-channels", "0", "--no-dream-classes", "--activations-layer", "none");
        List<io.shortcutlens.audit.AuditFinding> found = audit.run(TestSpark.session()).findings();
        assertTrue(found.stream().anyMatch(f -> f.verdict() == io.shortcutlens.audit.Verdict.SHORTCUT && f.finding().className().equals("bear")),
                "the watermark net's bear shortcut, to correct: " + found);

        String[] job = {"--findings", run.getAbsolutePath(), "--train", train.getAbsolutePath(), "--epochs", "2", "--skip-audit"};
        File clusterOut = new File(work, "correct-cluster");
        File log = new File(work, "correct.log");
        int rc = cluster.submit(log, concat(new String[] {"correct", "--master", cluster.masterUrl, "--conf", "spark.executor.memory=1g",
            "--conf", "spark.cores.max=2", "--conf", "spark.executorEnv.OMP_NUM_THREADS=1"}, concat(job, "--output", clusterOut.getAbsolutePath())));
        assertEquals(0, rc, "correct on the cluster failed:\n" + tail(log));
        CorrectJob local = new CorrectJob();
        Cli.commandLine(local).parseArgs(concat(job, "--output", new File(work, "correct-local").getAbsolutePath()));
        CorrectJob.Result localResult = local.run(TestSpark.session());
        org.nd4j.linalg.api.ndarray.INDArray onCluster = org.deeplearning4j.util.ModelSerializer.restoreMultiLayerNetwork(
                new File(clusterOut, "model/corrected.zip")).params();
        org.nd4j.linalg.api.ndarray.INDArray onLocal = org.deeplearning4j.util.ModelSerializer.restoreMultiLayerNetwork(
                new File(java.net.URI.create(localResult.correctedModel()))).params();
        org.nd4j.linalg.api.ndarray.INDArray start = org.deeplearning4j.util.ModelSerializer.restoreMultiLayerNetwork(TestSpark.model()).params();
        double diff = onCluster.sub(onLocal).amaxNumber().doubleValue();
        double moved = onLocal.sub(start).amaxNumber().doubleValue();
        System.out.printf("cluster test: fine-tuned parameters moved by up to %.3g; cluster and local[2] differ by at most %.3g%n", moved, diff);
        assertTrue(moved > 1e-4, "the fine-tuning changed the network");
        assertTrue(diff <= 1e-4, "cluster and local fine-tuning differ by " + diff);
        String manifest = Files.readString(new File(clusterOut, "manifest.json").toPath());
        assertTrue(manifest.contains("\"library\" : \"dl4j-spark\""), manifest);
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

    private static long tasksStarted(File executorLog) throws java.io.IOException {
        return executorLog.isFile() ? Files.readAllLines(executorLog.toPath()).stream().filter(l -> l.contains("Running task")).count() : 0;
    }

}
