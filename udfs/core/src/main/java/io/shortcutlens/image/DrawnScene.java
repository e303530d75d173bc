package io.shortcutlens.image;

import java.util.SplittableRandom;

/**
 * A drawn RGB scene whose objects are known: twelve ellipses and rectangles in random colours on a shaded background,
 * with a little noise. What segmentation quality and the cost of perturbation methods at real sizes are measured on
 * (SLIC finds real boundaries in it; its object map says where they are).
 *
 * @param pixels  {@code 3 × side × side} values 0..255, channel-major, whole numbers (as a PNG would hold them)
 * @param objects per pixel, the object drawn there ({@code 0} = background, later shapes over earlier ones)
 */
public record DrawnScene(int side, float[] pixels, int[] objects) {

    public static DrawnScene draw(long seed, int side) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = side * side;
        float[] px = new float[3 * n];
        int[] objects = new int[n];
        float[][] colour = new float[13][3];
        for (float[] c : colour) {
            for (int k = 0; k < 3; k++) {
                c[k] = (float) r.nextDouble(20, 235);
            }
        }
        double scale = side / 224.0;
        double[][] shape = new double[12][5];
        for (double[] s : shape) {
            s[0] = r.nextDouble(0, side);
            s[1] = r.nextDouble(0, side);
            s[2] = r.nextDouble(12, 60) * scale;
            s[3] = r.nextDouble(12, 60) * scale;
            s[4] = r.nextBoolean() ? 1 : 0;
        }
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                int o = 0;
                for (int k = 0; k < shape.length; k++) {
                    double dx = (x - shape[k][0]) / shape[k][2];
                    double dy = (y - shape[k][1]) / shape[k][3];
                    if (shape[k][4] > 0 ? dx * dx + dy * dy <= 1 : Math.abs(dx) <= 1 && Math.abs(dy) <= 1) {
                        o = k + 1;
                    }
                }
                objects[y * side + x] = o;
                for (int c = 0; c < 3; c++) {
                    double shade = o == 0 ? 0.6 + 0.4 * y / side : 1;
                    px[c * n + y * side + x] = Math.round(Math.max(0, Math.min(255, colour[o][c] * shade + r.nextDouble(-8, 8))));
                }
            }
        }
        return new DrawnScene(side, px, objects);
    }
}
