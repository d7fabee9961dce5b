package dev.costlake.spark;

import dev.costlake.config.PipelineConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Builds (or joins) the SparkSession with Delta's extension and catalog, UTC time, and sane
 * defaults for a small local machine. On a cluster the same code runs: spark-submit's master and
 * settings win over the defaults here.
 */
public final class SparkSessions {
  private SparkSessions() {}

  /** Settings every session needs, local or cluster. */
  public static Map<String, String> required() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension");
    m.put("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
    m.put("spark.sql.session.timeZone", "UTC");
    return m;
  }

  /** Defaults for embedded runs on a laptop-sized machine (2 cores). */
  public static Map<String, String> localDefaults() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("spark.ui.enabled", "false");
    // The status store keeps jobs, stages, tasks and SQL executions for the UI and the status
    // tracker even with the UI off; a nightly run makes thousands of small stages, so keep only
    // the latest few and the driver heap stays flat over long runs (and the test JVM's 1 GB).
    m.put("spark.ui.retainedJobs", "50");
    m.put("spark.ui.retainedStages", "50");
    m.put("spark.ui.retainedTasks", "1000");
    m.put("spark.sql.ui.retainedExecutions", "20");
    m.put("spark.ui.dagGraph.retainedRootRDDs", "50");
    m.put("spark.worker.ui.retainedExecutors", "10");
    // The normalized rows are staged on local disk (Pipeline): compressed (lz4) they take a
    // fifth of the space (1M CUR rows: 979 MB -> 213 MB; 50M rows would need about 49 GB
    // uncompressed), at no measurable cost in time.
    m.put("spark.rdd.compress", "true");
    // Partitioned writes stream each read partition into its partition's file (up to two open
    // files per task) instead of sorting every row by the partition columns first; read
    // partitions hold one billing period each (RawReader), and a task that meets a third value
    // falls back to the sort for the rest.
    m.put("spark.sql.maxConcurrentOutputFileWriters", "2");
    // Those per-folder scans are unioned; each union child gets its own code generation stage.
    // Without the stage id in the generated class name their code is identical, so it is
    // compiled (and warmed up by the JIT) once instead of once per folder (read step of a
    // 10M-row first load: 449 s -> 419 s).
    m.put("spark.sql.codegen.useIdInClassName", "false");
    m.put("spark.sql.shuffle.partitions", "4");
    m.put("spark.default.parallelism", "4");
    m.put("spark.sql.adaptive.enabled", "true");
    m.put("spark.databricks.delta.snapshotPartitions", "2");
    m.put("spark.sql.sources.parallelPartitionDiscovery.parallelism", "2");
    m.put("spark.databricks.delta.stats.collect", "true");
    m.put("spark.driver.host", "127.0.0.1");
    m.put("spark.driver.bindAddress", "127.0.0.1");
    return m;
  }

  /**
   * Returns the active session when one exists (tests, notebooks, Databricks), after applying the
   * run's settings to it; otherwise builds one.
   */
  public static SparkSession getOrCreate(PipelineConfig config) {
    SparkSession active = SparkSession.getActiveSession().getOrElse(() -> null);
    if (active == null) {
      active = SparkSession.getDefaultSession().getOrElse(() -> null);
    }
    if (active != null) {
      applyRuntime(active, config.sparkConf());
      return active;
    }
    SparkConf submitted = new SparkConf();
    boolean masterGiven = submitted.contains("spark.master");
    SparkSession.Builder b = SparkSession.builder().appName(config.appName());
    String master = config.sparkMaster();
    boolean local = !masterGiven && master != null && !master.isBlank();
    if (local) {
      b.master(master);
    }
    if (local || submitted.get("spark.master", "").startsWith("local")) {
      localDefaults().forEach(b::config);
    }
    required().forEach(b::config);
    config.sparkConf().forEach(b::config);
    SparkSession spark = b.getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    return spark;
  }

  private static void applyRuntime(SparkSession spark, Map<String, String> conf) {
    for (Map.Entry<String, String> e : conf.entrySet()) {
      if (e.getKey().startsWith("spark.hadoop.")) {
        spark
            .sparkContext()
            .hadoopConfiguration()
            .set(e.getKey().substring("spark.hadoop.".length()), e.getValue());
      } else if (e.getKey().startsWith("spark.sql.") || e.getKey().startsWith("spark.databricks.")) {
        spark.conf().set(e.getKey(), e.getValue());
      }
    }
  }
}
