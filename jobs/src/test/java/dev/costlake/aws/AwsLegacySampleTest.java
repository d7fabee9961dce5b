package dev.costlake.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlake.model.Focus;
import dev.costlake.testing.Cli;
import dev.costlake.testing.Csv;
import dev.costlake.testing.Frames;
import dev.costlake.testing.TestSpark;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real, anonymized legacy CUR sample (usage and tax, 2023-11) through nightly. */
class AwsLegacySampleTest {
  static final String SAMPLE =
      "/external/aws-cur-legacy-focus-converters/sample-anonymous-aws-export-dataset.csv";

  @TempDir Path work;

  @Test
  void legacyCurSampleLoadsWithExactRowsAndCost() throws Exception {
    var spark = TestSpark.get();
    Path landing = work.resolve("landing/aws/report/20231101-20231201");
    Files.createDirectories(landing);
    List<Map<String, String>> rows;
    try (InputStream in = getClass().getResourceAsStream(SAMPLE)) {
      Files.copy(in, landing.resolve("sample.csv"));
    }
    try (InputStream in = getClass().getResourceAsStream(SAMPLE)) {
      rows = Csv.read(in);
    }
    String log = Cli.in(work, "[{name=aws, path=aws}]", "nightly").ok().err();
    assertTrue(log.contains("detected {aws-cur-legacy/csv=1}"), log);

    Dataset<Row> silver = spark.read().format("delta").load(work.resolve("wh/cost_line_items").toString());
    assertEquals(1281, rows.size());
    assertEquals(rows.size(), silver.count());
    BigDecimal unblended = Csv.sum(rows, "lineItem/UnblendedCost");
    Frames.assertMoney(unblended, Frames.sum(silver, Focus.BilledCost), "Σ BilledCost = Σ unblended");
    // Usage and tax only: amortized = unblended line by line.
    Frames.assertMoney(unblended, Frames.sum(silver, Focus.EffectiveCost), "Σ EffectiveCost");
    long tax = rows.stream().filter(r -> r.get("lineItem/LineItemType").equals("Tax")).count();
    assertEquals(12, tax);
    assertEquals(tax, silver.where("ChargeCategory = 'Tax'").count());
    assertEquals(rows.size() - tax, silver.where("ChargeCategory = 'Usage'").count());
    assertEquals(0, silver.where("BillingPeriodStart IS NULL OR ChargePeriodStart IS NULL OR BillingCurrency <> 'USD'").count());
    assertEquals(1, silver.select(Focus.X_BILLING_PERIOD).distinct().count());
    assertEquals("2023-11", silver.first().getAs(Focus.X_BILLING_PERIOD));
    // Payer and usage accounts map to billing and sub account.
    long payers = rows.stream().map(r -> r.get("bill/PayerAccountId")).distinct().count();
    assertEquals(payers, silver.select(Focus.BillingAccountId).distinct().count());
    Dataset<Row> gold = spark.read().format("delta").load(work.resolve("wh/cost_daily").toString());
    Frames.assertMoney(unblended, Frames.sum(gold, Focus.BilledCost), "Σ BilledCost in cost_daily");
    assertEquals(0, spark.read().format("delta").load(work.resolve("wh/quarantine_line_items").toString()).count());
  }
}
