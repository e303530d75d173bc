package io.shortcutlens.jobs;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real Spark standalone cluster on 127.0.0.1 for tests: one master and N workers, each its own JVM, started from the
 * project's own dependency jars (a SPARK_HOME folder whose {@code jars/} links them), executors launched by the workers
 * in their own JVMs. {@link #close()} stops every process it started, by PID, with its children (the executors).
 */
final class StandaloneCluster implements AutoCloseable {
    final String masterUrl;
    final File home;
    private final List<Process> processes = new ArrayList<>();

    private StandaloneCluster(String masterUrl, File home) {
        this.masterUrl = masterUrl;
        this.home = home;
    }

    /** The project root (where submit.sh is). */
    static File root() {
        File dir = new File("").getAbsoluteFile();
        return new File(dir, "submit.sh").isFile() ? dir : dir.getParentFile();
    }

    static StandaloneCluster start(File work, int workers, int coresPerWorker, String workerMemory, Map<String, String> workerEnv)
            throws IOException, InterruptedException {
        return start(work, workers, coresPerWorker, workerMemory, workerEnv, Map.of());
    }

    /** @param workerConf Spark properties of the workers (e.g. the resources they offer), given as their properties file */
    static StandaloneCluster start(File work, int workers, int coresPerWorker, String workerMemory, Map<String, String> workerEnv,
                                   Map<String, String> workerConf) throws IOException, InterruptedException {
        File root = root();
        File cp = new File(root, "jobs/target/embedded-classpath.txt");
        if (!cp.isFile()) {
            throw new IllegalStateException(cp + " is missing: run the package phase first (mvn verify runs *IT tests after it)");
        }
        File home = new File(work, "spark-home");
        File jars = new File(home, "jars");
        jars.mkdirs();
        // Spark's launcher takes a folder with a RELEASE file for a distribution and uses its jars/
        Files.writeString(new File(home, "RELEASE").toPath(), "Spark from the ShortcutLens dependency jars\n");
        for (String jar : Files.readString(cp.toPath()).trim().split(File.pathSeparator)) {
            File j = new File(jar);
            Path link = new File(jars, j.getName()).toPath();
            if (!j.getName().startsWith("shortcutlens") && !Files.exists(link)) {
                Files.createSymbolicLink(link, j.toPath());
            }
        }
        int masterPort = freePort();
        StandaloneCluster c = new StandaloneCluster("spark://127.0.0.1:" + masterPort, home);
        try {
            c.launch(work, "master", "org.apache.spark.deploy.master.Master", Map.of(), "--host", "127.0.0.1", "--port",
                    String.valueOf(masterPort), "--webui-port", String.valueOf(freePort()));
            waitForPort(masterPort, 120_000);
            File props = new File(work, "worker.properties");
            StringBuilder p = new StringBuilder();
            workerConf.forEach((k, v) -> p.append(k).append('=').append(v).append('\n'));
            Files.writeString(props.toPath(), p.toString());
            for (int i = 0; i < workers; i++) {
                File dir = new File(work, "worker-" + i);
                dir.mkdirs();
                c.launch(work, "worker-" + i, "org.apache.spark.deploy.worker.Worker", workerEnv, "--host", "127.0.0.1", "--cores",
                        String.valueOf(coresPerWorker), "--memory", workerMemory, "--work-dir", dir.getAbsolutePath(), "--webui-port",
                        String.valueOf(freePort()), "--properties-file", props.getAbsolutePath(), c.masterUrl);
            }
            return c;
        } catch (IOException | InterruptedException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private void launch(File work, String name, String mainClass, Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xmx512m", "-cp", home.getAbsolutePath() + "/jars/*",
                "-Dlog4j2.configurationFile=" + new File(root(), "conf/log4j2.properties").getAbsolutePath(), mainClass));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(new File(work, name + ".log"));
        pb.environment().put("SPARK_HOME", home.getAbsolutePath());
        pb.environment().put("SPARK_SCALA_VERSION", "2.12");
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().putAll(env);
        processes.add(pb.start());
    }

    static String javaBin() {
        return new File(System.getProperty("java.home"), "bin/java").getAbsolutePath();
    }

    /** Runs {@code ./submit.sh ARGS} against this cluster (embedded spark-submit, client mode) and returns its exit code. */
    int submit(File log, String... args) throws IOException, InterruptedException {
        return finish(startSubmit(log, args), log);
    }

    /** Starts {@code ./submit.sh ARGS} (its output to {@code log}) and returns at once. */
    Process startSubmit(File log, String... args) throws IOException {
        return startSubmitLocal(log, args);
    }

    /** Runs {@code ./submit.sh ARGS} without a cluster (the arguments say the master) and returns its exit code. */
    static int submitLocal(File log, String... args) throws IOException, InterruptedException {
        return finish(startSubmitLocal(log, args), log);
    }

    /** Starts {@code ./submit.sh ARGS} as its own process tree, output to {@code log}, and returns at once. */
    static Process startSubmitLocal(File log, String... args) throws IOException {
        return startSubmitLocal(log, java.util.Map.of(), args);
    }

    /** Starts {@code ./submit.sh ARGS} with {@code env} added to its environment (a debugger agent's options). */
    static Process startSubmitLocal(File log, java.util.Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("bash", new File(root(), "submit.sh").getAbsolutePath()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).directory(root());
        pb.environment().remove("SPARK_HOME"); // embedded spark-submit from the project's jars
        pb.environment().put("SHORTCUTLENS_DRIVER_MEMORY", "1g");
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().putAll(env);
        return pb.start();
    }

    /** Waits (15 minutes at most) for a submission and returns its exit code. */
    static int finish(Process p, File log) throws InterruptedException {
        if (!p.waitFor(15, java.util.concurrent.TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new IllegalStateException("submit.sh did not finish in 15 minutes; log " + log);
        }
        return p.exitValue();
    }

    /** PIDs of the executor JVMs the workers run now. */
    List<ProcessHandle> executors() {
        List<ProcessHandle> out = new ArrayList<>();
        for (Process p : processes) {
            p.toHandle().descendants().filter(h -> h.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend")).forEach(out::add);
        }
        return out;
    }

    /** The stderr log of an executor JVM (WORKER_DIR/APP_ID/EXECUTOR_ID/stderr), found from its command line. */
    File executorLog(ProcessHandle executor) {
        String[] args = executor.info().arguments().orElse(new String[0]);
        String id = null;
        String app = null;
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--executor-id")) {
                id = args[i + 1];
            } else if (args[i].equals("--app-id")) {
                app = args[i + 1];
            }
        }
        for (File worker : home.getParentFile().listFiles((d, n) -> n.startsWith("worker-") && d.isDirectory())) {
            File f = new File(worker, app + "/" + id + "/stderr");
            if (f.isFile()) {
                return f;
            }
        }
        throw new IllegalStateException("no log for executor " + id + " of " + app);
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (Process p : processes) {
            try {
                p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** The last 4,000 characters of a log, for failure messages. */
    static String tail(File log) throws IOException {
        String s = Files.readString(log.toPath());
        return s.substring(Math.max(0, s.length() - 4000));
    }

    /** Kills a submission (the driver JVM and the shell around it) at once, as a lost node would. */
    static void kill(Process submit) throws InterruptedException {
        submit.descendants().forEach(ProcessHandle::destroyForcibly);
        submit.destroyForcibly();
        submit.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void waitForPort(int port, long timeoutMs) throws InterruptedException, IOException {
        long end = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < end) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(500);
            }
        }
        throw new IOException("nothing listens on 127.0.0.1:" + port + " after " + timeoutMs + " ms");
    }
}
