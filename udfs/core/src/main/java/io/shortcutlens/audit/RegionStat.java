package io.shortcutlens.audit;

/**
 * How one class's maps of one method treat one region, aggregated over the class's images.
 *
 * @param images      images in the class
 * @param meanShare   mean share of positive attribution mass inside the region
 * @param consistency fraction of the class's images whose share inside the region reaches the per-image threshold
 */
public record RegionStat(String className, String method, int regionIndex, long images, double meanShare, double consistency) { }
