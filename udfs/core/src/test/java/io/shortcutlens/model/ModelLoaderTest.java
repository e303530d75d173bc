package io.shortcutlens.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shortcutlens.image.InputShape;
import io.shortcutlens.image.Normalisation;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class ModelLoaderTest {

    private static final InputShape SHAPE = new InputShape(3, 12, 12);

    private static ComputationGraph graph() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(4).dataType(DataType.FLOAT).graphBuilder()
                .addInputs("image")
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build(), "image")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "conv")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out")
                .setInputTypes(InputType.convolutional(SHAPE.height(), SHAPE.width(), SHAPE.channels()))
                .build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    private static float[] randomBatch(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n * SHAPE.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat();
        }
        return x;
    }

    private static ModelSpec spec(File f) {
        return new ModelSpec(f.getPath(), null, null, null, ModelSpec.DEFAULT_MAX_MODEL_BYTES);
    }

    @Test
    void computationGraphWithMetadataLoadsAndScoresLikeTheNetwork(@TempDir Path dir) throws Exception {
        ComputationGraph g = graph();
        File f = dir.resolve("graph.zip").toFile();
        ModelSerializer.writeModel(g, f, false);
        ModelLoader.writeMetadata(f, new ModelMetadata(SHAPE, List.of("a", "b", "c"), Normalisation.unitScale()));
        LoadedModel m = ModelLoader.load(f, spec(f));
        assertEquals(SHAPE, m.inputShape());
        assertEquals(List.of("a", "b", "c"), m.classNames());
        assertEquals(Normalisation.unitScale(), m.trainedNormalisation());
        assertEquals(64, m.modelId().length());
        float[] x = randomBatch(5, 1);
        float[] expected = g.outputSingle(Nd4j.create(x, new long[] {5, 3, 12, 12}, 'c')).data().asFloat();
        assertArrayEquals(expected, m.classifier().scores(x, 5), 1e-6f);
    }

    @Test
    void graphWithoutRecordedShapeAsksForInputShape(@TempDir Path dir) throws Exception {
        File f = dir.resolve("bare.zip").toFile();
        ModelSerializer.writeModel(graph(), f, false);
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> ModelLoader.load(f, spec(f)));
        assertTrue(e.getMessage().contains("--input-shape") && e.getMessage().contains(f.getPath()), e.getMessage());
        LoadedModel m = ModelLoader.load(f, new ModelSpec(f.getPath(), null, SHAPE, null, ModelSpec.DEFAULT_MAX_MODEL_BYTES));
        assertEquals(3, m.numClasses());
    }

    @Test
    void truncatedAndOversizedModelsFailNamingTheFile(@TempDir Path dir) throws Exception {
        File f = dir.resolve("graph.zip").toFile();
        ModelSerializer.writeModel(graph(), f, false);
        byte[] bytes = Files.readAllBytes(f.toPath());
        File cut = dir.resolve("cut.zip").toFile();
        Files.write(cut.toPath(), Arrays.copyOf(bytes, bytes.length / 2));
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> ModelLoader.load(cut, spec(cut)));
        assertTrue(e.getMessage().contains(cut.getPath()), e.getMessage());
        ModelLoadException big = assertThrows(ModelLoadException.class,
                () -> ModelLoader.load(f, new ModelSpec(f.getPath(), null, SHAPE, null, 100)));
        assertTrue(big.getMessage().contains("over the limit of 100 bytes"), big.getMessage());
    }

    @Test
    void concurrentTaskThreadsGetTheSameScoresAsOneThread(@TempDir Path dir) throws Exception {
        File f = dir.resolve("graph.zip").toFile();
        ModelSerializer.writeModel(graph(), f, false);
        ImageClassifier c = ModelLoader.load(f, new ModelSpec(f.getPath(), null, SHAPE, null, ModelSpec.DEFAULT_MAX_MODEL_BYTES)).classifier();
        List<float[]> inputs = new ArrayList<>();
        List<float[]> expected = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            inputs.add(randomBatch(7, 100 + i));
            expected.add(c.scores(inputs.get(i), 7));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> results = new ArrayList<>();
            for (int round = 0; round < 4; round++) {
                for (float[] in : inputs) {
                    results.add(pool.submit(() -> c.scores(in, 7)));
                }
            }
            for (int i = 0; i < results.size(); i++) {
                assertArrayEquals(expected.get(i % inputs.size()), results.get(i).get(), 0f);
            }
        } finally {
            pool.shutdown();
        }
    }
}
