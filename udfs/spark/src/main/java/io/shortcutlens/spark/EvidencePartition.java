package io.shortcutlens.spark;

import io.shortcutlens.audit.EvidenceProbe;
import io.shortcutlens.audit.RegionMasker;
import io.shortcutlens.explain.Seeds;
import io.shortcutlens.image.ImageTensor;
import io.shortcutlens.model.LoadedModel;
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
public final class EvidencePartition extends ImagePassPartition {
    private static final long serialVersionUID = 1L;

    public static final StructType INPUT = DataTypes.createStructType(new StructField[] {
        DataTypes.createStructField("finding_id", DataTypes.IntegerType, false),
        DataTypes.createStructField("image_id", DataTypes.StringType, false),
        DataTypes.createStructField("path", DataTypes.StringType, false),
        DataTypes.createStructField("class_index", DataTypes.IntegerType, false),
        DataTypes.createStructField("region_box", DataTypes.createArrayType(DataTypes.IntegerType, false), false),
        DataTypes.createStructField("control_box", DataTypes.createArrayType(DataTypes.IntegerType, false), false),
        DataTypes.createStructField("receiver_path", DataTypes.StringType, true),
        DataTypes.createStructField("uses_region", DataTypes.BooleanType, false),
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
        DataTypes.createStructField("uses_region", DataTypes.BooleanType, false),
        DataTypes.createStructField("error", DataTypes.StringType, true),
    });

    private final RegionMasker.Fill fill;
    private final long seed;

    public EvidencePartition(TaskModel task, RegionMasker.Fill fill, long seed) {
        super(task);
        this.fill = fill;
        this.seed = seed;
    }

    @Override
    Row passes(Row in, LoadedModel loaded, Images images) throws Exception {
        ImageTensor image = images.read(in.getString(2));
        ImageTensor receiver = null;
        if (!in.isNullAt(6)) {
            try {
                receiver = images.read(in.getString(6));
            } catch (Exception e) {
                receiver = null; // no transplant for this row; the class image's own tests stand
            }
        }
        EvidenceProbe.Outcome o = EvidenceProbe.probe(image, receiver, in.getInt(3), new EvidenceProbe.Boxes(box(in, 4), box(in, 5)), fill, loaded.classifier(),
                Seeds.forImage(in.getString(1), seed));
        return RowFactory.create(in.getInt(0), o.assigned(), o.flippedRegion(), o.flippedControl(), o.dropRegion(), o.dropControl(),
                o.keptRegion(), o.keptControl(), o.blank(), o.receiverOther(), o.becameRegion(), o.becameControl(),
                o.regionSignature(), o.controlSignature(), o.receiverRegion(), o.receiverControl(), in.getBoolean(7), null);
    }

    @Override
    Row failed(Row in, String message) {
        return RowFactory.create(in.getInt(0), false, false, false, 0.0, 0.0, false, false, false, false, false, false, null, null, null, null, in.getBoolean(7), message);
    }

    private static int[] box(Row row, int i) {
        return row.getList(i).stream().mapToInt(o -> ((Number) o).intValue()).toArray();
    }
}
