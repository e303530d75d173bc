package io.shortcutlens.jobs;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** The session a job runs in: spark-submit's master when given one, else local Spark on every core. */
public final class Sessions {
    private static final String EXTENSIONS = "spark.sql.extensions";
    private static final String DELTA_EXTENSION = "io.delta.sql.DeltaSparkSessionExtension";
    private static final String CATALOG = "spark.sql.catalog.spark_catalog";

    private Sessions() { }

    /** What a job's command line does in its session: the exit status. */
    public interface Work {
        int run(SparkSession spark) throws Exception;
    }

    /** {@code work} in the session {@link #get} gives, stopped afterwards whatever happens: a command line's whole life. */
    public static int run(String appName, Work work) throws Exception {
        SparkSession spark = get(appName);
        try {
            return work.run(spark);
        } finally {
            spark.stop();
        }
    }

    public static SparkSession get(String appName) {
        SparkSession.Builder b = SparkSession.builder().appName(appName);
        if (System.getProperty("spark.master") == null) {
            b.master("local[*]").config("spark.ui.showConsoleProgress", "true").config("spark.ui.enabled", "false");
        }
        return withDelta(b).getOrCreate();
    }

    /**
     * Delta Lake's SQL extension and catalog (for {@code --table-format delta} and reading Delta tables), added to the
     * extensions a cluster already configures rather than replacing them; a catalog the cluster sets is kept.
     */
    static SparkSession.Builder withDelta(SparkSession.Builder b) {
        SparkConf conf = new SparkConf();
        String extensions = conf.get(EXTENSIONS, "");
        if (!extensions.contains(DELTA_EXTENSION)) {
            b.config(EXTENSIONS, extensions.isBlank() ? DELTA_EXTENSION : extensions + "," + DELTA_EXTENSION);
        }
        if (!conf.contains(CATALOG)) {
            b.config(CATALOG, "org.apache.spark.sql.delta.catalog.DeltaCatalog");
        }
        return b;
    }

}
