package io.shortcutlens.model;

/**
 * The GPU the calling thread's task was given (set by {@code GpuBinder} when a task starts), for runtimes that pick a
 * device per call rather than through ND4J's affinity manager: ONNX Runtime runs such a thread's batches on a session
 * made for that device.
 */
public final class DeviceContext {
    private static final ThreadLocal<Integer> GPU = ThreadLocal.withInitial(() -> -1);

    private DeviceContext() { }

    /** Sets the calling thread's GPU ordinal, or -1 for none. */
    public static void setGpu(int ordinal) {
        GPU.set(ordinal);
    }

    /** The calling thread's GPU ordinal, -1 when its task has none. */
    public static int gpu() {
        return GPU.get();
    }
}
