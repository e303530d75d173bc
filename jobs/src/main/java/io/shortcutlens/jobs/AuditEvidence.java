package io.shortcutlens.jobs;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.shortcutlens.audit.AuditFinding;
import io.shortcutlens.audit.AuditParams;
import io.shortcutlens.audit.Candidate;
import io.shortcutlens.audit.Confirmation;
import io.shortcutlens.audit.ContentConsistency;
import io.shortcutlens.audit.GlobalCueProbe;
import io.shortcutlens.audit.PropertyShift;
import io.shortcutlens.audit.ImageAdjustment;
import io.shortcutlens.audit.PixelMoments;
import io.shortcutlens.audit.Place;
import io.shortcutlens.audit.Region;
import io.shortcutlens.audit.PositionFree;
import io.shortcutlens.audit.Scope;
import io.shortcutlens.audit.RegionMasker;
import io.shortcutlens.audit.Sufficiency;
import io.shortcutlens.audit.Transplant;
import io.shortcutlens.image.DecodeLimits;
import io.shortcutlens.image.Normalisation;
import io.shortcutlens.spark.EvidencePartition;
import io.shortcutlens.spark.GlobalCuePartition;
import io.shortcutlens.spark.HadoopConf;
import io.shortcutlens.spark.ModelStaging;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The audit's forward passes, run by Spark: the evidence passes of every candidate ({@link EvidencePartition}) and
 * the global-cue probe ({@link GlobalCuePartition}), aggregated on the executors into the counts and moments the core
 * decides on. Only aggregates and bounded lists of image paths reach the driver.
 */
final class AuditEvidence {
    private AuditEvidence() { }

    /** Where the model and images come from, and how images are read and hidden: the same for every pass. */
    record Passes(SparkSession spark, ModelStaging.Staged staged, Normalisation normalisation, DecodeLimits limits, RegionMasker.Fill fill,
                  long seed) {
        HadoopConf hadoop() {
            return new HadoopConf(spark.sparkContext().hadoopConfiguration());
        }

        /** The model and the reading of images as the tasks of these passes need them. */
        io.shortcutlens.spark.TaskModel task() {
            return new io.shortcutlens.spark.TaskModel(staged.spec(), staged.shippedName(), normalisation, limits, hadoop());
        }

        Dataset<Row> run(List<Row> rows, StructType schema, org.apache.spark.api.java.function.MapPartitionsFunction<Row, Row> f, StructType out) {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            int slices = Math.max(1, Math.min(rows.size(), spark.sparkContext().defaultParallelism() * 2));
            return spark.createDataFrame(jsc.parallelize(rows, slices), schema).mapPartitions(f, Encoders.row(out));
        }
    }

    /** The evidence of the probed candidates, and the task rows (for the annotations' object overlaps). */
    record Measurement(Map<Integer, AuditFinding.Measured> measured, Dataset<Row> tasks, long passes) { }

    /** The fewest images using a region for its content to be read on them alone ({@link #moments}). */
    static final int MIN_USING = 10;

    /**
     * The images a place of a candidate concerns ({@link Place#concerns}): the whole class, or those of the place's
     * clusters under the candidate's method whose own map uses the region.
     */
    static Dataset<Row> imagesOf(Candidate c, Place place, Dataset<Row> view, Dataset<Row> assigned, double imageShare) {
        if (place.clusters().isEmpty()) {
            return view.where(col("class").equalTo(c.finding().className()).and(col("path").isNotNull()));
        }
        UserDefinedFunction concerns = udf((UDF1<scala.collection.Seq<Float>, Boolean>) grid -> place.concerns(AuditJob.floats(grid), imageShare),
                DataTypes.BooleanType);
        return assigned.where(col("class").equalTo(c.finding().className()).and(col("method").equalTo(c.finding().method()))
                .and(col(SubgroupClustering.CLUSTER).isin(place.clusters().toArray())).and(col("path").isNotNull())
                .and(concerns.apply(col("mass_grid"))));
    }

    /**
     * The images with a flag: whether the image's own map (under the candidate's method) puts at least {@code imageShare}
     * of its mass into the place's region — the images whose content there the content test reads ({@link #moments}).
     */
    private static Dataset<Row> withUse(Candidate c, Place place, Dataset<Row> view, Dataset<Row> images, double imageShare) {
        UserDefinedFunction uses = udf((UDF1<scala.collection.Seq<Float>, Boolean>) grid -> place.uses(AuditJob.floats(grid), imageShare),
                DataTypes.BooleanType);
        Dataset<Row> use = view.where(col("class").equalTo(c.finding().className()).and(col("method").equalTo(c.finding().method())))
                .select(col("image_id"), uses.apply(col("mass_grid")).as("uses_region"));
        return images.join(use, images.col("image_id").equalTo(use.col("image_id")), "left")
                .select(images.col("image_id"), images.col("path"), coalesce(use.col("uses_region"), lit(false)).as("uses_region"));
    }

    static Measurement measure(Passes passes, List<Candidate> candidates, List<String> classNames, Dataset<Row> view, Dataset<Row> assigned,
                               int confirmImages, AuditParams params) {
        List<Row> tasks = tasks(passes, candidates, classNames, view, assigned, confirmImages, params);
        Dataset<Row> taskRows = passes.spark().createDataFrame(tasks, EvidencePartition.INPUT);
        Dataset<Row> outcomes = passes.run(tasks, EvidencePartition.INPUT, new EvidencePartition(passes.task(), passes.fill(), passes.seed()), EvidencePartition.OUTPUT)
                .where(col("assigned").and(col("error").isNull())).persist();
        Map<Integer, int[]> signatureShapes = signatureShapes(candidates, passes.staged().model().inputShape());
        Map<Integer, AuditFinding.Measured> out = measured(outcomes, signatureShapes, params);
        for (Candidate c : candidates) {
            if (c.probed() && c.scope() == Scope.POSITION_FREE && out.containsKey(c.id())) {
                out.put(c.id(), out.get(c.id()).with(recurring(outcomes, c.id(), signatureShapes.get(c.id()))));
            }
        }
        outcomes.unpersist();
        long probedPasses = (long) tasks.size() * io.shortcutlens.audit.EvidenceProbe.PASSES;
        return new Measurement(out, taskRows, probedPasses);
    }

    /**
     * The evidence passes' tasks: per probed candidate, its images (a place's images that use it, or each image at its own
     * block for a position-free candidate), each with its region, its control and a receiving image of another class.
     */
    private static List<Row> tasks(Passes passes, List<Candidate> candidates, List<String> classNames, Dataset<Row> view, Dataset<Row> assigned,
                                   int confirmImages, AuditParams params) {
        int h = passes.staged().model().inputShape().height();
        int w = passes.staged().model().inputShape().width();
        // receiving images for the transplant: a seeded mix of every class's images, at most confirmImages of them
        List<Row> receivers = view.where(col("path").isNotNull()).select("class", "image_id", "path").distinct()
                .orderBy(xxhash64(col("image_id"), lit(passes.seed())), col("image_id")).limit(Math.max(1, confirmImages)).collectAsList();
        List<Row> tasks = new ArrayList<>();
        for (Candidate c : candidates) {
            if (!c.probed()) {
                continue;
            }
            int classIndex = classNames.indexOf(c.finding().className());
            List<String> others = receivers.stream().filter(r -> !r.getString(0).equals(c.finding().className())).map(r -> r.getString(2)).toList();
            int k = c.id();
            if (c.scope() == Scope.POSITION_FREE) { // each image at its own block, against its own control block
                List<Region> blocks = Region.candidates(c.finding().region().grid(),
                        new int[] {c.finding().region().height()});
                UserDefinedFunction own = ownBlocks(blocks, params.control());
                for (Row r : view.where(col("class").equalTo(c.finding().className()).and(col("method").equalTo(c.finding().method()))
                                .and(col("path").isNotNull())).select(col("image_id"), col("path"), own.apply(col("mass_grid")).as("own"))
                        .orderBy("image_id").limit(Math.max(1, confirmImages)).collectAsList()) {
                    String receiver = others.isEmpty() ? null : others.get(Math.floorMod(k++, others.size()));
                    List<Integer> o = r.getList(2);
                    tasks.add(RowFactory.create(c.id(), r.getString(0), r.getString(1), classIndex, blocks.get(o.get(0)).pixelBox(h, w),
                            blocks.get(o.get(1)).pixelBox(h, w), receiver, true));
                }
                continue;
            }
            for (Place place : c.places()) {
                for (Row r : withUse(c, place, view, imagesOf(c, place, view, assigned, params.detector().imageShare()).select("image_id", "path").distinct(),
                        params.detector().imageShare()).orderBy("image_id").limit(Math.max(1, confirmImages / c.places().size())).collectAsList()) {
                    String receiver = others.isEmpty() ? null : others.get(Math.floorMod(k++, others.size()));
                    tasks.add(RowFactory.create(c.id(), r.getString(0), r.getString(1), classIndex, place.region().pixelBox(h, w),
                            place.control().pixelBox(h, w), receiver, r.getBoolean(2)));
                }
            }
        }
        return tasks;
    }

    /** The signature's shape of each candidate whose places are all of one size: it lets the content test refine a region to the mark inside it. */
    private static Map<Integer, int[]> signatureShapes(List<Candidate> candidates, io.shortcutlens.image.InputShape shape) {
        int h = shape.height();
        int w = shape.width();
        int channels = shape.channels();
        Map<Integer, int[]> signatureShapes = new HashMap<>();
        for (Candidate c : candidates) {
            List<int[]> shapes = c.places().stream().map(pl -> io.shortcutlens.audit.RegionContent.shape(channels, pl.region().pixelBox(h, w))).toList();
            if (shapes.stream().allMatch(x -> java.util.Arrays.equals(x, shapes.get(0)))) {
                signatureShapes.put(c.id(), shapes.get(0));
            }
        }
        return signatureShapes;
    }

    /** Each candidate's counts (masking, transplant, sufficiency) and content consistency, from the passes' outcomes. */
    private static Map<Integer, AuditFinding.Measured> measured(Dataset<Row> outcomes, Map<Integer, int[]> signatureShapes, AuditParams params) {
        Map<Integer, AuditFinding.Measured> out = new HashMap<>();
        Map<Integer, Map<String, PixelMoments>> moments = moments(outcomes);
        for (Row r : outcomes.groupBy("finding_id").agg(count("*"), ones("flipped_region"), ones("flipped_control"),
                        only("flipped_region", "flipped_control"), only("flipped_control", "flipped_region"), avg("drop_region"), avg("drop_control"),
                        ones("kept_region"), ones("kept_control"), ones("blank"), only("kept_region", "kept_control"), only("kept_control", "kept_region"),
                        ones("receiver_other"), ones("became_region"), ones("became_control"), only("became_region", "became_control"),
                        only("became_control", "became_region"))
                .collectAsList()) {
            int id = r.getInt(0);
            Map<String, PixelMoments> m = moments.getOrDefault(id, Map.of());
            out.put(id, new AuditFinding.Measured(
                    new Confirmation(r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4), r.getLong(5), r.getDouble(6), r.getDouble(7)),
                    new Transplant(r.getLong(13), r.getLong(14), r.getLong(15), r.getLong(16), r.getLong(17)),
                    new Sufficiency(r.getLong(1), r.getLong(8), r.getLong(9), r.getLong(10), r.getLong(11), r.getLong(12)),
                    ContentConsistency.of(m.getOrDefault("region", PixelMoments.EMPTY), m.getOrDefault("receiver_region", PixelMoments.EMPTY),
                            m.getOrDefault("control", PixelMoments.EMPTY), m.getOrDefault("receiver_control", PixelMoments.EMPTY),
                            params.maxSpread(), params.minDistance(), signatureShapes.get(id))));
        }
        return out;
    }

    /**
     * A position-free candidate's recurring-content test ({@link io.shortcutlens.audit.RecurringContent}) from its images'
     * own-block, control-block and receivers' signatures, in task order (the images' ids).
     */
    private static io.shortcutlens.audit.RecurringContent recurring(Dataset<Row> outcomes, int id, int[] shape) {
        List<float[]> own = new ArrayList<>();
        List<float[]> control = new ArrayList<>();
        List<float[]> others = new ArrayList<>();
        for (Row r : outcomes.where(col("finding_id").equalTo(id)).select("region_signature", "control_signature", "receiver_region_signature")
                .collectAsList()) {
            for (int k = 0; k < 3; k++) {
                if (!r.isNullAt(k)) {
                    (k == 0 ? own : k == 1 ? control : others).add(AuditJob.floats(r.getSeq(k)));
                }
            }
        }
        return io.shortcutlens.audit.RecurringContent.of(own, control, others, shape);
    }

    /** Each image's own block ({@link PositionFree#own}) as {block, share of the image's positive mass}, from its mass grid. */
    static UserDefinedFunction ownBlockShares(List<Region> blocks, io.shortcutlens.audit.ControlChoice control) {
        return udf((UDF1<scala.collection.Seq<Float>, float[]>) grid -> {
            PositionFree.Own o = PositionFree.own(AuditJob.floats(grid), blocks, control);
            return new float[] {o.block(), (float) o.share()};
        }, DataTypes.createArrayType(DataTypes.FloatType, false));
    }

    /** Each image's own block and its control ({@link PositionFree#own}) as {block, control}, from its mass grid. */
    private static UserDefinedFunction ownBlocks(List<Region> blocks, io.shortcutlens.audit.ControlChoice control) {
        return udf((UDF1<scala.collection.Seq<Float>, int[]>) grid -> {
            PositionFree.Own o = PositionFree.own(AuditJob.floats(grid), blocks, control);
            return new int[] {o.block(), o.control()};
        }, DataTypes.createArrayType(DataTypes.IntegerType, false));
    }

    /**
     * Per class and method of the view, over each image's own block ({@link PositionFree#own}): images, mean share, the
     * share of images whose block holds at least the detector's image share, the block most images use and the share of images
     * whose own block overlaps it ({@link PositionFree#commonPlace}); on the executors.
     */
    static List<PositionFree.ClassStat> positionFreeStats(Dataset<Row> view, List<Region> blocks, AuditParams params) {
        UserDefinedFunction own = ownBlockShares(blocks, params.control());
        Dataset<Row> perImage = view.select(col("class"), col("method"), own.apply(col("mass_grid")).as("own"))
                .select(col("class"), col("method"), expr("CAST(own[0] AS INT)").as("block"), expr("own[1]").as("share"));
        Map<List<String>, long[]> perBlock = new HashMap<>(); // (class, method) -> images per own block
        for (Row r : perImage.groupBy("class", "method", "block").count().collectAsList()) {
            perBlock.computeIfAbsent(List.of(r.getString(0), r.getString(1)), k -> new long[blocks.size()])[r.getInt(2)] = r.getLong(3);
        }
        List<PositionFree.ClassStat> out = new ArrayList<>();
        for (Row r : perImage.groupBy("class", "method").agg(count("*"), avg("share"),
                avg(when(col("share").geq(params.detector().imageShare()), 1.0).otherwise(0.0))).collectAsList()) {
            long[] c = PositionFree.commonPlace(perBlock.get(List.of(r.getString(0), r.getString(1))), blocks);
            out.add(new PositionFree.ClassStat(r.getString(0), r.getString(1), r.getLong(2), r.getDouble(3), r.getDouble(4), (int) c[0],
                    (double) c[1] / r.getLong(2)));
        }
        return out;
    }

    private static Column ones(String flag) {
        return sum(when(col(flag), 1L).otherwise(0L));
    }

    private static Column only(String flag, String not) {
        return sum(when(col(flag).and(col(not).unary_$bang()), 1L).otherwise(0L));
    }

    /**
     * Per candidate and signature kind (region, control, receiver_region, receiver_control), the per-pixel median and robust
     * spread. The class's side is read where the model looks: on the images whose own map uses the region
     * ({@link #withUse}), when at least {@link #MIN_USING} of them do — a mark is seldom on every image of a class, and a
     * class grouped by prediction holds images the model assigns to it for other reasons (the colour family's tag on 90%
     * of its crosses was on 52% of the images a weak model called crosses, and on 80 of the 88 whose maps used its
     * corner); else on every image tested. Other classes' images are read whole.
     */
    private static Map<Integer, Map<String, PixelMoments>> moments(Dataset<Row> outcomes) {
        java.util.Set<Integer> looked = new java.util.HashSet<>();
        for (Row r : outcomes.groupBy("finding_id").agg(ones("uses_region")).collectAsList()) {
            if (r.getLong(1) >= MIN_USING) {
                looked.add(r.getInt(0));
            }
        }
        Column where = looked.isEmpty() ? lit(true) : col("uses_region").or(not(col("finding_id").isin(looked.toArray())));
        Dataset<Row> all = null;
        for (String kind : List.of("region", "control", "receiver_region", "receiver_control")) {
            Dataset<Row> rows = kind.startsWith("receiver") ? outcomes : outcomes.where(where);
            Dataset<Row> d = rows.where(col(kind + "_signature").isNotNull()).select(col("finding_id"), lit(kind).as("kind"),
                    posexplode(col(kind + "_signature")).as(new String[] {"pos", "v"}));
            all = all == null ? d : all.unionByName(d);
        }
        Map<Integer, Map<String, double[][]>> raw = new HashMap<>();
        Map<Integer, Map<String, Long>> images = new HashMap<>();
        // robust per-pixel location and spread (median, interquartile range / 1.349): the class's images include some the model
        // assigns to it without the artifact, which would inflate a standard deviation
        List<Row> rows = all.groupBy("finding_id", "kind", "pos").agg(count("*"), expr("percentile_approx(v, array(0.25, 0.5, 0.75), 1000)"))
                .collectAsList();
        Map<Integer, Map<String, Integer>> sizes = new HashMap<>();
        for (Row r : rows) {
            sizes.computeIfAbsent(r.getInt(0), k -> new HashMap<>()).merge(r.getString(1), r.getInt(2) + 1, Math::max);
        }
        for (Row r : rows) {
            int size = sizes.get(r.getInt(0)).get(r.getString(1));
            double[][] m = raw.computeIfAbsent(r.getInt(0), k -> new HashMap<>()).computeIfAbsent(r.getString(1), k -> new double[2][size]);
            List<Number> q = r.getList(4);
            m[0][r.getInt(2)] = q.get(1).doubleValue();
            m[1][r.getInt(2)] = (q.get(2).doubleValue() - q.get(0).doubleValue()) / 1.349;
            images.computeIfAbsent(r.getInt(0), k -> new HashMap<>()).put(r.getString(1), r.getLong(3));
        }
        Map<Integer, Map<String, PixelMoments>> out = new HashMap<>();
        raw.forEach((id, kinds) -> kinds.forEach((kind, m) -> out.computeIfAbsent(id, k -> new HashMap<>())
                .put(kind, new PixelMoments(images.get(id).get(kind), m[0], m[1]))));
        return out;
    }

    /**
     * The global-cue probe on up to {@code perClass} images of each class (seeded choice): every image as is and under
     * every whole-image change, then the per-change confusion into per-class counts, and each image's properties.
     */
    static CueProbe globalCounts(Passes passes, List<String> classNames, Dataset<Row> view, int perClass) {
        if (perClass <= 0) {
            return CueProbe.NONE;
        }
        // one map an image (the first method's): the context probe hides what it ranks highest
        List<Row> sample = view.where(col("path").isNotNull()).groupBy("class", "image_id", "path")
                .agg(org.apache.spark.sql.functions.min_by(col("mass_grid"), col("method")).as("mass_grid"))
                .withColumn("rank", row_number().over(Window.partitionBy("class").orderBy(xxhash64(col("image_id"), lit(passes.seed())), col("image_id"))))
                .where(col("rank").leq(perClass)).select("image_id", "path", "mass_grid").collectAsList();
        if (sample.isEmpty()) {
            return CueProbe.NONE;
        }
        List<ImageAdjustment> changes = ImageAdjustment.probed(passes.staged().model().inputShape().channels());
        Dataset<Row> probed = passes.run(sample, GlobalCuePartition.INPUT, new GlobalCuePartition(passes.task()), GlobalCuePartition.OUTPUT)
                .where(col("error").isNull());
        // one action over the sample (a few rows a class): its passes run once, and the driver counts
        long[][][] confusion = new long[changes.size()][classNames.size()][classNames.size()];
        List<String> classOf = new ArrayList<>();
        List<double[]> values = new ArrayList<>();
        for (Row r : probed.select("predicted_index", "adjusted_index", "properties").collectAsList()) {
            int predicted = r.getInt(0);
            List<Integer> adjusted = r.getList(1);
            for (int t = 0; t < adjusted.size(); t++) {
                confusion[t][predicted][adjusted.get(t)]++;
            }
            classOf.add(classNames.get(predicted));
            values.add(r.getList(2).stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray());
        }
        List<GlobalCueProbe.Count> out = new ArrayList<>();
        for (int t = 0; t < changes.size(); t++) {
            out.addAll(GlobalCueProbe.counts(classNames, changes.get(t), confusion[t]));
        }
        return new CueProbe(out, PropertyShift.of(classOf, values));
    }

    /** What the global-cue probe measured: per-class counts under every change, and the sampled images' properties. */
    record CueProbe(List<GlobalCueProbe.Count> counts, PropertyShift shifts) {
        static final CueProbe NONE = new CueProbe(List.of(), PropertyShift.NONE);
    }
}
