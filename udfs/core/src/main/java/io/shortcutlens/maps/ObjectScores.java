package io.shortcutlens.maps;

/**
 * How well a map agrees with an annotated object (a box or a mask, {@link ObjectRegion}): relevance mass accuracy
 * (Arras et al. 2022: the share of the map's positive mass on the object) and the pointing game (Zhang et al. 2018:
 * whether the map's largest value lies on the object); and, for the audit, where inside a region a map's evidence lies.
 */
public final class ObjectScores {
    private ObjectScores() { }

    /** {@code {relevance mass, 1 if the peak is on the object else 0}}; the mass is 0 for a map without positive values. */
    public static float[] score(float[] pixels, int height, int width, ObjectRegion object) {
        double inside = 0;
        double total = 0;
        int peak = -1;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                float v = pixels[i];
                if (peak < 0 || v > pixels[peak]) {
                    peak = i;
                }
                if (v > 0) {
                    total += v;
                    if (object.containsPixel(y, x, height, width)) {
                        inside += v;
                    }
                }
            }
        }
        boolean hit = object.containsPixel(peak / width, peak % width, height, width);
        return new float[] {total == 0 ? 0f : (float) (inside / total), hit ? 1f : 0f};
    }

    /**
     * How much of a region ({@code {y0, x0, y1, x1}}, end exclusive, in pixels of the {@code height × width} map) lies
     * on the object, weighted by the map's positive values there: the share of the region's positive mass on the
     * object. A region that is half garment and half background is on the object only when the map's evidence in it
     * is. Where the map has no positive value in the region (or no map is given), the share of its pixels.
     */
    public static double overlap(int[] region, int height, int width, ObjectRegion object, float[] pixels) {
        double inside = 0;
        double all = 0;
        long insidePixels = 0;
        long allPixels = 0;
        for (int y = Math.max(0, region[0]); y < Math.min(height, region[2]); y++) {
            for (int x = Math.max(0, region[1]); x < Math.min(width, region[3]); x++) {
                boolean on = object.containsPixel(y, x, height, width);
                float v = pixels == null ? 0 : pixels[y * width + x];
                allPixels++;
                insidePixels += on ? 1 : 0;
                if (v > 0) {
                    all += v;
                    inside += on ? v : 0;
                }
            }
        }
        if (all > 0) {
            return inside / all;
        }
        return allPixels == 0 ? 0 : (double) insidePixels / allPixels;
    }
}
