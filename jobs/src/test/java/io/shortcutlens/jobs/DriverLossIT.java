package io.shortcutlens.jobs;

import static io.shortcutlens.jobs.StandaloneCluster.concat;
import static io.shortcutlens.jobs.StandaloneCluster.tail;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shortcutlens.demo.DemoData;
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
 * The driver of an explain job (submit.sh, its own JVM, local[2]) killed with SIGKILL while its tasks write: readers of
 * the explanations see the previous complete state (or nothing, on a first run), never part of a run; the same command
 * run again completes with every image exactly once per method. Both write modes: append-new (a first run) and
 * overwrite (a new run id beside a complete one). Executor loss on a real cluster is {@link StandaloneClusterIT}'s.
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
        assertEquals(0, StandaloneCluster.submitLocal(new File(work, "first-rerun.log"), first), tail(new File(work, "first-rerun.log")));
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
        assertEquals(0, StandaloneCluster.submitLocal(new File(work, "second-rerun.log"), second), tail(new File(work, "second-rerun.log")));
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
