package io.shortcutlens.maps;

/**
 * How well a map agrees with an annotated object box: relevance mass accuracy (Arras et al. 2022: the share of the
 * map's positive mass inside the box) and the pointing game (Zhang et al. 2018: whether the map's largest value lies
 * inside the box). Boxes are fractions of the image, {@code {x0, y0, x1, y1}} with 0 ≤ x0 < x1 ≤ 1, so they hold
 * whatever size the image was resized to; a pixel belongs to the box when its centre does.
 */
public final class BoxScores {
    private BoxScores() { }

    /** {@code {relevance mass, 1 if the peak is inside else 0}}; the mass is 0 for a map without positive values. */
    public static float[] score(float[] pixels, int height, int width, double[] box) {
        if (box == null || box.length != 4 || !(box[0] < box[2]) || !(box[1] < box[3])) {
            throw new IllegalArgumentException("an object box is {x0, y0, x1, y1} as fractions of the image with x0 < x1 and y0 < y1, found "
                    + java.util.Arrays.toString(box));
        }
        double inside = 0;
        double total = 0;
        int peak = -1;
        for (int y = 0; y < height; y++) {
            double cy = (y + 0.5) / height;
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                float v = pixels[i];
                if (peak < 0 || v > pixels[peak]) {
                    peak = i;
                }
                if (v > 0) {
                    total += v;
                    double cx = (x + 0.5) / width;
                    if (cx >= box[0] && cx < box[2] && cy >= box[1] && cy < box[3]) {
                        inside += v;
                    }
                }
            }
        }
        double px = (peak % width + 0.5) / width;
        double py = (peak / width + 0.5) / height;
        boolean hit = px >= box[0] && px < box[2] && py >= box[1] && py < box[3];
        return new float[] {total == 0 ? 0f : (float) (inside / total), hit ? 1f : 0f};
    }

    /**
     * Share of a region's pixels ({@code {y0, x0, y1, x1}}, end exclusive, in pixels of an {@code height × width}
     * image) whose centres lie inside the box ({@code {x0, y0, x1, y1}} as fractions).
     */
    public static double overlap(int[] region, int height, int width, double[] box) {
        long inside = 0;
        long all = 0;
        for (int y = region[0]; y < region[2]; y++) {
            double cy = (y + 0.5) / height;
            for (int x = region[1]; x < region[3]; x++) {
                double cx = (x + 0.5) / width;
                all++;
                if (cx >= box[0] && cx < box[2] && cy >= box[1] && cy < box[3]) {
                    inside++;
                }
            }
        }
        return all == 0 ? 0 : (double) inside / all;
    }
}
