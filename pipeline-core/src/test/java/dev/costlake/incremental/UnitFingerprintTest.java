package dev.costlake.incremental;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlake.model.Focus;
import dev.costlake.testing.TestSpark;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class UnitFingerprintTest {
  private static final StructType SCHEMA =
      new StructType()
          .add(Focus.X_SOURCE_NAME, DataTypes.StringType)
          .add(Focus.BillingAccountId, DataTypes.StringType)
          .add(Focus.X_BILLING_PERIOD, DataTypes.StringType)
          .add(Focus.BilledCost, Focus.DECIMAL)
          .add(Focus.EffectiveCost, Focus.DECIMAL)
          .add(Focus.X_INGESTION_RUN_ID, DataTypes.StringType)
          .add(Focus.X_TAGS_MAP, DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType));

  private static Dataset<Row> rows(List<Row> rows) {
    return TestSpark.get().createDataFrame(rows, SCHEMA);
  }

  private static Row row(String account, String billed, String effective, String run, Map<String, String> tags) {
    return RowFactory.create("src", account, "2025-06", new BigDecimal(billed), new BigDecimal(effective), run,
        tags == null ? null : scala.jdk.javaapi.CollectionConverters.asScala(tags));
  }

  private static Map<String, Row> byAccount(Dataset<Row> rows) {
    Map<String, Row> out = new java.util.TreeMap<>();
    for (Row r : UnitFingerprint.compute(rows).collectAsList()) {
      out.put(r.getAs(Focus.BillingAccountId), r);
    }
    return out;
  }

  @Test
  void hashIsTheExactSumOfRowHashesCountsAndCostsPerUnit() {
    List<Row> input = new ArrayList<>();
    for (int i = 0; i < 40; i++) { // sums of 13 to 27 random 64-bit hashes: beyond a long
      input.add(row(i % 3 == 0 ? "A" : "B", "1." + i, "0." + i, "run-" + i, i % 2 == 0 ? Map.of("team", "t" + i) : null));
    }
    Dataset<Row> df = rows(input);
    // Independently: every row's xxhash64 (maps as their keys and values), summed as BigInteger.
    Dataset<Row> hashes =
        df.select(
            functions.col(Focus.BillingAccountId),
            functions.xxhash64(
                    functions.col(Focus.X_SOURCE_NAME), functions.col(Focus.BillingAccountId), functions.col(Focus.X_BILLING_PERIOD),
                    functions.col(Focus.BilledCost), functions.col(Focus.EffectiveCost),
                    functions.map_keys(functions.col(Focus.X_TAGS_MAP)), functions.map_values(functions.col(Focus.X_TAGS_MAP)))
                .as("h"));
    Map<String, BigInteger> expected = new java.util.TreeMap<>();
    Map<String, BigDecimal> billed = new java.util.TreeMap<>();
    Map<String, Long> count = new java.util.TreeMap<>();
    for (Row r : hashes.collectAsList()) {
      expected.merge(r.getString(0), BigInteger.valueOf(r.getLong(1)), BigInteger::add);
    }
    for (Row r : input) {
      billed.merge(r.getString(1), r.getDecimal(3), BigDecimal::add);
      count.merge(r.getString(1), 1L, Long::sum);
    }
    // The case the long arithmetic exists for: a unit whose exact sum does not fit in a long.
    assertTrue(expected.values().stream().anyMatch(v -> v.bitLength() > 63), "fixture: a sum beyond a long");
    Map<String, Row> got = byAccount(df);
    assertEquals(expected.keySet(), got.keySet());
    for (String a : expected.keySet()) {
      Row g = got.get(a);
      assertEquals(0, new BigDecimal(expected.get(a)).compareTo(g.getAs(UnitFingerprint.HASH)), "hash of " + a);
      assertEquals(count.get(a), g.<Long>getAs(UnitFingerprint.ROWS));
      assertEquals(0, billed.get(a).compareTo(g.getAs(UnitFingerprint.BILLED)), "billed of " + a);
    }
    assertEquals(40L, got.values().stream().mapToLong(r -> r.<Long>getAs(UnitFingerprint.ROWS)).sum());
  }

  @Test
  void runIdAndRowOrderDoNotMatterButATagValueDoes() {
    List<Row> a = List.of(row("A", "1", "1", "r1", Map.of("team", "x")), row("A", "2", "2", "r1", null));
    List<Row> reordered = List.of(row("A", "2", "2", "r9", null), row("A", "1", "1", "r9", Map.of("team", "x")));
    List<Row> retagged = List.of(row("A", "1", "1", "r1", Map.of("team", "y")), row("A", "2", "2", "r1", null));
    Row fa = byAccount(rows(a)).get("A");
    assertEquals(fa, byAccount(rows(reordered)).get("A"));
    BigDecimal h = fa.getAs(UnitFingerprint.HASH);
    BigDecimal retaggedHash = byAccount(rows(retagged)).get("A").getAs(UnitFingerprint.HASH);
    assertNotEquals(0, h.compareTo(retaggedHash));
  }

  @Test
  void withoutHashTheCountsAndCostsAreTheSameAndTheHashIsNull() {
    List<Row> input = List.of(row("A", "1.5", "1", "r1", Map.of("team", "x")), row("A", "2", "2.25", "r1", null), row("B", "3", "3", "r1", null));
    for (Row r : UnitFingerprint.compute(rows(input), false).collectAsList()) {
      Row full = byAccount(rows(input)).get(r.<String>getAs(Focus.BillingAccountId));
      assertEquals(full.<Long>getAs(UnitFingerprint.ROWS), r.<Long>getAs(UnitFingerprint.ROWS));
      assertEquals(0, full.<BigDecimal>getAs(UnitFingerprint.BILLED).compareTo(r.getAs(UnitFingerprint.BILLED)));
      assertEquals(0, full.<BigDecimal>getAs(UnitFingerprint.EFFECTIVE).compareTo(r.getAs(UnitFingerprint.EFFECTIVE)));
      org.junit.jupiter.api.Assertions.assertNull(r.getAs(UnitFingerprint.HASH));
    }
    assertEquals(new BigDecimal("3.25"), byAccount(rows(input)).get("A").<BigDecimal>getAs(UnitFingerprint.EFFECTIVE).stripTrailingZeros());
  }
}
