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
        return property == ImageProperty.COLOUR_CAST ? alongOwnHue(className, mine) : aucAgainstOthers(className, property.ordinal());
    }

    /** The median over other classes of the chance that one of the class's images has a larger value {@code q}. */
    private double aucAgainstOthers(String className, int q) {
        List<double[]> mine = byClass.get(className);
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
     * {@link ImageProperty#COLOUR_CAST}: a cast has a hue, and a class carries one when its images lie further along the
     * hue its images lean to than other classes' images do. The direction is the class's mean (warmth, greenness) minus
     * the mean of every other class's sampled images; each image is projected on it, and the chance that one of the
     * class's images lies further than one of another class's is taken as in {@link #above}, its median over classes.
     */
    private double alongOwnHue(String className, List<double[]> mine) {
        int wq = ImageProperty.WARMTH.ordinal();
        int gq = ImageProperty.GREENNESS.ordinal();
        double[] own = meanHue(mine);
        List<double[]> rest = new ArrayList<>();
        byClass.forEach((k, v) -> {
            if (!k.equals(className)) {
                rest.addAll(v);
            }
        });
        double[] others = meanHue(rest);
        if (own == null || others == null) {
            return Double.NaN;
        }
        double dw = own[0] - others[0];
        double dg = own[1] - others[1];
        List<double[]> projectedMine = new ArrayList<>();
        mine.forEach(a -> projectedMine.add(new double[] {a[wq] * dw + a[gq] * dg}));
        Map<String, List<double[]>> projected = new LinkedHashMap<>();
        projected.put(className, projectedMine);
        byClass.forEach((k, v) -> {
            if (!k.equals(className)) {
                projected.put(k, v.stream().map(a -> new double[] {a[wq] * dw + a[gq] * dg}).toList());
            }
        });
        return new PropertyShift(projected).aucAgainstOthers(className, 0);
    }

    /** The mean (warmth, greenness) of images measured on both; null when none was. */
    private static double[] meanHue(List<double[]> images) {
        int wq = ImageProperty.WARMTH.ordinal();
        int gq = ImageProperty.GREENNESS.ordinal();
        double w = 0;
        double g = 0;
        int n = 0;
        for (double[] a : images) {
            if (!Double.isNaN(a[wq]) && !Double.isNaN(a[gq])) {
                w += a[wq];
                g += a[gq];
                n++;
            }
        }
        return n == 0 ? null : new double[] {w / n, g / n};
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
