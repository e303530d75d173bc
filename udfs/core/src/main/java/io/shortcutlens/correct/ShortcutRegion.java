package io.shortcutlens.correct;

import io.shortcutlens.audit.Region;
import io.shortcutlens.audit.ScanTarget;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One region a confirmed shortcut lives in, as the correction neutralises it: the class the region stands for, the
 * region on the audit's grid and its pixel box at the model's input, and the audit findings it comes from (the same
 * class and region found under several methods is one region to neutralise).
 *
 * @param box {@code {y0, x0, y1, x1}}, end exclusive, at the model's input
 */
public record ShortcutRegion(List<Integer> findingIds, String className, int classIndex, Region region, int[] box) implements Serializable {

    /**
     * The distinct (class, region) pairs of the confirmed findings' scan targets, in order of their first target: each
     * place of a places finding is its own region (an image carries the cue at one place, and that place is what its
     * training copy loses); {@code classNames} is the model's output order, {@code h × w} its input size. Fails naming
     * a class the model does not have.
     */
    public static List<ShortcutRegion> of(List<ScanTarget> targets, List<String> classNames, int h, int w) {
        Map<List<Object>, List<Integer>> ids = new LinkedHashMap<>();
        for (ScanTarget t : targets) {
            int index = classNames.indexOf(t.className());
            if (index < 0) {
                throw new IllegalArgumentException("finding " + t.findingIds().get(0) + " is about class '" + t.className()
                        + "', which the model does not have (its classes: " + classNames + ")");
            }
            for (Region r : t.regions()) {
                List<Integer> merged = ids.computeIfAbsent(List.of(t.className(), r), k -> new ArrayList<>());
                t.findingIds().stream().filter(id -> !merged.contains(id)).forEach(merged::add);
            }
        }
        List<ShortcutRegion> out = new ArrayList<>();
        ids.forEach((key, findingIds) -> {
            String className = (String) key.get(0);
            Region region = (Region) key.get(1);
            out.add(new ShortcutRegion(List.copyOf(findingIds), className, classNames.indexOf(className), region, region.pixelBox(h, w)));
        });
        return out;
    }

    /** The box as shares of the image's height and width ({@code top, left, bottom, right}): the recipe's resolution-free form. */
    public double[] relativeBox(int h, int w) {
        return new double[] {(double) box[0] / h, (double) box[1] / w, (double) box[2] / h, (double) box[3] / w};
    }
}
