package io.shortcutlens.jobs;

import org.apache.spark.sql.SparkSession;

/** The session a job runs in: spark-submit's master when given one, else local Spark on every core. */
final class Sessions {
    private Sessions() { }

    static SparkSession get(String appName) {
        SparkSession.Builder b = SparkSession.builder().appName(appName);
        if (System.getProperty("spark.master") == null) {
            b.master("local[*]").config("spark.ui.showConsoleProgress", "true").config("spark.ui.enabled", "false");
        }
        return b.getOrCreate();
    }
}
