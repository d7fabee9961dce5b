package dev.costlake.commitments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlake.generate.AwsCurSampleGenerator;
import dev.costlake.testing.Cli;
import dev.costlake.testing.Frames;
import dev.costlake.testing.TestSpark;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.sql.Date;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generated AWS CUR (legacy CSV, legacy Parquet, CUR 2.0) through nightly: the commitment tables
 * against figures computed independently — utilization as AWS defines it from the raw CUR
 * columns (used / total commitment, 1 − unused / reserved hours), amortized commitment cost from
 * the generator's own bookkeeping, coverage and savings by a plain Java pass over silver rows.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AwsCommitmentsTest {
  @TempDir static Path work;
  SparkSession spark;
  AwsCurSampleGenerator.Result gen;

  @BeforeAll
  void generateAndRun() throws Exception {
    spark = TestSpark.get();
    gen = AwsCurSampleGenerator.generate(spark, new AwsCurSampleGenerator.Options(1500, 2, 23, work.resolve("landing").toUri().toString(), YearMonth.parse("2026-06")));
    Cli.in(work, "[{name=aws-cur, path=aws-cur}, {name=aws-cur2, format=aws-cur2, path=aws-cur2}]", "nightly").ok();
  }

  private Dataset<Row> table(String name) {
    return spark.read().format("delta").load(work.resolve("wh/" + name).toString());
  }

  /** Raw CUR rows of the two Parquet layouts (legacy Parquet, CUR 2.0), as exported. */
  private Dataset<Row> rawParquet() {
    Dataset<Row> legacy = spark.read().option("recursiveFileLookup", "true").option("pathGlobFilter", "*.parquet").parquet(work.resolve("landing/aws-cur/legacy-parquet").toString());
    Dataset<Row> cur2 = spark.read().option("recursiveFileLookup", "true").option("pathGlobFilter", "*.parquet").parquet(work.resolve("landing/aws-cur2").toString());
    List<String> cols =
        List.of("bill_payer_account_id", "bill_billing_period_start_date", "line_item_line_item_type",
            "savings_plan_savings_plan_a_r_n", "savings_plan_used_commitment", "savings_plan_total_commitment_to_date",
            "reservation_reservation_a_r_n", "reservation_unused_quantity", "reservation_total_reserved_units",
            "reservation_unused_amortized_upfront_fee_for_billing_period", "reservation_unused_recurring_fee");
    return legacy.selectExpr(cols.toArray(new String[0])).unionByName(cur2.selectExpr(cols.toArray(new String[0])));
  }

  private static BigDecimal dec(Object o) {
    return o == null ? BigDecimal.ZERO : new BigDecimal(o.toString());
  }

  @Test
  void amortizedCommitmentCostMatchesTheGeneratorPerCommitmentAndPeriod() {
    Dataset<Row> monthly = table("commitment_utilization_monthly");
    Dataset<Row> daily = table("commitment_utilization_daily");
    assertEquals(gen.commitments().size(), monthly.count(), "one row per commitment and period");
    for (AwsCurSampleGenerator.CommitmentTotals c : gen.commitments()) {
      String where = "CommitmentDiscountId = '" + c.commitmentArn() + "' AND x_BillingPeriod = '" + c.period() + "'";
      Row m = monthly.where(where).first();
      String what = c.kind() + " " + c.period() + " " + c.payer();
      Frames.assertMoney(c.amortizedCommitment(), m.getAs("AmortizedCommitmentCost"), what + " monthly amortized");
      Frames.assertMoney(c.amortizedCommitment(), Frames.sum(daily.where(where), "AmortizedCommitmentCost"), what + " Σ daily = monthly");
      Frames.assertMoney(m.getAs("UnusedCost"), Frames.sum(daily.where(where), "UnusedCost"), what + " Σ daily unused");
    }
  }

  @Test
  void utilizationMatchesAwsDefinitionsOnTheRawCur() {
    Dataset<Row> raw = rawParquet();
    Dataset<Row> monthly = table("commitment_utilization_monthly");
    // Savings Plans: Σ used_commitment / Σ total_commitment_to_date on the recurring fee rows.
    List<Row> sp =
        raw.where("line_item_line_item_type = 'SavingsPlanRecurringFee'")
            .groupBy("savings_plan_savings_plan_a_r_n", "bill_billing_period_start_date")
            .agg(
                functions.sum(functions.col("savings_plan_used_commitment").cast("decimal(30,12)")),
                functions.sum(functions.col("savings_plan_total_commitment_to_date").cast("decimal(30,12)")))
            .collectAsList();
    // Reserved Instances: 1 − unused hours / reserved hours on the RIFee rows.
    List<Row> ri =
        raw.where("line_item_line_item_type = 'RIFee'")
            .select("reservation_reservation_a_r_n", "bill_billing_period_start_date", "reservation_unused_quantity",
                "reservation_total_reserved_units", "reservation_unused_amortized_upfront_fee_for_billing_period",
                "reservation_unused_recurring_fee")
            .collectAsList();
    assertEquals(4, sp.size(), "2 layouts x 2 months");
    assertEquals(4, ri.size());
    for (Row r : sp) {
      String period = r.getString(1).substring(0, 7);
      Row m = monthly.where("CommitmentDiscountId = '" + r.getString(0) + "' AND x_BillingPeriod = '" + period + "'").first();
      BigDecimal expected = r.getDecimal(2).divide(r.getDecimal(3), 12, RoundingMode.HALF_UP);
      Frames.assertMoney(expected, m.getAs("UtilizationCostBasis"), "SP " + period + " used / total commitment");
      // The quantity of a Savings Plan is its commitment in currency: the same ratio.
      Frames.assertMoney(expected, m.getAs("UtilizationQuantityBasis"), "SP " + period + " quantity basis");
      assertTrue(expected.compareTo(BigDecimal.ONE) < 0 && expected.signum() > 0, "a partly used plan: " + expected);
    }
    for (Row r : ri) {
      String period = r.getString(1).substring(0, 7);
      String where = "CommitmentDiscountId = '" + r.getString(0) + "' AND x_BillingPeriod = '" + period + "'";
      Row m = monthly.where(where).first();
      BigDecimal unusedHours = dec(r.get(2));
      BigDecimal reserved = dec(r.get(3));
      BigDecimal expected = BigDecimal.ONE.subtract(unusedHours.divide(reserved, 12, RoundingMode.HALF_UP));
      Frames.assertMoney(expected, m.getAs("UtilizationQuantityBasis"), "RI " + period + " 1 - unused / reserved hours");
      Frames.assertMoney(expected, m.getAs("UtilizationCostBasis"), "RI " + period + " cost basis (one hourly rate)");
      // The RIFee's month of unused cost is spread over the days: day 1 gets amount / days, the
      // last day the rest; no spike on the 1st.
      BigDecimal unused = dec(r.get(4)).add(dec(r.get(5)));
      int days = YearMonth.parse(period).lengthOfMonth();
      BigDecimal share = unused.divide(BigDecimal.valueOf(days), 12, RoundingMode.HALF_UP);
      List<Row> d = table("commitment_utilization_daily").where(where).orderBy("ChargeDate").collectAsList();
      assertEquals(days, d.size(), "every day of the month has the reservation's share");
      Frames.assertMoney(share.add(usedOn(d.get(0))), d.get(0).getAs("AmortizedCommitmentCost"), "RI day 1 = its used + one share");
      Frames.assertMoney(share, d.get(0).getAs("UnusedCost"), "RI day 1 unused");
      Frames.assertMoney(unused.subtract(share.multiply(BigDecimal.valueOf(days - 1L))), d.get(days - 1).getAs("UnusedCost"), "RI last day: the rest");
    }
  }

  private static BigDecimal usedOn(Row r) {
    return r.getAs("UsedCost");
  }

  /** Eligible under the bundled AWS rules, restated by hand for the generator's services. */
  private static boolean eligibleByHand(Row r) {
    String svc = r.getAs("ServiceName");
    String unit = r.getAs("PricingUnit");
    if ("Dynamic".equals(r.getAs("PricingCategory"))) {
      return false;
    }
    boolean hours = "Hrs".equals(unit);
    return ("Amazon Elastic Compute Cloud".equals(svc) && hours)
        || ("Amazon Relational Database Service".equals(svc) && hours)
        || "AWS Lambda".equals(svc);
  }

  @Test
  void coverageMatchesAPlainJavaPassOverSilver() {
    List<Row> rows =
        table("cost_line_items")
            .where("ChargeCategory = 'Usage' AND AllocatedMethodId IS NULL AND (CommitmentDiscountStatus IS NULL OR CommitmentDiscountStatus <> 'Unused')")
            .select("x_BillingPeriod", "x_ChargeDate", "BillingAccountId", "ServiceName", "RegionId", "PricingUnit",
                "PricingCategory", "CommitmentDiscountStatus", "ListCost", "ContractedCost", "EffectiveCost")
            .collectAsList();
    Map<String, BigDecimal[]> expected = new TreeMap<>();
    for (Row r : rows) {
      boolean covered = "Used".equals(r.getAs("CommitmentDiscountStatus"));
      if (!covered && !eligibleByHand(r)) {
        continue;
      }
      String key = r.getAs("BillingAccountId") + "|" + r.getAs("x_ChargeDate") + "|" + r.getAs("ServiceName") + "|" + r.getAs("RegionId");
      BigDecimal od = r.getAs("ListCost") != null ? r.<BigDecimal>getAs("ListCost") : r.<BigDecimal>getAs("ContractedCost");
      BigDecimal[] a = expected.computeIfAbsent(key, k -> new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO});
      a[0] = a[0].add(od);
      a[2] = a[2].add(r.getAs("EffectiveCost"));
      if (covered) {
        a[1] = a[1].add(od);
        a[3] = a[3].add(r.getAs("EffectiveCost"));
      }
    }
    Dataset<Row> cov = table("commitment_coverage_daily");
    List<Row> got = cov.collectAsList();
    assertEquals(expected.size(), got.size(), "one coverage row per account, day, service and region with eligible usage");
    BigDecimal coveredTotal = BigDecimal.ZERO;
    for (Row g : got) {
      String key = g.getAs("BillingAccountId") + "|" + g.<Date>getAs("ChargeDate") + "|" + g.getAs("ServiceName") + "|" + g.getAs("RegionId");
      BigDecimal[] e = Objects.requireNonNull(expected.get(key), key);
      Frames.assertMoney(e[0], g.getAs("EligibleOnDemandCost"), key + " eligible on demand");
      Frames.assertMoney(e[1], g.getAs("CoveredOnDemandCost"), key + " covered on demand");
      Frames.assertMoney(e[2], g.getAs("EligibleEffectiveCost"), key + " eligible amortized");
      Frames.assertMoney(e[3], g.getAs("CoveredEffectiveCost"), key + " covered amortized");
      if (e[0].signum() != 0) {
        Frames.assertMoney(e[1].divide(e[0], 12, RoundingMode.HALF_UP), g.getAs("CoverageOnDemandBasis"), key + " coverage");
      }
      assertEquals(0L, (long) g.getAs("CoveredOutsideRulesRows"), key + ": the bundled rules list every covered service");
      coveredTotal = coveredTotal.add(e[1]);
    }
    assertTrue(coveredTotal.signum() > 0, "the generated months have covered usage");
  }

  @Test
  void savingsLeavePurchasesOutAndInventoryKnowsEachCommitment() {
    Dataset<Row> usage =
        table("cost_line_items").where("ChargeCategory = 'Usage' AND AllocatedMethodId IS NULL");
    Dataset<Row> savings = table("savings_daily");
    Frames.assertMoney(Frames.sum(usage, "ListCost"), Frames.sum(savings, "ListCostKnown"), "Σ ListCost = usage rows only");
    Frames.assertMoney(Frames.sum(usage, "ContractedCost"), Frames.sum(savings, "ContractedCostKnown"), "Σ ContractedCost = usage rows only");
    Frames.assertMoney(
        Frames.sum(usage, "ListCost").subtract(Frames.sum(usage, "EffectiveCost")),
        Frames.sum(savings, "TotalSavings"),
        "total savings = Σ List − Σ Effective over usage");
    BigDecimal purchasesList = Frames.sum(table("cost_line_items").where("ChargeCategory = 'Purchase' AND CommitmentDiscountId IS NOT NULL"), "ListCost");
    assertTrue(purchasesList.signum() > 0, "purchase rows carry ListCost that must not count");
    assertTrue(savings.where("CommitmentSavings < 0").count() > 0, "unused commitment shows as negative savings, not clamped");

    Dataset<Row> inv = table("commitment_inventory");
    assertEquals(6, inv.count(), "a Savings Plan and a Reserved Instance per payer");
    Map<String, String> options = new TreeMap<>();
    for (Row r : inv.select("CommitmentDiscountType", "BillingAccountId", "PaymentOption").collectAsList()) {
      options.put(r.getString(0) + " " + r.getString(1), r.getString(2));
    }
    assertEquals(
        Map.of(
            "Reserved Instance 582916304718", "Partial Upfront",
            "Reserved Instance 694027315829", "Partial Upfront",
            "Reserved Instance 705138426930", "Partial Upfront",
            "Savings Plan 582916304718", "All Upfront",
            "Savings Plan 694027315829", "Partial Upfront",
            "Savings Plan 705138426930", "No Upfront"),
        options,
        "as the generator's fleets buy them");
    for (AwsCurSampleGenerator.CommitmentTotals c : gen.commitments()) {
      assertEquals(1, inv.where("CommitmentDiscountId = '" + c.commitmentArn() + "' AND BillingAccountId = '" + c.payer() + "'").count());
    }
  }

  /**
   * The pipeline builds the daily gold tables from the run's silver summary and the utilization
   * and inventory tables from the commitments' rows only: each must equal the same formula over
   * every silver row (types and values), on generated CUR with tags, owners, commitments and
   * missing prices.
   */
  @Test
  void goldFromTheSummaryEqualsGoldFromEverySilverRow() throws Exception {
    // Some prices taken away, so that lines without a list or contracted cost are there too.
    Dataset<Row> silver =
        table("cost_line_items")
            .withColumn("ListCost", functions.expr("CASE WHEN pmod(hash(ResourceId, x_ChargeDate, EffectiveCost), 7) = 0 THEN NULL ELSE ListCost END"))
            .withColumn("ContractedCost", functions.expr("CASE WHEN pmod(hash(ResourceId, x_ChargeDate, BilledCost), 11) = 0 THEN NULL ELSE ContractedCost END"))
            .cache();
    Dataset<Row> summary = dev.costlake.gold.SilverSummary.summarize(silver).cache();
    long lines = silver.where("AllocatedMethodId IS NULL").count();
    assertTrue(summary.count() < lines, "the summary has fewer rows than silver (" + summary.count() + " of " + lines + ")");
    assertEquals(lines, summary.agg(functions.sum(dev.costlake.gold.SilverSummary.LINES)).first().getLong(0), "Σ lines");
    assertTrue(silver.where("ListCost IS NULL AND AllocatedMethodId IS NULL").count() > 0, "the fixture has lines without a list price");
    Path conf = work.resolve("compliance.conf");
    java.nio.file.Files.writeString(
        conf,
        "costlake.ownership {\n rules = [ { id = tags, type = tag, keys { team = [team], environment = [environment, env] },\n"
            + "   allowed { environment = [prod, staging] } } ]\n"
            + " compliance { required-tags = [team, environment, cost_center] }\n}\n");
    dev.costlake.enrich.Ownership o =
        dev.costlake.enrich.MappingLoader.load(
            spark, dev.costlake.enrich.OwnershipConfig.from(dev.costlake.config.ConfigLoader.load(conf.toFile(), List.of())));
    Map<String, List<Dataset<Row>>> pairs = new TreeMap<>();
    pairs.put("cost_daily", List.of(dev.costlake.gold.CostDaily.compute(silver), dev.costlake.gold.CostDaily.compute(summary)));
    pairs.put("allocation_coverage", List.of(dev.costlake.gold.AllocationCoverage.compute(silver), dev.costlake.gold.AllocationCoverage.compute(summary)));
    pairs.put("tag_compliance", List.of(dev.costlake.gold.TagCompliance.compute(silver, o), dev.costlake.gold.TagCompliance.compute(summary, o)));
    pairs.put("savings_daily", List.of(Savings.daily(silver), Savings.daily(summary)));
    pairs.put("commitment_coverage_daily", List.of(CommitmentCoverage.daily(silver, EligibilityRules.bundled()), CommitmentCoverage.daily(summary, EligibilityRules.bundled())));
    Dataset<Row> committed = CommitmentRows.committed(silver);
    pairs.put("commitment_utilization_daily", List.of(CommitmentUtilization.daily(silver), CommitmentUtilization.daily(committed)));
    pairs.put("commitment_utilization_monthly", List.of(CommitmentUtilization.monthly(silver), CommitmentUtilization.monthly(committed)));
    pairs.put("commitment_inventory", List.of(CommitmentInventory.compute(silver), CommitmentInventory.compute(committed)));
    for (Map.Entry<String, List<Dataset<Row>>> e : pairs.entrySet()) {
      Dataset<Row> fromRows = e.getValue().get(0);
      Dataset<Row> fromSummary = e.getValue().get(1);
      assertEquals(types(fromRows), types(fromSummary), e.getKey() + ": column types");
      assertTrue(fromRows.count() > 0, e.getKey() + " has rows");
      List<Row> missing = fromRows.exceptAll(fromSummary).limit(3).collectAsList();
      List<Row> extra = fromSummary.exceptAll(fromRows).limit(3).collectAsList();
      assertTrue(missing.isEmpty() && extra.isEmpty(), e.getKey() + ": from every row, not from the summary " + missing + "; from the summary only " + extra);
    }
    summary.unpersist();
    silver.unpersist();
  }

  private static List<String> types(Dataset<Row> df) {
    return java.util.Arrays.stream(df.schema().fields()).map(f -> f.name() + ":" + f.dataType().simpleString()).toList();
  }
}
