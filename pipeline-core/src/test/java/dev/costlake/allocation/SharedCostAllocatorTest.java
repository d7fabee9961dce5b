package dev.costlake.allocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.costlake.config.Section;
import dev.costlake.errors.PipelineException;
import dev.costlake.model.AllocationColumns;
import dev.costlake.model.Focus;
import dev.costlake.model.UnitCostColumns;
import dev.costlake.testing.TestSpark;
import java.math.BigDecimal;
import java.sql.Date;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Shared-cost allocation on a handful of silver rows, each expectation worked out by hand in the
 * comments. Every test also checks conservation: per pool, day and currency Σ given = Σ received
 * exactly, and Σ cost_allocated_daily = Σ silver EffectiveCost per day and currency.
 */
class SharedCostAllocatorTest {
  private final SparkSession spark = TestSpark.get();

  static final String D1 = "2026-09-01";
  static final String D2 = "2026-09-02";

  /** A silver row: day, currency, team (null = none), service, EffectiveCost, commitment, status. */
  record Line(String day, String currency, String team, String service, String cost, String commitment, String status, String tagTeam) {}

  static Line line(String day, String team, String service, String cost) {
    return new Line(day, "USD", team, service, cost, null, null, null);
  }

  Dataset<Row> silver(Line... lines) {
    StructType s =
        new StructType()
            .add(Focus.X_BILLING_PERIOD, DataTypes.StringType)
            .add(Focus.X_CHARGE_DATE, DataTypes.DateType)
            .add(Focus.BillingCurrency, DataTypes.StringType)
            .add(Focus.BillingAccountId, DataTypes.StringType)
            .add(Focus.SubAccountId, DataTypes.StringType)
            .add(Focus.ServiceName, DataTypes.StringType)
            .add(Focus.CommitmentDiscountId, DataTypes.StringType)
            .add(Focus.CommitmentDiscountStatus, DataTypes.StringType)
            .add(Focus.EffectiveCost, Focus.DECIMAL)
            .add(Focus.AllocatedMethodId, DataTypes.StringType)
            .add(Focus.X_TAGS_MAP, DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType))
            .add("x_Team", DataTypes.StringType);
    List<Row> rows = new ArrayList<>();
    for (Line l : lines) {
      Map<String, String> tags = l.tagTeam() == null ? null : Map.of("team", l.tagTeam());
      rows.add(
          RowFactory.create(
              l.day().substring(0, 7), Date.valueOf(l.day()), l.currency(), "payer-1", "sub-1", l.service(),
              l.commitment(), l.status(), new BigDecimal(l.cost()), null,
              tags == null ? null : scala.jdk.javaapi.CollectionConverters.asScala(tags), l.team()));
    }
    return spark.createDataFrame(rows, s);
  }

  static AllocationConfig cfg(String hocon) {
    return AllocationConfig.from(
        new Section(ConfigFactory.parseString(hocon), "test.conf", "costlake.allocation"));
  }

  /** Allocated amounts as "kind|pool|owner|day|currency" -> amount (plain), plus invariants. */
  Map<String, BigDecimal> run(Dataset<Row> silver, Dataset<Row> metrics, AllocationConfig cfg) {
    Dataset<Row> out = SharedCostAllocator.allocate(silver, metrics, cfg).cache();
    Map<String, BigDecimal> m = new TreeMap<>();
    for (Row r : out.collectAsList()) {
      String key =
          r.getAs(AllocationColumns.KIND) + "|" + r.getAs(AllocationColumns.POOL) + "|" + r.getAs(AllocationColumns.OWNER)
              + "|" + r.getAs(AllocationColumns.CHARGE_DATE) + "|" + r.getAs(Focus.BillingCurrency);
      BigDecimal v = r.getAs(Focus.EffectiveCost);
      m.merge(key, v, BigDecimal::add);
    }
    m.replaceAll((k, v) -> v.stripTrailingZeros());
    // Invariant 1: per pool, day and currency, given = received exactly (tolerance 0).
    for (Row r : SharedCostAllocator.conservation(out, cfg.tolerance()).collectAsList()) {
      assertTrue(r.<Boolean>getAs(AllocationColumns.BALANCED), "unbalanced: " + r);
      assertEquals(0, r.<BigDecimal>getAs(AllocationColumns.DIFFERENCE).signum(), "difference: " + r);
    }
    // Invariant 2: allocation moves cost between owners, never creates or loses any.
    Map<String, BigDecimal> in = totals(silver, Focus.X_CHARGE_DATE);
    Map<String, BigDecimal> after = totals(out, AllocationColumns.CHARGE_DATE);
    assertEquals(in, after, "Σ allocated per day and currency = Σ silver EffectiveCost");
    out.unpersist();
    return m;
  }

  private static Map<String, BigDecimal> totals(Dataset<Row> df, String day) {
    Map<String, BigDecimal> m = new TreeMap<>();
    for (Row r : df.groupBy(day, Focus.BillingCurrency).agg(functions.sum(Focus.EffectiveCost)).collectAsList()) {
      m.put(r.get(0) + "|" + r.get(1), r.getDecimal(2).stripTrailingZeros());
    }
    return m;
  }

  static BigDecimal d(String s) {
    return new BigDecimal(s).stripTrailingZeros();
  }

  static String k(String kind, String pool, String owner, String day) {
    return kind + "|" + pool + "|" + owner + "|" + day + "|USD";
  }

  @Test
  void evenSplitsOverOwnersWithDirectCostAndGivesTheResidueToTheLargestTarget() {
    AllocationConfig cfg =
        cfg("pools = [ { name = support, select { service = \"AWS Support\" }, method = even },"
            + " { name = tools, select { service = Tools }, method = even, targets = [x, y, z] } ]");
    Map<String, BigDecimal> m =
        run(silver(
                line(D1, "a", "EC2", "60"), line(D1, "b", "S3", "40"),
                line(D1, null, "AWS Support", "10"), line(D1, "a", "Tools", "100")),
            null, cfg);
    // support: 10 from the unallocated owner, even over the owners with direct cost (a, b): 5 each.
    assertEquals(d("-10"), m.get(k("shared_given", "support", "unallocated", D1)));
    assertEquals(d("5"), m.get(k("shared_received", "support", "a", D1)));
    assertEquals(d("5"), m.get(k("shared_received", "support", "b", D1)));
    // tools: 100 / 3 = 33.333333333333 (12 places) each, residue 0.000000000001 to the largest
    // part; all tie, so the first target by name (x) gets it.
    assertEquals(d("-100"), m.get(k("shared_given", "tools", "a", D1)));
    assertEquals(d("33.333333333334"), m.get(k("shared_received", "tools", "x", D1)));
    assertEquals(d("33.333333333333"), m.get(k("shared_received", "tools", "y", D1)));
    assertEquals(d("33.333333333333"), m.get(k("shared_received", "tools", "z", D1)));
    // Direct rows keep the whole silver cost: a = 60 + 100 (Tools), b = 40, unallocated = 10.
    assertEquals(d("160"), m.get(k("direct", "null", "a", D1)));
    assertEquals(d("10"), m.get(k("direct", "null", "unallocated", D1)));
  }

  @Test
  void proportionalFollowsDirectCostPerDayAndCurrency() {
    AllocationConfig cfg = cfg("pools = [ { name = support, select { service = Support }, method = proportional } ]");
    Map<String, BigDecimal> m =
        run(silver(
                line(D1, "a", "EC2", "60"), line(D1, "b", "S3", "40"), line(D1, "ops", "Support", "10"),
                // Day 2: a 1, b 2 -> 10 * 1/3 = 3.333333333333, 10 * 2/3 = 6.666666666667 (sum 10).
                line(D2, "a", "EC2", "1"), line(D2, "b", "S3", "2"), line(D2, "ops", "Support", "10"),
                // EUR is allocated on its own: only c has EUR direct cost, so c takes all 7.
                new Line(D1, "EUR", "c", "VM", "3", null, null, null),
                new Line(D1, "EUR", "ops", "Support", "7", null, null, null)),
            null, cfg);
    assertEquals(d("6"), m.get(k("shared_received", "support", "a", D1)));
    assertEquals(d("4"), m.get(k("shared_received", "support", "b", D1)));
    assertEquals(d("3.333333333333"), m.get(k("shared_received", "support", "a", D2)));
    assertEquals(d("6.666666666667"), m.get(k("shared_received", "support", "b", D2)));
    assertEquals(d("7"), m.get("shared_received|support|c|" + D1 + "|EUR"));
    assertEquals(null, m.get("shared_received|support|a|" + D1 + "|EUR"));
  }

  @Test
  void fixedPercentagesAndTheRuleAndVersionOnEveryRow() {
    AllocationConfig cfg =
        cfg("pools = [ { name = network, version = 3, select { account = sub-1 }, method = fixed,"
            + " shares { a = 50, b = 30, \"c.team\" = 20 } } ]");
    Dataset<Row> out = SharedCostAllocator.allocate(silver(line(D1, "a", "EC2", "10.01")), null, cfg);
    Map<String, BigDecimal> m = run(silver(line(D1, "a", "EC2", "10.01")), null, cfg);
    // 10.01 * 50% = 5.005, * 30% = 3.003, * 20% = 2.002 (exact, no residue).
    assertEquals(d("5.005"), m.get(k("shared_received", "network", "a", D1)));
    assertEquals(d("3.003"), m.get(k("shared_received", "network", "b", D1)));
    assertEquals(d("2.002"), m.get(k("shared_received", "network", "c.team", D1)));
    assertEquals(d("-10.01"), m.get(k("shared_given", "network", "a", D1)));
    Row r = out.where("x_AllocationKind = 'shared_received'").first();
    assertEquals("fixed {a=50, b=30, c.team=20} over [a, b, c.team]", r.getAs(AllocationColumns.RULE));
    assertEquals(3, (int) r.getAs(AllocationColumns.RULE_VERSION));
    assertEquals("x_Team", r.getAs(AllocationColumns.OWNER_COLUMN));
  }

  @Test
  void metricWeightsByBusinessMetricAndFallsBackToEvenOnADayWithoutIt() {
    AllocationConfig cfg =
        cfg("pools = [ { name = api, select { tag { key = team, values = [gateway] } }, method = metric,"
            + " metric = requests, targets = [a, b] } ]");
    Dataset<Row> silver =
        silver(
            new Line(D1, "USD", "gw", "EC2", "8", null, null, "gateway"),
            new Line(D2, "USD", "gw", "EC2", "8", null, null, "gateway"),
            new Line(D2, "USD", "gw", "EC2", "1", null, null, "other"));
    StructType ms =
        new StructType()
            .add(UnitCostColumns.METRIC_DATE, DataTypes.DateType)
            .add(UnitCostColumns.METRIC_NAME, DataTypes.StringType)
            .add(UnitCostColumns.METRIC_DIMENSION, DataTypes.StringType)
            .add(UnitCostColumns.METRIC_QUANTITY, Focus.DECIMAL);
    Dataset<Row> metrics =
        spark.createDataFrame(
            List.of(
                RowFactory.create(Date.valueOf(D1), "requests", "a", new BigDecimal("300")),
                RowFactory.create(Date.valueOf(D1), "requests", "b", new BigDecimal("100")),
                RowFactory.create(Date.valueOf(D1), "other", "b", new BigDecimal("900"))),
            ms);
    Map<String, BigDecimal> m = run(silver, metrics, cfg);
    // Day 1: 8 * 300/400 = 6 to a, 8 * 100/400 = 2 to b.
    assertEquals(d("6"), m.get(k("shared_received", "api", "a", D1)));
    assertEquals(d("2"), m.get(k("shared_received", "api", "b", D1)));
    // Day 2: no requests -> even: 4 and 4; the untagged-"gateway" row (1) stays direct with gw.
    assertEquals(d("4"), m.get(k("shared_received", "api", "a", D2)));
    assertEquals(d("4"), m.get(k("shared_received", "api", "b", D2)));
    assertEquals(d("-8"), m.get(k("shared_given", "api", "gw", D2)));
    List<Row> fb =
        SharedCostAllocator.allocate(silver, metrics, cfg)
            .where("x_AllocationKind = 'shared_received' AND AllocationFallback IS NOT NULL")
            .collectAsList();
    assertEquals(2, fb.size());
    fb.forEach(r -> assertEquals(Date.valueOf(D2), r.getAs(AllocationColumns.CHARGE_DATE)));
    assertEquals("no metric base on the day: split even", fb.get(0).getAs(AllocationColumns.FALLBACK));
  }

  @Test
  void noProportionalBaseFallsBackAsConfiguredAndSaysSo() {
    AllocationConfig cfg =
        cfg("pools = [ { name = p, select { service = Support }, method = proportional, targets = [a, b],"
            + " fallback = fixed, shares { a = 75, b = 25 } },"
            + " { name = q, select { service = Dns }, method = proportional } ]");
    Map<String, BigDecimal> m =
        run(silver(
                // Day 1: a has base 30, b none -> a takes all 10 of p.
                line(D1, "a", "EC2", "30"), line(D1, "x", "Support", "10"),
                // Day 2: nobody has direct cost: p falls back to fixed 75/25; q has no target at
                // all (default targets) and keeps its 2 with the unallocated owner.
                line(D2, "x", "Support", "10"), line(D2, "y", "Dns", "2")),
            null, cfg);
    assertEquals(d("10"), m.get(k("shared_received", "p", "a", D1)));
    assertEquals(d("0"), m.get(k("shared_received", "p", "b", D1)));
    assertEquals(d("7.5"), m.get(k("shared_received", "p", "a", D2)));
    assertEquals(d("2.5"), m.get(k("shared_received", "p", "b", D2)));
    assertEquals(d("2"), m.get(k("shared_received", "q", "unallocated", D2)));
    Dataset<Row> out = SharedCostAllocator.allocate(
        silver(line(D1, "a", "EC2", "30"), line(D1, "x", "Support", "10"), line(D2, "x", "Support", "10"), line(D2, "y", "Dns", "2")), null, cfg);
    List<String> notes = new ArrayList<>();
    out.where("AllocationFallback IS NOT NULL").orderBy("AllocationPool", "Owner").collectAsList()
        .forEach(r -> notes.add(r.getAs(AllocationColumns.POOL) + ": " + r.getAs(AllocationColumns.FALLBACK)));
    assertEquals(
        List.of(
            "p: no proportional base on the day: split fixed",
            "p: no proportional base on the day: split fixed",
            "q: no target owner with direct cost on the day: kept by unallocated"),
        notes);
  }

  @Test
  void twoLevelCascadePassesOnWhatThePlatformTeamReceived() {
    // Listed in the "wrong" order: the graph (support targets platform, which the platform pool
    // takes from) decides that support runs first.
    AllocationConfig cfg =
        cfg("pools = [ { name = platform, select { owner = platform }, method = proportional, targets = [a, b] },"
            + " { name = support, select { service = Support }, method = even, targets = [platform, a] } ]");
    assertEquals(List.of("support", "platform"), PoolGraph.order(cfg, null).stream().map(AllocationConfig.Pool::name).toList());
    Map<String, BigDecimal> m =
        run(silver(
                line(D1, "a", "EC2", "30"), line(D1, "b", "S3", "10"),
                line(D1, "platform", "EKS", "20"), line(D1, null, "Support", "10")),
            null, cfg);
    // support: 10 even -> platform 5, a 5.
    assertEquals(d("5"), m.get(k("shared_received", "support", "platform", D1)));
    assertEquals(d("5"), m.get(k("shared_received", "support", "a", D1)));
    // platform: its own 20 plus the 5 it received = 25, proportional to a 30 : b 10.
    assertEquals(d("-25"), m.get(k("shared_given", "platform", "platform", D1)));
    assertEquals(d("18.75"), m.get(k("shared_received", "platform", "a", D1)));
    assertEquals(d("6.25"), m.get(k("shared_received", "platform", "b", D1)));
    // Net per owner: a 30 + 5 + 18.75 = 53.75; b 10 + 6.25; platform 20 + 5 - 25 = 0.
    Map<String, BigDecimal> net = new TreeMap<>();
    m.forEach((key, v) -> net.merge(key.split("\\|")[2], v, BigDecimal::add));
    assertEquals(d("53.75"), net.get("a").stripTrailingZeros());
    assertEquals(d("16.25"), net.get("b").stripTrailingZeros());
    assertEquals(0, net.get("platform").signum());
    assertEquals(0, net.get("unallocated").signum());
  }

  @Test
  void aCycleIsAConfigurationErrorNamingThePools() {
    PipelineException e =
        assertThrows(
            PipelineException.class,
            () -> cfg("pools = [ { name = p1, select { owner = x }, method = even, targets = [y] },"
                + " { name = p3, select { service = S }, method = even },"
                + " { name = p2, select { owner = y }, method = even, targets = [x] } ]"));
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().contains("p1 -> p2 -> p1"), e.getMessage());
    assertTrue(e.getMessage().contains("costlake.allocation.pools"), e.getMessage());
    PipelineException self =
        assertThrows(PipelineException.class, () -> cfg("pools = [ { name = s, select { owner = x }, method = even, targets = [x, y] } ]"));
    assertTrue(self.getMessage().contains("s -> s"), self.getMessage());
  }

  @Test
  void badPoolsAreConfigurationErrorsNamingTheKey() {
    String[][] cases = {
      {"pools = [ { name = f, select { service = S }, method = fixed, shares { a = 50, b = 40 } } ]", "pools[0].shares", "sums to 90"},
      {"pools = [ { name = f, select { service = S }, method = median } ]", "pools[0].method", "median"},
      {"pools = [ { name = f, select { }, method = even } ]", "pools[0].select", "selects nothing"},
      {"pools = [ { name = f, select { service = S }, method = metric } ]", "pools[0].metric", "missing"},
      {"pools = [ { name = f, select { owner = o, service = S }, method = even } ]", "pools[0].select.owner", "cannot be combined"},
      {"unused-commitments = everyone", "unused-commitments", "purchaser or consumers"},
    };
    for (String[] c : cases) {
      PipelineException e = assertThrows(PipelineException.class, () -> cfg(c[0]), c[0]);
      assertEquals(2, e.exitCode());
      assertTrue(e.getMessage().contains("costlake.allocation." + c[1]) && e.getMessage().contains(c[2]), e.getMessage());
    }
  }

  @Test
  void unusedCommitmentCostFollowsThePolicy() {
    Line[] lines = {
      new Line(D1, "USD", "a", "EC2", "30", "sp-1", "Used", null),
      new Line(D1, "USD", "b", "EC2", "10", "sp-1", "Used", null),
      new Line(D1, "USD", "finance", "EC2", "8", "sp-1", "Unused", null),
      // Day 2: nobody used the commitment; its unused 4 has no consumers.
      new Line(D2, "USD", "finance", "EC2", "4", "sp-1", "Unused", null)
    };
    Map<String, BigDecimal> purchaser = run(silver(lines), null, cfg("unused-commitments = purchaser"));
    assertEquals(d("8"), purchaser.get(k("unused_commitment", "null", "finance", D1)));
    assertEquals(d("30"), purchaser.get(k("direct", "null", "a", D1)));
    assertEquals(d("4"), purchaser.get(k("unused_commitment", "null", "finance", D2)));

    AllocationConfig consumersCfg = cfg("unused-commitments = consumers");
    Map<String, BigDecimal> consumers = run(silver(lines), null, consumersCfg);
    // 8 spread by Used EffectiveCost 30 : 10 -> a 6, b 2; finance keeps nothing on day 1.
    assertEquals(d("6"), consumers.get(k("unused_commitment", "null", "a", D1)));
    assertEquals(d("2"), consumers.get(k("unused_commitment", "null", "b", D1)));
    assertEquals(null, consumers.get(k("unused_commitment", "null", "finance", D1)));
    assertEquals(d("4"), consumers.get(k("unused_commitment", "null", "finance", D2)));
    Row kept =
        SharedCostAllocator.allocate(silver(lines), null, consumersCfg)
            .where("x_AllocationKind = 'unused_commitment' AND Owner = 'finance'").first();
    assertEquals("no Used rows of the commitment on the day: kept by the purchaser", kept.getAs(AllocationColumns.FALLBACK));
    assertEquals("unused commitments: consumers", kept.getAs(AllocationColumns.RULE));
  }

  @Test
  void worksWithoutOwnerColumnsInSilver() {
    Dataset<Row> noOwner = silver(line(D1, "a", "EC2", "5"), line(D1, "b", "Support", "3")).drop("x_Team");
    AllocationConfig cfg = cfg("pools = [ { name = s, select { service = Support }, method = even } ]");
    Map<String, BigDecimal> m = run(noOwner, null, cfg);
    // Everything is unallocated, which is never a default target: the pool keeps it there.
    assertEquals(d("8"), m.get(k("direct", "null", "unallocated", D1)));
    assertEquals(d("3"), m.get(k("shared_received", "s", "unallocated", D1)));
    assertEquals(Arrays.asList(SharedCostAllocator.COLUMNS.toArray()), Arrays.asList(SharedCostAllocator.allocate(noOwner, null, cfg).columns()));
  }
}
