package io.shortcutlens.audit;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a class's images lie on each {@link ImageProperty}, against each other class's images: the probability that one of
 * the class's images is above one of the other class's (the area under the ROC curve, ties counting half), and its median
 * over the other classes. The median, not a pooled comparison: a planted class among the others (a striped background,
 * a warm cast) would otherwise make every remaining class look smoother or cooler than "the others".
 *
 * <p>A cue that a change removes is a property of the class's images only if they lie on the side the change moves
 * away from ({@link #against}); a model's fallback class, which a change creates for every image it degrades, does not.
 */
public final class PropertyShift implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Classes with fewer sampled images are left out of every comparison. */
    static final int MIN_IMAGES = 5;

    private final Map<String, List<double[]>> byClass;

    private PropertyShift(Map<String, List<double[]>> byClass) {
        this.byClass = byClass;
    }

    /** No measurements: every shift is {@link Double#NaN} (the cue tests then decide without it). */
    public static final PropertyShift NONE = new PropertyShift(Map.of());

    /**
     * From per-image measurements: {@code classOf[i]} the class of image {@code i} ({@code null}: left out), {@code values[i]}
     * its properties in {@link ImageProperty#values()} order.
     */
    public static PropertyShift of(List<String> classOf, List<double[]> values) {
        if (classOf.size() != values.size()) {
            throw new IllegalArgumentException("one class per measured image: " + classOf.size() + " classes, " + values.size() + " images");
        }
        Map<String, List<double[]>> byClass = new LinkedHashMap<>();
        for (int i = 0; i < classOf.size(); i++) {
            if (classOf.get(i) != null && values.get(i) != null) {
                byClass.computeIfAbsent(classOf.get(i), k -> new ArrayList<>()).add(values.get(i));
            }
        }
        return new PropertyShift(byClass);
    }

    /**
     * The median over other classes of the chance that one of the class's images has more of {@code property} than one
     * of theirs; NaN when the class or every other class has too few images, or the property does not apply.
     */
    public double above(String className, ImageProperty property) {
        List<double[]> mine = byClass.getOrDefault(className, List.of());
        if (mine.size() < MIN_IMAGES) {
            return Double.NaN;
        }
        int q = property.ordinal();
        List<Double> aucs = new ArrayList<>();
        for (Map.Entry<String, List<double[]>> other : byClass.entrySet()) {
            if (other.getKey().equals(className) || other.getValue().size() < MIN_IMAGES) {
                continue;
            }
            double wins = 0;
            long pairs = 0;
            for (double[] a : mine) {
                for (double[] b : other.getValue()) {
                    if (Double.isNaN(a[q]) || Double.isNaN(b[q])) {
                        continue;
                    }
                    wins += a[q] > b[q] ? 1 : a[q] == b[q] ? 0.5 : 0;
                    pairs++;
                }
            }
            if (pairs > 0) {
                aucs.add(wins / pairs);
            }
        }
        return aucs.isEmpty() ? Double.NaN : GlobalCueProbe.median(aucs.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /**
     * How far the class's images lie on the side that {@code removedBy} moves away from: {@link #above} for a change that
     * lowers its property (a low-pass removes a pattern the class's images have more of), one minus it for a change that
     * raises it (brightening removes a class whose images are darker). 0.5: no different from a typical class.
     */
    public double against(String className, ImageAdjustment removedBy) {
        ImageProperty q = removedBy.property();
        if (q == null) {
            return Double.NaN;
        }
        double a = above(className, q);
        return removedBy.raises() ? 1 - a : a;
    }
}
