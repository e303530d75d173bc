package io.shortcutlens.model;

import io.shortcutlens.image.InputShape;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * Reads DL4J ModelSerializer zips ({@link MultiLayerNetwork} or {@link ComputationGraph}) and ONNX models (run by ONNX
 * Runtime) and checks them against what ShortcutLens will feed them. Every failure names the file and, where shapes are
 * involved, both shapes.
 */
public final class ModelLoader {

    /** What a model file may be, for messages. */
    public static final String EXPECTED = "a DL4J ModelSerializer zip or an ONNX model";

    private ModelLoader() { }

    public static LoadedModel load(File file, ModelSpec spec) {
        String name = spec.path();
        if (!file.isFile()) {
            throw new ModelLoadException("model file " + name + " does not exist or is not a file (expected " + EXPECTED + ")");
        }
        long size = file.length();
        if (size > spec.maxModelBytes()) {
            throw new ModelLoadException("model file " + name + " is " + size + " bytes, over the limit of " + spec.maxModelBytes() + " bytes");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file.toPath());
        } catch (IOException e) {
            throw new ModelLoadException("cannot read model file " + name + ": " + e.getMessage(), e);
        }
        String id = sha256(bytes);
        if (isOnnx(file, bytes)) {
            return loadOnnx(bytes, id, spec);
        }
        ZipContents zip = readZip(bytes, name);
        Object network;
        try (InputStream in = new ByteArrayInputStream(bytes)) {
            network = zip.graph ? ModelSerializer.restoreComputationGraph(in, false) : ModelSerializer.restoreMultiLayerNetwork(in, false);
        } catch (Exception | LinkageError e) {
            throw new ModelLoadException("model file " + name + " is not a readable DL4J model: " + e, e);
        }
        ModelMetadata meta = zip.metadata;
        InputShape shape = spec.inputShapeOverride() != null ? spec.inputShapeOverride()
                : meta != null && meta.inputShape() != null ? meta.inputShape() : inferShape(network, name);
        Dl4jClassifier.Probe probe = Dl4jClassifier.probe(network, shape);
        if (probe.error() != null) {
            String recorded = meta != null && meta.inputShape() != null ? "the model records input " + meta.inputShape() + "; " : "";
            throw new ModelLoadException("model file " + name + " does not accept input of shape [N, " + shape.channels() + ", "
                    + shape.height() + ", " + shape.width() + "] (" + recorded + expectedShape(network) + "): " + probe.error().getMessage(), probe.error());
        }
        List<String> names = classNames(spec, meta, probe.numClasses());
        Dl4jClassifier classifier = new Dl4jClassifier(network, shape, probe.flat(), probe.numClasses());
        return new LoadedModel(name, id, classifier, List.copyOf(names), meta == null ? null : meta.normalisation());
    }

    /** An ONNX model: named {@code .onnx}, or not a zip (a DL4J zip starts with {@code PK}) and starting like a protobuf ModelProto. */
    static boolean isOnnx(File file, byte[] bytes) {
        if (file.getName().toLowerCase(java.util.Locale.ROOT).endsWith(".onnx")) {
            return true;
        }
        // ModelProto's first field is ir_version (field 1, varint: tag 0x08) in every exporter we know
        return bytes.length > 1 && bytes[0] == 0x08 && bytes[1] > 0 && bytes[1] < 32;
    }

    private static LoadedModel loadOnnx(byte[] bytes, String id, ModelSpec spec) {
        String name = spec.path();
        OnnxClassifier.Loaded onnx = OnnxClassifier.open(name, bytes, spec.inputShapeOverride(), spec.onnx());
        ModelMetadata meta = onnx.metadata();
        List<String> names = classNames(spec, meta, onnx.classifier().numClasses());
        return new LoadedModel(name, id, onnx.classifier(), List.copyOf(names), meta.normalisation());
    }

    /** The user's class names, else the model's own, else class_0..; one per output or a message saying how to give them. */
    private static List<String> classNames(ModelSpec spec, ModelMetadata meta, int classes) {
        List<String> names = spec.classNamesOverride() != null ? spec.classNamesOverride()
                : meta != null && meta.classNames() != null ? meta.classNames() : defaultNames(classes);
        if (names.size() != classes) {
            throw new ModelLoadException("model file " + spec.path() + " has " + classes + " outputs but " + names.size()
                    + " class names were given " + names + "; pass one name per output (--labels FILE or --class-names)");
        }
        return names;
    }

    /** Content hash of a model file: the model id every output row carries. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private record ZipContents(boolean graph, ModelMetadata metadata) { }

    private static ZipContents readZip(byte[] bytes, String name) {
        if (bytes.length < 4 || bytes[0] != 'P' || bytes[1] != 'K') {
            throw new ModelLoadException("model file " + name + " is not a zip file, so not a DL4J ModelSerializer model, and not an ONNX"
                    + " model either (name it .onnx if it is one)");
        }
        String configuration = null;
        ModelMetadata metadata = null;
        boolean coefficients = false;
        try (ZipInputStream zin = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            ZipEntry e;
            while ((e = zin.getNextEntry()) != null) {
                if (e.getName().equals("configuration.json")) {
                    configuration = new String(zin.readAllBytes(), StandardCharsets.UTF_8);
                } else if (e.getName().equals("coefficients.bin")) {
                    coefficients = true;
                } else if (e.getName().equals("objects/" + ModelMetadata.OBJECT_KEY)) {
                    metadata = readMetadata(zin.readAllBytes(), name);
                }
            }
        } catch (IOException e) {
            throw new ModelLoadException("model file " + name + " is a damaged or truncated zip: " + e.getMessage(), e);
        }
        if (configuration == null || !coefficients) {
            throw new ModelLoadException("model file " + name + " is a zip but not a DL4J ModelSerializer model (no "
                    + (configuration == null ? "configuration.json" : "coefficients.bin") + " inside)");
        }
        return new ZipContents(configuration.contains("\"vertices\""), metadata);
    }

    private static ModelMetadata readMetadata(byte[] serialized, String name) {
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new ByteArrayInputStream(serialized))) {
            return ModelMetadata.fromText((String) in.readObject());
        } catch (IOException | ClassNotFoundException | ClassCastException e) {
            throw new ModelLoadException("model file " + name + " has an unreadable " + ModelMetadata.OBJECT_KEY + " entry: " + e, e);
        }
    }

    /** Writes ShortcutLens metadata into an existing ModelSerializer zip. */
    public static void writeMetadata(File modelFile, ModelMetadata metadata) {
        try {
            ModelSerializer.addObjectToFile(modelFile, ModelMetadata.OBJECT_KEY, metadata.toText());
        } catch (RuntimeException e) {
            throw new ModelLoadException("cannot add metadata to model file " + modelFile + ": " + e.getMessage(), e);
        }
    }

    private static InputShape inferShape(Object network, String name) {
        // A ComputationGraph does not keep its input types once built: it needs metadata or --input-shape.
        if (network instanceof MultiLayerNetwork m) {
            InputPreProcessor pre = m.getLayerWiseConfigurations().getInputPreProcess(0);
            if (pre instanceof FeedForwardToCnnPreProcessor f) {
                return new InputShape((int) f.getNumChannels(), (int) f.getInputHeight(), (int) f.getInputWidth());
            }
            if (pre instanceof CnnToFeedForwardPreProcessor f) {
                return new InputShape((int) f.getNumChannels(), (int) f.getInputHeight(), (int) f.getInputWidth());
            }
        }
        throw new ModelLoadException("model file " + name + " does not record its input height and width (" + expectedShape(network)
                + "); pass --input-shape C,H,W");
    }

    private static String expectedShape(Object network) {
        try {
            if (network instanceof MultiLayerNetwork m) {
                var layer = m.getLayerWiseConfigurations().getConf(0).getLayer();
                if (layer instanceof org.deeplearning4j.nn.conf.layers.ConvolutionLayer f) {
                    return "its first layer " + layer.getClass().getSimpleName() + " expects " + f.getNIn() + " input channels";
                }
                if (layer instanceof org.deeplearning4j.nn.conf.layers.FeedForwardLayer f) {
                    return "its first layer " + layer.getClass().getSimpleName() + " expects " + f.getNIn() + " input values";
                }
            }
        } catch (RuntimeException ignored) {
            // best effort description only
        }
        return "the network's own input layout";
    }

    private static List<String> defaultNames(int n) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add("class_" + i);
        }
        return names;
    }
}
