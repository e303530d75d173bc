package io.shortcutlens.jobs;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.udf;

import io.shortcutlens.audit.AuditFinding;
import io.shortcutlens.audit.BoxAgreement;
import io.shortcutlens.audit.GlobalCueProbe;
import io.shortcutlens.audit.Place;
import io.shortcutlens.audit.Region;
import io.shortcutlens.audit.SubgroupDetector;
import io.shortcutlens.image.ImageDecoder;
import io.shortcutlens.image.ImageTensor;
import io.shortcutlens.image.InputShape;
import io.shortcutlens.image.Normalisation;
import io.shortcutlens.model.LoadedModel;
import io.shortcutlens.pipeline.ExplainManifest;
import io.shortcutlens.report.AuditReport;
import io.shortcutlens.report.Heatmaps;
import io.shortcutlens.report.InsideTheModel;
import io.shortcutlens.spark.ExplanationRows;
import io.shortcutlens.spark.HadoopConf;
import io.shortcutlens.spark.HadoopFiles;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit report's pictures and tables, gathered with bounded queries (aggregates, a few examples per finding, a
 * sample per class), and what the model's inside shows: deep dream, activations, the t-SNE map.
 */
record AuditPictures(AuditOptions.Pictures pictures, long seed, String groupBy) {
    private static final Logger LOG = LoggerFactory.getLogger("shortcutlens.audit");

    /** The audited rows: every explanation without error ({@code ok}), the chosen class view, its subgroup assignment (null without clustering). */
    record Rows(Dataset<Row> ok, Dataset<Row> view, Dataset<Row> assigned) { }

    /** What the audit said: findings, cues, subgroups, box agreement, its thresholds and the change since an earlier audit (null: none compared). */
    record Said(List<AuditFinding> findings, List<GlobalCueProbe.Cue> cues, List<SubgroupDetector.Subgroup> subgroups,
                List<BoxAgreement> boxes, String thresholds, AuditReport.History history) { }

    /** How the report reads an image: decoded, limited and normalised as the run was, from any Hadoop path. */
    record Drawing(ImageDecoder decoder, HadoopConf hadoop, InputShape shape, Normalisation norm) {
        static Drawing of(SparkSession spark, ExplainManifest manifest) {
            return new Drawing(new ImageDecoder(manifest.limits()), new HadoopConf(spark.sparkContext().hadoopConfiguration()),
                    manifest.model().inputShape(), manifest.inputNormalisation());
        }

        ImageTensor read(String path) throws java.io.IOException, io.shortcutlens.image.ImageDecodeException {
            return decoder.decode(HadoopFiles.read(path, hadoop, decoder.limits().maxFileBytes()), shape, norm);
        }

        /** Scale of an example picture: about 160 pixels on its longer side. */
        int exampleScale() {
            return Math.max(1, 160 / Math.max(shape.height(), shape.width()));
        }
    }

    /** Report pictures and tables: every query is bounded (aggregates, a few examples per finding, a sample per class). */
    InsideTheModel report(SparkSession spark, String path, ExplainManifest manifest, LoadedModel loaded, Rows rows, Said said) {
        Drawing d = Drawing.of(spark, manifest);
        List<AuditReport.ClassPanel> classes = classPanels(rows.view(), d);
        List<AuditReport.FindingPanel> panels = new ArrayList<>();
        for (AuditFinding c : said.findings()) {
            panels.add(findingPanel(c, rows, d));
        }
        InsideTheModel internals = internals(spark, loaded, rows.view(), d);
        AuditReport.write(spark, path, new AuditReport.Contents(manifest, groupBy, said.thresholds(), panels, said.cues(), classes, said.subgroups(),
                said.boxes(), confusion(rows.ok()), internals, said.history(), AuditReport.MethodRank.read(spark, manifest)));
        return internals;
    }

    /** Each class's mean map per method over its average image, averaged on the executors at thumbnail size. */
    private static List<AuditReport.ClassPanel> classPanels(Dataset<Row> view, Drawing d) {
        int th = Math.min(d.shape().height(), 48);
        int tw = Math.min(d.shape().width(), 48);
        int scale = Math.max(1, 160 / Math.max(th, tw));
        UserDefinedFunction thumbnail = udf((UDF1<Row, float[]>) m -> Heatmaps.downsample(ExplanationRows.fromRow(m).toPixels(),
                m.getInt(m.fieldIndex("height")), m.getInt(m.fieldIndex("width")), th, tw), DataTypes.createArrayType(DataTypes.FloatType, false));
        Map<String, float[]> meanMaps = new java.util.TreeMap<>();
        Map<String, Long> counts = new java.util.HashMap<>();
        for (Row r : view.select(col("class"), col("method"), posexplode(thumbnail.apply(col("map"))).as(new String[] {"pos", "v"}))
                .groupBy("class", "method", "pos").agg(avg("v"), count("*")).collectAsList()) {
            String key = r.getString(0) + "\u0000" + r.getString(1);
            meanMaps.computeIfAbsent(key, k -> new float[th * tw])[r.getInt(2)] = (float) r.getDouble(3);
            counts.put(key, r.getLong(4));
        }
        Map<String, float[]> averageImages = new java.util.HashMap<>();
        List<AuditReport.ClassPanel> classes = new ArrayList<>();
        for (Map.Entry<String, float[]> e : meanMaps.entrySet()) {
            String[] k = e.getKey().split("\u0000");
            float[] avgImage = averageImages.computeIfAbsent(k[0], c -> averageImage(view, c, d, th, tw));
            classes.add(new AuditReport.ClassPanel(k[0], k[1], counts.get(e.getKey()),
                    Heatmaps.dataUri(Heatmaps.overlay(avgImage, d.shape().channels(), e.getValue(), th, tw, scale))));
        }
        return classes;
    }

    /** A finding's examples: the images of the class (or of the place's clusters) that put the most mass into the flagged region. */
    private static AuditReport.FindingPanel findingPanel(AuditFinding c, Rows rows, Drawing d) {
        List<String> uris = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        if (c.scope() == io.shortcutlens.audit.Scope.POSITION_FREE) {
            List<String> artifact = positionFree(c, rows.view(), d, uris, paths);
            return new AuditReport.FindingPanel(c, uris, paths, artifact);
        }
        List<Row> examples = new ArrayList<>();
        for (Place place : c.places()) {
            Region region = place.region();
            UserDefinedFunction regionMass = udf((UDF1<scala.collection.Seq<Float>, Float>) g -> region.mass(AuditJob.floats(g)), DataTypes.FloatType);
            examples.addAll(AuditEvidence.imagesOf(c.candidate(), place, rows.view(), rows.assigned(), 0 /* every member: ranked by mass below */)
                    .where(col("method").equalTo(c.finding().method()))
                    .withColumn("region_mass", regionMass.apply(col("mass_grid"))).orderBy(col("region_mass").desc(), col("image_id"))
                    .select("path", "map").limit(Math.max(1, 4 / c.places().size())).collectAsList());
        }
        for (Row r : examples) {
            try {
                ImageTensor img = d.read(r.getString(0));
                uris.add(Heatmaps.dataUri(Heatmaps.overlay(img.pixels(), d.shape().channels(), ExplanationRows.fromRow(r.getStruct(1)).toPixels(),
                        d.shape().height(), d.shape().width(), d.exampleScale())));
                paths.add(r.getString(0));
            } catch (Exception e) {
                LOG.warn("report: cannot draw example {}: {}", r.getString(0), e.getMessage());
            }
        }
        return new AuditReport.FindingPanel(c, uris, paths, List.of());
    }

    /** The confusion matrix over the explained images (one method's rows: one row per image). */
    private static AuditReport.Confusion confusion(Dataset<Row> ok) {
        Map<String, Map<String, Long>> confusion = new java.util.TreeMap<>();
        String firstMethod = ok.select("method").distinct().orderBy("method").first().getString(0);
        for (Row r : ok.where(col("method").equalTo(firstMethod).and(col("target_index").equalTo(col("predicted_index"))))
                .groupBy("label", "predicted_class").count().collectAsList()) {
            confusion.computeIfAbsent(r.isNullAt(0) ? "(no label)" : r.getString(0), k -> new java.util.TreeMap<>())
                    .put(r.getString(1), r.getLong(2));
        }
        return new AuditReport.Confusion(confusion);
    }

    /**
     * A position-free finding's pictures: the class's images whose own block holds the most of their mass (up to 8),
     * each drawn with its map into {@code uris}/{@code paths}; returned, the artifact itself — the mean of those own
     * blocks' pixels, then each block — at display size.
     */
    private static List<String> positionFree(AuditFinding c, Dataset<Row> view, Drawing d, List<String> uris, List<String> paths) {
        InputShape shape = d.shape();
        Region like = c.finding().region();
        List<Region> blocks = Region.candidates(like.grid(), new int[] {like.height()});
        UserDefinedFunction own = AuditEvidence.ownBlockShares(blocks, io.shortcutlens.audit.ControlChoice.STRONGEST); // the block, not its control, is drawn
        int h = shape.height();
        int w = shape.width();
        int c0 = shape.channels();
        int exScale = d.exampleScale();
        List<float[]> crops = new ArrayList<>();
        int[] size = null;
        for (Row r : view.where(col("class").equalTo(c.finding().className()).and(col("method").equalTo(c.finding().method()))
                        .and(col("path").isNotNull())).withColumn("own", own.apply(col("mass_grid")))
                .orderBy(col("own").getItem(1).desc(), col("image_id")).select("path", "map", "own").limit(8).collectAsList()) {
            try {
                ImageTensor img = d.read(r.getString(0));
                uris.add(Heatmaps.dataUri(Heatmaps.overlay(img.pixels(), c0, ExplanationRows.fromRow(r.getStruct(1)).toPixels(), h, w, exScale)));
                paths.add(r.getString(0));
                int[] box = blocks.get(Math.round(r.<Float>getList(2).get(0))).pixelBox(h, w);
                size = size == null ? new int[] {box[2] - box[0], box[3] - box[1]} : size;
                float[] crop = new float[c0 * size[0] * size[1]];
                for (int ch = 0; ch < c0; ch++) {
                    for (int y = 0; y < size[0]; y++) {
                        System.arraycopy(img.pixels(), ch * h * w + (box[0] + y) * w + box[1], crop, (ch * size[0] + y) * size[1], size[1]);
                    }
                }
                crops.add(crop);
            } catch (Exception e) {
                LOG.warn("report: cannot draw example {}: {}", r.getString(0), e.getMessage());
            }
        }
        List<String> out = new ArrayList<>();
        if (crops.isEmpty()) {
            return out;
        }
        float[] mean = new float[crops.get(0).length];
        for (float[] crop : crops) {
            for (int i = 0; i < mean.length; i++) {
                mean[i] += crop[i] / crops.size();
            }
        }
        int scale = Math.max(1, 96 / Math.max(size[0], size[1]));
        out.add(Heatmaps.dataUri(Heatmaps.picture(mean, c0, size[0], size[1], scale, 0, 255)));
        for (float[] crop : crops) {
            out.add(Heatmaps.dataUri(Heatmaps.picture(crop, c0, size[0], size[1], scale, 0, 255)));
        }
        return out;
    }

    /** Deep dream, activations of one image per class, and the t-SNE map: what the model's inside shows. */
    private InsideTheModel internals(SparkSession spark, LoadedModel loaded, Dataset<Row> view, Drawing drawing) {
        List<String> notes = new ArrayList<>();
        InsideTheModel.TsnePlot tsne = null;
        if (pictures.embeddings() != null) {
            tsne = ModelInternals.tsne(spark, pictures.embeddings());
        }
        boolean activations = !"none".equalsIgnoreCase(pictures.activationsLayer());
        List<InsideTheModel.DreamTile> dreams = new ArrayList<>();
        List<InsideTheModel.ActivationPanel> panels = new ArrayList<>();
        if (pictures.dreamChannels() > 0 || pictures.dreamClasses() || activations) {
            if (!(loaded.classifier() instanceof io.shortcutlens.model.LayerOutputs net)) {
                notes.add("Deep dream and activations need a model whose layers can be read (a DL4J network, an ONNX model).");
            } else {
                try {
                    if (net instanceof io.shortcutlens.model.Differentiable d && (pictures.dreamChannels() > 0 || pictures.dreamClasses())) {
                        long t0 = System.nanoTime();
                        try {
                            dreams.addAll(ModelInternals.dreams(d, loaded, drawing.norm(), auto(pictures.dreamLayer()), pictures.dreamChannels(), pictures.dreamClasses(), seed));
                            LOG.info("report: deep dream of {} objectives in {} s", dreams.size(), String.format(Locale.ROOT, "%.1f", (System.nanoTime() - t0) / 1e9));
                        } catch (UnsupportedOperationException e) { // an ONNX graph whose gradients cannot be built: its activations still show
                            notes.add("Deep dream: " + e.getMessage());
                            LOG.warn("report: {}", e.getMessage());
                        }
                    } else if (pictures.dreamChannels() > 0 || pictures.dreamClasses()) {
                        notes.add("Deep dream needs gradients, which this model (" + loaded.classifier() + ") does not give; its activations are shown.");
                    }
                    if (activations) {
                        // the class's first image by id
                        for (Row r : view.where(col("path").isNotNull()).select("class", "image_id", "path").distinct()
                                .withColumn("rank", row_number().over(Window.partitionBy("class").orderBy("image_id", "path")))
                                .where(col("rank").equalTo(1)).orderBy("class").select("class", "path").collectAsList()) {
                            ImageTensor img = drawing.read(r.getString(1));
                            panels.add(ModelInternals.activations(net, drawing.shape(), r.getString(0), r.getString(1), img, auto(pictures.activationsLayer())));
                        }
                    }
                } catch (IllegalArgumentException | UnsupportedOperationException | java.io.IOException | io.shortcutlens.image.ImageDecodeException e) {
                    notes.add("Deep dream / activations: " + e.getMessage());
                    LOG.warn("report: {}", e.getMessage());
                }
            }
        }
        return new InsideTheModel(dreams, panels, tsne, notes);
    }

    static String auto(String layer) {
        return layer == null || "auto".equalsIgnoreCase(layer.trim()) ? null : layer.trim();
    }

    /** Mean display image of up to 24 images of the class (by image id), decoded on the driver, at thumbnail size. */
    private static float[] averageImage(Dataset<Row> view, String cls, Drawing d, int th, int tw) {
        InputShape shape = d.shape();
        float[] sum = new float[shape.channels() * th * tw];
        int n = 0;
        for (Row r : view.where(col("class").equalTo(cls).and(col("path").isNotNull())).select("image_id", "path").distinct()
                .orderBy("image_id").limit(24).collectAsList()) {
            try {
                ImageTensor img = d.read(r.getString(1));
                int plane = shape.pixels();
                for (int ch = 0; ch < shape.channels(); ch++) {
                    float[] p = java.util.Arrays.copyOfRange(img.pixels(), ch * plane, (ch + 1) * plane);
                    float[] small = Heatmaps.downsample(p, shape.height(), shape.width(), th, tw);
                    for (int i = 0; i < small.length; i++) {
                        sum[ch * th * tw + i] += small[i];
                    }
                }
                n++;
            } catch (Exception e) {
                LOG.warn("report: cannot read {} for the average image: {}", r.getString(1), e.getMessage());
            }
        }
        for (int i = 0; i < sum.length; i++) {
            sum[i] = n == 0 ? 128 : sum[i] / n;
        }
        return sum;
    }
}
