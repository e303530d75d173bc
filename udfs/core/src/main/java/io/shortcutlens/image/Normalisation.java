package io.shortcutlens.image;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;

/**
 * How decoded pixels (0..255, RGB) become model input: {@code x = (pixel * scale - mean[c]) / std[c]},
 * with channels in RGB or BGR order. The same object is written into every output row so a map can say how
 * its input was made.
 */
public final class Normalisation implements Serializable {
    private static final long serialVersionUID = 1L;

    public enum ChannelOrder { RGB, BGR }

    private final double scale;
    private final double[] mean;
    private final double[] std;
    private final ChannelOrder order;

    public Normalisation(double scale, double[] mean, double[] std, ChannelOrder order) {
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("scale must be a positive number, found " + scale);
        }
        if (mean.length != 1 && mean.length != 3) {
            throw new IllegalArgumentException("mean must have 1 or 3 values, found " + mean.length);
        }
        if (std.length != 1 && std.length != 3) {
            throw new IllegalArgumentException("std must have 1 or 3 values, found " + std.length);
        }
        for (double s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("std values must be positive, found " + Arrays.toString(std));
            }
        }
        this.scale = scale;
        this.mean = mean.clone();
        this.std = std.clone();
        this.order = order;
    }

    /** Pixels scaled to 0..1, no centring: what the project's own models are trained on. */
    public static Normalisation unitScale() {
        return new Normalisation(1.0 / 255.0, new double[] {0}, new double[] {1}, ChannelOrder.RGB);
    }

    /** Parses the form {@link #toString()} writes: {@code scale=0.0039,mean=0:0:0,std=1:1:1,order=RGB}; missing keys keep the unit-scale defaults. */
    public static Normalisation parse(String text) {
        Normalisation d = unitScale();
        double scale = d.scale;
        double[] mean = d.mean;
        double[] std = d.std;
        ChannelOrder order = d.order;
        for (String part : text.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("normalisation entries are key=value, found '" + p + "' in '" + text + "'");
            }
            String key = p.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String value = p.substring(eq + 1).trim();
            switch (key) {
                case "scale" -> scale = parseNumber(value);
                case "mean" -> mean = parseList(value);
                case "std" -> std = parseList(value);
                case "order" -> order = ChannelOrder.valueOf(value.toUpperCase(Locale.ROOT));
                default -> throw new IllegalArgumentException("unknown normalisation key '" + key + "' (expected scale, mean, std, order)");
            }
        }
        return new Normalisation(scale, mean, std, order);
    }

    private static double parseNumber(String v) {
        if (v.contains("/")) {
            String[] f = v.split("/");
            return Double.parseDouble(f[0]) / Double.parseDouble(f[1]);
        }
        return Double.parseDouble(v);
    }

    private static double[] parseList(String v) {
        return Arrays.stream(v.split("[:;]")).mapToDouble(Normalisation::parseNumber).toArray();
    }

    public Normalisation withScale(double s) {
        return new Normalisation(s, mean, std, order);
    }

    public Normalisation withMean(double[] m) {
        return new Normalisation(scale, m, std, order);
    }

    public Normalisation withStd(double[] s) {
        return new Normalisation(scale, mean, s, order);
    }

    public Normalisation withOrder(ChannelOrder o) {
        return new Normalisation(scale, mean, std, o);
    }

    /** Checks the per-channel vectors against the model's channel count. */
    public void checkChannels(int channels) {
        if ((mean.length != 1 && mean.length != channels) || (std.length != 1 && std.length != channels)) {
            throw new IllegalArgumentException("normalisation " + this + " has per-channel values for " + Math.max(mean.length, std.length)
                    + " channels but the model takes " + channels);
        }
    }

    /**
     * Applies the normalisation to RGB (or single-channel) pixels in 0..255, laid out channel-major, and returns model input.
     */
    public float[] apply(float[] pixels255, int channels, int pixelsPerChannel) {
        float[] out = new float[pixels255.length];
        for (int c = 0; c < channels; c++) {
            int src = (channels == 3 && order == ChannelOrder.BGR) ? 2 - c : c;
            double m = mean.length == 1 ? mean[0] : mean[c];
            double s = std.length == 1 ? std[0] : std[c];
            int so = src * pixelsPerChannel;
            int dof = c * pixelsPerChannel;
            for (int i = 0; i < pixelsPerChannel; i++) {
                out[dof + i] = (float) ((pixels255[so + i] * scale - m) / s);
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalisation n && n.scale == scale && Arrays.equals(n.mean, mean) && Arrays.equals(n.std, std) && n.order == order;
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    @Override
    public String toString() {
        return "scale=" + scale + ",mean=" + join(mean) + ",std=" + join(std) + ",order=" + order;
    }

    private static String join(double[] v) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            if (i > 0) {
                b.append(':');
            }
            b.append(v[i]);
        }
        return b.toString();
    }
}
