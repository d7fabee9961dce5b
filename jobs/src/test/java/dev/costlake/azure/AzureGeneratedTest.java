package dev.costlake.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlake.generate.AzureSampleGenerator;
import dev.costlake.generate.AzureSampleGenerator.CommitmentTotals;
import dev.costlake.generate.AzureSampleGenerator.PeriodTotals;
import dev.costlake.model.Focus;
import dev.costlake.quality.Reconciliation;
import dev.costlake.testing.Cli;
import dev.costlake.testing.Csv;
import dev.costlake.testing.Frames;
import dev.costlake.testing.TestSpark;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Azure generator's exports through nightly. The generator's own figures are first checked
 * against the files (re-read here: the BOM CSV and gzip CSV by hand, Parquet with Spark; the
 * superseded run's rows are counted apart), then silver against them: per account and month Σ
 * BilledCost = the actual total, Σ EffectiveCost = the amortized total, and per commitment order
 * Σ BilledCost of its purchases = Σ EffectiveCost of its usage (used + unused).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AzureGeneratedTest {
  static final YearMonth LAST = YearMonth.of(2026, 9);

  @TempDir static Path work;
  SparkSession spark;
  AzureSampleGenerator.Result result;
  String log;

  @BeforeAll
  void run() throws IOException {
    spark = TestSpark.get();
    Path landing = work.resolve("landing");
    result = AzureSampleGenerator.generate(spark, new AzureSampleGenerator.Options(600, 2, 7, landing.toUri().toString(), LAST));
    log = Cli.in(work, "[{name=azure, format=azure-cost, path=azure}]", "nightly").ok().err();
  }

  private Dataset<Row> table(String name) {
    return spark.read().format("delta").load(work.resolve("wh/" + name).toString());
  }

  @Test
  void generatorFiguresMatchTheFiles() throws IOException {
    Map<String, BigDecimal> fromFiles = new TreeMap<>();
    Map<String, Long> rowsFromFiles = new TreeMap<>();
    long superseded = 0;
    try (Stream<Path> s = Files.walk(work.resolve("landing/azure/ea"))) {
      for (Path p : s.filter(f -> f.toString().endsWith(".csv") || f.toString().endsWith(".csv.gz")).toList()) {
        List<Map<String, String>> rows;
        try (InputStream in = p.toString().endsWith(".gz") ? new GZIPInputStream(Files.newInputStream(p)) : Files.newInputStream(p)) {
          rows = Csv.read(in);
        }
        if (p.toString().contains("/11111111-")) { // the earlier month-to-date run
          superseded += rows.size();
          continue;
        }
        String dataset = p.toString().contains("costlake-ea-daily-1") ? "actual" : "amortized";
        for (Map<String, String> r : rows) {
          String key = r.get("BillingAccountId") + "|" + r.get("BillingPeriodStartDate").substring(6) + "-" + r.get("BillingPeriodStartDate").substring(0, 2) + "|" + dataset;
          fromFiles.merge(key, new BigDecimal(r.get("Cost")), BigDecimal::add);
          rowsFromFiles.merge(key, 1L, Long::sum);
        }
      }
    }
    for (String dataset : List.of("actual", "amortized")) {
      Dataset<Row> mca = spark.read().parquet(work.resolve("landing/azure/mca/mca-" + dataset + "cost").toString() + "/*");
      for (Row r :
          mca.groupBy(functions.col("billingAccountId"), functions.substring(functions.col("billingPeriodStartDate"), 7, 4), functions.substring(functions.col("billingPeriodStartDate"), 1, 2))
              .agg(functions.sum(functions.col("costInBillingCurrency").cast("decimal(30,12)")), functions.count(functions.lit(1)))
              .collectAsList()) {
        String key = r.getString(0) + "|" + r.getString(1) + "-" + r.getString(2) + "|" + dataset;
        fromFiles.put(key, r.getDecimal(3));
        rowsFromFiles.put(key, r.getLong(4));
      }
    }
    assertEquals(4, result.periods().size());
    long supersededExpected = 0;
    for (PeriodTotals t : result.periods()) {
      String k = t.account() + "|" + t.period() + "|";
      Frames.assertMoney(t.actualCost(), fromFiles.get(k + "actual"), k + " actual");
      Frames.assertMoney(t.amortizedCost(), fromFiles.get(k + "amortized"), k + " amortized");
      assertEquals(t.actualRows(), rowsFromFiles.get(k + "actual"), k);
      assertEquals(t.amortizedRows(), rowsFromFiles.get(k + "amortized"), k);
      supersededExpected += t.supersededRows();
    }
    assertTrue(superseded > 0);
    assertEquals(supersededExpected, superseded);
    // Per month and commitment: the generator's purchases equal what its usage amortized (bar the refund).
    for (CommitmentTotals c : result.commitments()) {
      if (c.amortizedUsage().signum() != 0) {
        Frames.assertMoney(c.billed(), c.amortizedUsage(), "generated commitment " + c.orderId() + " " + c.period());
      }
    }
  }

  @Test
  void silverCarriesBothTotalsPerAccountAndMonth() {
    assertTrue(log.contains("(superseded export run)"), log);
    Dataset<Row> s = table("cost_line_items");
    assertEquals(0, table("quarantine_line_items").count());
    for (PeriodTotals t : result.periods()) {
      Dataset<Row> u = s.where("BillingAccountId = '" + t.account() + "' AND x_BillingPeriod = '" + t.period() + "'");
      String what = t.account() + " " + t.period();
      Frames.assertMoney(t.actualCost(), Frames.sum(u, Focus.BilledCost), what + " Σ BilledCost = actual total");
      Frames.assertMoney(t.amortizedCost(), Frames.sum(u, Focus.EffectiveCost), what + " Σ EffectiveCost = amortized total");
      long purchases = u.where("x_Extensions['x_AzurePairing'] = 'commitment-purchase'").count();
      assertEquals(t.amortizedRows() + purchases, u.count(), what + " rows: amortized + commitment purchases");
      assertEquals(t.actualRows() - purchases, u.where("x_PairedSourceRow IS NOT NULL").count(), what + " merged rows");
      assertEquals(0, u.where("x_Extensions['x_AzurePairing'] IN ('actual-only', 'amortized-only') AND CommitmentDiscountId IS NULL").count(), what);
      Frames.assertMoney(t.commitmentPurchases(), Frames.sum(u.where("ChargeCategory = 'Purchase'"), Focus.BilledCost), what + " purchases");
      Frames.assertMoney(BigDecimal.ZERO, Frames.sum(u.where("ChargeCategory = 'Purchase'"), Focus.EffectiveCost), what + " purchases amortized elsewhere");
    }
    Row rec = table("reconciliation").where("check = '" + Reconciliation.RAW_EQUALS_SILVER_PLUS_QUARANTINE + "'")
        .agg(functions.sum(Reconciliation.EXPECTED_ROWS), functions.sum(Reconciliation.ACTUAL_ROWS)).first();
    long raw = result.periods().stream().mapToLong(t -> t.actualRows() + t.amortizedRows()).sum();
    assertEquals(raw, rec.getLong(0));
    assertEquals(raw, rec.getLong(1));
    assertEquals(0, table("reconciliation").where("status <> 'OK'").count());
  }

  @Test
  void generateSampleWritesAzureNextToTheOtherProviders() throws IOException {
    Path out = work.resolve("cli-sample");
    String log =
        Cli.run("generate-sample", "--providers", "focus,azure", "--rows", "400", "--months", "1", "--last-month", "2026-09",
                "--out", out.toUri().toString())
            .ok()
            .err();
    assertTrue(log.contains("azure: "), log);
    assertTrue(Files.isDirectory(out.resolve("focus")), "focus still generated");
    assertTrue(!Files.exists(out.resolve("aws-cur")), "aws not asked for");
    try (Stream<Path> s = Files.walk(out.resolve("azure"))) {
      List<String> names = s.map(p -> p.getFileName().toString()).toList();
      assertEquals(3, names.stream().filter(n -> n.equals("manifest.json")).count(), names.toString());
      assertTrue(names.stream().anyMatch(n -> n.endsWith(".csv.gz")), names.toString());
      assertTrue(names.stream().anyMatch(n -> n.endsWith(".parquet")), names.toString());
    }
  }

  @Test
  void commitmentRowsConservePerOrderAndMonth() {
    Dataset<Row> s = table("cost_line_items");
    for (CommitmentTotals c : result.commitments()) {
      Dataset<Row> o = s.where("x_Extensions['x_CommitmentDiscountOrderId'] = '" + c.orderId() + "' AND x_BillingPeriod = '" + c.period() + "'");
      String what = c.orderId() + " " + c.period();
      Frames.assertMoney(c.billed(), Frames.sum(o.where("ChargeCategory = 'Purchase'"), Focus.BilledCost), what + " billed");
      Frames.assertMoney(c.amortizedUsage(), Frames.sum(o.where("ChargeCategory = 'Usage'"), Focus.EffectiveCost), what + " used + unused");
    }
    Dataset<Row> unused = s.where("CommitmentDiscountStatus = 'Unused'");
    assertTrue(unused.count() > 0);
    assertEquals(0, unused.where("ChargeCategory <> 'Usage' OR ResourceId <> CommitmentDiscountId OR BilledCost <> 0 OR PricingCategory <> 'Committed'").count());
    assertTrue(unused.where("x_Extensions['x_ChargeType'] = 'UnusedBenefit'").count() > 0, "MCA spells it UnusedBenefit");
    assertTrue(unused.where("x_Extensions['x_ChargeType'] = 'UnusedSavingsPlan'").count() > 0);
    Dataset<Row> used = s.where("CommitmentDiscountStatus = 'Used'");
    assertEquals(0, used.where("BilledCost <> 0 OR EffectiveCost <= 0 OR PricingCategory <> 'Committed'").count());
    Dataset<Row> refund = s.where("x_Extensions['x_ChargeType'] = 'Refund'");
    assertEquals(2, refund.count(), "one refund per account in the last month");
    assertEquals(0, refund.where("ChargeCategory <> 'Purchase' OR ChargeClass <> 'Correction' OR BilledCost >= 0 OR EffectiveCost <> 0").count());
    Dataset<Row> rounding = s.where("x_Extensions['x_ChargeType'] = 'RoundingAdjustment'");
    assertEquals(4, rounding.count(), "one per account and month, merged across the datasets");
    assertEquals(0, rounding.where("ChargeCategory <> 'Adjustment' OR BilledCost <> EffectiveCost").count());
    // EA's "Unassigned" invoice section is a null; MCA's camelCase columns map like EA's.
    assertEquals(0, s.where("x_Extensions['x_InvoiceSectionName'] = 'Unassigned'").count());
    assertEquals(2, s.select("BillingCurrency").distinct().count());
    assertEquals(0, s.where("x_SourceFormat NOT IN ('azure-actual', 'azure-amortized')").count());
  }
}
