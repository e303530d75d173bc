package io.shortcutlens.explain;

/**
 * Per-image random seeds: a function of the image id (its content hash) and the run seed only, so a map does not
 * depend on partitioning, executor or processing order.
 */
public final class Seeds {
    private Seeds() { }

    public static long forImage(String imageId, long runSeed) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < imageId.length(); i++) {
            h ^= imageId.charAt(i);
            h *= 0x100000001b3L;
        }
        return mix(h ^ mix(runSeed));
    }

    /** SplitMix64's finaliser. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
