package dev.costlake.unitcost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlake.errors.PipelineException;
import dev.costlake.model.AllocationColumns;
import dev.costlake.model.Focus;
import dev.costlake.model.UnitCostColumns;
import dev.costlake.testing.TestSpark;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unit costs and the business metrics reader, on hand-written rows and files. */
class UnitCostsTest {
  private final SparkSession spark = TestSpark.get();
  @TempDir Path dir;

  Dataset<Row> allocated(Object[]... rows) {
    StructType s =
        new StructType()
            .add(Focus.X_BILLING_PERIOD, DataTypes.StringType)
            .add(AllocationColumns.CHARGE_DATE, DataTypes.DateType)
            .add(Focus.BillingCurrency, DataTypes.StringType)
            .add(AllocationColumns.OWNER, DataTypes.StringType)
            .add(AllocationColumns.KIND, DataTypes.StringType)
            .add(Focus.EffectiveCost, AllocationColumns.AMOUNT);
    return spark.createDataFrame(
        java.util.Arrays.stream(rows).map(RowFactory::create).toList(), s);
  }

  static Object[] a(String day, String owner, String kind, String cost) {
    return new Object[] {day.substring(0, 7), Date.valueOf(day), "USD", owner, kind, new BigDecimal(cost)};
  }

  Path write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  @Test
  void dailyAndMonthlyUnitCostsWithMissingAndZeroQuantities() throws IOException {
    Dataset<Row> alloc =
        allocated(
            // 1 Sep: payments 12 direct - 4 given + 2 received = 10; search 5.
            a("2026-09-01", "payments", "direct", "12"),
            a("2026-09-01", "payments", "shared_given", "-4"),
            a("2026-09-01", "payments", "shared_received", "2"),
            a("2026-09-01", "search", "direct", "5"),
            // 2 Sep: payments 10, but zero requests; 3 Sep: payments 10, no metric row at all.
            a("2026-09-02", "payments", "direct", "10"),
            a("2026-09-03", "payments", "direct", "10"));
    Path csv =
        write(
            "m.csv",
            "date,metric,dimension,quantity\n"
                + "2026-09-01,requests,payments,2000\n"
                + "2026-09-01,requests,search,\n"
                + "2026-09-02,requests,payments,0\n"
                + "\n"
                + "2026-09-01,customers,,4\n"
                + "2026-09-02,customers,all,3\n");
    Dataset<Row> metrics = BusinessMetrics.readCsv(spark, csv.toString());
    List<UnitCostConfig> defs =
        List.of(
            new UnitCostConfig("req", "requests", new BigDecimal("1000"), true, List.of(), BusinessMetrics.ALL),
            new UnitCostConfig("cust", "customers", BigDecimal.ONE, false, List.of(), BusinessMetrics.ALL));
    Dataset<Row> daily = UnitCosts.daily(alloc, metrics, defs).cache();
    Map<String, Row> byKey = new TreeMap<>();
    for (Row r : daily.collectAsList()) {
      byKey.put(r.getAs(UnitCostColumns.UNIT_COST) + "|" + r.getAs(UnitCostColumns.DATE) + "|" + r.getAs(UnitCostColumns.DIMENSION), r);
    }
    // payments 1 Sep: 10 / 2000 * 1000 = 5 per 1,000 requests.
    Row r = byKey.get("req|2026-09-01|payments");
    assertEquals(0, new BigDecimal("10").compareTo(r.getAs(UnitCostColumns.COST)));
    assertEquals(0, new BigDecimal("5").compareTo(r.getAs(UnitCostColumns.COST_PER_UNIT)));
    assertNull(r.getAs(UnitCostColumns.NULL_REASON));
    // search 1 Sep: the quantity is empty in the file -> null with a reason.
    r = byKey.get("req|2026-09-01|search");
    assertNull(r.getAs(UnitCostColumns.COST_PER_UNIT));
    assertEquals(UnitCosts.NO_QUANTITY_DAY, r.getAs(UnitCostColumns.NULL_REASON));
    // 2 Sep: zero requests -> null, "quantity is zero" (never infinity, never 0).
    r = byKey.get("req|2026-09-02|payments");
    assertNull(r.getAs(UnitCostColumns.COST_PER_UNIT));
    assertEquals(UnitCosts.ZERO_QUANTITY, r.getAs(UnitCostColumns.NULL_REASON));
    // 3 Sep: no metric row.
    assertEquals(UnitCosts.NO_QUANTITY_DAY, byKey.get("req|2026-09-03|payments").getAs(UnitCostColumns.NULL_REASON));
    // Total scope: 1 Sep all owners 15 / 4 customers = 3.75; 2 Sep 10 / 3 = 3.333333333333.
    assertEquals(0, new BigDecimal("3.75").compareTo(byKey.get("cust|2026-09-01|all").getAs(UnitCostColumns.COST_PER_UNIT)));
    assertEquals(0, new BigDecimal("3.333333333333").compareTo(byKey.get("cust|2026-09-02|all").getAs(UnitCostColumns.COST_PER_UNIT)));

    Map<String, Row> monthly = new TreeMap<>();
    for (Row m : UnitCosts.monthly(daily).collectAsList()) {
      monthly.put(m.getAs(UnitCostColumns.UNIT_COST) + "|" + m.getAs(UnitCostColumns.DIMENSION), m);
    }
    // payments September: (10 + 10 + 10) / (2000 + 0) * 1000 = 15; 3 days, 1 without quantity.
    Row pm = monthly.get("req|payments");
    assertEquals(0, new BigDecimal("15").compareTo(pm.getAs(UnitCostColumns.COST_PER_UNIT)));
    assertEquals(3L, (long) pm.getAs(UnitCostColumns.DAYS_WITH_COST));
    assertEquals(1L, (long) pm.getAs(UnitCostColumns.DAYS_WITHOUT_QUANTITY));
    // search September: no quantity at all -> null with the monthly reason.
    Row sm = monthly.get("req|search");
    assertNull(sm.getAs(UnitCostColumns.COST_PER_UNIT));
    assertEquals(UnitCosts.NO_QUANTITY_MONTH, sm.getAs(UnitCostColumns.NULL_REASON));
    // customers September: (15 + 10 + 10) / (4 + 3) = 5.
    assertEquals(0, new BigDecimal("5").compareTo(monthly.get("cust|all").getAs(UnitCostColumns.COST_PER_UNIT)));
    daily.unpersist();
  }

  @Test
  void zeroQuantityOverAWholeMonthGivesNullWithReason() {
    Dataset<Row> alloc = allocated(a("2026-09-01", "a", "direct", "3"));
    Dataset<Row> metrics =
        spark.createDataFrame(
            List.of(RowFactory.create(Date.valueOf("2026-09-01"), "gb", "a", new BigDecimal("0"))), BusinessMetrics.schema());
    Dataset<Row> daily =
        UnitCosts.daily(alloc, metrics, List.of(new UnitCostConfig("per-gb", "gb", BigDecimal.ONE, true, List.of("a"), "all")));
    Row m = UnitCosts.monthly(daily).first();
    assertNull(m.getAs(UnitCostColumns.COST_PER_UNIT));
    assertEquals(UnitCosts.ZERO_QUANTITY, m.getAs(UnitCostColumns.NULL_REASON));
  }

  @Test
  void malformedMetricRowsNameTheFileAndLine() throws IOException {
    String[][] cases = {
      {"2026-09-01,requests,a,10\n2026-09-31,requests,a,1\n", "line 3", "date '2026-09-31'"},
      {"2026-09-01,requests,a,ten\n", "line 2", "quantity 'ten' is not a number"},
      {"2026-09-01,requests,a\n", "line 2", "expected 4 fields, found 3"},
      {"2026-09-01,,a,1\n", "line 2", "metric is empty"},
      {"2026-09-01,requests,a,-1\n", "line 2", "is negative"},
    };
    int i = 0;
    for (String[] c : cases) {
      Path f = write("bad" + (i++) + ".csv", "date,metric,dimension,quantity\n" + c[0]);
      PipelineException e = assertThrows(PipelineException.class, () -> BusinessMetrics.readCsv(spark, f.toString()));
      assertEquals(1, e.exitCode());
      assertTrue(
          e.getMessage().contains(f.getFileName().toString()) && e.getMessage().contains(c[1]) && e.getMessage().contains(c[2]),
          e.getMessage());
    }
    Path noHeader = write("nohead.csv", "day,metric,dimension,quantity\n2026-09-01,r,a,1\n");
    PipelineException e = assertThrows(PipelineException.class, () -> BusinessMetrics.readCsv(spark, noHeader.toString()));
    assertTrue(e.getMessage().contains("line 1") && e.getMessage().contains("lacks column 'date'"), e.getMessage());
  }

  @Test
  void metricsFromADeltaTableAreCheckedToo() {
    StructType s =
        new StructType()
            .add("date", DataTypes.StringType)
            .add("metric", DataTypes.StringType)
            .add("dimension", DataTypes.StringType)
            .add("quantity", DataTypes.createDecimalType(20, 3));
    String good = dir.resolve("good").toString();
    spark.createDataFrame(
            List.of(RowFactory.create("2026-09-01", "gb", null, new BigDecimal("1.5")),
                RowFactory.create("2026-09-01", "gb", "a", new BigDecimal("2.25"))), s)
        .write().format("delta").save(good);
    Map<String, BigDecimal> byDim = new TreeMap<>();
    for (Row r : BusinessMetrics.readDelta(spark, good).collectAsList()) {
      assertEquals(Date.valueOf("2026-09-01"), r.getAs(UnitCostColumns.METRIC_DATE));
      byDim.put(r.getAs(UnitCostColumns.METRIC_DIMENSION), r.<BigDecimal>getAs(UnitCostColumns.METRIC_QUANTITY).stripTrailingZeros());
    }
    assertEquals(Map.of("all", new BigDecimal("1.5"), "a", new BigDecimal("2.25")), byDim);
    String bad = dir.resolve("bad").toString();
    spark.createDataFrame(List.of(RowFactory.create("01/09/2026", "gb", "a", BigDecimal.ONE)), s).write().format("delta").save(bad);
    PipelineException e = assertThrows(PipelineException.class, () -> BusinessMetrics.readDelta(spark, bad));
    assertTrue(e.getMessage().contains(bad) && e.getMessage().contains("date '01/09/2026'"), e.getMessage());
  }
}
