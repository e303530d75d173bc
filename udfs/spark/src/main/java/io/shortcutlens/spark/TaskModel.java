package io.shortcutlens.spark;

import io.shortcutlens.image.DecodeLimits;
import io.shortcutlens.image.Normalisation;
import io.shortcutlens.model.ModelSpec;
import java.io.Serializable;

/**
 * What a task needs to run the model on images as an explain run did: the model (from the executor's cache, the file
 * shipped under {@code shippedName}), the run's normalisation and decode limits, and the Hadoop configuration images
 * are read with.
 */
public record TaskModel(ModelSpec model, String shippedName, Normalisation normalisation, DecodeLimits limits, HadoopConf hadoop) implements Serializable {
}
