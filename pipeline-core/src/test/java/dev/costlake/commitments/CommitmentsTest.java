package dev.costlake.commitments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlake.model.Focus;
import dev.costlake.testing.Frames;
import dev.costlake.testing.TestSpark;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Date;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commitment utilization, spreading, inventory, coverage and savings on hand-written rows. */
class CommitmentsTest {
  private final SparkSession spark = TestSpark.get();
  @TempDir Path dir;

  static final List<String> COLS =
      List.of(
          "BillingAccountId", "BillingCurrency", "ProviderName", "BillingPeriodStart", "BillingPeriodEnd",
          "ChargePeriodStart", "ChargePeriodEnd", "ChargeCategory", "ChargeFrequency", "PricingCategory",
          "ServiceCategory", "ServiceName", "RegionId", "PricingUnit", "SubAccountId", "BilledCost",
          "EffectiveCost", "ListCost", "ContractedCost", "CommitmentDiscountId", "CommitmentDiscountType",
          "CommitmentDiscountCategory", "CommitmentDiscountStatus", "CommitmentDiscountQuantity",
          "CommitmentDiscountUnit", "x_LineItemType");

  /** A September 2026 row: defaults, then key=value overrides. */
  static String line(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String c : COLS) m.put(c, "");
    m.put("BillingAccountId", "acct");
    m.put("BillingCurrency", "USD");
    m.put("ProviderName", "Example");
    m.put("BillingPeriodStart", "2026-09-01T00:00:00Z");
    m.put("BillingPeriodEnd", "2026-10-01T00:00:00Z");
    m.put("ChargeCategory", "Usage");
    m.put("ChargeFrequency", "Usage-Based");
    m.put("ServiceCategory", "Compute");
    m.put("ServiceName", "VM");
    m.put("RegionId", "r1");
    m.put("PricingUnit", "Hours");
    m.put("SubAccountId", "sub-1");
    m.put("BilledCost", "0");
    for (String p : kv) {
      int eq = p.indexOf('=');
      if (!m.containsKey(p.substring(0, eq))) throw new IllegalArgumentException(p);
      m.put(p.substring(0, eq), p.substring(eq + 1));
    }
    return String.join(",", m.values());
  }

  static String csv(String... lines) {
    return String.join(",", COLS) + "\n" + String.join("\n", lines) + "\n";
  }

  static String day(int d) {
    return String.format("2026-09-%02dT00:00:00Z", d);
  }

  static String hourOf(int d, int h) {
    return String.format("2026-09-%02dT%02d:00:00Z", d, h);
  }

  private Dataset<Row> reservationMonth() throws Exception {
    return SilverFixtures.fromCsv(
        spark,
        dir,
        "ri",
        csv(
            // One-Time purchase spanning the one-year term; a monthly recurring fee.
            line("ChargeCategory=Purchase", "ChargeFrequency=One-Time", "ChargePeriodStart=" + day(1),
                "ChargePeriodEnd=2027-09-01T00:00:00Z", "BilledCost=1000", "EffectiveCost=0", "ListCost=1000",
                "ContractedCost=1000", "CommitmentDiscountId=ri-1", "CommitmentDiscountType=Reserved Instance",
                "CommitmentDiscountCategory=Usage", "SubAccountId=buyer"),
            line("ChargeCategory=Purchase", "ChargeFrequency=Recurring", "ChargePeriodStart=" + day(1),
                "ChargePeriodEnd=" + day(2), "BilledCost=60", "EffectiveCost=0", "ListCost=60", "ContractedCost=60",
                "CommitmentDiscountId=ri-1", "CommitmentDiscountType=Reserved Instance",
                "CommitmentDiscountCategory=Usage", "SubAccountId=buyer", "x_LineItemType=RIFee"),
            // Covered usage on days 1, 2 and 30.
            used("ri-1", 1, "2.00", "10"),
            used("ri-1", 2, "3.00", "15"),
            used("ri-1", 30, "1.00", "5"),
            // The month's unused amount, charged once on day 1 (AWS RIFee style).
            line("ChargePeriodStart=" + day(1), "ChargePeriodEnd=" + day(2), "EffectiveCost=100.00",
                "ListCost=0", "ContractedCost=0", "PricingCategory=Committed", "CommitmentDiscountId=ri-1",
                "CommitmentDiscountType=Reserved Instance", "CommitmentDiscountCategory=Usage",
                "CommitmentDiscountStatus=Unused", "CommitmentDiscountQuantity=500",
                "CommitmentDiscountUnit=Hours", "x_LineItemType=RIFee", "SubAccountId=buyer"),
            // A savings plan: an Unused row spanning three days (no provider mark), one hourly
            // Unused row, and a Used row without quantity.
            line("ChargePeriodStart=" + day(10), "ChargePeriodEnd=" + day(13), "EffectiveCost=10.00",
                "PricingCategory=Committed", "CommitmentDiscountId=sp-1", "CommitmentDiscountCategory=Spend",
                "CommitmentDiscountStatus=Unused", "CommitmentDiscountQuantity=10", "CommitmentDiscountUnit=USD"),
            line("ChargePeriodStart=" + hourOf(11, 5), "ChargePeriodEnd=" + hourOf(11, 6), "EffectiveCost=0.50",
                "PricingCategory=Committed", "CommitmentDiscountId=sp-1", "CommitmentDiscountCategory=Spend",
                "CommitmentDiscountStatus=Unused", "CommitmentDiscountQuantity=0.5", "CommitmentDiscountUnit=USD"),
            line("ChargePeriodStart=" + hourOf(11, 7), "ChargePeriodEnd=" + hourOf(11, 8), "EffectiveCost=1.50",
                "ListCost=2", "ContractedCost=2", "PricingCategory=Committed", "CommitmentDiscountId=sp-1",
                "CommitmentDiscountCategory=Spend", "CommitmentDiscountStatus=Used",
                "CommitmentDiscountUnit=USD")),
        Map.of());
  }

  static String used(String id, int d, String eff, String qty) {
    return line("ChargePeriodStart=" + hourOf(d, 3), "ChargePeriodEnd=" + hourOf(d, 4), "EffectiveCost=" + eff,
        "ListCost=9", "ContractedCost=9", "PricingCategory=Committed", "CommitmentDiscountId=" + id,
        "CommitmentDiscountType=Reserved Instance", "CommitmentDiscountCategory=Usage",
        "CommitmentDiscountStatus=Used", "CommitmentDiscountQuantity=" + qty, "CommitmentDiscountUnit=Hours",
        "SubAccountId=user");
  }

  private static BigDecimal dec(String s) {
    return new BigDecimal(s);
  }

  private static BigDecimal ratio(String a, String b) {
    return dec(a).divide(dec(b), 12, RoundingMode.HALF_UP);
  }

  @Test
  void monthlyUnusedAmountIsSpreadEvenlyWithTheResidueOnTheLastDay() throws Exception {
    Dataset<Row> daily =
        CommitmentUtilization.daily(reservationMonth()).where("CommitmentDiscountId = 'ri-1'").orderBy("ChargeDate");
    List<Row> rows = daily.collectAsList();
    assertEquals(30, rows.size(), "one row per day of September");
    // By hand: 100 / 30 = 3.333333333333 (12 decimals) on days 1-29; day 30 gets the rest.
    BigDecimal share = dec("3.333333333333");
    BigDecimal last = dec("100").subtract(share.multiply(dec("29")));
    assertEquals(0, dec("3.333333333343").compareTo(last));
    for (Row r : rows) {
      int d = r.<Date>getAs("ChargeDate").toLocalDate().getDayOfMonth();
      Frames.assertMoney(d == 30 ? last : share, r.getAs("UnusedCost"), "unused on day " + d);
      BigDecimal used = d == 1 ? dec("2") : d == 2 ? dec("3") : d == 30 ? dec("1") : BigDecimal.ZERO;
      Frames.assertMoney(used, r.getAs("UsedCost"), "used on day " + d);
      Frames.assertMoney(used.add(r.getAs("UnusedCost")), r.getAs("AmortizedCommitmentCost"), "amortized = used + unused");
      assertEquals(1L, (long) r.getAs("SpreadRows"));
    }
    // Day 2: 3 / (3 + 3.333333333333).
    Row d2 = rows.get(1);
    Frames.assertMoney(dec("3").divide(dec("6.333333333333"), 12, RoundingMode.HALF_UP), d2.getAs("UtilizationCostBasis"), "day 2 utilization");
    // Quantities: 500 / 30 = 16.666666666667 (rounded), the last day 500 - 29 x that.
    Frames.assertMoney(dec("16.666666666667"), rows.get(0).getAs("UnusedQuantity"), "day 1 unused hours");
    Frames.assertMoney(dec("500").subtract(dec("16.666666666667").multiply(dec("29"))), rows.get(29).getAs("UnusedQuantity"), "day 30 unused hours");
    // Conservation: the days add up to the month exactly.
    Frames.assertMoney(dec("100"), Frames.sum(daily, "UnusedCost"), "Σ daily unused");
    Frames.assertMoney(dec("500"), Frames.sum(daily, "UnusedQuantity"), "Σ daily unused hours");
  }

  @Test
  void monthlyUtilizationOnCostAndQuantityBasesAndThreeDayRowSpread() throws Exception {
    Dataset<Row> silver = reservationMonth();
    Dataset<Row> monthly = CommitmentUtilization.monthly(silver);
    Row ri = monthly.where("CommitmentDiscountId = 'ri-1'").first();
    Frames.assertMoney(dec("106"), ri.getAs("AmortizedCommitmentCost"), "2 + 3 + 1 used + 100 unused; purchases never enter");
    Frames.assertMoney(dec("6"), ri.getAs("UsedCost"), "used");
    Frames.assertMoney(ratio("6", "106"), ri.getAs("UtilizationCostBasis"), "cost basis");
    Frames.assertMoney(dec("530"), ri.getAs("CommitmentQuantity"), "hours");
    Frames.assertMoney(ratio("30", "530"), ri.getAs("UtilizationQuantityBasis"), "quantity basis");
    assertEquals(3L, (long) ri.getAs("UsedRows"));
    assertEquals(1L, (long) ri.getAs("UnusedRows"));
    assertEquals(30L, (long) ri.getAs("Days"));
    assertEquals("Reserved Instance", ri.getAs("CommitmentDiscountType"));

    Row sp = monthly.where("CommitmentDiscountId = 'sp-1'").first();
    Frames.assertMoney(dec("12"), sp.getAs("AmortizedCommitmentCost"), "10 + 0.5 unused + 1.5 used");
    Frames.assertMoney(ratio("1.5", "12"), sp.getAs("UtilizationCostBasis"), "cost basis");
    assertNull(sp.getAs("UtilizationQuantityBasis"), "a Used row lacks its quantity");
    assertEquals("CommitmentDiscountQuantity missing on some rows", sp.getAs("QuantityBasisNullReason"));

    // The three-day Unused row: 10 / 3 on the 10th and 11th, the rest on the 12th.
    Dataset<Row> spDaily = CommitmentUtilization.daily(silver).where("CommitmentDiscountId = 'sp-1'");
    Frames.assertSameRows(
        List.of(
            Frames.row(Date.valueOf("2026-09-10"), dec("3.333333333333"), BigDecimal.ZERO),
            Frames.row(Date.valueOf("2026-09-11"), dec("3.833333333333"), dec("1.5")),
            Frames.row(Date.valueOf("2026-09-12"), dec("3.333333333334"), BigDecimal.ZERO)),
        spDaily.select("ChargeDate", "UnusedCost", "UsedCost"));
  }

  @Test
  void inventoryTermPaymentOptionOwnerAndCostsToDate() throws Exception {
    Dataset<Row> silver =
        reservationMonth().withColumn("x_Team", functions.when(functions.col("SubAccountId").equalTo("buyer"), "platform").otherwise("web"));
    Dataset<Row> inv = CommitmentInventory.compute(silver);
    assertEquals(2, inv.count(), "one row per commitment");
    Row ri = inv.where("CommitmentDiscountId = 'ri-1'").first();
    assertEquals("buyer", ri.getAs("PurchaseSubAccountId"));
    assertEquals("platform", ri.getAs("Owner"), "the purchaser's team owns the commitment");
    assertEquals("2026-09-01 00:00:00.0", ri.getAs("TermStart").toString());
    assertEquals("2027-09-01 00:00:00.0", ri.getAs("TermEnd").toString());
    assertEquals(CommitmentInventory.TERM_FROM_PURCHASE, ri.getAs("TermSource"));
    assertEquals("Partial Upfront", ri.getAs("PaymentOption"), "a one-time and a recurring fee");
    assertEquals(CommitmentInventory.OPTION_INFERRED, ri.getAs("PaymentOptionSource"));
    Frames.assertMoney(dec("1060"), ri.getAs("PurchaseCost"), "1000 upfront + 60 recurring");
    Frames.assertMoney(dec("1000"), ri.getAs("UpfrontPurchaseCost"), "upfront");
    Frames.assertMoney(dec("106"), ri.getAs("AmortizedCostToDate"), "used + unused");
    Frames.assertMoney(ratio("6", "106"), ri.getAs("UtilizationCostBasisToDate"), "to date");
    assertEquals("Hours", ri.getAs("CommitmentDiscountUnit"));
    Row sp = inv.where("CommitmentDiscountId = 'sp-1'").first();
    assertNull(sp.getAs("TermStart"), "no purchase row: term unknown");
    assertNull(sp.getAs("PaymentOption"));
    assertEquals("sub-1", sp.getAs("PurchaseSubAccountId"), "from its Unused rows when no purchase is seen");
    assertEquals("Spend", sp.getAs("CommitmentDiscountCategory"));
  }

  @Test
  void savingsPerRowAndPerDayKeepNullsAndNegativesAndLeavePurchasesOut() throws Exception {
    Dataset<Row> silver =
        SilverFixtures.fromCsv(
            spark,
            dir,
            "savings",
            csv(
                line("ChargePeriodStart=" + day(3), "ChargePeriodEnd=" + day(4), "BilledCost=9", "EffectiveCost=9", "ListCost=10", "ContractedCost=9"),
                line("ChargePeriodStart=" + day(3), "ChargePeriodEnd=" + day(4), "EffectiveCost=6", "ListCost=10", "ContractedCost=10",
                    "CommitmentDiscountId=c-1", "CommitmentDiscountStatus=Used"),
                line("ChargePeriodStart=" + day(3), "ChargePeriodEnd=" + day(4), "EffectiveCost=3", "ListCost=0", "ContractedCost=0",
                    "CommitmentDiscountId=c-1", "CommitmentDiscountStatus=Unused"),
                line("ChargePeriodStart=" + day(3), "ChargePeriodEnd=" + day(4), "BilledCost=5", "EffectiveCost=5", "ContractedCost=5"),
                line("ChargeCategory=Purchase", "ChargeFrequency=One-Time", "ChargePeriodStart=" + day(3), "ChargePeriodEnd=" + day(4),
                    "BilledCost=100", "EffectiveCost=0", "ListCost=100", "ContractedCost=100", "CommitmentDiscountId=c-1")),
            Map.of());
    Dataset<Row> perRow = Savings.perRow(silver);
    assertEquals(4, perRow.count(), "the commitment purchase is not a usage row");
    Frames.assertSameRows(
        List.of(
            Frames.row(dec("1"), BigDecimal.ZERO, dec("1"), null),
            Frames.row(BigDecimal.ZERO, dec("4"), dec("4"), null),
            Frames.row(BigDecimal.ZERO, dec("-3"), dec("-3"), null),
            Frames.row(null, BigDecimal.ZERO, null, Savings.LIST_MISSING)),
        perRow.select(Savings.NEGOTIATED, Savings.COMMITMENT, Savings.TOTAL, Savings.REASON));

    Dataset<Row> daily = Savings.daily(silver);
    assertEquals(1, daily.count());
    Row r = daily.first();
    // By hand: list known 10 + 10 + 0 (purchase's 100 never counts); contracted 9 + 10 + 0 + 5.
    Frames.assertMoney(dec("20"), r.getAs(Savings.LIST_KNOWN), "Σ ListCost");
    Frames.assertMoney(dec("24"), r.getAs(Savings.CONTRACTED_KNOWN), "Σ ContractedCost");
    Frames.assertMoney(dec("23"), r.getAs(Focus.EffectiveCost), "Σ EffectiveCost");
    Frames.assertMoney(dec("1"), r.getAs(Savings.NEGOTIATED), "negotiated");
    Frames.assertMoney(dec("1"), r.getAs(Savings.COMMITMENT), "commitment: 4 saved - 3 unused");
    Frames.assertMoney(dec("2"), r.getAs(Savings.TOTAL), "total over rows with a list price");
    Frames.assertMoney(dec("0.1"), r.getAs(Savings.RATE), "1 - 18 / 20");
    assertEquals(1L, (long) r.getAs(Savings.MISSING_LIST));
    assertEquals("ListCost missing on 1 of 4 rows (left out of list-based sums)", r.getAs(Savings.REASON));
  }

  static final String RULES =
      "# test rules\nprovider,commitment_type,service_category,service_name,pricing_unit_regex,excluded_pricing_categories\n"
          + "example,Reserved,*,VM,^hours$,Dynamic\n";

  @Test
  void coverageOnBothBasesByTheRules() throws Exception {
    EligibilityRules rules =
        EligibilityRules.parse("test", new ByteArrayInputStream(RULES.getBytes(StandardCharsets.UTF_8)));
    String t0 = "ChargePeriodStart=" + day(5);
    String t1 = "ChargePeriodEnd=" + day(6);
    Dataset<Row> silver =
        SilverFixtures.fromCsv(
            spark,
            dir,
            "coverage",
            csv(
                line(t0, t1, "BilledCost=10", "EffectiveCost=10", "ListCost=10", "ContractedCost=10", "PricingCategory=Standard"),
                line(t0, t1, "EffectiveCost=12", "ListCost=20", "ContractedCost=20", "PricingCategory=Committed",
                    "CommitmentDiscountId=ri-1", "CommitmentDiscountStatus=Used"),
                line(t0, t1, "BilledCost=7", "EffectiveCost=7", "ContractedCost=7", "PricingCategory=Standard"),
                line(t0, t1, "BilledCost=2", "EffectiveCost=2", "ListCost=5", "ContractedCost=2", "PricingCategory=Dynamic"),
                line(t0, t1, "BilledCost=3", "EffectiveCost=3", "ListCost=3", "ContractedCost=3", "PricingUnit=GB"),
                line(t0, t1, "EffectiveCost=4", "ListCost=0", "ContractedCost=0", "CommitmentDiscountId=ri-1",
                    "CommitmentDiscountStatus=Unused"),
                line(t0, t1, "ChargeCategory=Purchase", "ChargeFrequency=One-Time", "BilledCost=50", "EffectiveCost=0",
                    "ListCost=50", "ContractedCost=50", "CommitmentDiscountId=ri-1"),
                line(t0, t1, "ServiceName=DB", "EffectiveCost=6", "ListCost=8", "ContractedCost=8", "PricingCategory=Committed",
                    "CommitmentDiscountId=ri-2", "CommitmentDiscountStatus=Used")),
            Map.of());
    Dataset<Row> cov = CommitmentCoverage.daily(silver, rules);
    assertEquals(2, cov.count(), "VM and DB; the GB, spot, unused and purchase rows are not eligible");
    Row vm = cov.where("ServiceName = 'VM'").first();
    // By hand: on-demand 10 + 20 + 7 (ContractedCost where ListCost is null), covered 20.
    Frames.assertMoney(dec("37"), vm.getAs(CommitmentCoverage.ELIGIBLE_OD), "eligible on demand");
    Frames.assertMoney(dec("20"), vm.getAs(CommitmentCoverage.COVERED_OD), "covered on demand");
    Frames.assertMoney(ratio("20", "37"), vm.getAs(CommitmentCoverage.COVERAGE_OD), "coverage, on-demand basis");
    Frames.assertMoney(dec("29"), vm.getAs(CommitmentCoverage.ELIGIBLE_EFF), "eligible amortized");
    Frames.assertMoney(ratio("12", "29"), vm.getAs(CommitmentCoverage.COVERAGE_EFF), "coverage, amortized basis");
    assertEquals(3L, (long) vm.getAs(CommitmentCoverage.ELIGIBLE_ROWS));
    assertEquals(0L, (long) vm.getAs(CommitmentCoverage.OUTSIDE_RULES));
    Row db = cov.where("ServiceName = 'DB'").first();
    Frames.assertMoney(BigDecimal.ONE, db.getAs(CommitmentCoverage.COVERAGE_OD), "covered usage is eligible");
    assertEquals(1L, (long) db.getAs(CommitmentCoverage.OUTSIDE_RULES), "but no rule lists DB: flagged");
  }

  @Test
  void bundledRulesParseAndBadRulesNameTheLine() throws Exception {
    EligibilityRules bundled = EligibilityRules.bundled();
    assertTrue(bundled.rules().size() > 20);
    assertTrue(bundled.rules().stream().anyMatch(r -> r.provider().equals("AWS") && r.commitmentType().equals("Savings Plan")));
    String bad = RULES + "example,Reserved,*,VM,([,\n";
    Exception e =
        assertThrows(
            RuntimeException.class,
            () -> EligibilityRules.parse("rules.csv", new ByteArrayInputStream(bad.getBytes(StandardCharsets.UTF_8))));
    assertTrue(e.getMessage().contains("rules.csv, line 4"), e.getMessage());
    assertTrue(e.getMessage().contains("pricing_unit_regex"), e.getMessage());
    String shortRow = RULES + "example,Reserved,*\n";
    e = assertThrows(RuntimeException.class, () -> EligibilityRules.parse("r.csv", new ByteArrayInputStream(shortRow.getBytes(StandardCharsets.UTF_8))));
    assertTrue(e.getMessage().contains("line 4: expected 6 fields, found 3"), e.getMessage());
  }

  static List<Object> plain(Object... v) {
    return new ArrayList<>(List.of(v));
  }
}
