package io.shortcutlens.lake;

import picocli.CommandLine.Option;

/** Where a job's images come from (a folder tree or a table) and how they are split: the options every image job shares, mapped to an {@link ImageSource}. */
public final class ImageInput {

    @Option(names = "--input", required = true, paramLabel = "PATH", description = "Folder tree of images (label = sub-folder name) or a table (see --input-format); any Hadoop path.")
    public String input;

    @Option(names = "--input-format", paramLabel = "FORMAT", description = "'images' for a folder tree, or any Spark source holding an image-bytes column (parquet, orc, delta, ...).")
    public String inputFormat = ImageSource.FOLDER;

    @Option(names = "--where", paramLabel = "SQL", description = {"Spark SQL condition selecting input rows, e.g. \"dt = '2026-11-26'\": a table's",
        "columns, or for a folder tree path, label and its key=value folder names (Hive-style partitions)."})
    public String where;

    @Option(names = "--image-col", paramLabel = "COL", description = "Table input: column with encoded image bytes.")
    public String imageCol = ImageSource.Columns.DEFAULT.image();

    @Option(names = "--id-col", paramLabel = "COL", description = "Table input: column to use as image id (default: SHA-256 of the bytes).")
    public String idCol;

    @Option(names = "--path-col", paramLabel = "COL", description = "Table input: column written as 'path'.")
    public String pathCol;

    @Option(names = "--label-col", paramLabel = "COL", description = "Table input: column written as 'label'.")
    public String labelCol;

    @Option(names = "--partitions", paramLabel = "N", description = "Repartition the input into N partitions (0 = keep a table's; a folder: four per core).")
    int partitions = 0;

    /** The source these flags name. */
    public ImageSource source() {
        return new ImageSource(input, inputFormat, where, new ImageSource.Columns(imageCol, idCol, pathCol, labelCol), partitions);
    }
}
