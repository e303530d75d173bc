package io.shortcutlens.jobs;

import static io.shortcutlens.jobs.StandaloneCluster.tail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shortcutlens.demo.DemoData;
import io.shortcutlens.lake.RunManifest;
import java.io.File;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GPU scheduling on a standalone cluster whose worker announces two GPUs through a discovery script (fake addresses:
 * there is no GPU here). The explain job asks for two GPUs per executor and one per task; each task's binder gets the
 * address Spark assigned it, and without a CUDA backend the task runs on the CPU and logs so.
 */
class GpuSchedulingIT {
    private static File work;
    private static StandaloneCluster cluster;
    private static File discovery;

    @BeforeAll
    static void startCluster() throws Exception {
        work = TestSpark.newDir("gpu-scheduling");
        discovery = new File(work, "fake-gpus.sh");
        Files.writeString(discovery.toPath(), "#!/usr/bin/env bash\necho '{\"name\": \"gpu\", \"addresses\": [\"0\", \"1\"]}'\n");
        assertTrue(discovery.setExecutable(true));
        cluster = StandaloneCluster.start(work, 1, 2, "2g", Map.of(), Map.of("spark.worker.resource.gpu.amount", "2",
                "spark.worker.resource.gpu.discoveryScript", discovery.getAbsolutePath()));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void eachTaskIsBoundToTheGpuAddressSparkAssignedIt() throws Exception {
        File images = new File(work, "images");
        DemoData.writeFolder(DemoData.split(4, DemoData.Stamping.BEARS, 23), images); // 12 images
        File out = new File(work, "out");
        File log = new File(work, "explain.log");
        int rc = cluster.submit(log, "explain", "--master", cluster.masterUrl, "--conf", "spark.executor.memory=1g", "--conf", "spark.executor.cores=2",
                "--conf", "spark.executor.resource.gpu.amount=2", "--conf", "spark.task.resource.gpu.amount=1", "--conf",
                "spark.executor.resource.gpu.discoveryScript=" + discovery.getAbsolutePath(), "--input", images.getAbsolutePath(), "--model",
                TestSpark.model().getAbsolutePath(), "--output", out.getAbsolutePath(), "--methods", "occlusion", "--occlusion-mask-size", "8",
                "--occlusion-stride", "8", "--partitions", "6");
        assertEquals(0, rc, tail(log));

        // what the tasks saw, from the run's manifest: each task one address, both addresses used, no CUDA here
        Map<String, Object> manifest = RunManifest.read(TestSpark.session(), new File(out, "manifest.json").getAbsolutePath());
        assertEquals(List.of("0=cpu", "1=cpu"), manifest.get("task_devices"), manifest.toString());
        assertEquals(12L, ((Number) manifest.get("output_rows")).longValue());

        // and from the executor's log: the binder was called, per task, with the address Spark assigned
        Pattern bound = Pattern.compile("task (\\d+) \\(stage \\d+, partition (\\d+)\\) bound to GPU address (\\S+): no CUDA backend, running on cpu");
        Set<String> addresses = new TreeSet<>();
        Set<String> partitions = new TreeSet<>();
        String executorLog = executorLogs();
        Matcher m = bound.matcher(executorLog);
        while (m.find()) {
            addresses.add(m.group(3));
            partitions.add(m.group(2));
        }
        assertEquals(Set.of("0", "1"), addresses, executorLog.length() > 3000 ? executorLog.substring(executorLog.length() - 3000) : executorLog);
        assertEquals(6, partitions.size(), "every explain task was bound: " + partitions);
        assertTrue(executorLog.contains("not CUDA: tasks run on the CPU"), "the CPU fallback is logged");
        System.out.println("fake GPUs: tasks bound to addresses " + addresses + " over " + partitions.size() + " partitions");
    }

    private static String executorLogs() throws Exception {
        StringBuilder all = new StringBuilder();
        try (Stream<java.nio.file.Path> files = Files.walk(new File(work, "worker-0").toPath())) {
            for (java.nio.file.Path f : files.filter(p -> p.getFileName().toString().equals("stderr")).toList()) {
                all.append(Files.readString(f));
            }
        }
        return all.toString();
    }
}
