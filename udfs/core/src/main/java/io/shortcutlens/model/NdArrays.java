package io.shortcutlens.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** ND4J arrays handed back to the rest of ShortcutLens as plain Java arrays. */
final class NdArrays {
    private NdArrays() { }

    /** An array's values as floats, in row-major order, whatever its type and ordering. */
    static float[] floats(INDArray a) {
        return a.castTo(DataType.FLOAT).dup('c').data().asFloat();
    }
}
