package io.shortcutlens.spark;

import io.shortcutlens.maps.AttributionMap;
import io.shortcutlens.maps.MapStatistics;
import io.shortcutlens.pipeline.ExplanationRecord;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/** Turns {@link ExplanationRecord}s into Spark rows of {@link ExplanationSchema}: the only place the two meet. */
public final class ExplanationRows {
    private ExplanationRows() { }

    public static Row row(ExplanationRecord r) {
        Object[] result = resultValues(r);
        Object[] values = new Object[ExplanationSchema.ROW.size()];
        values[0] = r.imageId();
        values[1] = r.path();
        values[2] = r.label();
        values[3] = r.method();
        values[4] = r.params();
        System.arraycopy(result, 0, values, 5, result.length);
        int t = 5 + result.length;
        values[t] = r.preprocessing();
        values[t + 1] = r.modelId();
        values[t + 2] = r.runId();
        return RowFactory.create(values);
    }

    /** The {@link ExplanationSchema#RESULT} struct, as the SQL functions return it. */
    public static Row result(ExplanationRecord r) {
        return RowFactory.create(resultValues(r));
    }

    private static Object[] resultValues(ExplanationRecord r) {
        MapStatistics s = r.stats();
        return new Object[] {
            r.predictedIndex(), r.predictedClass(), r.predictedScore(), topK(r), r.targetIndex(), r.targetClass(), r.targetScore(),
            map(r.map()), r.fitIntercept(), r.fitR2(),
            s == null ? null : s.gridSize(), s == null ? null : s.massGrid(),
            s == null ? null : s.peakRow(), s == null ? null : s.peakCol(),
            s == null ? null : s.centroidY(), s == null ? null : s.centroidX(), s == null ? null : s.entropy(),
            s == null ? null : s.cornerTopLeft(), s == null ? null : s.cornerTopRight(),
            s == null ? null : s.cornerBottomLeft(), s == null ? null : s.cornerBottomRight(),
            s == null ? null : s.borderBand(), s == null ? null : s.positiveMass(), s == null ? null : s.negativeMass(),
            r.forwardPasses(), r.elapsedMs(), r.error(),
        };
    }

    private static Row[] topK(ExplanationRecord r) {
        if (r.topIndices() == null) {
            return null;
        }
        Row[] rows = new Row[r.topIndices().length];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = RowFactory.create(r.topIndices()[i], r.topClasses()[i], r.topScores()[i]);
        }
        return rows;
    }

    private static Row map(AttributionMap m) {
        if (m == null) {
            return null;
        }
        return RowFactory.create(m.kind().name(), m.height(), m.width(), m.values(), m.gridRows(), m.gridCols(), m.window(),
                m.stride(), m.numSegments(), m.encodedSegments());
    }

    /** Rebuilds the map stored in a {@code map} struct (as read back from Parquet). */
    public static AttributionMap fromRow(Row map) {
        java.util.List<Float> values = map.getList(map.fieldIndex("values"));
        float[] v = new float[values.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = values.get(i);
        }
        return AttributionMap.fromStored(map.getString(map.fieldIndex("kind")), map.getInt(map.fieldIndex("height")),
                map.getInt(map.fieldIndex("width")), v, map.getInt(map.fieldIndex("window")), map.getInt(map.fieldIndex("stride")),
                map.isNullAt(map.fieldIndex("segments")) ? null : (byte[]) map.get(map.fieldIndex("segments")));
    }
}
