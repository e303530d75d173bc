package io.shortcutlens.jobs;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.shortcutlens.correct.ClassAccuracy;
import io.shortcutlens.correct.CorrectionParams;
import java.time.Instant;
import java.util.List;

/**
 * The manifests the scan, embed, evaluate and correct jobs write beside their tables: how the output was made and
 * what it holds, each a record whose annotations are its JSON layout (the explain run's is
 * {@link io.shortcutlens.pipeline.ExplainManifest}, the audit's {@link AuditSummary}).
 */
final class JobManifests {
    private JobManifests() { }

    /** Which job wrote a manifest, with which version and when. */
    @JsonPropertyOrder({"job", "shortcutlens_version", "created"})
    record Written(String job, @JsonProperty("shortcutlens_version") String version, String created) {
        static Written now(String job) {
            return new Written(job, Cli.VERSION, Instant.now().toString());
        }
    }

    /** The audited run a correction started from, and the model it corrected. */
    @JsonPropertyOrder({"findings_of", "run_id", "model", "model_id"})
    record Source(@JsonProperty("findings_of") String run, @JsonProperty("run_id") String runId, String model, @JsonProperty("model_id") String modelId) { }

    /** The scan job's {@code manifest.json}. */
    @JsonPropertyOrder({"written", "findings_of", "run_id", "model", "input", "input_format", "input_where", "verdicts", "fill", "targets", "counts",
        "seconds"})
    record Scan(@JsonUnwrapped Written written, @JsonProperty("findings_of") String run, @JsonProperty("run_id") String runId, String model, String input, @JsonProperty("input_format") String inputFormat,
                @JsonProperty("input_where") String inputWhere, List<String> verdicts, String fill, List<ScanTarget> targets, @JsonUnwrapped ScanCounts counts,
                double seconds) { }

    /** One class scanned: the findings behind it and their regions. */
    @JsonPropertyOrder({"class", "finding_ids", "regions"})
    record ScanTarget(@JsonProperty("class") String className, @JsonProperty("finding_ids") List<Integer> findingIds, List<String> regions) { }

    /** What a scan did: images read, errors, images re-predicted with a region hidden, images whose prediction changed, forward passes. */
    @JsonPropertyOrder({"images", "errors", "re_predicted_with_region_hidden", "affected", "forward_passes", "forward_passes_per_image",
        "hidden_region_passes_per_image_and_target"})
    record ScanCounts(long images, long errors, @JsonProperty("re_predicted_with_region_hidden") long tested, long affected,
                      @JsonProperty("forward_passes") long passes, @JsonProperty("forward_passes_per_image") double passesPerImage,
                      @JsonProperty("hidden_region_passes_per_image_and_target") double maskedPassesPerImageAndTarget) { }

    /** The embed job's {@code embed-manifest.json}; the audit's report reads the t-SNE part back. */
    @JsonPropertyOrder({"job", "shortcutlens_version", "created", "input", "model", "layer", "dimension", "images", "errors", "tsne", "seconds"})
    record Embed(String job, @JsonProperty("shortcutlens_version") String version, String created, String input, EmbeddedModel model, String layer,
                 int dimension, long images, long errors, TsneSummary tsne, double seconds) { }

    /** The model an embedding came from. */
    @JsonPropertyOrder({"path", "model_id"})
    record EmbeddedModel(String path, @JsonProperty("model_id") String modelId) { }

    /** The t-SNE map: its sample, settings and how well its points separate the classes (null in an embedding without one). */
    @JsonPropertyOrder({"per_class", "class_by", "points", "perplexity", "iterations", "learning_rate", "seed", "knn_k", "knn_accuracy_2d",
        "knn_accuracy_layer"})
    record TsneSummary(@JsonProperty("per_class") int perClass, @JsonProperty("class_by") String classBy, int points, double perplexity, int iterations,
                       @JsonProperty("learning_rate") double learningRate, long seed, @JsonProperty("knn_k") int knnK,
                       @JsonProperty("knn_accuracy_2d") double knn2d, @JsonProperty("knn_accuracy_layer") double knnLayer) { }

    /** The evaluate job's {@code manifest.json}. */
    @JsonPropertyOrder({"job", "run", "run_id", "params", "per_class", "methods", "maps", "errors", "forward_passes", "seconds"})
    record Evaluation(String job, String run, @JsonProperty("run_id") String runId, com.fasterxml.jackson.databind.JsonNode params,
                      @JsonProperty("per_class") int perClass, List<String> methods, long maps, long errors, @JsonProperty("forward_passes") long passes,
                      double seconds) { }

    /** The correct job's {@code manifest.json}. */
    @JsonPropertyOrder({"written", "source", "train", "held_out", "settings", "fine_tuning", "regions", "training_images", "unreadable_training_images",
        "recipe", "corrected_model", "accuracy", "before_after", "seconds"})
    record Correction(@JsonUnwrapped Written written, @JsonUnwrapped Source source, String train, @JsonProperty("held_out") String heldOut, CorrectionParams settings,
                      @JsonProperty("fine_tuning") FineTuning fineTuning, List<CorrectedRegion> regions,
                      @JsonProperty("training_images") long trainingImages, @JsonProperty("unreadable_training_images") List<String> unreadable,
                      String recipe, @JsonProperty("corrected_model") String correctedModel, List<ClassAccuracy> accuracy,
                      @JsonProperty("before_after") List<String> beforeAfter, double seconds) { }

    /** How the network was fine-tuned (null when only the recipe was written). */
    @JsonPropertyOrder({"library", "training_master", "workers", "batch_size_per_worker", "averaging_frequency", "rdd_training_approach"})
    record FineTuning(String library, @JsonProperty("training_master") String trainingMaster, int workers,
                      @JsonProperty("batch_size_per_worker") int batchSize, @JsonProperty("averaging_frequency") int averagingFrequency,
                      @JsonProperty("rdd_training_approach") String rddTrainingApproach) {
        static FineTuning of(CorrectionParams p) {
            return new FineTuning("dl4j-spark", "parameter averaging", p.workers(), p.batchSize(), p.averagingFrequency(), "direct");
        }
    }

    /** One region the correction neutralised, and the findings behind it. */
    @JsonPropertyOrder({"finding_ids", "class", "region"})
    record CorrectedRegion(@JsonProperty("finding_ids") List<Integer> findingIds, @JsonProperty("class") String className, String region) { }
}
