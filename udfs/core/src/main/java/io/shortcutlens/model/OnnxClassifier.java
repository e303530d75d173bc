package io.shortcutlens.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.shortcutlens.image.InputShape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import onnx.Onnx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ImageClassifier} over an ONNX model run by ONNX Runtime: the fast path for the perturbation methods
 * (occlusion, LIME, KernelSHAP), which only need class scores. ONNX Runtime sessions are thread-safe, so every task
 * thread of an executor shares one session per device (the CPU, or the GPU Spark assigned the task when the
 * {@code onnxruntime_gpu} build has the CUDA provider). Its layers are read as extra outputs ({@link #activations}).
 * Its gradients come from ONNX Runtime too: the graph extended with its own backward pass ({@link OnnxBackward}), so
 * that a gradient costs about what a forward and a backward pass cost. A graph with an operator that has no backward
 * rule there is rebuilt in SameDiff and differentiated by it ({@link OnnxGradients}); one that neither covers refuses
 * the gradient methods, naming the operators.
 */
public final class OnnxClassifier implements ImageClassifier, Differentiable, Randomisable {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxClassifier.class);
    private static final AtomicBoolean WARNED_NO_CUDA = new AtomicBoolean();

    /** How the model wants its input: NCHW, NHWC, or one flat vector per image. */
    enum Layout { NCHW, NHWC, FLAT }

    private final String name;
    private final byte[] model;
    private final InputShape shape;
    private final Layout layout;
    private final String inputName;
    private final int fixedBatch;
    private final int numClasses;
    private final boolean softmax;
    private final int threads;
    /** One session per device: -1 for the CPU, else the CUDA ordinal. */
    private final Map<Integer, OrtSession> sessions = new ConcurrentHashMap<>();
    /** The graph's layers with their shapes, probed on first use. */
    private volatile OnnxLayers layers;
    /** One CPU session per layer read: the model returning that tensor too. */
    private final Map<String, OrtSession> layerSessions = new ConcurrentHashMap<>();
    /** The graph rebuilt in SameDiff for gradients, on first use (for graphs without a backward pass in ONNX Runtime). */
    private volatile OnnxGradients gradients;
    /** The graph extended with its backward pass ({@link OnnxBackward}), one CPU session per objective. */
    private final Map<String, OrtSession> backwardSessions = new ConcurrentHashMap<>();
    /** Objectives whose backward pass cannot be built, with what stops it. */
    private final Map<String, List<String>> backwardRejected = new ConcurrentHashMap<>();

    /** The graph's image input: its name, the image shape it takes, its layout, and its fixed batch size (0: any). */
    private record Input(String name, InputShape shape, Layout layout, int fixedBatch) { }

    /** Opens the classifier on a CPU session; its number of classes comes from one forward pass on zeros. */
    private OnnxClassifier(String name, byte[] model, OrtSession cpu, Input input, boolean softmax, int threads) throws OrtException {
        this.name = name;
        this.model = model;
        this.shape = input.shape();
        this.layout = input.layout();
        this.inputName = input.name();
        this.fixedBatch = input.fixedBatch();
        this.softmax = softmax;
        this.threads = threads;
        this.numClasses = probe(cpu);
        sessions.put(-1, cpu);
    }

    /** What an ONNX file says about itself: the classifier, and the metadata it carries (class names and the like). */
    record Loaded(OnnxClassifier classifier, ModelMetadata metadata) { }

    /**
     * Opens an ONNX model and checks it against what ShortcutLens will feed it: one float image input whose layout is
     * read from its shape (or given), one output of class scores. Every failure names the file and the shapes.
     */
    static Loaded open(String name, byte[] bytes, InputShape shapeOverride, OnnxOptions options) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        int threads = options.threads() > 0 ? options.threads() : Runtime.getRuntime().availableProcessors();
        OrtSession session;
        try {
            session = env.createSession(bytes, sessionOptions(threads, -1));
        } catch (OrtException | RuntimeException e) {
            throw new ModelLoadException("model file " + name + " is not a readable ONNX model (ONNX Runtime says: " + e.getMessage() + ")", e);
        }
        try {
            if (session.getNumInputs() != 1) {
                throw new ModelLoadException("model file " + name + " has " + session.getNumInputs() + " inputs " + session.getInputNames()
                        + "; ShortcutLens feeds one image tensor");
            }
            Map.Entry<String, NodeInfo> input = session.getInputInfo().entrySet().iterator().next();
            if (!(input.getValue().getInfo() instanceof TensorInfo in) || in.type != ai.onnxruntime.OnnxJavaType.FLOAT) {
                throw new ModelLoadException("model file " + name + ": input '" + input.getKey() + "' is " + input.getValue().getInfo()
                        + "; ShortcutLens feeds float32 tensors (export the model with a float input)");
            }
            long[] dims = in.getShape();
            Layout layout = layout(name, input.getKey(), dims, options.layout(), shapeOverride);
            ModelMetadata meta = metadata(name, session);
            InputShape recorded = shapeOverride != null ? shapeOverride : meta.inputShape();
            InputShape shape = inputShape(name, input.getKey(), dims, layout, recorded);
            int fixedBatch = dims[0] > 0 ? (int) dims[0] : 0;
            return new Loaded(new OnnxClassifier(name, bytes, session, new Input(input.getKey(), shape, layout, fixedBatch), options.softmax(), threads), meta);
        } catch (OrtException | RuntimeException e) {
            try {
                session.close();
            } catch (OrtException ignored) {
                // already failing: the first error is the one to report
            }
            if (e instanceof ModelLoadException m) {
                throw m;
            }
            throw new ModelLoadException("model file " + name + " cannot run on ONNX Runtime: " + e.getMessage(), e);
        }
    }

    private static OrtSession.SessionOptions sessionOptions(int threads, int gpu) throws OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setIntraOpNumThreads(threads);
        o.setInterOpNumThreads(1);
        o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        // ONNX Runtime's workers otherwise spin for a while after each run: on an executor they take the cores from the
        // task's next step (SameDiff's backward pass in Grad-CAM: 47 ms with spinning off, 40-170 ms with it on for
        // MobileNetV3-Small's head at 32 images) and from the other tasks; plain batched inference is not slower without it
        o.addConfigEntry("session.intra_op.allow_spinning", "0");
        if (gpu >= 0) {
            o.addCUDA(gpu);
        }
        return o;
    }

    static Layout layout(String name, String input, long[] dims, OnnxOptions.InputLayout requested, InputShape override) {
        if (dims.length == 2) {
            return Layout.FLAT;
        }
        if (dims.length != 4) {
            throw new ModelLoadException("model file " + name + ": input '" + input + "' has shape " + Arrays.toString(dims)
                    + "; ShortcutLens feeds images as [N, C, H, W], [N, H, W, C] or [N, C*H*W]");
        }
        if (requested != OnnxOptions.InputLayout.AUTO) {
            return requested == OnnxOptions.InputLayout.NHWC ? Layout.NHWC : Layout.NCHW;
        }
        boolean channelsSecond = dims[1] == 1 || dims[1] == 3;
        boolean channelsLast = dims[3] == 1 || dims[3] == 3;
        if (channelsSecond && !channelsLast) {
            return Layout.NCHW;
        }
        if (channelsLast && !channelsSecond) {
            return Layout.NHWC;
        }
        if (channelsSecond) { // both could hold channels (a 3x?x3 input): NCHW, the PyTorch export's layout
            return Layout.NCHW;
        }
        if (override != null) {
            if (dims[1] == override.channels() || dims[1] < 0 && dims[3] != override.channels()) {
                return Layout.NCHW;
            }
            return Layout.NHWC;
        }
        throw new ModelLoadException("model file " + name + ": cannot tell the layout of input '" + input + "' of shape " + Arrays.toString(dims)
                + " (-1 = dynamic); pass --input-layout nchw|nhwc and --input-shape C,H,W");
    }

    static InputShape inputShape(String name, String input, long[] dims, Layout layout, InputShape given) {
        long c;
        long h;
        long w;
        switch (layout) {
            case NCHW -> { c = dims[1]; h = dims[2]; w = dims[3]; }
            case NHWC -> { h = dims[1]; w = dims[2]; c = dims[3]; }
            default -> {
                if (given == null) {
                    throw new ModelLoadException("model file " + name + ": input '" + input + "' takes flat vectors " + Arrays.toString(dims)
                            + "; pass --input-shape C,H,W");
                }
                if (dims[1] > 0 && dims[1] != given.size()) {
                    throw new ModelLoadException("model file " + name + ": input '" + input + "' takes " + dims[1] + " values per image but "
                            + given + " gives " + given.size());
                }
                return given;
            }
        }
        if (given != null) {
            if (c > 0 && c != given.channels() || h > 0 && h != given.height() || w > 0 && w != given.width()) {
                throw new ModelLoadException("model file " + name + ": input '" + input + "' has shape " + Arrays.toString(dims) + " (" + layout
                        + "), which does not fit the given input shape " + given.channels() + "," + given.height() + "," + given.width());
            }
            return given;
        }
        if (c <= 0 || h <= 0 || w <= 0) {
            throw new ModelLoadException("model file " + name + ": input '" + input + "' has dynamic sizes " + Arrays.toString(dims) + " (" + layout
                    + "); pass --input-shape C,H,W");
        }
        try {
            return new InputShape((int) c, (int) h, (int) w);
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException("model file " + name + ": input '" + input + "' of shape " + Arrays.toString(dims) + " read as " + layout
                    + ": " + e.getMessage() + " (pass --input-layout if the layout was guessed wrong)", e);
        }
    }

    /** The model's own metadata: {@code class_names} (tab- or comma-separated), {@code input_shape}, {@code normalisation}. */
    private static ModelMetadata metadata(String name, OrtSession session) throws OrtException {
        Map<String, String> custom = session.getMetadata().getCustomMetadata();
        StringBuilder text = new StringBuilder();
        for (String key : new String[] {"input_shape", "normalisation"}) {
            if (custom.containsKey(key)) {
                text.append(key).append('=').append(custom.get(key).trim()).append('\n');
            }
        }
        String names = custom.getOrDefault("class_names", custom.get("labels"));
        if (names != null) {
            String sep = names.contains("\t") ? "\t" : names.contains("\n") ? "\n" : ",";
            text.append("class_names=").append(String.join("\t", Arrays.stream(names.trim().split(sep)).map(String::trim).toList())).append('\n');
        }
        try {
            return ModelMetadata.fromText(text.toString());
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException("model file " + name + " has unreadable ShortcutLens metadata: " + e.getMessage(), e);
        }
    }

    /** One forward pass on zeros: the number of classes, and the model's own error when the shapes do not fit. */
    private int probe(OrtSession session) throws OrtException {
        int n = Math.max(1, fixedBatch);
        try (OnnxTensor t = tensor(new float[n * shape.size()], n); OrtSession.Result r = session.run(Map.of(inputName, t))) {
            long[] out = r.get(0) instanceof OnnxTensor o && o.getInfo().type == ai.onnxruntime.OnnxJavaType.FLOAT ? o.getInfo().getShape() : null;
            if (out == null || out.length < 2 || out[0] != n) {
                throw new ModelLoadException("model file " + name + ": its first output is " + r.get(0).getInfo() + "; ShortcutLens needs float"
                        + " class scores of shape [N, classes]");
            }
            long classes = 1;
            for (int i = 1; i < out.length; i++) {
                classes *= out[i];
            }
            return (int) classes;
        } catch (OrtException e) {
            throw new ModelLoadException("model file " + name + " does not run on input of shape " + Arrays.toString(inputDims(n)) + " (" + layout
                    + "): " + e.getMessage(), e);
        }
    }

    private long[] inputDims(int n) {
        return switch (layout) {
            case NCHW -> new long[] {n, shape.channels(), shape.height(), shape.width()};
            case NHWC -> new long[] {n, shape.height(), shape.width(), shape.channels()};
            case FLAT -> new long[] {n, shape.size()};
        };
    }

    /**
     * Each thread's native input buffer, kept between calls: ONNX Runtime reads a direct buffer in place, where it would
     * copy a heap array into a freshly allocated (and zeroed) native buffer on every call.
     */
    private static final ThreadLocal<ByteBuffer> INPUT = new ThreadLocal<>();

    private OnnxTensor tensor(float[] nchw, int n) throws OrtException {
        int count = n * shape.size();
        ByteBuffer bytes = INPUT.get();
        if (bytes == null || bytes.capacity() < count * Float.BYTES) {
            bytes = ByteBuffer.allocateDirect(count * Float.BYTES).order(ByteOrder.nativeOrder());
            INPUT.set(bytes);
        }
        FloatBuffer in = bytes.clear().limit(count * Float.BYTES).slice().order(ByteOrder.nativeOrder()).asFloatBuffer();
        in.put(toModel(nchw, n), 0, count).flip();
        return OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), in, inputDims(n));
    }

    /** {@code n} images from ShortcutLens' [N, C, H, W] order into the model's input layout. */
    private float[] toModel(float[] nchw, int n) {
        return layout == Layout.NHWC ? transpose(nchw, n, true) : nchw;
    }

    /** {@code n} images (or their gradients) from the model's input layout into [N, C, H, W]. */
    private float[] fromModel(float[] values, int n) {
        return layout == Layout.NHWC ? transpose(values, n, false) : values;
    }

    private float[] transpose(float[] in, int n, boolean toNhwc) {
        int size = shape.size();
        int c = shape.channels();
        int hw = shape.height() * shape.width();
        float[] out = new float[n * size];
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                for (int p = 0; p < hw; p++) {
                    int nchw = i * size + ch * hw + p;
                    int nhwc = i * size + p * c + ch;
                    out[toNhwc ? nhwc : nchw] = in[toNhwc ? nchw : nhwc];
                }
            }
        }
        return out;
    }

    /** The nodes that read a float initializer of rank 2 or more (convolutions, Gemm, MatMul), in graph order. */
    private static List<Onnx.NodeProto> parameterNodes(Onnx.ModelProto m) {
        Map<String, Onnx.TensorProto> init = new java.util.HashMap<>();
        for (Onnx.TensorProto t : m.getGraph().getInitializerList()) {
            init.put(t.getName(), t);
        }
        List<Onnx.NodeProto> out = new java.util.ArrayList<>();
        for (Onnx.NodeProto n : m.getGraph().getNodeList()) {
            if (n.getInputList().stream().map(init::get).anyMatch(t -> t != null && t.getDataType() == 1 && t.getDimsCount() >= 2)) {
                out.add(n);
            }
        }
        return out;
    }

    @Override
    public List<String> parameterLayers() {
        return parameterNodes(layers().model()).stream().map(n -> (n.getName().isEmpty() ? n.getOutput(0) : n.getName()) + " (" + n.getOpType() + ")")
                .toList();
    }

    @Override
    public ImageClassifier randomisedTop(int count, long seed) {
        Onnx.ModelProto m = layers().model();
        List<Onnx.NodeProto> nodes = parameterNodes(m);
        java.util.Set<String> randomised = new java.util.HashSet<>();
        for (int i = Math.max(0, nodes.size() - count); i < nodes.size(); i++) {
            randomised.addAll(nodes.get(i).getInputList());
        }
        Onnx.GraphProto.Builder g = m.getGraph().toBuilder();
        for (int i = 0; i < g.getInitializerCount(); i++) {
            Onnx.TensorProto t = g.getInitializer(i);
            if (randomised.contains(t.getName()) && t.getDataType() == 1) {
                float[] v = NdArrays.floats(OnnxSameDiff.array(t));
                float[] noise = Randomisable.noiseLike(v, seed * 1_000_003L + t.getName().hashCode());
                java.nio.ByteBuffer raw = java.nio.ByteBuffer.allocate(noise.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                raw.asFloatBuffer().put(noise);
                g.setInitializer(i, t.toBuilder().clearFloatData().setRawData(org.nd4j.shade.protobuf.ByteString.copyFrom(raw.array())).build());
            }
        }
        byte[] bytes = m.toBuilder().setGraph(g).build().toByteArray();
        OnnxOptions.InputLayout given = layout == Layout.FLAT ? OnnxOptions.InputLayout.AUTO : OnnxOptions.InputLayout.valueOf(layout.name());
        return open(name + " (top " + count + " parameter layers randomised)", bytes, shape, new OnnxOptions(given, softmax, threads)).classifier();
    }

    @Override
    public InputShape inputShape() {
        return shape;
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    /** The layout the model takes its input in, as read from the model or given. */
    public String layout() {
        return layout.name();
    }

    @Override
    public float[] scores(float[] batch, int n) {
        float[] out = run(session(), batch, n, null, numClasses);
        if (softmax) {
            softmax(out, n, numClasses);
        }
        return out;
    }

    /**
     * A tensor of the graph per image: {@code layer} names a tensor or a node, or is null (the last feature map larger
     * than 1×1) or {@value LayerOutputs#PENULTIMATE} (the input of the last Gemm/MatMul). A [C, H, W] tensor keeps its
     * shape; any other is read as {@code size × 1 × 1}. Runs on the CPU.
     */
    @Override
    public Differentiable.LayerActivations activations(float[] batch, int n, String layer) {
        OnnxLayers.Tensor t = layers().resolve(layer);
        OrtSession session = layerSessions.computeIfAbsent(t.name(), k -> {
            try {
                return OrtEnvironment.getEnvironment().createSession(layers().withOutputs(List.of(k)), sessionOptions(threads, -1));
            } catch (OrtException e) {
                throw new IllegalStateException("cannot read tensor '" + k + "' of ONNX model " + name + ": " + e.getMessage(), e);
            }
        });
        int[] chw = chw(t);
        return new Differentiable.LayerActivations(t.name(), chw[0], chw[1], chw[2], run(session, batch, n, t.name(), chw[0] * chw[1] * chw[2]));
    }

    /** Tensors of the graph for {@code n} images, each {@code n × per-image size}, from one forward pass on the CPU. */
    private Map<String, float[]> runOutputs(float[] batch, int n, List<String> tensors) {
        String key = String.join("\u0000", tensors);
        OrtSession session = layerSessions.computeIfAbsent(key, k -> {
            try {
                return OrtEnvironment.getEnvironment().createSession(layers().withOutputs(tensors), sessionOptions(threads, -1));
            } catch (OrtException e) {
                throw new IllegalStateException("cannot read tensors " + tensors + " of ONNX model " + name + ": " + e.getMessage(), e);
            }
        });
        Map<String, long[]> shapes = layers().shapes();
        Map<String, float[]> out = new java.util.HashMap<>();
        for (String t : tensors) {
            long per = 1;
            for (long d : shapes.get(t)) {
                per *= d;
            }
            out.put(t, new float[(int) (n * per)]);
        }
        chunks(batch, n, "reading tensors " + tensors, (in, start, m) -> {
            try (OrtSession.Result r = session.run(Map.of(inputName, in), new java.util.HashSet<>(tensors))) {
                for (String t : tensors) {
                    float[] dst = out.get(t);
                    int per = dst.length / n;
                    ((OnnxTensor) r.get(t).orElseThrow()).getFloatBuffer().get(dst, start * per, m * per);
                }
            }
        });
        return out;
    }

    /** One chunk of a batch as fed to ONNX Runtime: images {@code start .. start + m - 1} (padded to a fixed batch). */
    private interface Chunk {
        void run(OnnxTensor in, int start, int m) throws OrtException;
    }

    /** {@code n} images in chunks of the model's batch size (a fixed batch is padded); a failure names the model and {@code what}. */
    private void chunks(float[] batch, int n, String what, Chunk chunk) {
        int size = shape.size();
        int step = fixedBatch > 0 ? fixedBatch : n;
        for (int start = 0; start < n; start += step) {
            int m = Math.min(step, n - start);
            int fed = fixedBatch > 0 ? fixedBatch : m;
            float[] part = start == 0 && fed == m ? batch : Arrays.copyOfRange(batch, start * size, (start + fed) * size);
            try (OnnxTensor in = tensor(part, fed)) {
                chunk.run(in, start, m);
            } catch (OrtException e) {
                throw new IllegalStateException("ONNX Runtime failed on model " + name + (what.isEmpty() ? "" : " " + what) + " with a batch of " + fed
                        + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * {@code n} images through {@code session} in batches of the model's size (a fixed batch is padded), {@code perImage}
     * floats per image of one output: {@code output}, or the first when null.
     */
    private float[] run(OrtSession session, float[] batch, int n, String output, int perImage) {
        float[] out = new float[n * perImage];
        chunks(batch, n, output == null ? "" : "reading tensor '" + output + "'", (in, start, m) -> {
            try (OrtSession.Result r = output == null ? session.run(Map.of(inputName, in)) : session.run(Map.of(inputName, in), Set.of(output))) {
                ((OnnxTensor) r.get(0)).getFloatBuffer().get(out, start * perImage, m * perImage);
            }
        });
        return out;
    }


    /** Whether ONNX Runtime computes the input gradients (the graph's backward pass could be built), not SameDiff. */
    boolean differentiatedByOnnxRuntime() {
        return backward("input", scoresTensor(), List.of(inputName), List.of()) != null;
    }

    /** The SameDiff route alone, whichever route the model takes: for tests that hold both routes to the same references. */
    OnnxGradients sameDiffGradients() {
        return gradients();
    }

    /** The model's gradients; throws {@link UnsupportedOperationException} naming the operators that cannot be differentiated. */
    private OnnxGradients gradients() {
        OnnxGradients g = gradients;
        if (g == null) {
            synchronized (this) {
                if (gradients == null) {
                    OnnxLayers l = layers();
                    gradients = new OnnxGradients(name, l.model(), inputDims(-1), l.shapes());
                }
                g = gradients;
            }
        }
        List<String> missing = g.unsupported();
        if (!missing.isEmpty()) {
            throw new UnsupportedOperationException("ONNX model " + name + " holds operators whose gradients ShortcutLens cannot compute: " + missing);
        }
        return g;
    }

    /**
     * The backward model for one objective ({@link OnnxBackward}), on first use; null when the graph holds an operator
     * without a backward rule (then SameDiff differentiates it).
     */
    private OrtSession backward(String key, String seed, List<String> wrt, List<String> outputs) {
        OrtSession s = backwardSessions.get(key);
        if (s != null || backwardRejected.containsKey(key)) {
            return s;
        }
        synchronized (backwardSessions) {
            if (backwardSessions.containsKey(key) || backwardRejected.containsKey(key)) {
                return backwardSessions.get(key);
            }
            Map<String, long[]> shapes = new java.util.HashMap<>(layers().shapes());
            long[] in = inputDims(1);
            shapes.put(inputName, Arrays.copyOfRange(in, 1, in.length));
            List<String> missing = OnnxBackward.unsupported(layers().model(), shapes, seed, wrt);
            if (!missing.isEmpty()) {
                LOG.info("ONNX model {}: no backward pass in ONNX Runtime for {} ({}); SameDiff differentiates it", name, key, missing);
                backwardRejected.put(key, missing);
                return null;
            }
            try {
                s = OrtEnvironment.getEnvironment().createSession(OnnxBackward.build(layers().model(), shapes, seed, wrt, outputs), sessionOptions(threads, -1));
            } catch (OrtException e) {
                throw new IllegalStateException("ONNX Runtime cannot open the backward pass of model " + name + " for " + key + ": " + e.getMessage(), e);
            }
            backwardSessions.put(key, s);
            return s;
        }
    }

    /** The seed of one chunk of a backward run: images {@code start .. start + m - 1} of a chunk of {@code fed}. */
    private interface Seed {
        float[] values(int start, int m, int fed);
    }

    /**
     * {@code n} images through a backward model in chunks, each fed its seed of shape {@code seedDims} (batch first, -1
     * for the chunk's size): the named outputs, {@code n × per-image size} each.
     */
    private Map<String, float[]> runBackward(OrtSession session, float[] batch, int n, long[] seedDims, Seed seed, Map<String, Integer> perImage) {
        Map<String, float[]> out = new java.util.HashMap<>();
        perImage.forEach((k, v) -> out.put(k, new float[n * v]));
        chunks(batch, n, "computing gradients", (in, start, m) -> {
            int fed = (int) in.getInfo().getShape()[0];
            long[] dims = seedDims.clone();
            if (dims[0] < 0) {
                dims[0] = fed;
            }
            try (OnnxTensor s = OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), FloatBuffer.wrap(seed.values(start, m, fed)), dims);
                 OrtSession.Result r = session.run(Map.of(inputName, in, OnnxBackward.SEED, s), perImage.keySet())) {
                for (Map.Entry<String, Integer> e : perImage.entrySet()) {
                    ((OnnxTensor) r.get(e.getKey()).orElseThrow()).getFloatBuffer().get(out.get(e.getKey()), start * e.getValue(), m * e.getValue());
                }
            }
        });
        return out;
    }

    /** One-hot rows of the targets for a chunk (padding rows zero). */
    private Seed oneHot(int[] targets) {
        return (start, m, fed) -> {
            float[] v = new float[fed * numClasses];
            for (int i = 0; i < m; i++) {
                v[i * numClasses + targets[start + i]] = 1;
            }
            return v;
        };
    }

    private String scoresTensor() {
        return OnnxBackward.scores(layers().model().getGraph());
    }

    private static int size(long[] perImage) {
        long p = 1;
        for (long d : perImage) {
            p *= d;
        }
        return (int) p;
    }

    /** The scores before any final softmax of the graph. */
    @Override
    public float[] logits(float[] batch, int n) {
        String scores = scoresTensor();
        if (layers().shapes().containsKey(scores)) {
            return runOutputs(batch, n, List.of(scores)).get(scores);
        }
        return gradients().logits(toModel(batch, n), n);
    }

    @Override
    public float[] inputGradients(float[] batch, int n, int[] targets) {
        String g = OnnxBackward.GRADIENT + inputName;
        OrtSession s = backward("input", scoresTensor(), List.of(inputName), List.of());
        if (s == null) {
            return fromModel(gradients().inputGradients(toModel(batch, n), n, targets, numClasses), n);
        }
        return fromModel(runBackward(s, batch, n, new long[] {-1, numClasses}, oneHot(targets), Map.of(g, shape.size())).get(g), n);
    }

    @Override
    public FeatureGradients featureGradients(float[] batch, int n, int[] targets, String layer) {
        OnnxLayers.Tensor t = layers().resolve(layer);
        int[] chw = chw(t);
        String g = OnnxBackward.GRADIENT + t.name();
        OrtSession s = backward("features:" + t.name(), scoresTensor(), List.of(t.name()), List.of(t.name()));
        if (s != null) {
            Map<String, float[]> r = runBackward(s, batch, n, new long[] {-1, numClasses}, oneHot(targets), Map.of(t.name(), size(t.shape()), g,
                    size(t.shape())));
            return new FeatureGradients(t.name(), chw[0], chw[1], chw[2], r.get(t.name()), r.get(g));
        }
        OnnxGradients sameDiff = gradients();
        // ONNX Runtime's forward pass gives the feature maps and whatever else the layers after them read; SameDiff
        // differentiates those later layers only
        List<String> inputs = sameDiff.headInputs(t.name());
        Map<String, float[]> values = runOutputs(batch, n, inputs);
        return new FeatureGradients(t.name(), chw[0], chw[1], chw[2], values.get(t.name()), sameDiff.headGradients(values, n, targets, numClasses, t.name()));
    }

    @Override
    public ChannelGradients channelGradients(float[] batch, int n, String layer, int channel) {
        OnnxLayers.Tensor t = layers().resolve(layer);
        if (channel < 0 || channel >= t.shape()[0]) {
            throw new IllegalArgumentException("tensor " + t.describe() + " has no channel " + channel);
        }
        String g = OnnxBackward.GRADIENT + inputName;
        OrtSession s = backward("channel:" + t.name(), t.name(), List.of(inputName), List.of(t.name()));
        if (s == null) {
            float[][] r = gradients().channelGradients(toModel(batch, n), n, t.name(), channel);
            return new ChannelGradients(t.name(), r[0], fromModel(r[1], n));
        }
        long[] seedDims = new long[t.shape().length + 1];
        Arrays.fill(seedDims, 1);
        seedDims[1] = t.shape()[0];
        int positions = size(t.shape()) / (int) t.shape()[0];
        float[] weights = new float[(int) t.shape()[0]];
        weights[channel] = 1f / positions; // d(mean of the channel) / d(each of its positions)
        Map<String, float[]> r = runBackward(s, batch, n, seedDims, (start, m, fed) -> weights, Map.of(t.name(), size(t.shape()), g, shape.size()));
        float[] act = r.get(t.name());
        float[] means = new float[n];
        int per = size(t.shape());
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int q = 0; q < positions; q++) {
                sum += act[i * per + channel * positions + q];
            }
            means[i] = (float) (sum / positions);
        }
        return new ChannelGradients(t.name(), means, fromModel(r.get(g), n));
    }

    /** A tensor's per-image shape as channels × height × width (a [C, H, W] map as it is; any other as size × 1 × 1). */
    private static int[] chw(OnnxLayers.Tensor t) {
        if (t.shape().length == 3) {
            return new int[] {(int) t.shape()[0], (int) t.shape()[1], (int) t.shape()[2]};
        }
        long per = 1;
        for (long d : t.shape()) {
            per *= d;
        }
        return new int[] {(int) per, 1, 1};
    }

    /** The graph's float tensors with their per-image shapes: one forward pass on zeros returning every node output. */
    private OnnxLayers layers() {
        OnnxLayers l = layers;
        if (l == null) {
            synchronized (this) {
                if (layers == null) {
                    OnnxLayers graph = OnnxLayers.of(name, model);
                    Map<String, long[]> shapes = new java.util.HashMap<>();
                    int n = Math.max(1, fixedBatch);
                    try (OrtSession all = OrtEnvironment.getEnvironment().createSession(graph.withOutputs(graph.names()), sessionOptions(threads, -1));
                         OnnxTensor in = tensor(new float[n * shape.size()], n);
                         OrtSession.Result r = all.run(Map.of(inputName, in))) {
                        for (Map.Entry<String, ai.onnxruntime.OnnxValue> e : r) {
                            if (e.getValue() instanceof OnnxTensor o && o.getInfo().type == ai.onnxruntime.OnnxJavaType.FLOAT && o.getInfo().getShape().length >= 2) {
                                shapes.put(e.getKey(), o.getInfo().getShape());
                            }
                        }
                    } catch (OrtException e) {
                        throw new IllegalStateException("cannot read the layers of ONNX model " + name + ": " + e.getMessage(), e);
                    }
                    layers = graph.withShapes(shapes);
                }
                l = layers;
            }
        }
        return l;
    }

    static void softmax(float[] scores, int n, int k) {
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                max = Math.max(max, scores[i * k + c]);
            }
            double sum = 0;
            double[] e = new double[k];
            for (int c = 0; c < k; c++) {
                e[c] = Math.exp(scores[i * k + c] - max);
                sum += e[c];
            }
            for (int c = 0; c < k; c++) {
                scores[i * k + c] = (float) (e[c] / sum);
            }
        }
    }

    /** The session for the calling thread's device: the GPU its task was given when ONNX Runtime has CUDA, else the CPU. */
    private OrtSession session() {
        int gpu = DeviceContext.gpu();
        if (gpu < 0) {
            return sessions.get(-1);
        }
        if (!cudaAvailable()) {
            if (WARNED_NO_CUDA.compareAndSet(false, true)) {
                LOG.warn("the task was given GPU {} but this ONNX Runtime has no CUDA provider (providers: {}): running {} on the CPU (build with"
                        + " -Pgpu for onnxruntime_gpu)", gpu, OrtEnvironment.getAvailableProviders(), name);
            }
            return sessions.get(-1);
        }
        return sessions.computeIfAbsent(gpu, d -> {
            try {
                OrtSession s = OrtEnvironment.getEnvironment().createSession(model, sessionOptions(threads, d));
                LOG.info("ONNX model {} opened on cuda:{}", name, d);
                return s;
            } catch (OrtException e) {
                throw new IllegalStateException("cannot open ONNX model " + name + " on cuda:" + d + ": " + e.getMessage(), e);
            }
        });
    }

    private static boolean cudaAvailable() {
        return OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
    }

    @Override
    public String toString() {
        return "ONNX model " + name + " (" + layout + " " + Arrays.toString(inputDims(-1)) + ", " + numClasses + " classes, " + threads + " threads)";
    }
}
