package io.shortcutlens.jobs;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shortcutlens.demo.TrailCameraScenes;
import io.shortcutlens.lake.LakeTables;
import io.shortcutlens.pipeline.ImageExplainPipeline;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Scheduled lake runs, as a property: a seeded random sequence of write modes (overwrite, append-new, error) over an
 * input that grows, changes and shrinks, with a changed parameter (a second run id) in between, checked after every
 * step against a model of what the output must hold — per run, exactly one row per image and method of the images it
 * has explained (overwrite: the current input; append-new: what it held plus the current input; error: nothing
 * changes once the output exists). Three episodes start from an empty output, opened by each mode followed by an
 * append-new of the same run (a first write leaves different markers behind), then go on at random. Seed: {@code -Dshortcutlens.sequence.seed=N}; it is in every failure message.
 */
class WriteModeSequenceTest {
    private static final List<String> METHODS = List.of("lime", "occlusion");

    private static byte[] png(long content) throws Exception {
        int[] px = TrailCameraScenes.scene(content % 2 == 0 ? "cow" : "sheep", false, content);
        BufferedImage img = new BufferedImage(TrailCameraScenes.SIZE, TrailCameraScenes.SIZE, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, TrailCameraScenes.SIZE, TrailCameraScenes.SIZE, px, 0, TrailCameraScenes.SIZE);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    @ParameterizedTest
    @EnumSource(LakeTables.Format.class)
    void randomSequencesOfWriteModesNeitherLoseNorDuplicateARow(LakeTables.Format format) throws Exception {
        long seed = Long.getLong("shortcutlens.sequence.seed", 20261202L);
        int steps = Integer.getInteger("shortcutlens.sequence.steps", 30);
        Random random = new Random(seed);
        int[] modes = new int[3];
        // three episodes on a fresh output, each opened by one mode and an append-new of the same run, then random
        List<String> openers = List.of("overwrite", "append-new", "error");
        for (int episode = 0; episode < openers.size(); episode++) {
            int length = steps / openers.size() + (episode < steps % openers.size() ? 1 : 0);
            episode(format, seed, episode, length, openers.get(episode), random, modes);
        }
        assertTrue(modes[0] >= 5 && modes[1] >= 5 && modes[2] >= 3, "seed " + seed + ": every mode was exercised: " + java.util.Arrays.toString(modes));
    }

    private static void episode(LakeTables.Format format, long seed, int episode, int steps, String opener, Random random, int[] modes) throws Exception {
        SparkSession spark = TestSpark.session();
        String model = TestSpark.model().getAbsolutePath();
        String name = "sequence-" + format + "-" + seed + "-" + episode;
        File lake = TestSpark.newDir(name);
        File out = TestSpark.newDir(name + "-out");
        File explanations = new File(out, "explanations");
        long content = seed * 1000 + episode * 100;
        Map<String, byte[]> input = new TreeMap<>();
        for (int i = 0; i < 2; i++) {
            input.put("img-" + i + ".png", png(content++));
        }
        int nextName = 2;
        Map<String, Set<String>> expected = new HashMap<>(); // run id -> image ids it must hold, each once per method
        Set<String> strides = new TreeSet<>();
        String stride = "16";
        long commits = 0;
        for (int step = 0; step < steps; step++) {
            String where = format + ", seed " + seed + ", episode " + episode + ", step " + step + ": ";
            if (step > 1) {
                // the input changes: new images, an image replaced by new content under its name, an image removed
                int change = random.nextInt(4);
                if (change == 1 || input.size() < 2) {
                    input.put("img-" + nextName++ + ".png", png(content++));
                } else if (change == 2) {
                    input.put(new ArrayList<>(input.keySet()).get(random.nextInt(input.size())), png(content++));
                } else if ((change == 3 || input.size() > 6) && input.size() > 2) {
                    input.remove(new ArrayList<>(input.keySet()).get(random.nextInt(input.size())));
                }
                stride = random.nextInt(3) == 0 ? "8" : "16";
            }
            for (File f : lake.listFiles()) {
                Files.delete(f.toPath());
            }
            Set<String> current = new TreeSet<>();
            for (Map.Entry<String, byte[]> e : input.entrySet()) {
                File f = new File(lake, e.getKey());
                Files.write(f.toPath(), e.getValue());
                current.add(ImageExplainPipeline.imageId(f.toURI().toString(), e.getValue()));
            }
            int m = random.nextInt(20);
            String mode = step == 0 ? opener : step == 1 ? "append-new" : m < 8 ? "overwrite" : m < 16 ? "append-new" : "error";
            modes[mode.equals("overwrite") ? 0 : mode.equals("append-new") ? 1 : 2]++;
            ExplainJob job = TestSpark.explainJob("--input", lake.getAbsolutePath(), "--model", model, "--output", out.getAbsolutePath(),
                    "--methods", String.join(",", METHODS), "--occlusion-mask-size", "16", "--occlusion-stride", stride, "--lime-samples", "10",
                    "--mode", mode, "--table-format", format.name());
            if (mode.equals("error") && explanations.exists()) {
                assertThrows(Exception.class, () -> job.run(spark), where + "error mode over an existing output must refuse");
            } else {
                ExplainJob.Result r = job.run(spark);
                if (!mode.equals("append-new") || r.newRows() > 0) {
                    commits++; // a rerun that finds nothing new commits nothing: the history grows by the runs that changed the table
                }
                strides.add(stride);
                Set<String> before = expected.getOrDefault(r.runId(), Set.of());
                Set<String> now = new TreeSet<>(current);
                if (mode.equals("append-new")) {
                    now.addAll(before);
                    Set<String> added = new TreeSet<>(current);
                    added.removeAll(before);
                    assertEquals(added.size() * METHODS.size(), r.newRows(), where + "append-new writes exactly the images it has not explained");
                }
                expected.put(r.runId(), now);
            }
            // what is stored equals the model: every (run, image, method) once, nothing else
            Map<String, Map<String, Long>> stored = new TreeMap<>();
            if (explanations.exists()) {
                for (Row row : LakeTables.read(spark, explanations.getAbsolutePath()).groupBy("run_id", "image_id", "method").count().collectAsList()) {
                    assertEquals(1L, row.getLong(3), where + "row stored twice: " + row);
                    stored.computeIfAbsent(row.getString(0), k -> new TreeMap<>()).merge(row.getString(1), 1L, Long::sum);
                }
            }
            assertEquals(expected.keySet(), stored.keySet(), where + "runs stored");
            for (Map.Entry<String, Set<String>> run : expected.entrySet()) {
                Map<String, Long> perImage = stored.get(run.getKey());
                assertEquals(run.getValue(), perImage.keySet(), where + "images of run " + run.getKey() + " (mode " + mode + ")");
                assertTrue(perImage.values().stream().allMatch(n -> n == METHODS.size()), where + "every method once per image: " + perImage);
            }
        }
        assertTrue(LakeTables.read(spark, explanations.getAbsolutePath()).where(col("error").isNotNull()).isEmpty(), "no error rows");
        if (format == LakeTables.Format.DELTA) {
            // one commit per run that wrote rows (an error-mode refusal and an append-new with nothing new commit nothing)
            long history = io.delta.tables.DeltaTable.forPath(spark, explanations.getAbsolutePath()).history().count();
            assertEquals(commits, history, "seed " + seed + ", episode " + episode + ": one Delta commit per run that wrote");
        }
    }
}
