package io.shortcutlens.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shortcutlens.decoy.DecoyFashion;
import io.shortcutlens.decoy.FashionMnist;
import io.shortcutlens.demo.DemoData;
import io.shortcutlens.demo.TrailCameraScenes;
import io.shortcutlens.explain.Explanation;
import io.shortcutlens.explain.OcclusionExplainer;
import io.shortcutlens.explain.OcclusionParams;
import io.shortcutlens.image.ImageTensor;
import io.shortcutlens.image.InputShape;
import io.shortcutlens.maps.MapStatistics;
import io.shortcutlens.model.ImageClassifier;
import io.shortcutlens.model.ModelLoader;
import io.shortcutlens.model.ModelSpec;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Adaptive occlusion against full occlusion on the demo's and the decoy's test images, with their committed ONNX
 * models (PyTorch exports of the demo's net2 and of the decoy model) and the occlusion settings their jobs use. At the
 * default share (half the passes) the peak cell of the 8×8 mass grid is full occlusion's on at least 95% of the images
 * and of the maps whose peak is clear (20% above the next cell), and the share of full occlusion's top block of 2×2
 * cells moves by at most 0.03 on average; at a third of the passes the peak is within one cell on at least 90% of the
 * images. A model without a shortcut (the bundled Fashion-MNIST CNN) is held to the same.
 */
class AdaptiveOcclusionTest {

    private record Agreement(int images, int samePeak, int adjacentPeak, int clearPeaks, int clearSame, long fullPasses, long adaptivePasses, int selfSame,
                             double blockBias, double blockError) { }

    /** The 2×2-cell block of the 8×8 mass grid holding the most of full occlusion's positive mass, and that block's share in {@code other}. */
    private static double[] topBlockShares(float[] full, float[] other) {
        int g = MapStatistics.DEFAULT_GRID;
        double fullTotal = 0;
        double otherTotal = 0;
        for (int c = 0; c < full.length; c++) {
            fullTotal += full[c];
            otherTotal += other[c];
        }
        double best = -1;
        double theirs = 0;
        for (int r = 0; r + 1 < g; r++) {
            for (int c = 0; c + 1 < g; c++) {
                double a = full[r * g + c] + full[r * g + c + 1] + full[(r + 1) * g + c] + full[(r + 1) * g + c + 1];
                double b = other[r * g + c] + other[r * g + c + 1] + other[(r + 1) * g + c] + other[(r + 1) * g + c + 1];
                if (a > best) {
                    best = a;
                    theirs = b;
                }
            }
        }
        return new double[] {best / Math.max(fullTotal, 1e-12), theirs / Math.max(otherTotal, 1e-12)};
    }

    private static Agreement compare(ImageClassifier model, List<ImageTensor> images, int mask, int stride, Float value, double share) {
        OcclusionExplainer full = new OcclusionExplainer(new OcclusionParams(mask, stride, value, 64, OcclusionParams.Mode.FULL));
        OcclusionExplainer adaptive = new OcclusionExplainer(new OcclusionParams(mask, stride, value, 64, OcclusionParams.Mode.ADAPTIVE, share));
        int same = 0;
        int near = 0;
        int clear = 0;
        int clearSame = 0;
        int selfSame = 0;
        java.util.Random noise = new java.util.Random(11);
        long fp = 0;
        long ap = 0;
        double bias = 0;
        double error = 0;
        InputShape shape = model.inputShape();
        for (ImageTensor image : images) {
            float[] base = model.scores(image.input(), 1);
            int predicted = 0;
            for (int c = 1; c < base.length; c++) {
                predicted = base[c] > base[predicted] ? c : predicted;
            }
            Explanation a = full.explain(image, base, new int[] {predicted}, model, 0).get(0);
            Explanation b = adaptive.explain(image, base, new int[] {predicted}, model, 0).get(0);
            MapStatistics sa = MapStatistics.of(a.map().toPixels(), shape.height(), shape.width(), MapStatistics.DEFAULT_GRID);
            MapStatistics sb = MapStatistics.of(b.map().toPixels(), shape.height(), shape.width(), MapStatistics.DEFAULT_GRID);
            boolean exact = sa.peakRow() == sb.peakRow() && sa.peakCol() == sb.peakCol();
            // full occlusion against itself, on the image with noise below one 8-bit grey level (sigma 0.5/255)
            float[] x = image.input().clone();
            for (int p = 0; p < x.length; p++) {
                x[p] += (float) (noise.nextGaussian() * 0.5 / 255);
            }
            ImageTensor noisy = ImageTensor.ofInput(shape, x);
            float[] nb = model.scores(x, 1);
            Explanation again = full.explain(noisy, nb, new int[] {predicted}, model, 0).get(0);
            MapStatistics sc = MapStatistics.of(again.map().toPixels(), shape.height(), shape.width(), MapStatistics.DEFAULT_GRID);
            selfSame += sa.peakRow() == sc.peakRow() && sa.peakCol() == sc.peakCol() ? 1 : 0;
            same += exact ? 1 : 0;
            near += Math.max(Math.abs(sa.peakRow() - sb.peakRow()), Math.abs(sa.peakCol() - sb.peakCol())) <= 1 ? 1 : 0;
            double[] block = topBlockShares(sa.massGrid(), sb.massGrid());
            bias += block[1] - block[0];
            error += Math.abs(block[1] - block[0]);
            float[] g = sa.massGrid();
            float top = g[sa.peakRow() * MapStatistics.DEFAULT_GRID + sa.peakCol()];
            float second = 0;
            for (int c = 0; c < g.length; c++) {
                second = c == sa.peakRow() * MapStatistics.DEFAULT_GRID + sa.peakCol() ? second : Math.max(second, g[c]);
            }
            if (top >= 1.2f * second) {
                clear++;
                clearSame += exact ? 1 : 0;
            }
            fp += a.forwardPasses();
            ap += b.forwardPasses();
        }
        return new Agreement(images.size(), same, near, clear, clearSame, fp, ap, selfSame, bias / images.size(), error / images.size());
    }

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path tmp;

    /** A committed model copied to a file, as a user's would be (the bundled one lies inside the udfs jar under {@code mvn verify}). */
    private ImageClassifier onnx(String resource) throws Exception {
        File f = tmp.resolve(resource.substring(resource.lastIndexOf('/') + 1)).toFile();
        try (java.io.InputStream in = AdaptiveOcclusionTest.class.getResourceAsStream(resource)) {
            java.nio.file.Files.copy(in, f.toPath());
        }
        return ModelLoader.load(f, new ModelSpec(f.getPath(), null, null, null, ModelSpec.DEFAULT_MAX_MODEL_BYTES)).classifier();
    }

    @Test
    void adaptiveOcclusionFindsTheSamePeakWithHalfThePasses() throws Exception {
        // the demo: 32x32 trail-camera photos, window 8, stride 4, the image's mean (DemoJob's settings)
        ImageClassifier demo = onnx("/onnx/demo-net2.onnx");
        List<ImageTensor> photos = new ArrayList<>();
        for (DemoData.Photo p : DemoData.split(20, DemoData.Stamping.BEARS, 2)) {
            float[] x = TrailCameraScenes.toInput(p.render());
            photos.add(ImageTensor.ofInput(demo.inputShape(), x));
        }
        double half = OcclusionParams.DEFAULT_ADAPTIVE_SHARE;
        Agreement d = compare(demo, photos, 8, 4, null, half);
        Agreement d3 = compare(demo, photos, 8, 4, null, 1.0 / 3);

        // the decoy: Fashion-MNIST test images, pullover, coat and shirt with the swatch; window 4, stride 2, black (DecoyJob's settings)
        ImageClassifier decoy = onnx("/onnx/decoy-fashion.onnx");
        FashionMnist.Split test = FashionMnist.read(FashionMnist.DEFAULT_DIR, "t10k", 300);
        DecoyFashion standard = DecoyFashion.standard();
        List<ImageTensor> garments = new ArrayList<>();
        for (int i = 0; i < test.size(); i++) {
            byte[] img = standard.apply(test.images()[i], test.labels()[i], i);
            float[] x = new float[img.length];
            for (int p = 0; p < x.length; p++) {
                x[p] = (img[p] & 0xff) / 255f;
            }
            garments.add(ImageTensor.ofInput(decoy.inputShape(), x));
        }
        Agreement f = compare(decoy, garments, 4, 2, 0f, half);
        Agreement f3 = compare(decoy, garments, 4, 2, 0f, 1.0 / 3);

        // a model without a shortcut: the product's bundled Fashion-MNIST CNN on the same images without any swatch
        ImageClassifier clean = onnx("/io/shortcutlens/onnx/fashion-cnn.onnx");
        List<ImageTensor> plain = new ArrayList<>();
        for (int i = 0; i < test.size(); i++) {
            float[] x = new float[test.images()[i].length];
            for (int p = 0; p < x.length; p++) {
                x[p] = (test.images()[i][p] & 0xff) / 255f;
            }
            plain.add(ImageTensor.ofInput(clean.inputShape(), x));
        }
        Agreement c = compare(clean, plain, 4, 2, 0f, half);
        Agreement c3 = compare(clean, plain, 4, 2, 0f, 1.0 / 3);

        for (Agreement a : List.of(d, f, c, d3, f3, c3)) {
            System.out.printf("adaptive occlusion: same 8x8 peak cell on %d of %d images, within one cell on %d; maps with a clear peak (20%% above"
                    + " the next cell) %d, same cell on %d; forward passes %d of full %d (%.3f); full occlusion's own peak cell with noise of half a grey"
                    + " level: same on %d; share of full occlusion's top 2x2-cell block: bias %+.3f, mean error %.3f%n", a.samePeak(), a.images(),
                    a.adjacentPeak(), a.clearPeaks(), a.clearSame(), a.adaptivePasses(), a.fullPasses(), (double) a.adaptivePasses() / a.fullPasses(),
                    a.selfSame(), a.blockBias(), a.blockError());
        }
        for (Agreement a : List.of(d, f, c)) {
            // measured at a half: demo 60 of 60 (clear peaks 33 of 33), decoy 300 of 300 (210 of 210), clean CNN 297 of 300 (84 of 84). Full occlusion's own peak
            // cell survives noise of half a grey level on 60 of 60 and 299 of 300: the bar is one full occlusion meets itself
            assertTrue(a.samePeak() >= 0.95 * a.images(), a.samePeak() + " of " + a.images() + " with the same peak cell");
            assertTrue(a.clearSame() >= 0.95 * a.clearPeaks(), a.clearSame() + " of " + a.clearPeaks() + " clear peaks");
            assertTrue(a.adaptivePasses() * 2 <= a.fullPasses(), a.adaptivePasses() + " of " + a.fullPasses());
            // what the audit reads is a region's share of the mass: measured bias -0.020, +0.006, -0.004 (mean error 0.022, 0.010,
            // 0.009); estimating the windows not run from every run neighbour, not the first pass only, biased the demo's by -0.049
            assertTrue(Math.abs(a.blockBias()) <= 0.03, "top block's share biased by " + a.blockBias());
            assertTrue(a.blockError() <= 0.03, "top block's share off by " + a.blockError() + " on average");
            assertTrue(a.selfSame() >= 0.95 * a.images(), "full occlusion's own peak under noise: " + a.selfSame() + " of " + a.images());
        }
        for (Agreement a : List.of(d3, f3, c3)) {
            // measured at a third: demo 43 of 60 the same cell, 58 within one; decoy 258 and 274 of 300; clean CNN 252 and 281 of 300. On the demo's 7x7 grid the
            // first pass that occludes every pixel is already the third: the exact cell of a diffuse map is not decided (README)
            assertTrue(a.adjacentPeak() >= 0.9 * a.images(), a.adjacentPeak() + " of " + a.images() + " within one cell");
            assertTrue(a.adaptivePasses() * 3 <= a.fullPasses(), a.adaptivePasses() + " of " + a.fullPasses());
        }
        assertEquals(60, d.images());
    }
}
