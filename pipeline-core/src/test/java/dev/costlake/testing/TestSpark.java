package dev.costlake.testing;

import dev.costlake.spark.SparkSessions;
import org.apache.spark.sql.SparkSession;

/**
 * The one SparkSession of the test suite (local[2], Delta enabled, UTC). Every test class gets it
 * from here; nobody stops it (the JVM exit does).
 */
public final class TestSpark {
  private static SparkSession spark;

  private TestSpark() {}

  public static synchronized SparkSession get() {
    if (spark == null) {
      System.setProperty("SPARK_LOCAL_IP", "127.0.0.1");
      SparkSession.Builder b = SparkSession.builder().master("local[2]").appName("costlake-tests");
      SparkSessions.localDefaults().forEach(b::config);
      SparkSessions.required().forEach(b::config);
      b.config("spark.sql.shuffle.partitions", "2");
      b.config("spark.default.parallelism", "2");
      b.config("spark.sql.adaptive.coalescePartitions.initialPartitionNum", "2");
      b.config("spark.databricks.delta.snapshotPartitions", "2");
      b.config("spark.sql.sources.parallelPartitionDiscovery.parallelism", "2");
      b.config("spark.sql.debug.maxToStringFields", "500");
      // Fixtures are a few thousand rows: compiling the normalizers' large projections (Janino)
      // costs far more than evaluating them, so the suite evaluates expressions interpreted.
      // The production mode (compiled) is exercised by the classes that call compiled().
      b.config("spark.sql.codegen.wholeStage", "false");
      b.config("spark.sql.codegen.factoryMode", "NO_CODEGEN");
      // -Dspark.x=y on the Maven command line reaches here: try a setting on the suite.
      System.getProperties().stringPropertyNames().stream()
          .filter(k -> k.startsWith("spark."))
          .forEach(k -> b.config(k, System.getProperty(k)));
      spark = b.getOrCreate();
      spark.sparkContext().setLogLevel("ERROR");
    }
    return spark;
  }

  /**
   * Switches the shared session to compiled evaluation (whole-stage code generation, as
   * production runs) for a class that must cover that path; {@link #interpreted()} switches back.
   */
  public static SparkSession compiled() {
    SparkSession s = get();
    s.conf().set("spark.sql.codegen.wholeStage", "true");
    s.conf().set("spark.sql.codegen.factoryMode", "FALLBACK");
    return s;
  }

  /** Back to the suite's interpreted evaluation (see {@link #get()}). */
  public static void interpreted() {
    SparkSession s = get();
    s.conf().set("spark.sql.codegen.wholeStage", "false");
    s.conf().set("spark.sql.codegen.factoryMode", "NO_CODEGEN");
  }
}
