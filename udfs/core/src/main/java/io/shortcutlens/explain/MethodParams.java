package io.shortcutlens.explain;

import java.io.Serializable;

/** A method's resolved parameters: a record shipped to the tasks, written as JSON with every row, the run id and the manifest. */
public interface MethodParams extends Serializable {

    /** The parameters as one JSON object, the same text for the same parameters. */
    String toJson();
}
