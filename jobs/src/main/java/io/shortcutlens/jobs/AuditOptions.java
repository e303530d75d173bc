package io.shortcutlens.jobs;

import io.shortcutlens.audit.AuditParams;
import io.shortcutlens.audit.RegionMasker;
import io.shortcutlens.audit.Verdict;
import io.shortcutlens.lake.LakeTables;
import java.util.List;

/**
 * What an audit is asked to do: the typed form of the audit job's flags, and what another job or a program hands to
 * {@link AuditJob#run(org.apache.spark.sql.SparkSession, AuditOptions)}. Built with {@link #builder}; every default is
 * a constant here or in {@link AuditParams#defaults()}, the values the flags' help shows.
 *
 * @param run           the explain run's output folder (its explanations/ and manifest.json)
 * @param model         the model to re-predict with, or null for the run's own
 * @param groupBy       whose classes are judged: the predicted class or the label
 * @param params        the detector's and the evidence's thresholds
 * @param clusters      KMeans clusters per (class, method) for subgroups (0: none)
 * @param fill          how a region is hidden in the evidence tests, or null for as the run's maps hid it
 * @param confirmImages images re-predicted per finding
 * @param cueImages     images per class in the global-cue probe
 * @param objects       an annotation table of object boxes, or null
 * @param seed          seed of the noise fill and of deep dream's starting noise
 * @param pictures      what the report draws besides the findings
 * @param format        the format of the tables written
 * @param earlier       earlier audits compared with and re-tested
 * @param failOn        verdicts that make {@link AuditJob#exitStatus} {@link AuditJob#FAILED_ON}
 */
public record AuditOptions(String run, String model, ClassView groupBy, AuditParams params, int clusters, RegionMasker.Fill fill, int confirmImages,
                           int cueImages, Objects objects, long seed, Pictures pictures, LakeTables.Format format, Earlier earlier, List<Verdict> failOn) {
    public static final int DEFAULT_CLUSTERS = 6;
    public static final int DEFAULT_CONFIRM_IMAGES = 500;
    public static final int DEFAULT_CUE_IMAGES = 60;
    public static final long DEFAULT_SEED = 0;

    /** An annotation table: a 'path' as in the explanations and a 'box'. */
    public record Objects(String table, String format) {
        public static final String DEFAULT_FORMAT = "parquet";

        public Objects {
            format = format == null ? DEFAULT_FORMAT : format;
        }
    }

    /**
     * What the report draws besides the findings.
     *
     * @param embeddings       the embed job's output folder (its t-SNE map), or null
     * @param dreamLayer       the layer whose channels deep dream raises, or {@code auto}
     * @param dreamChannels    deep dreams of so many channels (0: none)
     * @param dreamClasses     deep dreams of each class's output
     * @param activationsLayer the layer shown for one image per class, {@code auto} or {@code none}
     */
    public record Pictures(String embeddings, String dreamLayer, int dreamChannels, boolean dreamClasses, String activationsLayer) {
        public static final Pictures DEFAULT = new Pictures(null, "auto", 8, true, "auto");

        public Pictures {
            if (dreamChannels < 0) {
                throw new IllegalArgumentException("--dream-channels must be 0 or more, found " + dreamChannels);
            }
        }

        /** These pictures without deep dreams (a benchmark's audits, where only the findings count). */
        public Pictures withoutDreams() {
            return new Pictures(embeddings, dreamLayer, 0, false, activationsLayer);
        }

        public Pictures withEmbeddings(String e) {
            return new Pictures(e, dreamLayer, dreamChannels, dreamClasses, activationsLayer);
        }
    }

    /** Earlier audits (a run folder or its findings/ table): compared with ({@code compareTo}), their shortcut regions tested again ({@code recheck}); null: none. */
    public record Earlier(String compareTo, String recheck) {
        public static final Earlier NONE = new Earlier(null, null);
    }

    public AuditOptions {
        if (run == null || run.isBlank()) {
            throw new IllegalArgumentException("an audit needs an explain run's output folder (--run)");
        }
        run = run.endsWith("/") ? run.substring(0, run.length() - 1) : run;
        groupBy = groupBy == null ? ClassView.PREDICTED : groupBy;
        params = params == null ? AuditParams.defaults() : params;
        if (clusters < 0 || confirmImages < 0 || cueImages < 0) {
            throw new IllegalArgumentException("--clusters, --confirm-images and --cue-images must be 0 or more");
        }
        pictures = pictures == null ? Pictures.DEFAULT : pictures;
        format = format == null ? LakeTables.Format.PARQUET : format;
        earlier = earlier == null ? Earlier.NONE : earlier;
        failOn = failOn == null ? List.of() : List.copyOf(failOn);
    }

    /**
     * The audit job's command line that asks for these options: the audit's summary records it, and the correct job
     * reads it back to audit a corrected model the same way.
     */
    public List<String> commandLine() {
        io.shortcutlens.audit.DetectorParams d = params.detector();
        Cli.Args a = new Cli.Args().add("--run", run).add("--model", model).add("--group-by", groupBy.label())
                .add("--min-share", d.minShare()).add("--image-share", d.imageShare()).add("--min-consistency", d.minConsistency())
                .add("--min-contrast", d.minContrast()).add("--max-area", d.maxArea()).add("--min-images", d.minImages())
                .add("--alpha", params.alpha()).add("--min-flip-gap", params.minFlipGap()).add("--control", params.control())
                .add("--min-transplant-gap", params.minTransplantGap()).add("--min-transplant-ratio", params.minTransplantRatio())
                .add("--min-sufficiency-gap", params.minSufficiencyGap()).add("--max-spread", params.maxSpread()).add("--min-distance", params.minDistance())
                .add("--min-stamped", params.minStamped()).add("--min-support-gap", params.minSupportGap())
                .add("--min-cue-leave-gap", params.minCueLeaveGap()).add("--min-cue-enter-gap", params.minCueEnterGap())
                .add("--min-cue-shift", params.minCueShift()).add("--min-context-keep", params.minContextKeep());
        a.add("--clusters", clusters).add("--fill", fill).add("--confirm-images", confirmImages).add("--cue-images", cueImages).add("--seed", seed);
        if (objects != null) {
            a.add("--annotations", objects.table()).add("--annotations-format", objects.format());
        }
        a.add("--embeddings", pictures.embeddings()).add("--dream-layer", pictures.dreamLayer()).add("--dream-channels", pictures.dreamChannels())
                .flag(true, "--dream-classes=" + pictures.dreamClasses())
                .add("--activations-layer", pictures.activationsLayer());
        a.add("--table-format", format).add("--recheck", earlier.recheck()).add("--compare-to", earlier.compareTo());
        if (!failOn.isEmpty()) {
            a.add("--fail-on", String.join(",", failOn.stream().map(v -> v.name().toLowerCase(java.util.Locale.ROOT)).toList()));
        }
        return a.list();
    }

    public static Builder builder(String run) {
        return new Builder(run);
    }

    /** A builder holding these options, to change some of them. */
    public Builder toBuilder() {
        Builder b = new Builder(run);
        b.model = model;
        b.groupBy = groupBy;
        b.params = params;
        b.clusters = clusters;
        b.fill = fill;
        b.confirmImages = confirmImages;
        b.cueImages = cueImages;
        b.objects = objects;
        b.seed = seed;
        b.pictures = pictures;
        b.format = format;
        b.earlier = earlier;
        b.failOn = failOn;
        return b;
    }

    /** Options built a part at a time; what is not set is at its default. */
    public static final class Builder {
        private String run;
        private String model;
        private ClassView groupBy = ClassView.PREDICTED;
        private AuditParams params = AuditParams.defaults();
        private int clusters = DEFAULT_CLUSTERS;
        private RegionMasker.Fill fill;
        private int confirmImages = DEFAULT_CONFIRM_IMAGES;
        private int cueImages = DEFAULT_CUE_IMAGES;
        private Objects objects;
        private long seed = DEFAULT_SEED;
        private Pictures pictures = Pictures.DEFAULT;
        private LakeTables.Format format = LakeTables.Format.PARQUET;
        private Earlier earlier = Earlier.NONE;
        private List<Verdict> failOn = List.of();

        private Builder(String run) {
            this.run = run;
        }

        public Builder run(String v) {
            run = v;
            return this;
        }

        public Builder model(String v) {
            model = v;
            return this;
        }

        public Builder groupBy(ClassView v) {
            groupBy = v;
            return this;
        }

        public Builder params(AuditParams v) {
            params = v;
            return this;
        }

        public Builder clusters(int v) {
            clusters = v;
            return this;
        }

        public Builder fill(RegionMasker.Fill v) {
            fill = v;
            return this;
        }

        public Builder confirmImages(int v) {
            confirmImages = v;
            return this;
        }

        public Builder cueImages(int v) {
            cueImages = v;
            return this;
        }

        public Builder objects(Objects v) {
            objects = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder pictures(Pictures v) {
            pictures = v;
            return this;
        }

        public Builder format(LakeTables.Format v) {
            format = v;
            return this;
        }

        public Builder earlier(Earlier v) {
            earlier = v;
            return this;
        }

        public Builder failOn(List<Verdict> v) {
            failOn = v;
            return this;
        }

        public AuditOptions build() {
            return new AuditOptions(run, model, groupBy, params, clusters, fill, confirmImages, cueImages, objects, seed, pictures, format, earlier,
                    failOn);
        }
    }
}
