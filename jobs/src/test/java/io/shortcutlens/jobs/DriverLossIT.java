package io.shortcutlens.jobs;

import static io.shortcutlens.jobs.StandaloneCluster.concat;
import static io.shortcutlens.jobs.StandaloneCluster.tail;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shortcutlens.demo.DemoData;
import io.shortcutlens.lake.LakeTables;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The driver of an explain job (submit.sh, its own JVM, local[2]) killed with SIGKILL while its tasks write, and for
 * Delta tables also inside the commit: readers of the explanations see the previous complete state (or nothing, on a
 * first run), never part of a run; the same command run again (in this JVM's session) completes with every image
 * exactly once per method. Parquet: append-new (a first run) and overwrite (a new run id beside a complete one); Delta:
 * a replaceWhere overwrite and a MERGE. Executor loss on a real cluster is {@link StandaloneClusterIT}'s.
 */
class DriverLossIT {
    private static final int IMAGES = 36;
    private static File work;

    @BeforeAll
    static void prepare() throws Exception {
        work = TestSpark.newDir("driver-loss");
    }

    @Test
    void aDriverKilledWhileWritingLeavesOnlyCommittedRunsAndTheRerunCompletes() throws Exception {
        File images = new File(work, "images");
        DemoData.writeFolder(DemoData.split(IMAGES / 3, DemoData.Stamping.BEARS, 17), images);
        File out = new File(work, "out");
        File explanations = new File(out, "explanations");
        String[] job = {"explain", "--master", "local[2]", "--input", images.getAbsolutePath(), "--model", TestSpark.model().getAbsolutePath(), "--output", out.getAbsolutePath(),
            "--methods", "occlusion", "--occlusion-mask-size", "4", "--partitions", "12"};

        // 1. a first run, append-new, killed once some of its tasks have written: nothing is visible
        String[] first = concat(job, "--occlusion-stride", "2", "--mode", "append-new");
        killWhileWriting(first, "first");
        assertEquals(0, visibleRows(explanations), "a killed first run shows readers nothing");
        assertFalse(new File(out, "manifest.json").exists(), "no manifest for a run that did not finish");

        // 2. the same command again: complete, each image once
        rerun(first);
        List<Row> runs = countsByRun(explanations);
        assertEquals(1, runs.size(), runs.toString());
        String firstRun = runs.get(0).getString(0);
        assertEquals(IMAGES, runs.get(0).getLong(1), "every image once after the rerun: " + runs);
        assertEquals(IMAGES, distinctImages(explanations, firstRun));

        // 3. a changed parameter (new run id), overwrite mode, killed while writing: readers still see the first run only
        String[] second = concat(job, "--occlusion-stride", "4");
        killWhileWriting(second, "second");
        assertEquals(List.of(List.of(firstRun, (long) IMAGES)), asLists(countsByRun(explanations)), "only the committed run is visible");
        assertTrue(Files.readString(new File(out, "manifest.json").toPath()).contains(firstRun), "the manifest still describes the first run");

        // 4. the second command again: both runs complete, side by side
        rerun(second);
        List<Row> after = countsByRun(explanations);
        assertEquals(2, after.size(), after.toString());
        for (Row r : after) {
            assertEquals(IMAGES, r.getLong(1), after.toString());
            assertEquals(IMAGES, distinctImages(explanations, r.getString(0)));
        }
        try (Stream<java.nio.file.Path> leftovers = Files.list(explanations.toPath())) {
            assertEquals(List.of(), leftovers.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("_temporary")
                    || n.startsWith(".spark-staging")).toList(), "the reruns leave no uncommitted output behind");
        }
    }

    /**
     * Delta: a driver killed while its tasks write, and one killed inside the commit itself (held by a debugger at the
     * moment it writes the log entry, its data files all written), leave readers exactly the previous version; the
     * rerun completes with every row once; the history holds one commit per completed run, each with its run's
     * manifest, and an earlier version is still readable.
     */
    @Test
    void aDriverKilledWhileWritingOrCommittingLeavesTheDeltaTablesPreviousVersion() throws Exception {
        File images = new File(work, "delta-images");
        DemoData.writeFolder(DemoData.split(IMAGES / 3, DemoData.Stamping.BEARS, 19), images);
        File out = new File(work, "delta-out");
        String explanations = new File(out, "explanations").getAbsolutePath();
        String[] job = {"explain", "--master", "local[2]", "--input", images.getAbsolutePath(), "--model", TestSpark.model().getAbsolutePath(), "--output", out.getAbsolutePath(),
            "--methods", "occlusion", "--occlusion-mask-size", "4", "--partitions", "12", "--table-format", "delta"};
        org.apache.spark.sql.SparkSession spark = TestSpark.session();

        // 1. a first run completes: version 0
        rerun(concat(job, "--occlusion-stride", "2", "--mode", "append-new"));
        assertEquals(Long.valueOf(0), LakeTables.version(spark, explanations));
        List<List<Object>> v0 = asLists(LakeTables.read(spark, explanations).groupBy("run_id").count().collectAsList());
        assertEquals(1, v0.size());
        assertEquals((long) IMAGES, v0.get(0).get(1));
        long filesBefore = dataFiles(new File(explanations));

        // 2. a second run (new parameter, overwrite: a replaceWhere commit) killed while its tasks write
        String[] second = concat(job, "--occlusion-stride", "4");
        killWhenFilesAppear(second, "delta-writing", new File(explanations), filesBefore);
        assertEquals(Long.valueOf(0), LakeTables.version(spark, explanations), "no commit from a run killed while writing");
        assertEquals(v0, asLists(LakeTables.read(spark, explanations).groupBy("run_id").count().collectAsList()), "readers see version 0");

        // 3. the second run again, append-new (a MERGE commit), killed inside the commit: every data file written, no log entry
        String[] secondAppend = concat(second, "--mode", "append-new");
        long orphans = killInsideCommit(secondAppend, "delta-commit", new File(explanations));
        assertTrue(orphans > 0, "the commit was reached: the run's data files are written");
        assertEquals(Long.valueOf(0), LakeTables.version(spark, explanations), "no commit from a run killed inside its commit");
        assertEquals(v0, asLists(LakeTables.read(spark, explanations).groupBy("run_id").count().collectAsList()), "readers still see version 0");

        // 4. the same command again completes: both runs, every image once; one commit per completed run
        rerun(secondAppend);
        List<Row> runs = LakeTables.read(spark, explanations).groupBy("run_id").agg(org.apache.spark.sql.functions.count("*"),
                org.apache.spark.sql.functions.countDistinct("image_id", "method")).orderBy("run_id").collectAsList();
        assertEquals(2, runs.size(), runs.toString());
        for (Row r : runs) {
            assertEquals(IMAGES, r.getLong(1), runs.toString());
            assertEquals(IMAGES, r.getLong(2), runs.toString());
        }
        List<Row> history = spark.sql("DESCRIBE HISTORY delta.`" + explanations + "`").select("version", "operation", "userMetadata")
                .orderBy("version").collectAsList();
        assertEquals(2, history.size(), "one commit per completed run: " + history);
        assertEquals("MERGE", history.get(1).getString(1), history.toString());
        for (int v = 0; v < 2; v++) { // each commit carries its run's manifest
            io.shortcutlens.pipeline.ExplainManifest m = io.shortcutlens.pipeline.ExplainManifest.parse(history.get(v).getString(2));
            assertEquals(v + 1, LakeTables.read(spark, explanations, (long) v).select("run_id").distinct().count(), "runs at version " + v);
            assertTrue(runs.stream().anyMatch(r -> r.getString(0).equals(m.runId())), m.runId());
        }
        assertEquals(v0, asLists(LakeTables.read(spark, explanations, 0L).groupBy("run_id").count().collectAsList()), "version 0 is still readable");
        assertTrue(Files.readString(new File(out, "manifest.json").toPath()).contains("\"version\" : 1"), "the manifest names the version its run committed");
    }

    /**
     * The same explain command completed in this JVM's session (local[2]) rather than a new driver: what a completed run
     * writes does not depend on the process it ran in, and the suite is spared a driver's start-up.
     */
    private static void rerun(String[] submitArgs) {
        List<String> args = new java.util.ArrayList<>(java.util.Arrays.asList(submitArgs).subList(1, submitArgs.length)); // no "explain"
        int master = args.indexOf("--master");
        args.subList(master, master + 2).clear();
        TestSpark.explainJob(args.toArray(new String[0])).run(TestSpark.session());
    }

    /** Parquet data files under a table's folder, the Delta log left out. */
    private static long dataFiles(File table) throws IOException {
        try (Stream<java.nio.file.Path> files = Files.walk(table.toPath())) {
            return files.filter(f -> f.getFileName().toString().endsWith(".parquet") && !f.toString().contains("/" + LakeTables.DELTA_LOG + "/")).count();
        } catch (java.io.UncheckedIOException | java.nio.file.NoSuchFileException racing) {
            return 0;
        }
    }

    /** Starts a submission and kills its driver once its tasks have written three data files more than the table held. */
    private static void killWhenFilesAppear(String[] args, String name, File table, long before) throws Exception {
        File log = new File(work, name + ".log");
        Process p = StandaloneCluster.startSubmitLocal(log, args);
        long deadline = System.currentTimeMillis() + 300_000;
        while (dataFiles(table) < before + 3) {
            assertTrue(p.isAlive(), "the job ended before it could be killed:\n" + tail(log));
            assertTrue(System.currentTimeMillis() < deadline, "no task output after 5 minutes:\n" + tail(log));
            Thread.sleep(50);
        }
        StandaloneCluster.kill(p);
        System.out.println("driver killed (" + name + ") with " + (dataFiles(table) - before) + " data files written, uncommitted");
    }

    /**
     * Starts a submission under a debugger, holds its driver when it calls a Delta log store's {@code write} (the commit's
     * log entry, after every task has written), kills it there, and returns the data files it had written.
     */
    private static long killInsideCommit(String[] args, String name, File table) throws Exception {
        File log = new File(work, name + ".log");
        long before = dataFiles(table);
        int port = StandaloneCluster.freePort();
        Process p = StandaloneCluster.startSubmitLocal(log, java.util.Map.of("JAVA_TOOL_OPTIONS",
                "-agentlib:jdwp=transport=dt_socket,server=y,suspend=y,address=127.0.0.1:" + port), args);
        try (CommitBreakpoint held = CommitBreakpoint.attach(port, 120_000)) {
            assertTrue(held.await(300_000), "the driver never reached a Delta commit:\n" + tail(log));
            System.out.println("driver held inside the commit at " + held.where());
            StandaloneCluster.kill(p);
        } finally {
            if (p.isAlive()) {
                StandaloneCluster.kill(p);
            }
        }
        long written = dataFiles(table) - before;
        System.out.println("driver killed (" + name + ") inside the commit with " + written + " data files written");
        return written;
    }

    /** Starts a submission, waits until task output has been written but not committed, and kills the driver. */
    private static void killWhileWriting(String[] args, String name) throws Exception {
        File log = new File(work, name + ".log");
        File explanations = new File(args[indexOf(args, "--output") + 1], "explanations");
        Process p = StandaloneCluster.startSubmitLocal(log, args);
        long deadline = System.currentTimeMillis() + 300_000;
        while (uncommittedParts(explanations) < 3) {
            assertTrue(p.isAlive(), "the job ended before it could be killed:\n" + tail(log));
            assertTrue(System.currentTimeMillis() < deadline, "no task output after 5 minutes:\n" + tail(log));
            Thread.sleep(50);
        }
        StandaloneCluster.kill(p);
        long parts = uncommittedParts(explanations);
        System.out.println("driver killed (" + name + ") with " + parts + " task outputs written, uncommitted");
        assertTrue(parts >= 3);
    }

    /** Parquet files under the hidden folders where Spark's committers keep task output until the job commits. */
    private static long uncommittedParts(File explanations) throws IOException {
        File[] hidden = explanations.listFiles((d, n) -> n.startsWith("_temporary") || n.startsWith(".spark-staging"));
        long n = 0;
        for (File h : hidden == null ? new File[0] : hidden) {
            try (Stream<java.nio.file.Path> files = Files.walk(h.toPath())) {
                n += files.filter(f -> f.getFileName().toString().startsWith("part-") && f.toString().contains("/task_")).count();
            } catch (java.io.UncheckedIOException | java.nio.file.NoSuchFileException racing) {
                // the committer moves files while we look: count again next time
            }
        }
        return n;
    }

    private static long visibleRows(File explanations) {
        if (!explanations.exists()) {
            return 0;
        }
        try {
            return TestSpark.session().read().parquet(explanations.getAbsolutePath()).count();
        } catch (Exception e) {
            if (e instanceof AnalysisException && e.getMessage().contains("Unable to infer schema")) {
                return 0; // a folder with no committed file: nothing to read
            }
            throw e;
        }
    }

    private static List<Row> countsByRun(File explanations) {
        return TestSpark.session().read().parquet(explanations.getAbsolutePath()).groupBy("run_id").count().orderBy("run_id").collectAsList();
    }

    private static long distinctImages(File explanations, String runId) {
        return TestSpark.session().read().parquet(explanations.getAbsolutePath()).where(col("run_id").equalTo(runId))
                .select("image_id", "method").distinct().count();
    }

    private static List<List<Object>> asLists(List<Row> rows) {
        return rows.stream().map(r -> List.<Object>of(r.getString(0), r.getLong(1))).toList();
    }

    private static int indexOf(String[] a, String s) {
        return java.util.Arrays.asList(a).indexOf(s);
    }
}
