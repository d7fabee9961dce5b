package dev.costlake.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlake.testing.TestSpark;
import java.math.BigDecimal;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;

class DiskStageTest {
  private final SparkSession spark = TestSpark.get();

  /** Rows computed so far by {@link #input()}'s counting function (local mode: one JVM). */
  private static final java.util.concurrent.atomic.AtomicLong COMPUTED = new java.util.concurrent.atomic.AtomicLong();

  /** 1,000 rows in 3 partitions; every row computed increments {@link #COMPUTED}. */
  private Dataset<Row> input() {
    spark.udf().register("counted", (org.apache.spark.sql.api.java.UDF1<Long, Long>) x -> {
      COMPUTED.incrementAndGet();
      return x;
    }, org.apache.spark.sql.types.DataTypes.LongType);
    return spark
        .range(0, 1000, 1, 3)
        .withColumn("u", functions.expr("counted(id)"))
        .withColumn("amount", functions.expr("CAST(id AS DECIMAL(30,12)) / 8"))
        .withColumn("tags", functions.expr("map('team', CAST(id % 7 AS STRING))"));
  }

  @Test
  void rowsAreComputedOnceAndReadBackUnchanged() {
    Dataset<Row> in = input();
    int cachedBefore = spark.sparkContext().getRDDStorageInfo().length;
    // Without staging, each action computes the rows again.
    long c0 = COMPUTED.get();
    in.write().format("noop").mode("overwrite").save();
    in.write().format("noop").mode("overwrite").save();
    assertEquals(2000, COMPUTED.get() - c0);
    try (DiskStage stage = DiskStage.of(in)) {
      Dataset<Row> rows = stage.rows();
      assertEquals(in.schema(), rows.schema());
      assertEquals(3, rows.rdd().getNumPartitions(), "partitions kept");
      List<Row> first = rows.orderBy("id").collectAsList();
      List<Row> second = rows.orderBy("id").collectAsList();
      assertEquals(first, second);
      assertEquals(1000, COMPUTED.get() - c0 - 2000, "computed once, then read from disk");
      assertEquals(1000, first.size());
      // Sum of amounts = (0 + ... + 999) / 8, exactly.
      BigDecimal sum = rows.agg(functions.sum("amount")).first().getDecimal(0);
      assertEquals(0, new BigDecimal(999 * 1000 / 2).divide(new BigDecimal(8)).compareTo(sum), sum.toString());
      assertEquals("3", first.get(10).getJavaMap(3).get("team"));
      assertTrue(spark.sparkContext().getRDDStorageInfo().length > cachedBefore, "blocks on disk");
    }
    assertEquals(cachedBefore, spark.sparkContext().getRDDStorageInfo().length, "released on close");
  }
}
