package io.shortcutlens.correct;

import io.shortcutlens.audit.RegionMasker;
import io.shortcutlens.explain.Seeds;
import io.shortcutlens.image.ImageTensor;
import io.shortcutlens.image.InputShape;
import java.io.Serializable;
import java.util.List;

/**
 * The training stream of a correction, one image at a time: each shortcut region of {@code regions} is neutralised in
 * an image when the image's seeded draw for that region and epoch falls below the fraction (so about that share of
 * the images, a different set each epoch, whatever the partitioning). What stands in for the region is the
 * {@link CorrectionParams.Fill}: the image's own mean, noise, or the same region of a donor image from the other side
 * of the class (images of the class take it from other classes' images, the others from the class's images).
 */
public final class RegionNeutraliser implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Streams of draws per (image, epoch, region): whether to neutralise, which donor, the noise. */
    private static final int PICK = 0;
    private static final int DONOR = 1;
    private static final int NOISE = 2;
    /** The draw that ranks images as donors (the lowest draws donate). */
    public static final int DONOR_RANK = 3;

    /** Region patches for {@code PASTE}, one region's pixels per image ({@link #patch}): from images of its class, from images of others. */
    public record Donors(float[][] fromClass, float[][] fromOthers) implements Serializable { }

    private final List<ShortcutRegion> regions;
    private final CorrectionParams params;
    private final InputShape shape;
    private final List<Donors> donors;

    /** {@code donors}: one entry per region for {@code PASTE} (null otherwise). */
    public RegionNeutraliser(List<ShortcutRegion> regions, CorrectionParams params, InputShape shape, List<Donors> donors) {
        if (params.needsDonors() && (donors == null || donors.size() != regions.size())) {
            throw new IllegalArgumentException(params.fill().label() + " needs donors for each of the " + regions.size() + " regions");
        }
        this.regions = List.copyOf(regions);
        this.params = params;
        this.shape = shape;
        this.donors = donors == null ? null : List.copyOf(donors);
    }

    /**
     * The image's training input in {@code epoch}: a copy with each picked region neutralised ({@code label}: the image's
     * class index; {@code key}: what identifies it for its draws, e.g. its path). A region with no donor on the side an
     * image needs stays as it is.
     */
    public float[] apply(ImageTensor image, int label, String key, int epoch) {
        float[] out = image.input().clone();
        for (int r = 0; r < regions.size(); r++) {
            ShortcutRegion region = regions.get(r);
            if (draw(params.seed(), key, epoch, r, PICK) >= params.fraction()) {
                continue;
            }
            switch (params.fill()) {
                case MEAN -> out = RegionMasker.mask(ImageTensor.ofInput(shape, out), region.box(), RegionMasker.Fill.MEAN, 0);
                case NOISE -> out = RegionMasker.mask(ImageTensor.ofInput(shape, out), region.box(), RegionMasker.Fill.NOISE,
                        Seeds.forImage(key, params.seed() ^ stream(epoch, r, NOISE)));
                case PASTE -> pasteDonor(out, label == region.classIndex() ? donors.get(r).fromOthers() : donors.get(r).fromClass(), region, key, epoch, r);
                case SPREAD -> {
                    if (label == region.classIndex()) {
                        out = RegionMasker.mask(ImageTensor.ofInput(shape, out), region.box(), RegionMasker.Fill.MEAN, 0);
                    } else {
                        pasteDonor(out, donors.get(r).fromClass(), region, key, epoch, r);
                    }
                }
            }
        }
        return out;
    }

    /** Pastes a seeded pick of {@code pool} into the region; an empty pool leaves it as it is. */
    private void pasteDonor(float[] out, float[][] pool, ShortcutRegion region, String key, int epoch, int r) {
        if (pool.length > 0) {
            int pick = (int) Math.min(pool.length - 1, Math.floor(draw(params.seed(), key, epoch, r, DONOR) * pool.length));
            paste(out, shape, region.box(), pool[pick]);
        }
    }

    /** Whether {@code key}'s draw picks it for region {@code r} in {@code epoch}: about {@code fraction} of the images are picked. */
    public boolean picked(String key, int epoch, int r) {
        return draw(params.seed(), key, epoch, r, PICK) < params.fraction();
    }

    /** A uniform draw in [0, 1) from the seed, the image's key, the epoch, the region and the stream: no state, no order. */
    public static double draw(long seed, String key, int epoch, int region, int stream) {
        return (Seeds.forImage(key, seed ^ stream(epoch, region, stream)) >>> 11) * 0x1.0p-53;
    }

    private static long stream(int epoch, int region, int stream) {
        return (epoch + 1L) * 0x9E3779B97F4A7C15L ^ (region + 1L) * 0xC2B2AE3D27D4EB4FL ^ (stream + 1L) * 0x165667B19E3779F9L;
    }

    /** The pixels of {@code box} in every channel, channel-major: what one image donates. */
    public static float[] patch(float[] input, InputShape shape, int[] box) {
        int bh = box[2] - box[0];
        int bw = box[3] - box[1];
        int w = shape.width();
        int plane = shape.pixels();
        float[] out = new float[shape.channels() * bh * bw];
        for (int c = 0; c < shape.channels(); c++) {
            for (int y = 0; y < bh; y++) {
                System.arraycopy(input, c * plane + (box[0] + y) * w + box[1], out, (c * bh + y) * bw, bw);
            }
        }
        return out;
    }

    /** Writes a {@link #patch} into {@code box} of {@code out}. */
    static void paste(float[] out, InputShape shape, int[] box, float[] patch) {
        int bh = box[2] - box[0];
        int bw = box[3] - box[1];
        int w = shape.width();
        int plane = shape.pixels();
        for (int c = 0; c < shape.channels(); c++) {
            for (int y = 0; y < bh; y++) {
                System.arraycopy(patch, (c * bh + y) * bw, out, c * plane + (box[0] + y) * w + box[1], bw);
            }
        }
    }
}
