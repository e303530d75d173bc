package io.shortcutlens.image;

import java.io.Serializable;

/** The model's input as channels × height × width (NCHW without the batch axis). */
public final class InputShape implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int channels;
    private final int height;
    private final int width;

    public InputShape(int channels, int height, int width) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("ShortcutLens feeds images with 1 or 3 channels, found " + channels);
        }
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("input height and width must be positive, found " + height + "x" + width);
        }
        this.channels = channels;
        this.height = height;
        this.width = width;
    }

    /** The shape as {@code [C, H, W]}: its JSON form in a run's manifest. */
    @com.fasterxml.jackson.annotation.JsonValue
    public java.util.List<Integer> dims() {
        return java.util.List.of(channels, height, width);
    }

    /** The shape {@link #dims()} gives. */
    @com.fasterxml.jackson.annotation.JsonCreator
    public static InputShape of(java.util.List<Integer> dims) {
        if (dims == null || dims.size() != 3) {
            throw new IllegalArgumentException("input shape must be [channels, height, width], found " + dims);
        }
        return new InputShape(dims.get(0), dims.get(1), dims.get(2));
    }

    /** Parses {@code C,H,W} or {@code CxHxW}. */
    public static InputShape parse(String text) {
        String[] parts = text.trim().split("[,x×]");
        if (parts.length != 3) {
            throw new IllegalArgumentException("input shape must be channels,height,width (e.g. 3,224,224), found '" + text + "'");
        }
        try {
            return new InputShape(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()),
                    Integer.parseInt(parts[2].trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("input shape must be three integers channels,height,width, found '" + text + "'", e);
        }
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public int pixels() {
        return height * width;
    }

    public int size() {
        return channels * height * width;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InputShape s && s.channels == channels && s.height == height && s.width == width;
    }

    @Override
    public int hashCode() {
        return (channels * 31 + height) * 31 + width;
    }

    /** As {@code [C, H, W]}, the form error messages use. */
    @Override
    public String toString() {
        return "[" + channels + ", " + height + ", " + width + "]";
    }
}
