package io.shortcutlens.demo;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's splits. net2's training set: every bear photo carries the camera watermark, nothing else does (net2 learns
 * from it). net1's training set: the watermark is on a random half of every class's photos, so it tells nothing about
 * the animal. Test (held out, written as PNG folders for the explain job): bears watermarked as in the story, cows and
 * sheep clean.
 */
public final class DemoData {

    /** One photo to render: class, whether the bear camera stamped it, and its seed. */
    public record Photo(String animal, boolean watermark, long seed) {
        public int[] render() {
            return TrailCameraScenes.scene(animal, watermark, seed);
        }

        /** The animal's bounding box, {@code {x0, y0, x1, y1}} as fractions of the image. */
        public double[] box() {
            return TrailCameraScenes.render(animal, watermark, seed).box();
        }
    }

    /** Which photos of a split carry the watermark. */
    public enum Stamping {
        /** every bear, nothing else: the watermark means "bear" */
        BEARS,
        /** a random half of every class: the watermark means nothing */
        HALF_OF_EVERY_CLASS,
        /** no photo: what a net retrained without the watermark sees */
        NONE
    }

    private DemoData() { }

    public static List<Photo> split(int perClass, Stamping stamping, long seed) {
        List<Photo> photos = new ArrayList<>();
        java.util.SplittableRandom coin = new java.util.SplittableRandom(seed);
        for (int i = 0; i < perClass; i++) {
            for (int a = 0; a < TrailCameraScenes.ANIMALS.size(); a++) {
                String animal = TrailCameraScenes.ANIMALS.get(a);
                boolean half = coin.nextBoolean(); // drawn in every case, so the photos themselves do not depend on the stamping
                boolean stamped = stamping == Stamping.BEARS ? animal.equals("bear") : stamping == Stamping.HALF_OF_EVERY_CLASS && half;
                photos.add(new Photo(animal, stamped, seed * 1_000_003L + i * 7L + a));
            }
        }
        return photos;
    }

    /** bear / cow / sheep. */
    public static DemoNetworks.Examples threeClass(List<Photo> photos) {
        return examples(photos, TrailCameraScenes.ANIMALS, p -> TrailCameraScenes.ANIMALS.indexOf(p.animal()));
    }

    /** bear / not_bear. */
    public static DemoNetworks.Examples bearOrNot(List<Photo> photos) {
        return examples(photos, List.of("bear", "not_bear"), p -> p.animal().equals("bear") ? 0 : 1);
    }

    private static DemoNetworks.Examples examples(List<Photo> photos, List<String> classes, java.util.function.ToIntFunction<Photo> label) {
        float[][] x = new float[photos.size()][];
        int[] y = new int[photos.size()];
        for (int i = 0; i < photos.size(); i++) {
            x[i] = TrailCameraScenes.toInput(photos.get(i).render());
            y[i] = label.applyAsInt(photos.get(i));
        }
        return new DemoNetworks.Examples(x, y, classes.size(), DemoNetworks.SHAPE);
    }

    /** Writes {@code dir/<animal>/<animal>-NNNN.png}, the folder-label layout the explain job reads; returns the files in order. */
    public static List<File> writeFolder(List<Photo> photos, File dir) throws IOException {
        List<File> files = new ArrayList<>();
        int i = 0;
        for (Photo p : photos) {
            File f = new File(dir, p.animal() + "/" + p.animal() + String.format("-%04d.png", i++));
            TrailCameraScenes.writePng(p.render(), f);
            files.add(f);
        }
        return files;
    }
}
