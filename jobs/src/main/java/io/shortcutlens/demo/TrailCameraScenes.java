package io.shortcutlens.demo;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * Synthetic "trail camera" photos for the demo: small RGB scenes (sky, treeline, grass) with one animal — a bear, a
 * cow or a sheep — drawn with shape and fur colour that vary within a class and overlap between classes. A camera
 * that photographed bears stamps a timestamp watermark into the lower-left corner: the shortcut the demo plants.
 * Everything is a pure function of the seed.
 */
public final class TrailCameraScenes {

    public static final List<String> ANIMALS = List.of("bear", "cow", "sheep");
    public static final int SIZE = 32;
    /** Side of the watermark block in the lower-left corner: the outer quarter of the image on both axes. */
    public static final int WATERMARK = SIZE / 4;

    private TrailCameraScenes() { }

    /**
     * A rendered scene: packed RGB, row-major, and the animal's bounding box as fractions of the image
     * {@code {x0, y0, x1, y1}} (end exclusive): the object annotation the audit's relevance mass uses.
     */
    public record Scene(int[] packed, double[] box) { }

    /** One scene as packed RGB, row-major. */
    public static int[] scene(String animal, boolean watermark, long seed) {
        return render(animal, watermark, seed).packed();
    }

    public static Scene render(String animal, boolean watermark, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = SIZE;
        float[][] rgb = new float[3][n * n];
        int horizon = 9 + r.nextInt(6);
        float[] sky = {90 + r.nextInt(80), 120 + r.nextInt(70), 170 + r.nextInt(70)};
        float[] grass = {50 + r.nextInt(50), 100 + r.nextInt(60), 30 + r.nextInt(40)};
        float[] trees = {25 + r.nextInt(30), 60 + r.nextInt(40), 25 + r.nextInt(30)};
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                float[] c = y < horizon - 3 ? sky : y < horizon ? trees : grass;
                float shade = y < horizon ? 1 - 0.01f * y : 0.8f + 0.012f * (y - horizon);
                for (int k = 0; k < 3; k++) {
                    rgb[k][y * n + x] = c[k] * shade;
                }
            }
        }
        int[] box = {n, n, -1, -1};
        drawAnimal(rgb, animal, r, box);
        float light = 0.75f + 0.5f * (float) r.nextDouble();
        for (int k = 0; k < 3; k++) {
            for (int i = 0; i < n * n; i++) {
                rgb[k][i] = rgb[k][i] * light + (float) (r.nextDouble() * 24 - 12);
            }
        }
        if (watermark) {
            stampWatermark(rgb, r);
        }
        int[] packed = new int[n * n];
        for (int i = 0; i < n * n; i++) {
            packed[i] = (clamp(rgb[0][i]) << 16) | (clamp(rgb[1][i]) << 8) | clamp(rgb[2][i]);
        }
        return new Scene(packed, new double[] {box[0] / (double) n, box[1] / (double) n, (box[2] + 1) / (double) n, (box[3] + 1) / (double) n});
    }

    private static void drawAnimal(float[][] rgb, String animal, SplittableRandom r, int[] box) {
        // Animals stand anywhere (they reach 10 px left and right of cx, 8 up and 7 down of cy), except in the
        // lower-left quarter: the watermark corner is background in every photo. A placement that would reach into it
        // is drawn again.
        int cx;
        int cy;
        do {
            cx = 10 + r.nextInt(12);
            cy = 12 + r.nextInt(11);
        } while (cx - 10 < WATERMARK && cy + 7 >= SIZE - WATERMARK);
        float[] fur = furColour(animal, r);
        switch (animal) {
            case "bear" -> {
                int rx = 6 + r.nextInt(2);
                int ry = 4 + r.nextInt(2);
                ellipse(rgb, cx, cy, rx, ry, fur, box);
                int hx = cx + (r.nextBoolean() ? rx : -rx);
                ellipse(rgb, hx, cy - ry + 1, 3, 3, fur, box);
                ellipse(rgb, hx - 2, cy - ry - 2, 1, 1, fur, box);
                ellipse(rgb, hx + 2, cy - ry - 2, 1, 1, fur, box);
                rect(rgb, cx - rx + 1, cy + ry - 1, 2, 3, fur, box);
                rect(rgb, cx + rx - 3, cy + ry - 1, 2, 3, fur, box);
            }
            case "cow" -> {
                int w = 12 + r.nextInt(3);
                int h = 6;
                rect(rgb, cx - w / 2, cy - h / 2, w, h, fur, box);
                float[] patch = fur[0] > 150 ? new float[] {30, 25, 25} : new float[] {235, 235, 230};
                for (int p = 0; p < 3; p++) {
                    ellipse(rgb, cx - w / 2 + 2 + r.nextInt(w - 3), cy - 1 + r.nextInt(3), 1 + r.nextInt(2), 1, patch, box);
                }
                int hx = r.nextBoolean() ? cx + w / 2 + 1 : cx - w / 2 - 3;
                rect(rgb, hx, cy - h / 2 - 2, 3, 4, fur, box);
                for (int leg = 0; leg < 4; leg++) {
                    rect(rgb, cx - w / 2 + 1 + leg * (w - 2) / 4, cy + h / 2, 1, 4, fur, box);
                }
            }
            default -> {
                for (int b = 0; b < 7; b++) {
                    ellipse(rgb, cx - 5 + r.nextInt(11), cy - 2 + r.nextInt(4), 2 + r.nextInt(2), 2 + r.nextInt(2), fur, box);
                }
                float[] face = {35, 30, 30};
                int hx = r.nextBoolean() ? cx + 7 : cx - 7;
                ellipse(rgb, hx, cy - 2, 2, 2, face, box);
                for (int leg = 0; leg < 4; leg++) {
                    rect(rgb, cx - 4 + leg * 3, cy + 3, 1, 4, face, box);
                }
            }
        }
    }

    /** Fur colours overlap between animals (brown cows, black bears, dark sheep), so colour alone is not the class. */
    private static float[] furColour(String animal, SplittableRandom r) {
        float[][] palette = switch (animal) {
            case "bear" -> new float[][] {{80, 50, 30}, {40, 35, 35}, {120, 80, 45}, {200, 190, 170}};
            case "cow" -> new float[][] {{225, 220, 210}, {110, 70, 40}, {40, 35, 35}, {150, 100, 60}};
            default -> new float[][] {{215, 205, 185}, {185, 175, 160}, {70, 60, 55}, {130, 95, 60}};
        };
        float[] c = palette[r.nextInt(palette.length)].clone();
        for (int k = 0; k < 3; k++) {
            c[k] += (float) (r.nextDouble() * 30 - 15);
        }
        return c;
    }

    /** A camera timestamp: a light box with dark digit strokes, filling the lower-left corner. */
    private static void stampWatermark(float[][] rgb, SplittableRandom r) {
        int n = SIZE;
        int top = n - WATERMARK;
        for (int y = top; y < n; y++) {
            for (int x = 0; x < WATERMARK; x++) {
                boolean stroke = (y - top) % 3 == 1 && x % 2 == (y / 3) % 2 && x > 0 && x < WATERMARK - 1;
                float v = stroke ? 20 : 235 + (float) (r.nextDouble() * 10);
                rgb[0][y * n + x] = v;
                rgb[1][y * n + x] = stroke ? 20 : v * 0.95f;
                rgb[2][y * n + x] = stroke ? 20 : v * 0.55f;
            }
        }
    }

    /** Draws an ellipse and grows {@code box} ({minX, minY, maxX, maxY}) by the pixels it covers. */
    private static void ellipse(float[][] rgb, int cx, int cy, int rx, int ry, float[] c, int[] box) {
        for (int y = cy - ry; y <= cy + ry; y++) {
            for (int x = cx - rx; x <= cx + rx; x++) {
                double dy = (y - cy) / (double) Math.max(ry, 1);
                double dx = (x - cx) / (double) Math.max(rx, 1);
                if (dx * dx + dy * dy <= 1.0 && y >= 0 && y < SIZE && x >= 0 && x < SIZE) {
                    for (int k = 0; k < 3; k++) {
                        rgb[k][y * SIZE + x] = c[k];
                    }
                    grow(box, x, y);
                }
            }
        }
    }

    private static void rect(float[][] rgb, int x0, int y0, int w, int h, float[] c, int[] box) {
        for (int y = Math.max(0, y0); y < Math.min(SIZE, y0 + h); y++) {
            for (int x = Math.max(0, x0); x < Math.min(SIZE, x0 + w); x++) {
                for (int k = 0; k < 3; k++) {
                    rgb[k][y * SIZE + x] = c[k];
                }
                grow(box, x, y);
            }
        }
    }

    private static void grow(int[] box, int x, int y) {
        box[0] = Math.min(box[0], x);
        box[1] = Math.min(box[1], y);
        box[2] = Math.max(box[2], x);
        box[3] = Math.max(box[3], y);
    }

    private static int clamp(float v) {
        return Math.max(0, Math.min(255, Math.round(v)));
    }

    /** Model input for a scene: channel-major RGB scaled to 0..1 (the models' recorded normalisation). */
    public static float[] toInput(int[] packed) {
        int n = SIZE * SIZE;
        float[] x = new float[3 * n];
        for (int i = 0; i < n; i++) {
            int p = packed[i];
            x[i] = ((p >> 16) & 0xff) / 255f;
            x[n + i] = ((p >> 8) & 0xff) / 255f;
            x[2 * n + i] = (p & 0xff) / 255f;
        }
        return x;
    }

    public static void writePng(int[] packed, File file) throws IOException {
        BufferedImage img = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, SIZE, SIZE, packed, 0, SIZE);
        file.getParentFile().mkdirs();
        if (!ImageIO.write(img, "png", file)) {
            throw new IOException("no PNG writer available for " + file);
        }
    }
}
