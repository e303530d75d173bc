package io.shortcutlens.audit;

import java.util.SplittableRandom;

/** The planted worlds of the cue tests: four shapes on 28×28, one class's background striped in the striped world. */
final class PlantedShapes {
    static final int S = 28;

    private PlantedShapes() { }

    /** Class 0: a square (striped world: diagonal stripes of period 4 over its background); 1: a disk; 2: a bar; 3: an upright bar. */
    static float[] image(int k, boolean striped, SplittableRandom r) {
        float[] px = new float[S * S];
        int cy = 14 + r.nextInt(-3, 4);
        int cx = 14 + r.nextInt(-3, 4);
        int a = switch (k) {
            case 0 -> 4 + r.nextInt(3);
            case 1 -> 6 + r.nextInt(3);
            default -> 8 + r.nextInt(4);
        };
        int b = 2 + r.nextInt(2);
        for (int y = 0; y < S; y++) {
            for (int x = 0; x < S; x++) {
                int dy = y - cy;
                int dx = x - cx;
                boolean in = switch (k) {
                    case 0 -> Math.abs(dy) <= a && Math.abs(dx) <= a;
                    case 1 -> dy * dy + dx * dx <= a * a;
                    case 2 -> Math.abs(dy) <= b && Math.abs(dx) <= a;
                    default -> Math.abs(dx) <= b && Math.abs(dy) <= a;
                };
                px[y * S + x] = in ? 200 : striped && k == 0 && (x + y) % 4 < 2 ? 90 : 0;
            }
        }
        return px;
    }

}
