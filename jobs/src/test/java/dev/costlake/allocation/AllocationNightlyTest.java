package dev.costlake.allocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlake.generate.FocusSampleGenerator;
import dev.costlake.testing.Cli;
import dev.costlake.testing.TestSpark;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nightly run with the shipped conf/application.conf (its pools, metrics file and unit
 * costs) on generated FOCUS data: allocation conserves cost per day and currency, each pool gives
 * exactly what silver holds for its selector, the cascade passes on what the platform team
 * received, and unit costs divide by the metrics file's quantities. A pool cycle stops the run
 * with exit code 2 before anything is written.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AllocationNightlyTest {
  @TempDir static Path work;
  SparkSession spark;
  String err;

  static final Path CONF = Path.of("..", "conf", "application.conf");
  static final Path METRICS = Path.of("..", "conf", "metrics", "business_metrics.csv");

  int run(Path warehouse, String... extra) {
    List<String> all = new ArrayList<>(List.of("nightly", "--conf", CONF.toString(),
        "--set", "landing=" + work.resolve("landing").toUri(),
        "--set", "warehouse=" + warehouse.toUri(),
        "--set", "metrics.path=" + METRICS.toAbsolutePath(),
        "--set", "sources=[{name=focus, path=focus}]"));
    all.addAll(List.of(extra));
    Cli.Result r = Cli.run(all.toArray(new String[0]));
    err = r.err();
    return r.code();
  }

  @BeforeAll
  void generateAndRun() throws Exception {
    spark = TestSpark.get();
    FocusSampleGenerator.generate(spark, new FocusSampleGenerator.Options(1500, 1, 42, work.resolve("landing").toUri().toString(), YearMonth.parse("2026-09")));
    assertEquals(0, run(work.resolve("wh")), err);
    for (String t : List.of("cost_line_items", "cost_allocated_daily", "allocation_conservation", "unit_cost_daily", "unit_cost_monthly")) {
      spark.read().format("delta").load(work.resolve("wh").resolve(t).toString()).createOrReplaceTempView("a_" + t);
    }
  }

  private Map<String, BigDecimal> map(String sql) {
    Map<String, BigDecimal> m = new TreeMap<>();
    for (Row r : spark.sql(sql).collectAsList()) {
      m.put(r.getString(0), r.isNullAt(1) ? null : r.getDecimal(1).stripTrailingZeros());
    }
    return m;
  }

  @Test
  void allocationConservesCostPerDayAndCurrencyAndEveryPoolBalances() {
    Map<String, BigDecimal> silver =
        map("SELECT concat(x_ChargeDate, '|', BillingCurrency), SUM(EffectiveCost) FROM a_cost_line_items"
            + " WHERE AllocatedMethodId IS NULL GROUP BY 1");
    Map<String, BigDecimal> allocated =
        map("SELECT concat(ChargeDate, '|', BillingCurrency), SUM(EffectiveCost) FROM a_cost_allocated_daily GROUP BY 1");
    assertTrue(silver.size() >= 28, "days x currencies: " + silver.size());
    assertEquals(silver, allocated);
    // Direct + unused rows alone also equal silver: given and received cancel out per day.
    assertEquals(silver, map("SELECT concat(ChargeDate, '|', BillingCurrency), SUM(EffectiveCost) FROM a_cost_allocated_daily"
        + " WHERE x_AllocationKind IN ('direct', 'unused_commitment') GROUP BY 1"));
    Row c = spark.sql("SELECT COUNT(*), COUNT_IF(NOT Balanced), COUNT_IF(Difference <> 0), COUNT(DISTINCT AllocationPool) FROM a_allocation_conservation").first();
    assertTrue(c.getLong(0) > 0);
    assertEquals(0L, c.getLong(1));
    assertEquals(0L, c.getLong(2));
    assertEquals(4L, c.getLong(3), "all four shipped pools found cost");
  }

  @Test
  void eachPoolGivesWhatSilverHoldsForItsSelector() {
    // network = Networking + Bandwidth rows, computed from silver independently of the allocator.
    Map<String, BigDecimal> fromSilver =
        map("SELECT concat(x_ChargeDate, '|', BillingCurrency), SUM(EffectiveCost) FROM a_cost_line_items"
            + " WHERE AllocatedMethodId IS NULL AND ServiceName IN ('Networking', 'Bandwidth') GROUP BY 1");
    Map<String, BigDecimal> given =
        map("SELECT concat(ChargeDate, '|', BillingCurrency), -SUM(EffectiveCost) FROM a_cost_allocated_daily"
            + " WHERE AllocationPool = 'network' AND x_AllocationKind = 'shared_given' GROUP BY 1");
    assertTrue(!fromSilver.isEmpty());
    assertEquals(fromSilver, given);
    // fixed 50/25/25: platform receives half of each day's pool, to the cent and beyond.
    Map<String, BigDecimal> half = new HashMap<>();
    fromSilver.forEach((k, v) -> half.put(k, v.divide(BigDecimal.valueOf(2)).stripTrailingZeros()));
    Map<String, BigDecimal> platform =
        map("SELECT concat(ChargeDate, '|', BillingCurrency), SUM(EffectiveCost) FROM a_cost_allocated_daily"
            + " WHERE AllocationPool = 'network' AND x_AllocationKind = 'shared_received' AND Owner = 'platform' GROUP BY 1");
    for (Map.Entry<String, BigDecimal> e : platform.entrySet()) {
      BigDecimal diff = e.getValue().subtract(half.get(e.getKey())).abs();
      assertTrue(diff.compareTo(new BigDecimal("0.000000000002")) <= 0, e + " vs " + half.get(e.getKey()));
    }
  }

  @Test
  void thePlatformPoolPassesOnItsOwnCostAndWhatItReceived() {
    // Own cost: silver rows of team platform that no earlier-listed pool selected.
    Map<String, BigDecimal> own =
        map("SELECT concat(x_ChargeDate, '|', BillingCurrency), SUM(EffectiveCost) FROM a_cost_line_items"
            + " WHERE AllocatedMethodId IS NULL AND trim(x_Team) = 'platform' AND ServiceName NOT IN"
            + " ('Log Analytics', 'Networking', 'Bandwidth', 'Azure Kubernetes Service', 'Kubernetes Engine') GROUP BY 1");
    Map<String, BigDecimal> received =
        map("SELECT concat(ChargeDate, '|', BillingCurrency), SUM(EffectiveCost) FROM a_cost_allocated_daily"
            + " WHERE AllocationPool IN ('network', 'kubernetes', 'observability') AND x_AllocationKind = 'shared_received'"
            + " AND Owner = 'platform' GROUP BY 1");
    Map<String, BigDecimal> expected = new TreeMap<>(received);
    own.forEach((k, v) -> expected.merge(k, v, BigDecimal::add));
    expected.replaceAll((k, v) -> v.stripTrailingZeros());
    Map<String, BigDecimal> given =
        map("SELECT concat(ChargeDate, '|', BillingCurrency), -SUM(EffectiveCost) FROM a_cost_allocated_daily"
            + " WHERE AllocationPool = 'platform' AND x_AllocationKind = 'shared_given' GROUP BY 1");
    assertTrue(!expected.isEmpty());
    assertEquals(expected, given);
    // After the cascade the platform team holds nothing.
    assertEquals(0L, spark.sql("SELECT Owner FROM a_cost_allocated_daily WHERE Owner = 'platform'"
        + " GROUP BY ChargeDate, BillingCurrency, Owner HAVING SUM(EffectiveCost) <> 0").count());
  }

  @Test
  void unitCostsDivideAllocatedCostByTheMetricFileQuantities() throws Exception {
    Map<String, BigDecimal> customers = new HashMap<>();
    Map<String, BigDecimal> searchRequests = new HashMap<>();
    for (String line : Files.readAllLines(METRICS)) {
      String[] f = line.split(",");
      if (f[1].equals("active_customers")) customers.put(f[0], new BigDecimal(f[3]));
      if (f[1].equals("api_requests") && f[2].equals("search")) searchRequests.put(f[0], new BigDecimal(f[3]));
    }
    List<Row> rows = spark.sql("SELECT Date, BillingCurrency, AllocatedEffectiveCost, Quantity, CostPerUnit, NullReason"
        + " FROM a_unit_cost_daily WHERE UnitCostName = 'cost_per_active_customer'").collectAsList();
    assertTrue(rows.size() >= 28);
    for (Row r : rows) {
      BigDecimal q = customers.get(r.get(0).toString());
      assertEquals(0, q.compareTo(r.getDecimal(3)), r.toString());
      BigDecimal expected = r.getDecimal(2).divide(q, 12, java.math.RoundingMode.HALF_UP);
      assertEquals(0, expected.compareTo(r.getDecimal(4)), r.toString());
    }
    // The sample's zero: search had no API requests on 2026-09-15.
    assertEquals(0, searchRequests.get("2026-09-15").signum());
    Row zero = spark.sql("SELECT CostPerUnit, NullReason FROM a_unit_cost_daily WHERE UnitCostName = 'cost_per_1k_api_requests'"
        + " AND Dimension = 'search' AND Date = DATE'2026-09-15'").first();
    assertTrue(zero.isNullAt(0));
    assertEquals("quantity is zero", zero.getString(1));
    assertTrue(spark.sql("SELECT * FROM a_unit_cost_monthly WHERE x_BillingPeriod = '2026-09'").count() >= 2);
  }

  @Test
  void theQuickStartQueriesRun() throws Exception {
    String script = Files.readString(Path.of("..", "scripts", "quickstart"));
    List<String> queries = new ArrayList<>();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"(SELECT [^\"]*(cost_allocated_daily|unit_cost_monthly)[^\"]*)\"").matcher(script);
    while (m.find()) {
      queries.add(m.group(1));
    }
    assertEquals(2, queries.size(), script);
    List<String> args = new ArrayList<>(List.of("sql", "--set", "warehouse=" + work.resolve("wh").toUri()));
    args.addAll(queries);
    Cli.Result r = Cli.run(args.toArray(new String[0])).ok();
    assertTrue(r.out().contains("cost_per_active_customer"), r.out());
  }

  @Test
  void aPoolCycleStopsTheRunWithExitCode2BeforeAnyWrite() {
    Path wh = work.resolve("wh-cycle");
    int code = run(wh, "--set", "allocation.pools=[{name=p1, select{owner=x}, method=even, targets=[y]},"
        + " {name=p2, select{owner=y}, method=even, targets=[x]}]");
    assertEquals(2, code, err);
    assertTrue(err.contains("p1 -> p2 -> p1"), err);
    assertTrue(!Files.exists(wh.resolve("cost_line_items")), "nothing written");
  }
}
