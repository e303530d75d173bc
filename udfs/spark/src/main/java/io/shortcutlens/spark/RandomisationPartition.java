package io.shortcutlens.spark;

import io.shortcutlens.evaluate.CascadingRandomisation;
import io.shortcutlens.explain.Explainer;
import io.shortcutlens.explain.MethodRun;
import io.shortcutlens.explain.Seeds;
import io.shortcutlens.image.ImageTensor;
import io.shortcutlens.model.ImageClassifier;
import io.shortcutlens.model.LoadedModel;
import io.shortcutlens.model.Randomisable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Cascading randomisation inside a task: the randomised models are built once per task from the executor's model
 * ({@link Randomisable#randomisedTop}, top 1 … {@code layers}), then each image is explained by every method on each
 * of them ({@link CascadingRandomisation}). One output row per image: the methods and, per method, the rank
 * correlations at 0 … {@code layers} randomised layers.
 */
public final class RandomisationPartition extends ImagePassPartition {
    private static final long serialVersionUID = 1L;

    /** What an input row holds. */
    public static final List<String> INPUT = List.of("image_id", "path", "class", "target_index");

    public static final StructType OUTPUT = DataTypes.createStructType(List.of(
            DataTypes.createStructField("image_id", DataTypes.StringType, false),
            DataTypes.createStructField("class", DataTypes.StringType, true),
            DataTypes.createStructField("methods", DataTypes.createArrayType(DataTypes.StringType, false), true),
            DataTypes.createStructField("correlations", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType, false), false), true),
            DataTypes.createStructField("error", DataTypes.StringType, true)));

    private final List<MethodRun> runs;
    private final int layers;
    private final long seed;
    private transient List<ImageClassifier> randomised;
    private transient List<Explainer> explainers;

    public RandomisationPartition(TaskModel task, List<MethodRun> runs, int layers, long seed) {
        super(task);
        this.runs = List.copyOf(runs);
        this.layers = layers;
        this.seed = seed;
    }

    @Override
    Row passes(Row in, LoadedModel loaded, Images images) throws Exception {
        if (randomised == null) {
            if (!(loaded.classifier() instanceof Randomisable r)) {
                throw new IllegalArgumentException("model " + loaded.path() + " cannot have its parameters randomised");
            }
            List<ImageClassifier> models = new ArrayList<>();
            for (int k = 1; k <= Math.min(layers, r.parameterLayers().size()); k++) {
                models.add(r.randomisedTop(k, seed));
            }
            randomised = models;
            explainers = runs.stream().map(MethodRun::explainer).toList();
        }
        ImageTensor image = images.read(in.getString(1));
        Map<String, double[]> rho = CascadingRandomisation.correlations(image, in.getInt(3), explainers, loaded.classifier(), randomised,
                Seeds.forImage(in.getString(0), seed));
        // arrays, not Java lists: Spark's row encoder takes Scala sequences or arrays
        Double[][] values = rho.values().stream().map(v -> java.util.Arrays.stream(v).boxed().toArray(Double[]::new)).toArray(Double[][]::new);
        return RowFactory.create(in.getString(0), in.isNullAt(2) ? null : in.getString(2), rho.keySet().toArray(new String[0]), values, null);
    }

    @Override
    Row failed(Row in, String message) {
        return RowFactory.create(in.getString(0), in.isNullAt(2) ? null : in.getString(2), null, null, message);
    }
}
