package io.shortcutlens.model;

import java.io.File;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-JVM model cache: each executor reads a model file once and every task in that JVM reuses it.
 * Keyed by model id (content hash) and the user's overrides, so two runs with different settings never share.
 */
public final class ModelRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);
    private static final ConcurrentHashMap<ModelSpec, LoadedModel> CACHE = new ConcurrentHashMap<>();
    private static final AtomicInteger LOADS = new AtomicInteger();

    private ModelRegistry() { }

    /** Returns the cached model for this spec, reading {@code file} only the first time in this JVM. */
    public static LoadedModel get(ModelSpec spec, File file) {
        return CACHE.computeIfAbsent(spec, s -> {
            long t0 = System.nanoTime();
            LoadedModel m = ModelLoader.load(file, s);
            if (s.modelId() != null && !s.modelId().equals(m.modelId())) {
                throw new ModelLoadException("model file " + s.path() + " changed since the job started: hash " + m.modelId()
                        + " here, " + s.modelId() + " on the driver");
            }
            LOADS.incrementAndGet();
            LOG.info("loaded model {} ({}) in {} ms, input {}, {} classes", s.path(), m.modelId().substring(0, 12),
                    (System.nanoTime() - t0) / 1_000_000, m.inputShape(), m.numClasses());
            return m;
        });
    }

    /** How many times a model file was read in this JVM (tests check the once-per-JVM promise with it). */
    public static int loadCount() {
        return LOADS.get();
    }
}
