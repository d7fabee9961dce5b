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
      spark = b.getOrCreate();
      spark.sparkContext().setLogLevel("ERROR");
    }
    return spark;
  }
}
