package io.shortcutlens.spark;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds a task's thread to the GPU Spark assigned the task. With resource scheduling on
 * ({@code spark.executor.resource.gpu.amount}, {@code spark.task.resource.gpu.amount}; see conf/gpu.conf) each task
 * gets GPU addresses from {@link TaskContext#resources()}; under ND4J's CUDA backend (the {@code -Pgpu} build) the
 * thread is set to that device, so the model copy it borrows and the arrays it makes live there. Under the CPU backend
 * the task runs on the CPU and says so in the executor's log.
 */
public final class GpuBinder {
    private static final Logger LOG = LoggerFactory.getLogger(GpuBinder.class);
    private static final AtomicBoolean WARNED = new AtomicBoolean();
    private static final ThreadLocal<Long> BOUND_ATTEMPT = new ThreadLocal<>();

    private GpuBinder() { }

    /**
     * What a task got and where it runs.
     *
     * @param addresses the GPU addresses Spark assigned the task (empty when none)
     * @param device    where its arrays live: {@code cuda:N} or {@code cpu}
     */
    public record Binding(List<String> addresses, String device) {
        /** {@code address=device}, or {@code none=cpu}: one entry of the run's manifest. */
        public String describe() {
            return (addresses.isEmpty() ? "none" : String.join("+", addresses)) + "=" + device;
        }
    }

    /** Binds the calling thread for the running task (a no-op outside a task, and after the first call in a task). */
    public static Binding bindTask() {
        TaskContext task = TaskContext.get();
        if (task == null) {
            return new Binding(List.of(), "cpu");
        }
        ResourceInformation gpu = task.resourcesJMap().get("gpu");
        List<String> addresses = gpu == null ? List.of() : Arrays.asList(gpu.addresses());
        boolean first = !Long.valueOf(task.taskAttemptId()).equals(BOUND_ATTEMPT.get());
        BOUND_ATTEMPT.set(task.taskAttemptId());
        String label = "task " + task.taskAttemptId() + " (stage " + task.stageId() + ", partition " + task.partitionId() + ")";
        Binding b = bind(addresses, Nd4j.getBackend().getClass().getSimpleName(), d -> Nd4j.getAffinityManager().unsafeSetDevice(d), label, first);
        // ONNX Runtime picks its session by this, whatever ND4J's backend (its CUDA build can run where ND4J's CPU one does)
        io.shortcutlens.model.DeviceContext.setGpu(addresses.isEmpty() ? -1 : Integer.parseInt(addresses.get(0).trim()));
        return b;
    }

    /**
     * The binding rule, apart from Spark and ND4J: the first assigned address picks the device when the backend is
     * CUDA; otherwise the task stays on the CPU.
     *
     * @param backend   ND4J's backend class name ({@code JCublasBackend} for CUDA)
     * @param setDevice sets the calling thread's ND4J device
     * @param log       whether to write the binding to the log
     */
    static Binding bind(List<String> addresses, String backend, IntConsumer setDevice, String task, boolean log) {
        if (addresses.isEmpty()) {
            return new Binding(addresses, "cpu");
        }
        boolean cuda = backend.contains("JCublas") || backend.toLowerCase(java.util.Locale.ROOT).contains("cuda");
        int device;
        try {
            device = Integer.parseInt(addresses.get(0).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("GPU address '" + addresses.get(0) + "' given to " + task + " is not a device number:"
                    + " the discovery script (spark.executor.resource.gpu.discoveryScript) must announce CUDA ordinals such as \"0\"", e);
        }
        if (!cuda) {
            if (WARNED.compareAndSet(false, true)) {
                LOG.warn("Spark assigns GPUs to tasks but ND4J's backend here is {}, not CUDA: tasks run on the CPU (build with -Pgpu"
                        + " for the CUDA backend)", backend);
            }
            if (log) {
                LOG.info("{} bound to GPU address {}: no CUDA backend, running on cpu", task, String.join("+", addresses));
            }
            return new Binding(addresses, "cpu");
        }
        setDevice.accept(device);
        if (log) {
            LOG.info("{} bound to GPU address {}: cuda:{}", task, String.join("+", addresses), device);
        }
        return new Binding(addresses, "cuda:" + device);
    }
}
