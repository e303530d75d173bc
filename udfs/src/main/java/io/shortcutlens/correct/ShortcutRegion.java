package io.shortcutlens.correct;

import io.shortcutlens.audit.Region;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One region a confirmed shortcut lives in, as the correction neutralises it: the class the region stands for, the
 * region on the audit's grid and its pixel box at the model's input, and the audit findings it comes from (the same
 * class and region found under several methods is one region to neutralise).
 *
 * @param box {@code {y0, x0, y1, x1}}, end exclusive, at the model's input
 */
public record ShortcutRegion(List<Integer> findingIds, String className, int classIndex, Region region, int[] box) implements Serializable {

    /** One shortcut finding of an audit: its id, class and region. */
    public record Finding(int findingId, String className, Region region) { }

    /**
     * The distinct (class, region) pairs of the findings, in order of their first finding; {@code classNames} is the
     * model's output order; {@code h × w} its input size. Fails naming a class the model does not have.
     */
    public static List<ShortcutRegion> of(List<Finding> findings, List<String> classNames, int h, int w) {
        Map<String, List<Integer>> ids = new java.util.LinkedHashMap<>();
        Map<String, Finding> first = new TreeMap<>();
        for (Finding f : findings) {
            String key = f.className() + "\u0000" + f.region();
            ids.computeIfAbsent(key, k -> new ArrayList<>()).add(f.findingId());
            first.putIfAbsent(key, f);
        }
        List<ShortcutRegion> out = new ArrayList<>();
        for (Map.Entry<String, List<Integer>> e : ids.entrySet()) {
            Finding f = first.get(e.getKey());
            int index = classNames.indexOf(f.className());
            if (index < 0) {
                throw new IllegalArgumentException("finding " + f.findingId() + " is about class '" + f.className() + "', which the model does not have "
                        + "(its classes: " + classNames + ")");
            }
            out.add(new ShortcutRegion(List.copyOf(e.getValue()), f.className(), index, f.region(), f.region().pixelBox(h, w)));
        }
        return out;
    }

    /** The box as shares of the image's height and width ({@code top, left, bottom, right}): the recipe's resolution-free form. */
    public double[] relativeBox(int h, int w) {
        return new double[] {(double) box[0] / h, (double) box[1] / w, (double) box[2] / h, (double) box[3] / w};
    }
}
