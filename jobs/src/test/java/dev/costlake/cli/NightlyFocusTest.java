package dev.costlake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlake.model.Focus;
import dev.costlake.quality.Quarantine;
import dev.costlake.testing.Cli;
import dev.costlake.testing.Csv;
import dev.costlake.testing.Frames;
import dev.costlake.testing.TestSpark;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nightly pipeline end to end on real FOCUS data: the FOCUS 1.0 sample, the FOCUS spec's
 * commitment examples, and a file of deliberately bad rows. Expected figures come from parsing
 * the fixture files in the test, independently of Spark.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NightlyFocusTest {
  static final String SAMPLE = "/external/focus-sample-data-1.0/focus_sample.csv";
  static final String SPEC = "/external/focus-spec-v1.2-examples/";
  static final List<String> SPEC_FILES =
      List.of(
          "commitment_discount_scenarios/commitment_discount_purchase_scenario_1.csv",
          "commitment_discount_scenarios/commitment_discount_purchase_scenario_2.csv",
          "commitment_discount_scenarios/commitment_discount_purchase_scenario_3.csv",
          "commitment_discount_scenarios/commitment_discount_usage_scenario_1.csv",
          "commitment_discount_scenarios/commitment_discount_usage_scenario_2.csv",
          "commitment_discount_scenarios/commitment_discount_usage_scenario_3.csv",
          "commitment_discount_scenarios/commitment_discount_usage_scenario_4.csv",
          "commitment_discount_flexibility/one_hundred_percent_utilization_with_commitment_discount_flexibility_with_1_resource.csv",
          "commitment_discount_flexibility/one_hundred_percent_utilization_with_commitment_discount_flexibility_with_2_resources.csv",
          "commitment_discount_flexibility/one_hundred_percent_utilization_without_commitment_discount_flexibility.csv",
          "commitment_discount_flexibility/zero_percent_utilization_without_commitment_discount_flexibility.csv");

  /** Ten rows: 3 good, 7 bad in different ways. BilledCost of the parsable ones is known. */
  static final String BAD_FILE =
      String.join(
          "\n",
          "BillingAccountId,BillingCurrency,BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,ChargePeriodEnd,ChargeCategory,BilledCost,EffectiveCost,ServiceName,Tags",
          "bad-acct,USD,2026-09-01,2026-10-01,2026-09-01T00:00:00Z,2026-09-02T00:00:00Z,Usage,10.25,10.25,Compute,\"{\"\"team\"\":\"\"a\"\"}\"",
          "bad-acct,USD,2026-09-01,2026-10-01,2026-09-02T00:00:00Z,2026-09-03T00:00:00Z,Usage,1.5E+1,15,Compute,NULL",
          "bad-acct,USD,2026-09-01,2026-10-01,2026-09-03T00:00:00Z,2026-09-04T00:00:00Z,Credit,-0.75,-0.75,Compute,",
          "bad-acct,USD,2026-09-01,2026-10-01,2026-09-04T00:00:00Z,2026-09-05T00:00:00Z,Usage,12.3.4,1,Compute,",
          "bad-acct,USD,2026-09-01,2026-10-01,2026-13-45 99:00:00,2026-09-05T00:00:00Z,Usage,2,2,Compute,",
          "bad-acct,USD,2026-09-01,2026-10-01,2026-09-05T00:00:00Z",
          "bad-acct,XYZ,2026-09-01,2026-10-01,2026-09-06T00:00:00Z,2026-09-07T00:00:00Z,Usage,3,3,Compute,",
          "bad-acct,NULL,2026-09-01,2026-10-01,2026-09-07T00:00:00Z,2026-09-08T00:00:00Z,Usage,4,4,Compute,",
          "bad-acct,USD,2026-09-01,2026-10-01,2026-09-08T00:00:00Z,2026-09-09T00:00:00Z,Usage,5,5,Compute,\"{\"\"team\"\": \"\"x\"\"\"",
          "bad-acct,USD,2026-09-01,2026-10-01,2026-09-09T00:00:00Z,2026-09-10T00:00:00Z,Usage,6,6,Compute,,extra,fields")
          + "\n";

  @TempDir static Path work;
  Path conf;
  SparkSession spark;
  int firstExit;
  String firstErr;

  @BeforeAll
  void runNightly() throws IOException {
    spark = TestSpark.get();
    Path landing = work.resolve("landing");
    copy(SAMPLE, landing.resolve("sample/2024-09/focus_sample.csv"));
    for (String f : SPEC_FILES) {
      copy(SPEC + f, landing.resolve("spec/" + f));
    }
    Files.createDirectories(landing.resolve("bad"));
    Files.writeString(landing.resolve("bad/bad.csv"), BAD_FILE);
    Files.writeString(landing.resolve("bad/README.txt"), "not an export");
    conf = work.resolve("test.conf");
    Files.writeString(
        conf,
        "costlake {\n"
            + "  landing = \"" + landing.toUri() + "\"\n"
            + "  warehouse = \"" + work.resolve("warehouse").toUri() + "\"\n"
            + "  sources = [\n"
            + "    { name = sample, path = sample }\n"
            + "    { name = spec, format = focus, path = spec,\n"
            + "      defaults { BillingAccountId = spec-examples, BillingCurrency = USD, ProviderName = Example } }\n"
            + "    { name = bad, path = bad }\n"
            + "  ]\n"
            + "}\n");
    String[] r = run("nightly", "--conf", conf.toString());
    firstExit = Integer.parseInt(r[0]);
    firstErr = r[2];
  }

  private static void copy(String resource, Path to) throws IOException {
    Files.createDirectories(to.getParent());
    try (InputStream in = NightlyFocusTest.class.getResourceAsStream(resource)) {
      Files.copy(in, to);
    }
  }

  static String[] run(String... args) {
    Cli.Result r = Cli.run(args);
    return new String[] {String.valueOf(r.code()), r.out(), r.err()};
  }

  private Dataset<Row> table(String name) {
    return spark.read().format("delta").load(work.resolve("warehouse").resolve(name).toString());
  }

  private Dataset<Row> silver(String source) {
    return table("cost_line_items").where(Focus.X_SOURCE_NAME + " = '" + source + "'");
  }

  @Test
  void nightlySucceeds() {
    assertEquals(0, firstExit, firstErr);
    assertTrue(firstErr.contains("detected {focus-1.0/csv=1}"), firstErr);
    assertTrue(firstErr.contains("ignoring"), "the stray README is reported, not silently skipped");
  }

  @Test
  void realFocusSampleLandsWhole() throws IOException {
    List<Map<String, String>> rows;
    try (InputStream in = getClass().getResourceAsStream(SAMPLE)) {
      rows = Csv.read(in);
    }
    assertEquals(1000, rows.size());
    Dataset<Row> s = silver("sample");
    assertEquals(rows.size(), s.count());
    Frames.assertMoney(Csv.sum(rows, "BilledCost"), Frames.sum(s, Focus.BilledCost), "Σ BilledCost");
    Frames.assertMoney(Csv.sum(rows, "EffectiveCost"), Frames.sum(s, Focus.EffectiveCost), "Σ EffectiveCost");
    Frames.assertMoney(Csv.sum(rows, "ListCost"), Frames.sum(s, Focus.ListCost), "Σ ListCost");
    assertEquals(0, table("quarantine_line_items").where("x_SourceName = 'sample'").count());
    // Gold holds the same money, split by currency (the sample is all USD).
    Dataset<Row> gold = table("cost_daily").where("BillingAccountId NOT IN ('spec-examples', 'bad-acct')");
    Frames.assertMoney(Csv.sum(rows, "BilledCost"), Frames.sum(gold, Focus.BilledCost), "Σ BilledCost in cost_daily");
    Frames.assertMoney(Csv.sum(rows, "EffectiveCost"), Frames.sum(gold, Focus.EffectiveCost), "Σ EffectiveCost in cost_daily");
    // Placeholders: the sample writes nulls as NULL; none survive as text.
    assertEquals(0, s.where("ChargeClass = 'NULL' OR CommitmentDiscountId = 'NULL' OR ResourceName = 'NULL'").count());
    // Oracle rows spell Usage-based; silver has the canonical spelling only.
    assertEquals(0, s.where("ChargeFrequency = 'Usage-based'").count());
    // The non-FOCUS column Id is kept as an extension.
    assertEquals(1000, s.where("x_Extensions['Id'] IS NOT NULL").count());
    assertEquals(4, s.where("CommitmentDiscountStatus = 'Used'").count());
  }

  @Test
  void specCommitmentExamplesKeepTheirCommitmentColumns() throws IOException {
    long expectedRows = 0;
    for (String f : SPEC_FILES) {
      try (InputStream in = getClass().getResourceAsStream(SPEC + f)) {
        expectedRows += Csv.read(in).size();
      }
    }
    Dataset<Row> s = silver("spec");
    Dataset<Row> q = table("quarantine_line_items").where("x_SourceName = 'spec'");
    assertEquals(expectedRows, s.count() + q.count(), "raw rows = silver + quarantine");
    // Two purchase rows in the spec have an impossible hour (T30:00:00Z): quarantined, not lost.
    assertEquals(2, q.count());
    assertEquals(2, q.where("x_QuarantineReason LIKE '%UNPARSABLE_TIMESTAMP:ChargePeriodEnd%'").count());

    // Usage scenario 3 (75% utilization): Used 0.75 + Unused 0.25 = the hour's commitment, 1.00.
    Dataset<Row> scen3 = s.where("x_SourceFile LIKE '%usage_scenario_3.csv'");
    Frames.assertSameRows(
        List.of(
            Frames.row("Used", new BigDecimal("0.75"), new BigDecimal("0.75"), "<my-commitment-discount-id>", "USD", "Committed"),
            Frames.row("Unused", new BigDecimal("0.25"), new BigDecimal("0.25"), "<my-commitment-discount-id>", "USD", "Committed")),
        scen3.select(
            Focus.CommitmentDiscountStatus, Focus.EffectiveCost, Focus.CommitmentDiscountQuantity,
            Focus.CommitmentDiscountId, Focus.CommitmentDiscountUnit, Focus.PricingCategory));
    Frames.assertMoney(BigDecimal.ONE, Frames.sum(scen3, Focus.EffectiveCost), "Σ EffectiveCost Used+Unused");
    Frames.assertMoney(BigDecimal.ZERO, Frames.sum(scen3, Focus.BilledCost), "Σ BilledCost of covered usage");

    // Flexibility example: the header's 'SkuPriceid' typo still maps to SkuPriceId, the custom
    // column is kept, and the purchase row has EffectiveCost 0 while its usage carries 1.50.
    Dataset<Row> zero = s.where("x_SourceFile LIKE '%zero_percent_utilization_without%'");
    assertEquals(3, zero.count(), "blank lines between rows are not rows");
    assertEquals(1, zero.where("SkuPriceId = 'VM_LARGE_COMMITTED_HOUR' AND CommitmentDiscountStatus = 'Unused' AND CommitmentDiscountCategory = 'Usage'").count());
    assertEquals(3, zero.where("x_Extensions['x_CommitmentDiscountUnitPrice'] IS NOT NULL OR CommitmentDiscountId IS NULL").count());
    Frames.assertMoney(
        new BigDecimal("1.50"),
        Frames.sum(zero.where("ChargeCategory = 'Purchase'"), Focus.BilledCost),
        "purchase billed");
    Frames.assertMoney(
        new BigDecimal("1.50"),
        Frames.sum(zero.where("ChargeCategory = 'Usage' AND CommitmentDiscountId IS NOT NULL"), Focus.EffectiveCost),
        "commitment amortized onto its usage rows");
  }

  @Test
  void badRowsGoToQuarantineWithReasonFileAndRow() {
    Dataset<Row> s = silver("bad");
    Dataset<Row> q = table("quarantine_line_items").where("x_SourceName = 'bad'");
    assertEquals(3, s.count());
    assertEquals(7, q.count());
    // Parsable BilledCost by hand: good 10.25 + 15 - 0.75; quarantined 2 + 3 + 4 + 5 + 6 (+ unparsable/missing).
    Frames.assertMoney(new BigDecimal("24.50"), Frames.sum(s, Focus.BilledCost), "silver");
    Frames.assertMoney(new BigDecimal("20"), Frames.sum(q, Focus.BilledCost), "quarantine");
    List<String> reasons = new ArrayList<>();
    for (Row r : q.orderBy(Focus.X_SOURCE_ROW).select(Focus.X_SOURCE_ROW, Quarantine.REASON).collectAsList()) {
      reasons.add(r.getLong(0) + " " + r.getString(1));
    }
    assertEquals(
        List.of(
            "4 UNPARSABLE_NUMBER:BilledCost; MISSING_REQUIRED:BilledCost",
            "5 UNPARSABLE_TIMESTAMP:ChargePeriodStart; MISSING_REQUIRED:ChargePeriodStart",
            "6 MALFORMED_ROW; MISSING_REQUIRED:ChargeCategory; MISSING_REQUIRED:BilledCost; MISSING_REQUIRED:EffectiveCost",
            "7 UNKNOWN_CURRENCY",
            "8 MISSING_REQUIRED:BillingCurrency",
            "9 INVALID_JSON:Tags",
            "10 MALFORMED_ROW"),
        reasons);
    assertTrue(q.first().<String>getAs(Focus.X_SOURCE_FILE).endsWith("bad/bad.csv"));
  }

  @Test
  void reconciliationRecordsEveryUnitAsOk() {
    Dataset<Row> rec = table("reconciliation");
    assertTrue(rec.count() > 0);
    assertEquals(0, rec.where("status <> 'OK'").count());
    Row bad =
        rec.where("x_SourceName = 'bad' AND BillingAccountId = 'bad-acct' AND BillingCurrency = 'USD' AND `check` = 'raw = silver + quarantine'")
            .first();
    assertEquals(8L, (long) bad.getAs("expected_rows"), "3 good + 5 quarantined rows with USD (rows 4, 5, 6, 9, 10)");
  }

  @Test
  void sqlAndTablesCommandsReadTheWarehouse() {
    String[] r = run("sql", "--conf", conf.toString(), "--format", "csv",
        "select x_SourceName, count(*) n from cost_line_items group by x_SourceName order by x_SourceName");
    assertEquals("0", r[0], r[2]);
    assertEquals(List.of("x_SourceName,n", "bad,3", "sample,1000", "spec,23"), r[1].lines().toList());
    r = run("sql", "--conf", conf.toString(), "--format", "json", "select 1 as one");
    assertEquals("{\"one\":1}", r[1].trim());
    r = run("sql", "--conf", conf.toString(), "select sum(BilledCost) from cost_daily where BillingAccountId = 'bad-acct'");
    assertTrue(r[1].contains("24.5"), r[1]);
    r = run("sql", "--conf", conf.toString(), "select nope from cost_daily");
    assertEquals("2", r[0]);
    assertTrue(r[2].contains("nope"), r[2]);
    r = run("tables", "--conf", conf.toString());
    assertEquals("0", r[0], r[2]);
    assertTrue(r[1].lines().anyMatch(l -> l.startsWith("cost_daily ")), r[1]);
    assertTrue(r[1].lines().anyMatch(l -> l.matches("cost_line_items\\s+1026\\s+\\d+\\s+.*")), r[1]);
  }

  @Test
  void badConfigurationExitsWithTwoAndNamesKeyAndFile() throws IOException {
    Path bad = work.resolve("bad.conf");
    Files.writeString(bad, "costlake { sources = [ { name = x, format = focus } ] }");
    String[] r = run("nightly", "--conf", bad.toString());
    assertEquals("2", r[0]);
    assertTrue(r[2].contains("costlake.sources[0].path"), r[2]);
    assertTrue(r[2].contains(bad.toString()), r[2]);
    r = run("nightly", "--conf", conf.toString(), "--set", "bronze.enabled=perhaps");
    assertEquals("2", r[0]);
    assertTrue(r[2].contains("costlake.bronze.enabled"), r[2]);
    r = run("nightly", "--no-such-option");
    assertEquals("2", r[0]);
  }

  @Test
  void everyCommandHasHelp() {
    for (String cmd : List.of("nightly", "ingest", "transform", "generate-sample", "sql", "tables")) {
      String[] r = run(cmd, "--help");
      assertEquals("0", r[0]);
      assertTrue(r[1].contains("Usage: finops " + cmd), r[1]);
      assertTrue(r[1].contains("--conf"), r[1]);
    }
  }
}
