package io.shortcutlens.audit;

import java.util.SplittableRandom;

/** The colour scenes of the whole-image cue tests: a disk of random colour over a noisy gradient, 32×32, display units. */
final class ColourScenes {
    static final int S = 32;

    private ColourScenes() { }

    /** A scene: background colour 60..190 a channel plus a vertical gradient, a disk of any colour; sensor noise of sd {@code noise} off the disk, or everywhere. */
    static float[] scene(SplittableRandom r, double noise, boolean noiseOnDisk) {
        int plane = S * S;
        float[] px = new float[3 * plane];
        double[] base = {r.nextDouble(60, 190), r.nextDouble(60, 190), r.nextDouble(60, 190)};
        double[] disk = {r.nextDouble(0, 255), r.nextDouble(0, 255), r.nextDouble(0, 255)};
        int cy = r.nextInt(8, 24);
        int cx = r.nextInt(8, 24);
        int rad = r.nextInt(4, 8);
        for (int ch = 0; ch < 3; ch++) {
            for (int y = 0; y < S; y++) {
                for (int x = 0; x < S; x++) {
                    boolean in = (y - cy) * (y - cy) + (x - cx) * (x - cx) <= rad * rad;
                    double v = (in ? disk[ch] : base[ch] + 30.0 * y / S) + (in && !noiseOnDisk ? 0 : r.nextGaussian() * noise);
                    px[ch * plane + y * S + x] = (float) Math.max(0, Math.min(255, v));
                }
            }
        }
        return px;
    }

    /** The scene with {@code shift[ch]} added to every pixel of channel {@code ch}, clipped to 0..255. */
    static float[] added(float[] px, double[] shift) {
        float[] out = px.clone();
        int plane = S * S;
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) Math.max(0, Math.min(255, out[i] + shift[i / plane]));
        }
        return out;
    }
}
