package io.shortcutlens.jobs;

import io.shortcutlens.lake.ImageSource;
import io.shortcutlens.lake.LakeTables;
import io.shortcutlens.model.Differentiable;

/**
 * What an embedding run is asked to do: the typed form of the embed job's flags, and what another job or a program
 * hands to {@link EmbedJob#run(org.apache.spark.sql.SparkSession, EmbedOptions)}.
 *
 * @param input     the images
 * @param model     the model whose layer embeds them
 * @param layer     the layer: a name or index, {@code penultimate} (the output layer's input) or {@code auto} (the Grad-CAM layer)
 * @param output    the output folder: embeddings/, tsne/ and embed-manifest.json
 * @param format    the tables' format
 * @param batchSize images per forward pass
 * @param tsne      the t-SNE map of a sample per class
 */
public record EmbedOptions(ImageSource input, String model, String layer, String output, LakeTables.Format format, int batchSize, TsneMap tsne) {
    public static final int DEFAULT_BATCH_SIZE = 64;

    /**
     * The t-SNE map: the first {@code perClass} images by id of each class (0: no map).
     *
     * @param classBy an image's class for the sample and the neighbour accuracy
     * @param seed    the seed of the map's start
     */
    public record TsneMap(int perClass, double perplexity, int iterations, ClassView classBy, long seed) {
        public static final TsneMap DEFAULT = new TsneMap(100, 30, 1000, ClassView.LABEL, 0);

        public TsneMap {
            if (perClass < 0 || iterations < 0 || !(perplexity > 0)) {
                throw new IllegalArgumentException("--tsne-per-class and --tsne-iterations must be 0 or more and --tsne-perplexity above 0");
            }
            classBy = classBy == null ? ClassView.LABEL : classBy;
        }

        public TsneMap withSeed(long s) {
            return new TsneMap(perClass, perplexity, iterations, classBy, s);
        }
    }

    public EmbedOptions {
        if (input == null || model == null || output == null) {
            throw new IllegalArgumentException("an embedding needs --input, --model and --output");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be 1 or more, found " + batchSize);
        }
        output = output.replaceAll("/+$", "");
        layer = layer == null ? Differentiable.PENULTIMATE : layer;
        format = format == null ? LakeTables.Format.PARQUET : format;
        tsne = tsne == null ? TsneMap.DEFAULT : tsne;
    }

    /** The penultimate layer's embedding and its t-SNE map at the defaults. */
    public static EmbedOptions of(ImageSource input, String model, String output) {
        return new EmbedOptions(input, model, Differentiable.PENULTIMATE, output, LakeTables.Format.PARQUET, DEFAULT_BATCH_SIZE, TsneMap.DEFAULT);
    }

    public EmbedOptions withTsne(TsneMap t) {
        return new EmbedOptions(input, model, layer, output, format, batchSize, t);
    }
}
