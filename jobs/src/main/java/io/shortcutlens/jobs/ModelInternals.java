package io.shortcutlens.jobs;

import io.shortcutlens.explain.ActivationExplainer;
import io.shortcutlens.explain.DeepDream;
import io.shortcutlens.image.ImageTensor;
import io.shortcutlens.image.InputShape;
import io.shortcutlens.image.Normalisation;
import io.shortcutlens.lake.LakeTables;
import io.shortcutlens.lake.RunFolder;
import io.shortcutlens.lake.RunManifest;
import io.shortcutlens.model.Differentiable;
import io.shortcutlens.model.LoadedModel;
import io.shortcutlens.report.Heatmaps;
import io.shortcutlens.report.Html;
import io.shortcutlens.report.InsideTheModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The audit report's look inside the model, the story's last steps: deep dream of a layer's channels and of each class
 * output, one image per class through a layer (its channels tiled, the strongest channel over the image), and the
 * t-SNE map the embedding job wrote.
 */
public final class ModelInternals {
    private ModelInternals() { }

    /**
     * Deep dream from the same noise image (uniform over pixel values 88..168, seeded) for the {@code channels} channels
     * of {@code layer} most active on that noise (in channel order) and, when asked, for each class's logit.
     */
    static List<InsideTheModel.DreamTile> dreams(Differentiable net, LoadedModel model, Normalisation norm, String layer, int channels, boolean classes, long seed) {
        InputShape shape = model.inputShape();
        SplittableRandom random = new SplittableRandom(seed);
        float[] noise = new float[shape.size()];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (float) (88 + 80 * random.nextDouble());
        }
        float[] start = norm.apply(noise, shape.channels(), shape.pixels());
        // steps of 5% of the whole pixel range (0..255), not of the narrower noise's
        float[] black = norm.apply(new float[shape.size()], shape.channels(), shape.pixels());
        float[] white = new float[shape.size()];
        java.util.Arrays.fill(white, 255);
        white = norm.apply(white, shape.channels(), shape.pixels());
        double step = 0.05 * Math.abs(white[0] - black[0]) / Math.max(1e-12, spread(start));
        List<DeepDream> jobs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        String layerName = DeepDream.CLASS_SCORES;
        if (channels > 0) {
            // a channel silent on the noise has no gradient to climb: dream the most active ones
            Differentiable.LayerActivations a = net.activations(start, 1, layer);
            layerName = a.layer();
            int hw = a.height() * a.width();
            double[] means = new double[a.channels()];
            for (int i = 0; i < a.values().length; i++) {
                means[i / hw] += a.values()[i] / hw;
            }
            java.util.stream.IntStream.range(0, a.channels()).boxed().filter(c -> means[c] > 0)
                    .sorted((x, y) -> Double.compare(means[y], means[x])).limit(channels).sorted()
                    .forEach(c -> {
                        jobs.add(DeepDream.of(layer, c).withStep(step));
                        names.add("channel " + c);
                    });
        }
        if (classes) {
            for (int c = 0; c < model.numClasses(); c++) {
                jobs.add(DeepDream.ofClass(c).withStep(step));
                names.add("class " + model.className(c));
            }
        }
        List<InsideTheModel.DreamTile> out = new ArrayList<>();
        int scale = Math.max(1, 96 / Math.max(shape.height(), shape.width()));
        for (int i = 0; i < jobs.size(); i++) {
            DeepDream d = jobs.get(i);
            float[] dreamed = d.dream(net, shape, start);
            out.add(new InsideTheModel.DreamTile(names.get(i), DeepDream.CLASS_SCORES.equals(d.layer()) ? DeepDream.CLASS_SCORES : layerName,
                    d.objective(net, start), d.objective(net, dreamed),
                    Heatmaps.png(Heatmaps.picture(dreamed, shape.channels(), shape.height(), shape.width(), scale))));
        }
        return out;
    }

    private static double spread(float[] v) {
        float[] r = Heatmaps.range(v);
        return r[1] - r[0];
    }

    /** One image per class through {@code layer}: the channels tiled, the strongest channel upsampled over the image. */
    static InsideTheModel.ActivationPanel activations(io.shortcutlens.model.LayerOutputs net, InputShape shape, String className, String path, ImageTensor image, String layer) {
        Differentiable.LayerActivations a = net.activations(image.input(), 1, layer);
        int strongest = ActivationExplainer.strongestChannelIndex(a, 0);
        float[] over = io.shortcutlens.maps.Resize.bilinear(ActivationExplainer.strongestChannel(a, 0), a.height(), a.width(), shape.height(), shape.width());
        int scale = Math.max(1, 128 / Math.max(shape.height(), shape.width()));
        int tileScale = Math.max(1, 48 / Math.max(a.height(), a.width()));
        return new InsideTheModel.ActivationPanel(className, path, a.layer(), a.channels(), a.height(), a.width(), strongest,
                Heatmaps.dataUri(Heatmaps.picture(image.pixels(), shape.channels(), shape.height(), shape.width(), scale, 0, 255)),
                Heatmaps.dataUri(Heatmaps.tiles(a.values(), a.channels(), a.height(), a.width(), tileScale)),
                Heatmaps.dataUri(Heatmaps.overlay(image.pixels(), shape.channels(), over, shape.height(), shape.width(), scale)));
    }

    /** Fails, saying what is expected, unless {@code embedOutput} holds the embed job's manifest with a t-SNE. */
    static void checkEmbeddings(SparkSession spark, String embedOutput) {
        embedManifest(spark, embedOutput);
    }

    /** The embed job's manifest in {@code embedOutput}; fails, saying what is expected, unless it is one with a t-SNE. */
    private static JobManifests.Embed embedManifest(SparkSession spark, String embedOutput) {
        String dir = embedOutput.replaceAll("/+$", "");
        JobManifests.Embed manifest;
        try {
            manifest = RunManifest.read(spark, RunFolder.of(dir).embedManifest(), JobManifests.Embed.class);
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException("--embeddings " + embedOutput + " is not an embed job's output (no readable embed-manifest.json;"
                    + " run ./submit.sh embed --output " + embedOutput + " first)", e);
        }
        if (manifest.tsne() == null) {
            throw new IllegalArgumentException("embedding output " + dir + " has no t-SNE (it was run with --tsne-per-class 0)");
        }
        return manifest;
    }

    /** The embedding job's t-SNE points (OUTPUT/tsne) and manifest, drawn as an SVG scatter coloured by true class. */
    static InsideTheModel.TsnePlot tsne(SparkSession spark, String embedOutput) {
        String dir = embedOutput.replaceAll("/+$", "");
        JobManifests.Embed manifest = embedManifest(spark, dir);
        List<Row> rows = LakeTables.read(spark, RunFolder.of(dir).tsne()).orderBy("image_id").collectAsList();
        return new InsideTheModel.TsnePlot(dir, manifest.layer(), rows.size(), rows.stream().filter(ModelInternals::misclassified).count(), manifest.tsne().knn2d(),
                manifest.tsne().knnLayer(), svg(rows));
    }

    private static boolean misclassified(Row r) {
        return !r.isNullAt(2) && !r.getString(2).equals(r.getString(3));
    }

    /** Tableau's ten categorical colours, then greys. */
    private static final String[] PALETTE = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
        "#bcbd22", "#17becf"};

    private static String svg(List<Row> rows) {
        int size = 480;
        int margin = 12;
        int legend = 170;
        double minX = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY;
        double minY = Double.POSITIVE_INFINITY;
        double maxY = Double.NEGATIVE_INFINITY;
        Map<String, String> colours = new LinkedHashMap<>();
        List<String> classes = rows.stream().map(r -> cls(r)).distinct().sorted().toList();
        for (int i = 0; i < classes.size(); i++) {
            colours.put(classes.get(i), i < PALETTE.length ? PALETTE[i] : "#444");
        }
        for (Row r : rows) {
            minX = Math.min(minX, r.getDouble(4));
            maxX = Math.max(maxX, r.getDouble(4));
            minY = Math.min(minY, r.getDouble(5));
            maxY = Math.max(maxY, r.getDouble(5));
        }
        double span = Math.max(Math.max(maxX - minX, maxY - minY), 1e-9);
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg id=\"tsne\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\"><rect width=\"%d\" height=\"%d\" fill=\"#fff\" stroke=\"#999\"/>", size + legend, size, size + legend, size,
                size, size));
        for (Row r : rows) {
            double x = margin + (r.getDouble(4) - minX) / span * (size - 2 * margin);
            double y = size - margin - (r.getDouble(5) - minY) / span * (size - 2 * margin);
            String colour = colours.get(cls(r));
            String title = "<title>" + Html.text(r.getString(1) != null ? r.getString(1) : r.getString(0)) + " — label " + Html.text(r.getString(2))
                    + ", predicted " + Html.text(r.getString(3)) + "</title>";
            if (misclassified(r)) {
                s.append(String.format(Locale.ROOT, "<g class=\"pt miss\" stroke=\"%s\" stroke-width=\"2\"><path d=\"M%.1f %.1fl8 8m0 -8l-8 8\"/>%s</g>",
                        colour, x - 4, y - 4, title));
            } else {
                s.append(String.format(Locale.ROOT, "<circle class=\"pt ok\" cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\" fill-opacity=\"0.8\">%s</circle>",
                        x, y, colour, title));
            }
        }
        int ly = 24;
        for (Map.Entry<String, String> e : colours.entrySet()) {
            s.append(String.format(Locale.ROOT, "<circle cx=\"%d\" cy=\"%d\" r=\"5\" fill=\"%s\"/><text x=\"%d\" y=\"%d\" font-size=\"13\">%s</text>",
                    size + 20, ly, e.getValue(), size + 32, ly + 4, Html.text(e.getKey())));
            ly += 20;
        }
        s.append(String.format(Locale.ROOT, "<path d=\"M%d %dl8 8m0 -8l-8 8\" stroke=\"#333\" stroke-width=\"2\"/><text x=\"%d\" y=\"%d\" "
                + "font-size=\"13\">misclassified</text>", size + 16, ly + 6, size + 32, ly + 14));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#555\">(colour: true class)</text>", size + 16, ly + 32));
        return s.append("</svg>").toString();
    }

    /** A point's class in the plot: its label, else its predicted class. */
    private static String cls(Row r) {
        return r.isNullAt(2) ? r.getString(3) : r.getString(2);
    }
}
