package io.shortcutlens.decoy;

import io.shortcutlens.jobs.*;
import io.shortcutlens.audit.RegionMasker;
import io.shortcutlens.correct.CorrectionParams;
import io.shortcutlens.explain.OcclusionParams;
import java.io.File;
import java.util.List;

/**
 * What a decoy benchmark run is asked to do: the typed form of the decoy job's flags, and what the family job hands to
 * {@link DecoyJob#run(org.apache.spark.sql.SparkSession, DecoyOptions)} for each of its cases.
 */
public record DecoyOptions(Benchmark bench, Explaining explaining, Auditing auditing, Correcting correcting) {

    /**
     * The data, the models and where everything goes.
     *
     * @param trainImages   training images used (0: all 60,000)
     * @param auditPerClass audited test images per class (0: the whole test split)
     * @param decoyModel    a decoy model to audit instead of training one, or null
     */
    public record Benchmark(File data, File out, String variant, int trainImages, int auditPerClass, int epochs, long seed, boolean skipClean,
                            boolean reuse, File decoyModel) {
        public static Benchmark of(File out, String variant) {
            return new Benchmark(FashionMnist.DEFAULT_DIR, out, variant, 12_000, 100, 2, 1, false, false, null);
        }
    }

    /**
     * How the audited images are explained.
     *
     * @param perClass a sample of at most so many audited images per label (0: all of them)
     * @param hide     what stands in for hidden pixels: the image's mean or zero
     */
    public record Explaining(List<String> methods, int occlusionMask, int occlusionStride, int limeSamples, String occlusionMode, double adaptiveShare,
                             int perClass, RegionMasker.Fill hide) {
        public static final Explaining DEFAULT = new Explaining(List.of("occlusion", "lime"), 4, 2, 200, "full", OcclusionParams.DEFAULT_ADAPTIVE_SHARE, 0,
                RegionMasker.DEFAULT_FILL);

        public Explaining {
            methods = List.copyOf(methods);
            if (hide != RegionMasker.Fill.MEAN && hide != RegionMasker.Fill.ZERO) {
                throw new IllegalArgumentException("--hide must be mean or zero, found " + hide);
            }
        }

        public Explaining with(List<String> m, int stride) {
            return new Explaining(m, occlusionMask, stride, limeSamples, occlusionMode, adaptiveShare, perClass, hide);
        }
    }

    /**
     * How the explanations are audited.
     *
     * @param fill     how the audit's tests hide a region, or null for as the explainers hid pixels
     * @param annotate the garments' masks given to the audit as object boxes
     * @param dreams   deep dream pictures in the audit's report
     */
    public record Auditing(RegionMasker.Fill fill, boolean annotate, boolean dreams) { }

    /** Whether the decoy model is then corrected by the correct job, with how many epochs and which fill. */
    public record Correcting(boolean correct, int epochs, String fill) {
        public static final Correcting NONE = new Correcting(false, CorrectionParams.DEFAULT_EPOCHS, CorrectionParams.DEFAULT_FILL.label());
    }
}
