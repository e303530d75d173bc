package io.shortcutlens.jobs;

import io.shortcutlens.audit.RegionMasker;
import io.shortcutlens.correct.RegionNeutraliser;
import io.shortcutlens.correct.ShortcutRegion;
import io.shortcutlens.explain.Seeds;
import io.shortcutlens.image.DecodeLimits;
import io.shortcutlens.image.ImageDecoder;
import io.shortcutlens.image.ImageTensor;
import io.shortcutlens.image.InputShape;
import io.shortcutlens.image.Normalisation;
import io.shortcutlens.spark.HadoopConf;
import io.shortcutlens.spark.HadoopFiles;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.util.CollectionAccumulator;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import scala.Tuple2;

/**
 * Labelled images as DL4J mini-batches for dl4j-spark, built inside the tasks: each image read through Hadoop and
 * decoded at the model's input as the explain run did, then changed by {@code change} (the correction's
 * neutraliser, or the audit's hiding of the shortcut regions), then packed {@code batch} at a time. The stream is
 * split into {@code parts} partitions by a seeded hash of each image's path and ordered by it inside each, so what a
 * worker sees does not depend on how the input was partitioned. An image that cannot be read is left out and its
 * path and error go to {@code unreadable}.
 */
final class TrainingStream implements Serializable {
    private static final long serialVersionUID = 1L;

    /** What happens to an image before it is trained or evaluated on: its model input, changed or not. */
    interface Change extends Serializable {
        float[] apply(ImageTensor image, int label, String path);
    }

    /** The images as they are. */
    static Change asIs() {
        return (image, label, path) -> image.input();
    }

    /** Each shortcut region hidden as the audit hides it: the images without the artifact. */
    static Change hidden(List<ShortcutRegion> regions, RegionMasker.Fill fill, long seed) {
        List<ShortcutRegion> copy = List.copyOf(regions);
        return (image, label, path) -> {
            ImageTensor t = image;
            for (ShortcutRegion r : copy) {
                t = ImageTensor.ofInput(t.shape(), RegionMasker.mask(t, r.box(), fill, Seeds.forImage(path, seed)));
            }
            return t.input();
        };
    }

    /** The correction's training stream in one epoch. */
    static Change neutralised(RegionNeutraliser neutraliser, int epoch) {
        return (image, label, path) -> neutraliser.apply(image, label, path, epoch);
    }

    private final InputShape shape;
    private final Normalisation normalisation;
    private final DecodeLimits limits;
    private final HadoopConf hadoop;
    private final List<String> classNames;

    TrainingStream(InputShape shape, Normalisation normalisation, DecodeLimits limits, HadoopConf hadoop, List<String> classNames) {
        this.shape = shape;
        this.normalisation = normalisation;
        this.limits = limits;
        this.hadoop = hadoop;
        this.classNames = List.copyOf(classNames);
    }

    /**
     * Mini-batches of {@code images} (rows with {@code path} and {@code label}, labels among the model's classes) in
     * {@code parts} partitions, ordered by {@code orderSeed}.
     */
    JavaRDD<DataSet> batches(Dataset<Row> images, Change change, int batch, int parts, long orderSeed, CollectionAccumulator<String> unreadable) {
        List<String> names = classNames;
        JavaRDD<Tuple2<String, Integer>> labelled = images.select("path", "label").toJavaRDD()
                .map(r -> new Tuple2<>(r.getString(0), names.indexOf(r.getString(1))));
        return labelled.mapToPair(t -> new Tuple2<>(Seeds.forImage(t._1(), orderSeed), t))
                .repartitionAndSortWithinPartitions(new HashPartitioner(parts))
                .values()
                .mapPartitions(rows -> pack(rows, change, batch, unreadable));
    }

    private Iterator<DataSet> pack(Iterator<Tuple2<String, Integer>> rows, Change change, int batch, CollectionAccumulator<String> unreadable) {
        ImageDecoder decoder = new ImageDecoder(limits);
        int size = shape.size();
        int k = classNames.size();
        List<DataSet> out = new ArrayList<>();
        List<float[]> inputs = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        while (rows.hasNext()) {
            Tuple2<String, Integer> row = rows.next();
            try {
                ImageTensor image = decoder.decode(HadoopFiles.read(row._1(), hadoop, limits.maxFileBytes()), shape, normalisation);
                inputs.add(change.apply(image, row._2(), row._1()));
                labels.add(row._2());
            } catch (Exception e) {
                unreadable.add(row._1() + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            }
            if (inputs.size() == batch || (!rows.hasNext() && !inputs.isEmpty())) {
                float[] x = new float[inputs.size() * size];
                float[] y = new float[inputs.size() * k];
                for (int i = 0; i < inputs.size(); i++) {
                    System.arraycopy(inputs.get(i), 0, x, i * size, size);
                    y[i * k + labels.get(i)] = 1;
                }
                out.add(new DataSet(Nd4j.create(x, new long[] {inputs.size(), shape.channels(), shape.height(), shape.width()}, 'c'),
                        Nd4j.create(y, new long[] {inputs.size(), k}, 'c')));
                inputs.clear();
                labels.clear();
            }
        }
        return out.iterator();
    }

    /**
     * The region patches images donate for {@code PASTE}: per region, from at most {@code perSide} images of its class
     * and as many of other classes, the images with the lowest seeded draws (the same donors whatever the partitioning).
     */
    List<RegionNeutraliser.Donors> donors(Dataset<Row> images, List<ShortcutRegion> regions, long seed, int perSide) {
        List<RegionNeutraliser.Donors> out = new ArrayList<>();
        ImageDecoder decoder = new ImageDecoder(limits);
        for (int r = 0; r < regions.size(); r++) {
            ShortcutRegion region = regions.get(r);
            int index = r;
            org.apache.spark.sql.expressions.UserDefinedFunction rank = org.apache.spark.sql.functions.udf(
                    (org.apache.spark.sql.api.java.UDF1<String, Double>) path -> RegionNeutraliser.draw(seed, path, 0, index, RegionNeutraliser.DONOR_RANK),
                    org.apache.spark.sql.types.DataTypes.DoubleType);
            Dataset<Row> ranked = images.withColumn("donor_rank", rank.apply(org.apache.spark.sql.functions.col("path")));
            org.apache.spark.sql.Column inClass = org.apache.spark.sql.functions.col("label").equalTo(region.className());
            List<float[][]> sides = new ArrayList<>();
            for (org.apache.spark.sql.Column side : List.of(inClass, org.apache.spark.sql.functions.not(inClass))) {
                List<float[]> patches = new ArrayList<>();
                for (Row d : ranked.where(side).orderBy("donor_rank", "path").limit(perSide).select("path").collectAsList()) {
                    try {
                        ImageTensor image = decoder.decode(HadoopFiles.read(d.getString(0), hadoop, limits.maxFileBytes()), shape, normalisation);
                        patches.add(RegionNeutraliser.patch(image.input(), shape, region.box()));
                    } catch (Exception e) {
                        // an unreadable donor is left out; the training stream names it among the unreadable images
                    }
                }
                sides.add(patches.toArray(new float[0][]));
            }
            out.add(new RegionNeutraliser.Donors(sides.get(0), sides.get(1)));
        }
        return out;
    }
}
