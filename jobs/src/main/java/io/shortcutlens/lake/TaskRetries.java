package io.shortcutlens.lake;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.Success$;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;

/**
 * Counts, while registered, the task attempts that did not succeed (each one Spark retried or will retry, e.g. after
 * an executor was lost) and the executors removed: the run's manifest records them.
 */
public final class TaskRetries extends SparkListener implements AutoCloseable {
    private final SparkSession spark;
    private final AtomicLong failedAttempts = new AtomicLong();
    private final AtomicLong executorsLost = new AtomicLong();

    public TaskRetries(SparkSession spark) {
        this.spark = spark;
        spark.sparkContext().addSparkListener(this);
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        if (end.reason() != Success$.MODULE$) {
            failedAttempts.incrementAndGet();
        }
    }

    @Override
    public void onExecutorRemoved(SparkListenerExecutorRemoved removed) {
        executorsLost.incrementAndGet();
    }

    public long failedAttempts() {
        return failedAttempts.get();
    }

    public long executorsLost() {
        return executorsLost.get();
    }

    @Override
    public void close() {
        spark.sparkContext().removeSparkListener(this);
    }
}
