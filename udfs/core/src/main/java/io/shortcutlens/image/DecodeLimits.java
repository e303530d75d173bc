package io.shortcutlens.image;

import java.io.Serializable;

/**
 * Guards applied before an image is decoded: the encoded size and the number of pixels the header declares.
 * The pixel check happens on the header alone, so a small file that declares huge dimensions
 * (a decompression bomb) is refused without allocating its raster.
 */
public final class DecodeLimits implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final long DEFAULT_MAX_FILE_BYTES = 64L * 1024 * 1024;
    public static final long DEFAULT_MAX_PIXELS = 40_000_000L;

    private final long maxFileBytes;
    private final long maxPixels;

    public DecodeLimits(long maxFileBytes, long maxPixels) {
        if (maxFileBytes <= 0) {
            throw new IllegalArgumentException("maxFileBytes must be positive, found " + maxFileBytes);
        }
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("maxPixels must be positive, found " + maxPixels);
        }
        this.maxFileBytes = maxFileBytes;
        this.maxPixels = maxPixels;
    }

    public static DecodeLimits defaults() {
        return new DecodeLimits(DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_PIXELS);
    }

    public long maxFileBytes() {
        return maxFileBytes;
    }

    public long maxPixels() {
        return maxPixels;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DecodeLimits d && d.maxFileBytes == maxFileBytes && d.maxPixels == maxPixels;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(maxFileBytes) * 31 + Long.hashCode(maxPixels);
    }

    @Override
    public String toString() {
        return "maxFileBytes=" + maxFileBytes + ",maxPixels=" + maxPixels;
    }
}
