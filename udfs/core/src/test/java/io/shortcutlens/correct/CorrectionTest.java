package io.shortcutlens.correct;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shortcutlens.audit.Region;
import io.shortcutlens.audit.ScanTarget;
import io.shortcutlens.image.ImageTensor;
import io.shortcutlens.image.InputShape;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CorrectionTest {
    private static final InputShape SHAPE = new InputShape(3, 16, 16);
    /** The lower-left quarter of a 4×4 grid: rows 12..16, columns 0..4. */
    private static final Region CORNER = new Region(4, 3, 0, 1, 1);
    private static final List<ShortcutRegion> BEAR_CORNER = regions(List.of(shortcut(7, "bear", CORNER), shortcut(9, "bear", CORNER),
            new ScanTarget.Stated(8, "bear", "suspect", List.of(new Region(4, 0, 0, 1, 1)))), List.of("bear", "cow", "sheep"));

    private static ScanTarget.Stated shortcut(int id, String className, Region... places) {
        return new ScanTarget.Stated(id, className, "shortcut", List.of(places));
    }

    private static List<ShortcutRegion> regions(List<ScanTarget.Stated> findings, List<String> classNames) {
        return ShortcutRegion.of(ScanTarget.of(findings, List.of("shortcut")), classNames, 16, 16);
    }

    private static CorrectionParams params(CorrectionParams.Fill fill, double fraction) {
        CorrectionParams d = CorrectionParams.defaults();
        return new CorrectionParams(fill, fraction, 5, d.epochs(), d.batchSize(), d.workers(), d.averagingFrequency(), d.learningRate());
    }

    /** Random pixels in [0, 1); the corner set to {@code corner} when not null (a planted artifact). */
    private static ImageTensor image(long seed, Float corner) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[SHAPE.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble();
        }
        if (corner != null) {
            int[] b = BEAR_CORNER.get(0).box();
            for (int c = 0; c < 3; c++) {
                for (int y = b[0]; y < b[2]; y++) {
                    for (int xx = b[1]; xx < b[3]; xx++) {
                        x[c * 256 + y * 16 + xx] = corner;
                    }
                }
            }
        }
        return ImageTensor.ofInput(SHAPE, x);
    }

    /** {@code count} corner patches of bears (carrying the artifact) and of other photos, as donors for paste and spread. */
    private static RegionNeutraliser.Donors donors(int count) {
        int[] box = BEAR_CORNER.get(0).box();
        float[][] fromBears = new float[count][];
        float[][] fromOthers = new float[count][];
        for (int i = 0; i < count; i++) {
            fromBears[i] = RegionNeutraliser.patch(image(100 + i, 2f).input(), SHAPE, box);
            fromOthers[i] = RegionNeutraliser.patch(image(200 + i, null).input(), SHAPE, box);
        }
        return new RegionNeutraliser.Donors(fromBears, fromOthers);
    }

    private static boolean carriesArtifact(float[] x) {
        int[] b = BEAR_CORNER.get(0).box();
        return x[b[0] * 16 + b[1]] == 2f && x[(b[2] - 1) * 16 + b[3] - 1] == 2f;
    }

    @Test
    void findingsOfOneClassAndRegionAreOneRegionWithItsPixelBox() {
        assertEquals(1, BEAR_CORNER.size());
        ShortcutRegion r = BEAR_CORNER.get(0);
        assertEquals(List.of(7, 9), r.findingIds());
        assertEquals(0, r.classIndex());
        assertArrayEquals(new int[] {12, 0, 16, 4}, r.box());
        assertArrayEquals(new double[] {0.75, 0, 1, 0.25}, r.relativeBox(16, 16), 1e-12);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> regions(List.of(shortcut(1, "wolf", CORNER)), List.of("bear", "cow")));
        assertTrue(e.getMessage().contains("wolf") && e.getMessage().contains("[bear, cow]"), e.getMessage());
    }

    @Test
    void eachPlaceOfAPlacesFindingIsARegionOfItsOwn() {
        Region topRight = new Region(4, 0, 3, 1, 1);
        List<ShortcutRegion> rs = regions(List.of(shortcut(3, "cow", CORNER, topRight), shortcut(4, "cow", topRight), shortcut(5, "sheep", CORNER)),
                List.of("bear", "cow", "sheep"));
        assertEquals(3, rs.size(), rs.toString());
        assertEquals(List.of("cow", "cow", "sheep"), rs.stream().map(ShortcutRegion::className).toList());
        // a target's places in grid order (the top-right before the lower-left), each shared place merging its findings
        assertEquals(List.of(List.of(3, 4), List.of(3), List.of(5)), rs.stream().map(ShortcutRegion::findingIds).toList());
        assertArrayEquals(new int[] {0, 12, 4, 16}, rs.get(0).box());
        assertArrayEquals(new int[] {12, 0, 16, 4}, rs.get(1).box());
        assertEquals(2, rs.get(2).classIndex());
    }

    @Test
    void aMeanFillReplacesOnlyTheRegionWithTheImagesOwnChannelMeans() {
        ImageTensor img = image(1, 2f);
        float[] means = img.channelMeans();
        float[] out = new RegionNeutraliser(BEAR_CORNER, params(CorrectionParams.Fill.MEAN, 1.0), SHAPE, null).apply(img, 0, "a.png", 0);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 16; y++) {
                for (int x = 0; x < 16; x++) {
                    int i = c * 256 + y * 16 + x;
                    assertEquals(y >= 12 && x < 4 ? means[c] : img.input()[i], out[i], 0f, "channel " + c + " at " + y + "," + x);
                }
            }
        }
    }

    @Test
    void theDrawPicksTheAskedShareOfImagesAnotherSetEachEpochAndTheSameSetEveryTime() {
        RegionNeutraliser n = new RegionNeutraliser(BEAR_CORNER, params(CorrectionParams.Fill.MEAN, 0.3), SHAPE, null);
        int picked = 0;
        int both = 0;
        for (int i = 0; i < 4000; i++) {
            boolean e0 = n.picked("img" + i, 0, 0);
            picked += e0 ? 1 : 0;
            both += e0 && n.picked("img" + i, 1, 0) ? 1 : 0;
            assertEquals(e0, n.picked("img" + i, 0, 0));
        }
        assertEquals(0.3, picked / 4000.0, 0.025);
        assertEquals(0.09, both / 4000.0, 0.02, "epochs draw independently");
        ImageTensor img = image(3, 2f);
        assertArrayEquals(n.apply(img, 0, "x", 2), n.apply(img, 0, "x", 2));
    }

    /**
     * The planted case: every bear carries the artifact in the corner, no cow or sheep does. After pasting at the default
     * fraction the artifact is as common among bears as among the others: the region no longer carries the class.
     */
    @Test
    void pastingAcrossClassesAtTheDefaultFractionLeavesTheRegionCarryingNoClass() {
        plantedArtifactCarriesNoClassAfter(CorrectionParams.Fill.PASTE);
    }

    /** Spreading the artifact (A-ClArC): into half of the others' images, out of half of the class's, filled there with the image's mean. */
    @Test
    void spreadingTheArtifactAtTheDefaultFractionLeavesTheRegionCarryingNoClass() {
        plantedArtifactCarriesNoClassAfter(CorrectionParams.Fill.SPREAD);
    }

    /**
     * Only the fills that say they unlearn the artifact show it on other classes' images (what pushes its weights down;
     * the correct job warns when a fill that only hides it leaves a shortcut).
     */
    @Test
    void onlyTheFillsThatUnlearnTheArtifactShowItOnOtherClasses() {
        for (CorrectionParams.Fill fill : CorrectionParams.Fill.values()) {
            RegionNeutraliser n = new RegionNeutraliser(BEAR_CORNER, params(fill, CorrectionParams.defaultFraction(fill)), SHAPE, List.of(donors(8)));
            int others = 0;
            for (int i = 0; i < 200; i++) {
                others += carriesArtifact(n.apply(image(3000 + i, null), 1 + i % 2, "other-" + i + ".png", 0)) ? 1 : 0;
            }
            assertEquals(fill.unlearnsTheArtifact(), others > 0, fill + ": the artifact on " + others + " of 200 other classes' images");
        }
    }

    private static void plantedArtifactCarriesNoClassAfter(CorrectionParams.Fill fill) {
        CorrectionParams p = params(fill, CorrectionParams.defaultFraction(fill));
        assertEquals(0.5, p.fraction());
        RegionNeutraliser n = new RegionNeutraliser(BEAR_CORNER, p, SHAPE, List.of(donors(32)));
        int[] withArtifact = new int[3];
        int per = 1000;
        for (int i = 0; i < 3 * per; i++) {
            int label = i % 3;
            ImageTensor img = image(1000 + i, label == 0 ? 2f : null);
            float[] out = n.apply(img, label, "photo-" + i + ".png", 1);
            withArtifact[label] += carriesArtifact(out) ? 1 : 0;
            for (int k = 0; k < out.length; k++) { // outside the box nothing moves
                int y = (k % 256) / 16;
                int x = k % 16;
                if (!(y >= 12 && x < 4)) {
                    assertEquals(img.input()[k], out[k], 0f);
                }
            }
        }
        double bears = withArtifact[0] / (double) per;
        double others = (withArtifact[1] + withArtifact[2]) / (2.0 * per);
        assertEquals(0.5, bears, 0.04);
        assertEquals(0.5, others, 0.04);
        assertTrue(Math.abs(bears - others) < 0.05, "bears " + bears + " others " + others);
    }

    @Test
    void theRecipeStatesEachRegionAsSharesOfTheImageWithItsFillAndFraction() {
        CorrectionRecipe recipe = CorrectionRecipe.of("m1", List.of("bear", "cow", "sheep"), 16, 16, params(CorrectionParams.Fill.NOISE, 1.0), BEAR_CORNER);
        com.fasterxml.jackson.databind.JsonNode m = new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(recipe);
        assertEquals(List.of("model_id", "class_names", "input_size", "rule", "settings", "steps"), names(m));
        assertEquals("[16,16]", m.get("input_size").toString());
        com.fasterxml.jackson.databind.JsonNode step = m.get("steps").get(0);
        assertEquals("bear", step.get("class").asText());
        assertEquals("{\"top\":0.75,\"left\":0.0,\"bottom\":1.0,\"right\":0.25}", step.get("box").toString());
        assertEquals("noise", step.get("fill").asText());
        assertEquals(1.0, step.get("fraction").asDouble());
        assertEquals("[7,9]", step.get("finding_ids").toString());
        assertEquals("noise", m.get("settings").get("fill").asText());
        assertEquals(List.of("fill", "fraction", "seed", "epochs", "batch_size", "workers", "averaging_frequency", "learning_rate"),
                names(m.get("settings")));
    }

    private static List<String> names(com.fasterxml.jackson.databind.JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void settingsOutsideTheirRangeFailNamingTheOption() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> params(CorrectionParams.Fill.PASTE, 0)).getMessage().contains("--fraction"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CorrectionParams.Fill.parse("blur")).getMessage().contains("mean, noise, paste or spread"));
    }
}
