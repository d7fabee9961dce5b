package dev.costlake.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Small DataFrame helpers for tests: order-insensitive comparison of rows (spark-testing-base has
 * no Spark 4 build), and plain-value extraction. Decimals compare by value, not scale.
 */
public final class Frames {
  private Frames() {}

  /** Rows as lists of plain values, decimals stripped of trailing zeros. */
  public static List<List<Object>> rows(Dataset<Row> df) {
    List<List<Object>> out = new ArrayList<>();
    for (Row r : df.collectAsList()) {
      List<Object> vals = new ArrayList<>();
      for (int i = 0; i < r.size(); i++) {
        vals.add(plain(r.get(i)));
      }
      out.add(vals);
    }
    return out;
  }

  /** Asserts both have the same rows, ignoring order (duplicates counted). */
  public static void assertSameRows(List<List<Object>> expected, Dataset<Row> actual) {
    List<String> e = sorted(expected);
    List<String> a = sorted(rows(actual));
    assertEquals(e, a, "rows differ (order ignored)");
  }

  public static void assertSameRows(Dataset<Row> expected, Dataset<Row> actual) {
    assertEquals(
        Arrays.asList(expected.columns()), Arrays.asList(actual.columns()), "columns differ");
    assertSameRows(rows(expected), actual);
  }

  public static List<Object> row(Object... values) {
    List<Object> out = new ArrayList<>();
    for (Object v : values) {
      out.add(plain(v));
    }
    return out;
  }

  private static List<String> sorted(List<List<Object>> rows) {
    List<String> out = new ArrayList<>();
    for (List<Object> r : rows) {
      out.add(r.toString());
    }
    out.sort(String::compareTo);
    return out;
  }

  private static Object plain(Object v) {
    if (v instanceof BigDecimal b) {
      return b.signum() == 0 ? BigDecimal.ZERO : b.stripTrailingZeros();
    }
    if (v instanceof scala.collection.Seq<?> s) {
      return new ArrayList<>(scala.jdk.javaapi.CollectionConverters.asJava(s));
    }
    return v;
  }

  /** Σ of a decimal column (null as 0), exact. */
  public static BigDecimal sum(Dataset<Row> df, String column) {
    Row r = df.agg(org.apache.spark.sql.functions.sum(column)).first();
    return r.isNullAt(0) ? BigDecimal.ZERO : r.getDecimal(0);
  }

  public static void assertMoney(BigDecimal expected, BigDecimal actual, String what) {
    assertEquals(0, expected.compareTo(actual), what + ": expected " + expected + " but was " + actual);
  }
}
