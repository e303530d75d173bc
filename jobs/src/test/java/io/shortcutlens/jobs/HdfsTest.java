package io.shortcutlens.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shortcutlens.demo.DemoData;
import io.shortcutlens.lake.LakeTables;
import java.io.File;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The explain and audit jobs on a real HDFS (Hadoop's MiniDFSCluster, in-process), through hdfs:// paths only, writing
 * Parquet and then Delta tables: the audit reads either and finds the same.
 */
class HdfsTest {

    @Test
    void explainAndAuditReadAndWriteHdfs() throws Exception {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, TestSpark.newDir("minidfs").getAbsolutePath());
        MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        try {
            cluster.waitActive();
            FileSystem fs = cluster.getFileSystem();
            String hdfs = fs.getUri().toString();
            File local = TestSpark.newDir("hdfs-images");
            DemoData.writeFolder(DemoData.split(3, DemoData.Stamping.BEARS, 61), local); // 9 images
            fs.copyFromLocalFile(new Path(local.getAbsolutePath()), new Path("/lake/images"));
            fs.copyFromLocalFile(new Path(TestSpark.model().getAbsolutePath()), new Path("/models/animals.zip"));

            ExplainJob.Result r = TestSpark.explainJob("--input", hdfs + "/lake/images", "--model", hdfs + "/models/animals.zip",
                    "--output", hdfs + "/lake/shortcutlens", "--methods", "occlusion", "--occlusion-mask-size", "16", "--occlusion-stride", "8")
                    .run(TestSpark.session());
            assertEquals(9, r.rows());
            assertEquals(0, r.errors());
            List<Row> rows = TestSpark.session().read().parquet(hdfs + "/lake/shortcutlens/explanations").select("path", "label").collectAsList();
            assertEquals(9, rows.size());
            for (Row row : rows) {
                assertTrue(row.getString(0).startsWith(hdfs + "/lake/images/"), row.toString());
            }
            assertTrue(fs.exists(new Path("/lake/shortcutlens/manifest.json")));

            AuditJob audit = new AuditJob();
            new CommandLine(audit).parseArgs("--run", hdfs + "/lake/shortcutlens", "--min-images", "2");
            AuditJob.Result a = audit.run(TestSpark.session());
            assertTrue(a.reportPath().startsWith(hdfs), a.reportPath());
            assertTrue(fs.exists(new Path(new java.net.URI(a.reportPath()).getPath())), a.reportPath());
            assertTrue(fs.exists(new Path("/lake/shortcutlens/class_stats/_SUCCESS")));

            // the same run and audit as Delta tables: one commit each, the audit reading the run's version, the same statistics
            ExplainJob.Result d = TestSpark.explainJob("--input", hdfs + "/lake/images", "--model", hdfs + "/models/animals.zip",
                    "--output", hdfs + "/lake/delta", "--methods", "occlusion", "--occlusion-mask-size", "16", "--occlusion-stride", "8",
                    "--table-format", "delta").run(TestSpark.session());
            assertEquals(r.runId(), d.runId());
            assertTrue(fs.exists(new Path("/lake/delta/explanations/_delta_log/00000000000000000000.json")));
            AuditJob deltaAudit = new AuditJob();
            Cli.commandLine(deltaAudit).parseArgs("--run", hdfs + "/lake/delta", "--min-images", "2", "--table-format", "delta");
            AuditJob.Result da = deltaAudit.run(TestSpark.session());
            assertEquals(a.findings().size(), da.findings().size());
            String[] cols = {"view", "class", "method", "cell", "images", "mean_mass", "peak_share"};
            assertEquals(LakeTables.read(TestSpark.session(), hdfs + "/lake/shortcutlens/class_stats").selectExpr(cols).orderBy("view", "class", "method", "cell")
                    .collectAsList(), LakeTables.read(TestSpark.session(), hdfs + "/lake/delta/class_stats").selectExpr(cols)
                    .orderBy("view", "class", "method", "cell").collectAsList(), "the audit reads a Delta run as it reads a Parquet one");
            assertTrue(fs.exists(new Path("/lake/delta/findings/_delta_log/00000000000000000000.json")));
            assertEquals(LakeTables.Format.DELTA, LakeTables.existing(TestSpark.session(), hdfs + "/lake/delta/class_stats"));
        } finally {
            cluster.shutdown();
        }
    }
}
