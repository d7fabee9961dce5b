package dev.costlake.commitments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlake.testing.Csv;
import dev.costlake.testing.Frames;
import dev.costlake.testing.TestSpark;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The FOCUS specification's commitment examples through the FOCUS normalizer and the commitment
 * tables: each file's known utilization is reproduced exactly on both bases; used and unused
 * amounts, List/Contracted sums and conservation against the purchase are computed from the
 * fixture files by a plain CSV reader, independently of Spark.
 */
class FocusCommitmentScenariosTest {
  static final String SCENARIOS = "/external/focus-scenarios/commitment_discount_scenarios/";
  static final String SPEC = "/external/focus-spec-v1.2-examples/";

  private final SparkSession spark = TestSpark.get();
  @TempDir Path dir;

  /** Scenario file → known utilization (its name: 100pct or 0pct). */
  static final List<String> SCENARIO_FILES =
      List.of(
          "aws_reserved_instance_all_upfront_100pct.csv",
          "aws_reserved_instance_partial_upfront_100pct.csv",
          "aws_savings_plan_all_upfront_0pct.csv",
          "aws_savings_plan_all_upfront_100pct.csv",
          "aws_savings_plan_no_upfront_100pct.csv",
          "aws_savings_plan_partial_upfront_100pct.csv",
          "azure_reservation_all_upfront_100pct.csv",
          "azure_reservation_no_upfront_100pct.csv",
          "gcp_flex_cud_all_upfront_100pct.csv",
          "gcp_resource_cud_all_upfront_100pct.csv",
          "gcp_resource_cud_no_upfront_100pct.csv");

  /**
   * Files whose single purchase row's charge period is what its hourly amortization divides
   * (purchase / hours of that period = each hour's EffectiveCost): conservation is checkable.
   */
  static final List<String> CONSERVING =
      List.of(
          "aws_reserved_instance_all_upfront_100pct.csv",
          "aws_savings_plan_all_upfront_0pct.csv",
          "aws_savings_plan_all_upfront_100pct.csv",
          "azure_reservation_all_upfront_100pct.csv",
          "gcp_resource_cud_no_upfront_100pct.csv");

  private List<Map<String, String>> csv(String resource) throws IOException {
    try (InputStream in = getClass().getResourceAsStream(resource)) {
      List<Map<String, String>> rows = Csv.read(in);
      List<Map<String, String>> trimmed = new ArrayList<>();
      for (Map<String, String> r : rows) {
        Map<String, String> t = new java.util.LinkedHashMap<>();
        r.forEach((k, v) -> t.put(k.trim(), v == null ? "" : v.trim()));
        trimmed.add(t);
      }
      return trimmed;
    }
  }

  private Dataset<Row> silver(String resource, Map<String, String> defaults) throws IOException {
    String name = resource.substring(resource.lastIndexOf('/') + 1);
    Path folder = dir.resolve(name.replace(".csv", ""));
    Files.createDirectories(folder);
    try (InputStream in = getClass().getResourceAsStream(resource)) {
      Files.copy(in, folder.resolve(name));
    }
    return SilverFixtures.fromFolder(spark, folder, defaults);
  }

  /**
   * The silver rows of several fixture files read together, each file its own billing account
   * (the file name), so that files sharing a commitment id and day stay apart.
   */
  private Dataset<Row> silverPerFile(String prefix, List<String> files, Map<String, String> defaults) throws IOException {
    Path folder = dir.resolve("batch-" + Math.abs(prefix.hashCode()));
    for (String f : files) {
      Path to = folder.resolve(f.replace('/', '_'));
      Files.createDirectories(to.getParent());
      try (InputStream in = getClass().getResourceAsStream(prefix + f)) {
        Files.copy(in, to);
      }
    }
    return SilverFixtures.fromFolder(spark, folder, defaults)
        .withColumn("BillingAccountId", org.apache.spark.sql.functions.regexp_extract(org.apache.spark.sql.functions.col("x_SourceFile"), "[^/]+$", 0));
  }

  private static Map<String, Row> byAccount(Dataset<Row> df) {
    Map<String, Row> out = new java.util.TreeMap<>();
    for (Row r : df.collectAsList()) {
      if (out.put(r.getAs("BillingAccountId"), r) != null) {
        throw new AssertionError("more than one row for " + r.getAs("BillingAccountId"));
      }
    }
    return out;
  }

  private static Map<String, BigDecimal> sumByAccount(Dataset<Row> df, String column) {
    Map<String, BigDecimal> out = new java.util.TreeMap<>();
    for (Row r : df.groupBy("BillingAccountId").agg(org.apache.spark.sql.functions.sum(column)).collectAsList()) {
      out.put(r.getString(0), r.isNullAt(1) ? BigDecimal.ZERO : r.getDecimal(1));
    }
    return out;
  }

  private static BigDecimal sum(List<Map<String, String>> rows, String column, String status, String category) {
    BigDecimal s = BigDecimal.ZERO;
    for (Map<String, String> r : rows) {
      boolean st = status == null || status.equals(r.get("CommitmentDiscountStatus"));
      boolean cat = category == null || category.equals(r.get("ChargeCategory"));
      if (st && cat && !r.getOrDefault(column, "").isEmpty()) {
        s = s.add(new BigDecimal(r.get(column)));
      }
    }
    return s;
  }

  @Test
  void scenarioFilesReproduceTheirUtilizationAndConserveTheCommitment() throws IOException {
    Dataset<Row> silver = silverPerFile(SCENARIOS, SCENARIO_FILES, Map.of());
    Map<String, Row> monthly = byAccount(CommitmentUtilization.monthly(silver));
    Map<String, Row> daily = byAccount(CommitmentUtilization.daily(silver));
    Map<String, Row> inventory = byAccount(CommitmentInventory.compute(silver));
    Dataset<Row> savings = Savings.daily(silver).cache();
    Map<String, BigDecimal> listSums = sumByAccount(savings, Savings.LIST_KNOWN);
    Map<String, BigDecimal> contractedSums = sumByAccount(savings, Savings.CONTRACTED_KNOWN);
    Map<String, BigDecimal> totalSavings = sumByAccount(savings, Savings.TOTAL);
    assertEquals(SCENARIO_FILES.size(), monthly.size(), "one commitment per file");
    for (String f : SCENARIO_FILES) {
      List<Map<String, String>> rows = csv(SCENARIOS + f);
      BigDecimal known = f.contains("_0pct") ? BigDecimal.ZERO : BigDecimal.ONE;
      BigDecimal used = sum(rows, "EffectiveCost", "Used", "Usage");
      BigDecimal unused = sum(rows, "EffectiveCost", "Unused", "Usage");

      Row m = monthly.get(f);
      Frames.assertMoney(known, m.getAs("UtilizationCostBasis"), f + " utilization, cost basis");
      Frames.assertMoney(known, m.getAs("UtilizationQuantityBasis"), f + " utilization, quantity basis");
      Frames.assertMoney(used, m.getAs("UsedCost"), f + " Σ EffectiveCost[Used]");
      Frames.assertMoney(unused, m.getAs("UnusedCost"), f + " Σ EffectiveCost[Unused]");
      Frames.assertMoney(used.add(unused), m.getAs("AmortizedCommitmentCost"), f + " amortized = used + unused");
      Frames.assertMoney(
          sum(rows, "CommitmentDiscountQuantity", "Used", "Usage"), m.getAs("UsedQuantity"), f + " used quantity");
      // The 24 hours are one day: the daily table says the same.
      Row d = daily.get(f);
      Frames.assertMoney(known, d.getAs("UtilizationCostBasis"), f + " daily utilization");
      Frames.assertMoney(used.add(unused), d.getAs("AmortizedCommitmentCost"), f + " daily amortized");

      if (CONSERVING.contains(f)) {
        // Σ EffectiveCost(Used + Unused) = the purchase amortized over its charge period, for the
        // hours the file covers.
        Map<String, String> p = rows.stream().filter(r -> r.get("ChargeCategory").equals("Purchase")).findFirst().orElseThrow();
        long termHours = Duration.between(Instant.parse(p.get("ChargePeriodStart")), Instant.parse(p.get("ChargePeriodEnd"))).toHours();
        long hours = rows.stream().filter(r -> !r.get("CommitmentDiscountStatus").isEmpty()).count();
        BigDecimal expected = new BigDecimal(p.get("BilledCost")).multiply(BigDecimal.valueOf(hours)).divide(BigDecimal.valueOf(termHours));
        Frames.assertMoney(expected, m.getAs("AmortizedCommitmentCost"), f + " conservation against the purchase");
      }

      // Purchase rows never count in List/Contracted sums.
      Frames.assertMoney(sum(rows, "ListCost", null, "Usage"), listSums.get(f), f + " Σ ListCost of usage");
      Frames.assertMoney(sum(rows, "ContractedCost", null, "Usage"), contractedSums.get(f), f + " Σ ContractedCost of usage");
      assertTrue(sum(rows, "ListCost", null, "Purchase").signum() > 0, f + " has a priced purchase row that must stay out");
      Frames.assertMoney(
          sum(rows, "ListCost", null, "Usage").subtract(sum(rows, "EffectiveCost", null, "Usage")),
          totalSavings.get(f),
          f + " total savings = Σ List − Σ Effective over usage");

      // Inventory: the payment option follows from the purchase rows.
      Row inv = inventory.get(f);
      String option = f.contains("all_upfront") ? "All Upfront" : f.contains("partial_upfront") ? "Partial Upfront" : "No Upfront";
      assertEquals(option, inv.getAs("PaymentOption"), f + " payment option");
      Frames.assertMoney(sum(rows, "BilledCost", null, "Purchase"), inv.getAs("PurchaseCost"), f + " purchase cost");
      Map<String, String> p = rows.stream().filter(r -> r.get("ChargeCategory").equals("Purchase")).findFirst().orElseThrow();
      if (p.get("ChargePeriodEnd").startsWith("2027")) {
        assertEquals(Instant.parse(p.get("ChargePeriodEnd")), ((java.sql.Timestamp) inv.getAs("TermEnd")).toInstant(), f + " term end");
      } else {
        assertNull(inv.getAs("TermEnd"), f + ": monthly purchase rows do not tell the term");
      }
    }
  }

  @Test
  void coverageOfTheReservedInstanceScenarioByTheBundledRules() throws IOException {
    Dataset<Row> silver = silver(SCENARIOS + "aws_reserved_instance_partial_upfront_100pct.csv", Map.of());
    Dataset<Row> cov = CommitmentCoverage.daily(silver, EligibilityRules.bundled());
    // By hand from the file: EC2 hours all covered; RDS hours (RI-eligible) and Lambda (Savings
    // Plan-eligible) on demand; S3 and DynamoDB on-demand requests are not eligible.
    Frames.assertSameRows(
        List.of(
            Frames.row("Amazon Elastic Compute Cloud", new BigDecimal("1808.40"), new BigDecimal("1808.40"), BigDecimal.ONE, BigDecimal.ONE, 24L),
            Frames.row("Amazon Relational Database Service", new BigDecimal("0.45"), BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, 3L),
            Frames.row("AWS Lambda", new BigDecimal("0.03"), BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, 3L)),
        cov.select("ServiceName", "EligibleOnDemandCost", "CoveredOnDemandCost", "CoverageOnDemandBasis", "CoverageAmortizedBasis", "EligibleRows"));
  }

  @Test
  void specUsageAndFlexibilityExamplesReproduceTheirUtilization() throws IOException {
    Map<String, String> defaults = Map.of("BillingAccountId", "spec", "BillingCurrency", "USD", "ProviderName", "Example");
    Map<String, String> known =
        new java.util.LinkedHashMap<>(
            Map.of(
                "commitment_discount_scenarios/commitment_discount_usage_scenario_1.csv", "1",
                "commitment_discount_scenarios/commitment_discount_usage_scenario_2.csv", "0",
                "commitment_discount_scenarios/commitment_discount_usage_scenario_3.csv", "0.75",
                "commitment_discount_scenarios/commitment_discount_usage_scenario_4.csv", "1",
                "commitment_discount_flexibility/one_hundred_percent_utilization_with_commitment_discount_flexibility_with_1_resource.csv", "1",
                "commitment_discount_flexibility/one_hundred_percent_utilization_with_commitment_discount_flexibility_with_2_resources.csv", "1",
                "commitment_discount_flexibility/one_hundred_percent_utilization_without_commitment_discount_flexibility.csv", "1",
                "commitment_discount_flexibility/zero_percent_utilization_without_commitment_discount_flexibility.csv", "0"));
    Map<String, Row> monthly =
        byAccount(CommitmentUtilization.monthly(silverPerFile(SPEC, new ArrayList<>(known.keySet()), defaults)));
    for (Map.Entry<String, String> e : known.entrySet()) {
      Row m = monthly.get(e.getKey().replace('/', '_'));
      BigDecimal u = new BigDecimal(e.getValue());
      Frames.assertMoney(u, m.getAs("UtilizationCostBasis"), e.getKey() + " cost basis");
      Frames.assertMoney(u, m.getAs("UtilizationQuantityBasis"), e.getKey() + " quantity basis");
      List<Map<String, String>> rows = csv(SPEC + e.getKey());
      Frames.assertMoney(
          sum(rows, "EffectiveCost", "Used", "Usage").add(sum(rows, "EffectiveCost", "Unused", "Usage")),
          m.getAs("AmortizedCommitmentCost"),
          e.getKey() + " amortized");
    }
  }
}
