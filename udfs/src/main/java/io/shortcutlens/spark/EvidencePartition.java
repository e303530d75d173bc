package io.shortcutlens.spark;

import io.shortcutlens.audit.EvidenceProbe;
import io.shortcutlens.audit.RegionMasker;
import io.shortcutlens.explain.Seeds;
import io.shortcutlens.image.DecodeLimits;
import io.shortcutlens.image.ImageDecoder;
import io.shortcutlens.image.ImageTensor;
import io.shortcutlens.image.Normalisation;
import io.shortcutlens.model.LoadedModel;
import io.shortcutlens.model.ModelSpec;
import java.util.Iterator;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The audit's evidence passes inside a task ({@link EvidenceProbe}): each input row names a candidate, a class image,
 * the class, the region and control boxes, and optionally an image of another class to paste into; each output row
 * says what hiding, keeping and pasting did, with the region signatures the content-consistency figures are
 * aggregated from. The model comes from the executor's cache as in the explain job. A class image that cannot be read
 * is one row with its error; a receiving image that cannot be read only drops the transplant of that row.
 */
public final class EvidencePartition implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    public static final StructType INPUT = DataTypes.createStructType(new StructField[] {
        DataTypes.createStructField("finding_id", DataTypes.IntegerType, false),
        DataTypes.createStructField("image_id", DataTypes.StringType, false),
        DataTypes.createStructField("path", DataTypes.StringType, false),
        DataTypes.createStructField("class_index", DataTypes.IntegerType, false),
        DataTypes.createStructField("region_box", DataTypes.createArrayType(DataTypes.IntegerType, false), false),
        DataTypes.createStructField("control_box", DataTypes.createArrayType(DataTypes.IntegerType, false), false),
        DataTypes.createStructField("receiver_path", DataTypes.StringType, true),
    });

    private static final DataType SIGNATURE = DataTypes.createArrayType(DataTypes.FloatType, false);

    public static final StructType OUTPUT = DataTypes.createStructType(new StructField[] {
        DataTypes.createStructField("finding_id", DataTypes.IntegerType, false),
        DataTypes.createStructField("assigned", DataTypes.BooleanType, false),
        DataTypes.createStructField("flipped_region", DataTypes.BooleanType, false),
        DataTypes.createStructField("flipped_control", DataTypes.BooleanType, false),
        DataTypes.createStructField("drop_region", DataTypes.DoubleType, false),
        DataTypes.createStructField("drop_control", DataTypes.DoubleType, false),
        DataTypes.createStructField("kept_region", DataTypes.BooleanType, false),
        DataTypes.createStructField("kept_control", DataTypes.BooleanType, false),
        DataTypes.createStructField("blank", DataTypes.BooleanType, false),
        DataTypes.createStructField("receiver_other", DataTypes.BooleanType, false),
        DataTypes.createStructField("became_region", DataTypes.BooleanType, false),
        DataTypes.createStructField("became_control", DataTypes.BooleanType, false),
        DataTypes.createStructField("region_signature", SIGNATURE, true),
        DataTypes.createStructField("control_signature", SIGNATURE, true),
        DataTypes.createStructField("receiver_region_signature", SIGNATURE, true),
        DataTypes.createStructField("receiver_control_signature", SIGNATURE, true),
        DataTypes.createStructField("error", DataTypes.StringType, true),
    });

    private final ModelSpec model;
    private final String shippedModelName;
    private final Normalisation normalisation;
    private final DecodeLimits limits;
    private final HadoopConf hadoop;
    private final RegionMasker.Fill fill;
    private final long seed;

    public EvidencePartition(ModelSpec model, String shippedModelName, Normalisation normalisation, DecodeLimits limits, HadoopConf hadoop,
                             RegionMasker.Fill fill, long seed) {
        this.model = model;
        this.shippedModelName = shippedModelName;
        this.normalisation = normalisation;
        this.limits = limits;
        this.hadoop = hadoop;
        this.fill = fill;
        this.seed = seed;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
        GpuBinder.bindTask();
        LoadedModel loaded = ModelFiles.load(model, shippedModelName);
        ImageDecoder decoder = new ImageDecoder(limits);
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return input.hasNext();
            }

            @Override
            public Row next() {
                Row in = input.next();
                int finding = in.getInt(0);
                try {
                    ImageTensor image = decoder.decode(HadoopFiles.read(in.getString(2), hadoop, limits.maxFileBytes()), loaded.inputShape(), normalisation);
                    ImageTensor receiver = null;
                    if (!in.isNullAt(6)) {
                        try {
                            receiver = decoder.decode(HadoopFiles.read(in.getString(6), hadoop, limits.maxFileBytes()), loaded.inputShape(), normalisation);
                        } catch (Exception e) {
                            receiver = null; // no transplant for this row; the class image's own tests stand
                        }
                    }
                    EvidenceProbe.Outcome o = EvidenceProbe.probe(image, receiver, in.getInt(3), box(in, 4), box(in, 5), fill, loaded.classifier(),
                            Seeds.forImage(in.getString(1), seed));
                    return RowFactory.create(finding, o.assigned(), o.flippedRegion(), o.flippedControl(), o.dropRegion(), o.dropControl(),
                            o.keptRegion(), o.keptControl(), o.blank(), o.receiverOther(), o.becameRegion(), o.becameControl(),
                            o.regionSignature(), o.controlSignature(), o.receiverRegion(), o.receiverControl(), null);
                } catch (Exception e) {
                    return RowFactory.create(finding, false, false, false, 0.0, 0.0, false, false, false, false, false, false, null, null, null, null,
                            e.getMessage() == null ? e.toString() : e.getMessage());
                }
            }
        };
    }

    private static int[] box(Row row, int i) {
        return row.getList(i).stream().mapToInt(o -> ((Number) o).intValue()).toArray();
    }
}
