package io.shortcutlens.report;

import java.util.List;

/** What the audit's report shows of the model's inside: deep dream tiles, activations, the t-SNE map; {@code notes} say why a part is missing. */
public record InsideTheModel(List<DreamTile> dreams, List<ActivationPanel> activations, TsnePlot tsne, List<String> notes) {
    /** Nothing to show. */
    public static InsideTheModel none() {
        return new InsideTheModel(List.of(), List.of(), null, List.of());
    }

    /**
     * @param objective "channel 3" or "class bear"
     * @param before    the objective on the starting noise; {@code after}: on the dreamed image
     * @param png       the dreamed image, rescaled to its own range
     */
    public record DreamTile(String objective, String layer, float before, float after, byte[] png) { }

    /**
     * @param strongest the channel with the largest single activation (MATLAB's {@code max(max(max(act)))})
     */
    public record ActivationPanel(String className, String path, String layer, int channels, int height, int width, int strongest, String imageUri,
                                  String tilesUri, String strongestUri) { }

    /** A t-SNE map as inline SVG, with its neighbour accuracies from the embedding job. */
    public record TsnePlot(String source, String layer, int points, long misclassified, double knn2d, double knnLayer, String svg) { }
}
