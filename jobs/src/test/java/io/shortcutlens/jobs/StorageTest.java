package io.shortcutlens.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shortcutlens.demo.TrailCameraScenes;
import io.shortcutlens.image.InputShape;
import io.shortcutlens.image.Normalisation;
import io.shortcutlens.model.ModelLoader;
import io.shortcutlens.model.ModelMetadata;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.junit.jupiter.api.Test;

/**
 * Parquet bytes per image and method at 224×224 input with default map parameters (occlusion windows 45/22, 49 SLIC
 * superpixels) stay within the 20 KB budget; one file per method so the figure is per row, not per-file overhead.
 */
class StorageTest {

    @Test
    void explanationsAt224AreCompact() throws Exception {
        File dir = TestSpark.newDir("storage");
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT).list()
                .layer(new ConvolutionLayer.Builder(5, 5).stride(4, 4).nOut(4).activation(Activation.RELU).build())
                .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(224, 224, 3)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        File model = new File(dir, "wide.zip");
        ModelSerializer.writeModel(net, model, false);
        ModelLoader.writeMetadata(model, new ModelMetadata(new InputShape(3, 224, 224), TrailCameraScenes.ANIMALS, Normalisation.unitScale()));

        File images = new File(dir, "images/cow");
        images.mkdirs();
        Random r = new Random(5);
        int n = 16;
        for (int i = 0; i < n; i++) {
            int[] px = TrailCameraScenes.scene("cow", false, 500 + i);
            BufferedImage small = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
            small.setRGB(0, 0, 32, 32, px, 0, 32);
            BufferedImage big = new BufferedImage(224, 224, BufferedImage.TYPE_INT_RGB);
            var g = big.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(small, 0, 0, 224, 224, null);
            g.dispose();
            for (int y = 0; y < 224; y++) {
                for (int x = 0; x < 224; x++) {
                    int p = big.getRGB(x, y);
                    int d = r.nextInt(17) - 8; // sensor noise, as photos have
                    int red = Math.max(0, Math.min(255, ((p >> 16) & 0xff) + d));
                    int green = Math.max(0, Math.min(255, ((p >> 8) & 0xff) + d));
                    int blue = Math.max(0, Math.min(255, (p & 0xff) + d));
                    big.setRGB(x, y, red << 16 | green << 8 | blue);
                }
            }
            ImageIO.write(big, "jpg", new File(images, "photo-" + i + ".jpg"));
        }
        File out = new File(dir, "out");
        ExplainJob.Result result = TestSpark.explainJob("--input", images.getParent(), "--model", model.getAbsolutePath(),
                "--output", out.getAbsolutePath(), "--lime-samples", "30", "--partitions", "1").run(TestSpark.session());
        assertEquals(0, result.errors());
        for (String method : List.of("occlusion", "lime")) {
            long bytes;
            try (Stream<java.nio.file.Path> files = Files.walk(new File(out, "explanations/run_id=" + result.runId() + "/method=" + method).toPath())) {
                bytes = files.filter(p -> p.toString().endsWith(".parquet")).mapToLong(p -> p.toFile().length()).sum();
            }
            double perRow = (double) bytes / n;
            System.out.printf("storage at 224x224: %s %.0f bytes per image%n", method, perRow);
            assertTrue(perRow <= 20_000, method + " uses " + perRow + " bytes per image");
        }
    }
}
