package io.shortcutlens.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shortcutlens.image.ImageTensor;
import io.shortcutlens.image.InputShape;
import io.shortcutlens.model.ImageClassifier;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The scan's decisions: which findings become targets, and which images a target affects, on a model with a known answer. */
class AffectedScanTest {
    private static final InputShape SHAPE = new InputShape(1, 8, 8);

    /** Class 1 when a bright 2x2 tag sits in any corner (mean > 0.8), class 2 when the top row is bright, else class 0. */
    private static final ImageClassifier MODEL = new ImageClassifier() {
        public InputShape inputShape() {
            return SHAPE;
        }

        public int numClasses() {
            return 3;
        }

        public float[] scores(float[] batch, int n) {
            float[] s = new float[3 * n];
            for (int i = 0; i < n; i++) {
                float tag = 0;
                for (int[] c : new int[][] {{0, 0}, {0, 6}, {6, 0}, {6, 6}}) {
                    int o = i * 64 + c[0] * 8 + c[1];
                    tag = Math.max(tag, (batch[o] + batch[o + 1] + batch[o + 8] + batch[o + 9]) / 4);
                }
                float row = 0;
                for (int x = 2; x < 6; x++) {
                    row += batch[i * 64 + x] / 4;
                }
                s[3 * i + 1] = tag - 0.8f;
                s[3 * i + 2] = row - 0.9f;
            }
            return s;
        }
    };

    private static ImageTensor image(long seed, int[] tagAt, boolean brightRow) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] px = new float[64];
        for (int i = 0; i < 64; i++) {
            px[i] = (float) r.nextDouble() * 0.5f;
        }
        if (tagAt != null) {
            px[tagAt[0] * 8 + tagAt[1]] = px[tagAt[0] * 8 + tagAt[1] + 1] = px[tagAt[0] * 8 + tagAt[1] + 8] = px[tagAt[0] * 8 + tagAt[1] + 9] = 1f;
        }
        if (brightRow) {
            for (int x = 2; x < 6; x++) {
                px[x] = 1f;
            }
        }
        return ImageTensor.ofInput(SHAPE, px);
    }

    private static final Region LOWER_LEFT = new Region(4, 3, 0, 1);
    private static final Region UPPER_RIGHT = new Region(4, 0, 3, 1);

    @Test
    void findingsOfOneClassAtTheSameRegionsAreOneTargetAndOnlyTheGivenVerdictsCount() {
        List<ScanTarget> targets = ScanTarget.of(List.of(
                new ScanTarget.Stated(0, "tagged", "shortcut", List.of(LOWER_LEFT)),
                new ScanTarget.Stated(1, "tagged", "shortcut", List.of(LOWER_LEFT)), // the same region seen by another method's maps
                new ScanTarget.Stated(2, "tagged", "object_part", List.of(UPPER_RIGHT)),
                new ScanTarget.Stated(3, "other", "shortcut", List.of(LOWER_LEFT)),
                new ScanTarget.Stated(4, "tagged", "shortcut", List.of(UPPER_RIGHT, LOWER_LEFT)), // places, in another order
                new ScanTarget.Stated(5, "tagged", "shortcut", List.of(LOWER_LEFT, UPPER_RIGHT))), List.of("shortcut"));
        assertEquals(3, targets.size(), targets.toString());
        assertEquals(List.of(0, 1), targets.get(0).findingIds());
        assertEquals(List.of(3), targets.get(1).findingIds());
        assertEquals(List.of(4, 5), targets.get(2).findingIds());
        assertEquals(2, targets.get(2).regions().size());
        assertEquals(List.of(), ScanTarget.of(List.of(new ScanTarget.Stated(2, "tagged", "object_part", List.of(UPPER_RIGHT))), List.of("shortcut")));
        assertThrows(IllegalArgumentException.class, () -> new ScanTarget("tagged", List.of(), List.of(0)));
    }

    @Test
    void anImageIsAffectedWhenHidingTheTargetsRegionsChangesItsPredictionAndOnlyImagesOfTheClassAreReprobed() {
        ScanTarget corner = new ScanTarget("tagged", List.of(LOWER_LEFT), List.of(0));
        ScanTarget anyCorner = new ScanTarget("tagged", List.of(LOWER_LEFT, UPPER_RIGHT), List.of(1));
        List<List<int[]>> boxes = List.of(corner.pixelBoxes(8, 8), anyCorner.pixelBoxes(8, 8));
        List<ImageTensor> images = new ArrayList<>(List.of(
                image(1, new int[] {6, 0}, false),   // tag at the lower left: both targets hide it
                image(2, new int[] {0, 6}, false),   // tag at the upper right: only the places target hides it
                image(3, null, true),                // class 2: not re-predicted at all
                image(4, null, false)));             // class 0: neither
        List<AffectedProbe.Outcome> out = AffectedProbe.probe(images, new int[] {1, 1}, boxes, RegionMasker.Fill.ZERO, MODEL, 0);
        assertEquals(List.of(1, 1, 2, 0), out.stream().map(AffectedProbe.Outcome::predicted).toList());
        AffectedProbe.Outcome lowerLeft = out.get(0);
        assertEquals(2, lowerLeft.effects().size());
        assertTrue(lowerLeft.effects().stream().allMatch(lowerLeft::affected), lowerLeft.toString());
        assertEquals(0.2f, lowerLeft.effects().get(0).scoreBefore(), 1e-6);
        assertTrue(lowerLeft.effects().get(0).drop() > 0.5f, "hiding the tag drops the class's score to the background's");
        AffectedProbe.Outcome upperRight = out.get(1);
        assertFalse(upperRight.affected(upperRight.effects().get(0)), "hiding the lower left leaves a tag at the upper right");
        assertTrue(upperRight.affected(upperRight.effects().get(1)), "hiding every place removes it");
        assertEquals(List.of(), out.get(2).effects());
        assertEquals(List.of(), out.get(3).effects());
        // one pass per image, and one per image and target of its class
        assertEquals(List.of(3, 3, 1, 1), out.stream().map(AffectedProbe.Outcome::passes).toList());
        assertEquals(List.of(), AffectedProbe.probe(List.of(), new int[] {1}, boxes, RegionMasker.Fill.ZERO, MODEL, 0));
    }

    @Test
    void hidingSeveralBoxesHidesEachOfThem() {
        ImageTensor img = image(5, new int[] {6, 0}, true);
        float[] hidden = AffectedProbe.hide(img, List.of(new int[] {6, 0, 8, 2}, new int[] {0, 2, 1, 6}), RegionMasker.Fill.ZERO, 0);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                boolean inside = (y >= 6 && x < 2) || (y == 0 && x >= 2 && x < 6);
                assertEquals(inside ? 0f : img.input()[y * 8 + x], hidden[y * 8 + x]);
            }
        }
    }
}
