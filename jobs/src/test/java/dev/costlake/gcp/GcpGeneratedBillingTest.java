package dev.costlake.gcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlake.generate.GcpBillingSampleGenerator;
import dev.costlake.model.Focus;
import dev.costlake.sources.gcp.GcpBillingNormalizer;
import dev.costlake.testing.Cli;
import dev.costlake.testing.Frames;
import dev.costlake.testing.TestSpark;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.YearMonth;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generated GCP billing exports (Parquet, Avro, newline JSON; December 2025 and January 2026, so
 * the older account moves from the legacy spend-based CUD to the new model on 2026-01-21)
 * through nightly. Expected figures come from the generator's BigDecimal bookkeeping.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GcpGeneratedBillingTest {
  @TempDir static Path work;
  SparkSession spark;
  GcpBillingSampleGenerator.Result gen;
  String log;

  @BeforeAll
  void generateAndRun() throws Exception {
    spark = TestSpark.get();
    gen = GcpBillingSampleGenerator.generate(spark, new GcpBillingSampleGenerator.Options(1500, 2, 7, work.resolve("landing").toUri().toString(), YearMonth.parse("2026-01")));
    log = Cli.in(work, "[{name=gcp, format=gcp-billing, path=gcp-billing}]", "nightly").ok().err();
  }

  private Dataset<Row> table(String name) {
    return spark.read().format("delta").load(work.resolve("wh/" + name).toString());
  }

  @Test
  void readsAllThreeEncodings() {
    assertTrue(log.contains("gcp-billing/avro") && log.contains("gcp-billing/json") && log.contains("gcp-billing/parquet"), log);
  }

  @Test
  void netCostPerAccountAndInvoiceMonthIsCostPlusCredits() {
    Dataset<Row> silver = table("cost_line_items");
    Dataset<Row> gold = table("cost_daily");
    for (GcpBillingSampleGenerator.PeriodTotals p : gen.periods()) {
      String u = "BillingAccountId = '" + p.account() + "' AND x_BillingPeriod = '" + p.period() + "'";
      String what = p.layout() + " " + p.period();
      Dataset<Row> s = silver.where(u);
      BigDecimal net = p.cost().add(p.credits());
      assertEquals(p.rows(), s.where("x_SourceRowPart = 0").count(), what + " rows");
      assertEquals(p.creditCount(), s.where("ChargeCategory = 'Credit'").count(), what + " one Credit row per credit");
      Frames.assertMoney(p.credits(), Frames.sum(s.where("ChargeCategory = 'Credit'"), Focus.BilledCost), what + " Σ credits");
      Frames.assertMoney(net, Frames.sum(s, Focus.BilledCost), what + " Σ BilledCost = Σ cost + Σ credits");
      // Every fee is amortized within its day: over a month effective cost is the net cost.
      Frames.assertMoney(net, Frames.sum(s, Focus.EffectiveCost), what + " Σ EffectiveCost = net");
      Frames.assertMoney(net, Frames.sum(gold.where(u), Focus.BilledCost), what + " gold billed");
      Frames.assertMoney(net, Frames.sum(gold.where(u), Focus.EffectiveCost), what + " gold effective");
    }
  }

  @Test
  void perCommitmentUsedPlusUnusedEqualsItsFees() {
    Dataset<Row> silver = table("cost_line_items");
    Set<String> models = new TreeSet<>();
    for (GcpBillingSampleGenerator.CommitmentTotals c : gen.commitments()) {
      String k = "BillingAccountId = '" + c.account() + "' AND CommitmentDiscountId = '" + c.commitmentId() + "' AND x_BillingPeriod = '" + c.period() + "'";
      String what = c.model() + " " + c.commitmentId() + " " + c.period();
      Dataset<Row> usage = silver.where(k + " AND ChargeCategory = 'Usage'");
      Frames.assertMoney(c.fees(), Frames.sum(usage.where("CommitmentDiscountStatus IN ('Used', 'Unused')"), Focus.EffectiveCost), what + " Σ EffectiveCost(Used + Unused) = fees");
      Frames.assertMoney(c.fees(), Frames.sum(silver.where(k + " AND ChargeCategory = 'Purchase'"), Focus.BilledCost), what + " Σ purchases = fees");
      assertEquals(0, Frames.sum(silver.where(k + " AND ChargeCategory = 'Purchase'"), Focus.EffectiveCost).signum(), what + " purchases carry no EffectiveCost");
      BigDecimal used = Frames.sum(usage.where("CommitmentDiscountStatus = 'Used'"), Focus.EffectiveCost);
      // Shares go through an 18-decimal ratio; the generator's figure is exact.
      assertTrue(used.subtract(c.used()).abs().compareTo(new BigDecimal("0.000001")) < 0, what + " used " + used + " vs " + c.used());
      assertTrue(c.used().compareTo(c.fees()) < 0, what + " under-used on some days");
      assertEquals(Set.of(c.model()), new TreeSet<>(silver.where(k + " AND CommitmentDiscountStatus IS NOT NULL").selectExpr("x_Extensions['x_CudModel']").distinct().as(org.apache.spark.sql.Encoders.STRING()).collectAsList()), what);
      String type = c.model().equals(GcpBillingNormalizer.MODEL_RESOURCE) ? GcpBillingNormalizer.TYPE_RESOURCE : GcpBillingNormalizer.TYPE_SPEND;
      assertEquals(0, silver.where(k + " AND CommitmentDiscountType <> '" + type + "'").count(), what + " type");
      models.add(c.model() + "@" + c.account() + "@" + c.period());
    }
    // The older account: legacy spend CUD in December, both models in January (switch on the 21st).
    String old = GcpBillingSampleGenerator.ACCOUNT_OLD;
    assertTrue(models.contains("spend-legacy@" + old + "@2025-12") && !models.contains("spend-new@" + old + "@2025-12"), models.toString());
    assertTrue(models.contains("spend-legacy@" + old + "@2026-01") && models.contains("spend-new@" + old + "@2026-01"), models.toString());
    assertTrue(models.contains("spend-new@" + GcpBillingSampleGenerator.ACCOUNT_NEW + "@2025-12"), models.toString());
    assertEquals(0, silver.where("BillingAccountId = '" + old + "' AND x_Extensions['x_CudModel'] = 'spend-legacy' AND ChargePeriodStart >= '" + GcpBillingNormalizer.NEW_MODEL_FOR_ALL + "'").count());
    assertEquals(0, silver.where("BillingAccountId = '" + old + "' AND x_Extensions['x_CudModel'] = 'spend-new' AND ChargePeriodStart < '" + GcpBillingNormalizer.NEW_MODEL_FOR_ALL + "'").count());
  }

  @Test
  void commitmentAnalyticsReadTheGcpRows() {
    Dataset<Row> monthly = table("commitment_utilization_monthly");
    for (GcpBillingSampleGenerator.CommitmentTotals c : gen.commitments()) {
      String what = c.model() + " " + c.commitmentId() + " " + c.period();
      Row m = monthly.where("BillingAccountId = '" + c.account() + "' AND CommitmentDiscountId = '" + c.commitmentId() + "' AND x_BillingPeriod = '" + c.period() + "'").first();
      Frames.assertMoney(c.fees(), m.getAs("AmortizedCommitmentCost"), what + " amortized = fees");
      // Generator figures: used fee share / fees; for a resource CUD that is also covered hours /
      // committed hours, since every day's fee is committed hours × one rate.
      BigDecimal expected = c.used().divide(c.fees(), 12, java.math.RoundingMode.HALF_UP);
      BigDecimal cost = m.getAs("UtilizationCostBasis");
      assertTrue(cost.subtract(expected).abs().compareTo(new BigDecimal("0.000001")) < 0, what + " cost basis " + cost + " vs " + expected);
      if (c.model().equals(GcpBillingNormalizer.MODEL_RESOURCE)) {
        BigDecimal qty = m.getAs("UtilizationQuantityBasis");
        assertTrue(qty != null && qty.subtract(expected).abs().compareTo(new BigDecimal("0.000001")) < 0, what + " quantity basis " + qty + " vs " + expected + ": " + m.getAs("QuantityBasisNullReason"));
      }
    }
    assertTrue(table("commitment_coverage_daily").where("ServiceProviderName = 'Google Cloud' AND CoveredRows > 0").count() > 0);
  }

  @Test
  void invoiceMonthIsPacificAndLabelsBecomeTags() {
    Dataset<Row> silver = table("cost_line_items");
    // Usage in the last Pacific hours of December has a January UTC date, and December's invoice.
    assertTrue(silver.where("x_BillingPeriod = '2025-12' AND ChargePeriodStart >= '2026-01-01T00:00:00Z'").count() >= 3);
    assertEquals(1, silver.where("x_BillingPeriod = '2025-12'").select(Focus.BillingPeriodStart).distinct().count());
    assertEquals(java.sql.Timestamp.from(java.time.Instant.parse("2025-12-01T08:00:00Z")), silver.where("x_BillingPeriod = '2025-12'").first().getAs(Focus.BillingPeriodStart));
    // Late adjustment of November usage arrives on December's invoice as a correction.
    assertEquals(3, silver.where("x_BillingPeriod = '2025-12' AND ChargeCategory = 'Adjustment' AND ChargeClass = 'Correction' AND ChargePeriodStart < '2025-12-01'").count());
    // Resource labels win over project labels.
    assertTrue(silver.where("SubAccountId = 'gamma-data' AND x_TagsMap['env'] = 'staging' AND x_TagsMap['team'] = 'analytics'").count() > 0);
    assertEquals(0, silver.where("SubAccountId = 'gamma-data' AND ChargeCategory = 'Usage' AND x_SourceRowPart = 0 AND x_TagsMap['env'] = 'dev'").count());
    assertEquals(0, silver.where("ChargeCategory = 'Usage' AND CommitmentDiscountStatus IS NULL AND PricingCategory <> 'Standard'").count());
  }

  @Test
  void rawRowsAreSilverPlusQuarantine() {
    long bad = gen.periods().stream().mapToLong(GcpBillingSampleGenerator.PeriodTotals::badRows).sum();
    Dataset<Row> q = table("quarantine_line_items");
    assertEquals(bad, q.count());
    assertEquals(bad, q.where("x_QuarantineReason LIKE '%MISSING_REQUIRED:invoice.month%'").count());
    assertEquals(gen.rowsWritten(), table("cost_line_items").where("x_SourceRowPart = 0").count() + q.where("x_SourceRowPart = 0").count());
    BigDecimal all = BigDecimal.ZERO;
    for (GcpBillingSampleGenerator.PeriodTotals p : gen.periods()) {
      all = all.add(p.cost()).add(p.credits()).add(p.badCost()).add(p.badCredits());
    }
    Frames.assertMoney(all, Frames.sum(table("cost_line_items"), Focus.BilledCost).add(Frames.sum(q, Focus.BilledCost)), "Σ raw net = Σ silver + Σ quarantine");
    assertEquals(0, table("reconciliation").where("status <> 'OK'").count());
  }
}
