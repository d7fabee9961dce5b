package dev.costlake.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlake.model.Focus;
import dev.costlake.quality.Reconciliation;
import dev.costlake.testing.Cli;
import dev.costlake.testing.Csv;
import dev.costlake.testing.Frames;
import dev.costlake.testing.TestSpark;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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
 * Real Azure cost exports through nightly: the FinOps toolkit's EA actual + amortized pair (a
 * reservation purchase, covered usage), the FOCUS converters' EA export, and every header set of
 * OpenCost's fixtures plus an MCA export. Expected figures come from parsing the files in the
 * test; each cost is rounded half-up to 12 decimals, the scale silver keeps (README, "Money and
 * precision").
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AzureSampleTest {
  static final String TOOLKIT = "/external/azure-finops-toolkit/";
  static final String OPENCOST = "/external/azure-opencost-billingexports/";
  static final List<String> HEADER_SETS =
      List.of("BOM.csv", "Enterprise.csv", "EnterpriseCamel.csv", "German.csv", "PayAsYouGo.csv", "YA.csv");

  @TempDir static Path work;
  SparkSession spark;
  String log;
  Map<String, List<Map<String, String>>> files = new LinkedHashMap<>();

  @BeforeAll
  void run() throws IOException {
    spark = TestSpark.get();
    Path landing = work.resolve("landing");
    // Neutral file names: the datasets are told apart by their content.
    land(TOOLKIT + "EA_ActualCost_Small.csv", landing.resolve("ea/2023-09/part-a.csv"));
    land(TOOLKIT + "EA_AmortizedCost_Small.csv", landing.resolve("ea/2023-09/part-b.csv"));
    land(TOOLKIT + "EA_NoRows.csv", landing.resolve("ea/2023-09/empty.csv"));
    land("/external/azure-ea-focus-converters/sample-anonymous-ea-export-dataset.csv", landing.resolve("samples/eaconv/export.csv"));
    for (String h : HEADER_SETS) {
      land(OPENCOST + "headersets/" + h, landing.resolve("samples/headers/" + h));
    }
    land("/external/azure-mca-opencost/test_azure_billing.csv", landing.resolve("samples/mca/test_azure_billing.csv"));
    land(OPENCOST + "values/Template.csv", landing.resolve("samples/nocurrency/Template.csv"));
    land(OPENCOST + "values/MissingBrackets.csv", landing.resolve("samples/nocurrency/MissingBrackets.csv"));
    // Files without a currency column (OpenCost's values/*.csv) take it from the defaults.
    log =
        Cli.in(work, "[{name=ea, path=ea}, {name=samples, format=azure-cost, path=samples, defaults {BillingCurrency=USD}}]", "nightly")
            .ok()
            .err();
  }

  private void land(String resource, Path target) throws IOException {
    Files.createDirectories(target.getParent());
    try (InputStream in = getClass().getResourceAsStream(resource)) {
      Files.copy(in, target);
    }
    try (InputStream in = getClass().getResourceAsStream(resource)) {
      files.put(target.getFileName().toString(), Csv.read(in));
    }
  }

  private Dataset<Row> table(String name) {
    return spark.read().format("delta").load(work.resolve("wh/" + name).toString());
  }

  /** Silver rows of the ea source, or of one folder of the samples source. */
  private Dataset<Row> silver(String folder) {
    return scope(table("cost_line_items"), folder);
  }

  private Dataset<Row> quarantine(String folder) {
    return scope(table("quarantine_line_items"), folder);
  }

  private static Dataset<Row> scope(Dataset<Row> t, String folder) {
    return folder.equals("ea")
        ? t.where("x_SourceName = 'ea'")
        : t.where("x_SourceName = 'samples' AND x_SourceFile LIKE '%/samples/" + folder + "/%'");
  }

  /** Σ of a column, each value rounded half-up to 12 decimals first (silver's scale). */
  static BigDecimal sum12(List<Map<String, String>> rows, String column) {
    BigDecimal total = BigDecimal.ZERO;
    for (Map<String, String> r : rows) {
      String v = r.get(column);
      if (v != null && !v.isBlank()) {
        total = total.add(new BigDecimal(v.trim()).setScale(12, RoundingMode.HALF_UP));
      }
    }
    return total;
  }

  @Test
  void actualAndAmortizedPairCombineWithoutDoubleCounting() {
    List<Map<String, String>> actual = files.get("part-a.csv");
    List<Map<String, String>> amortized = files.get("part-b.csv");
    assertEquals(11, actual.size());
    assertEquals(28, amortized.size());
    Dataset<Row> s = silver("ea");
    // Every amortized row, plus the actual file's one purchase; the 10 actual usage rows are
    // the same charges as 10 amortized rows and merge into them.
    long purchases = actual.stream().filter(r -> r.get("ChargeType").equals("Purchase")).count();
    assertEquals(1, purchases);
    assertEquals(amortized.size() + purchases, s.count());
    assertEquals(0, quarantine("ea").count());
    assertEquals(actual.size() - purchases, s.where("x_PairedSourceRow IS NOT NULL").count());

    Frames.assertMoney(sum12(actual, "Cost"), Frames.sum(s, Focus.BilledCost), "Σ BilledCost = actual file total");
    Frames.assertMoney(sum12(amortized, "Cost"), Frames.sum(s, Focus.EffectiveCost), "Σ EffectiveCost = amortized file total");

    // The reservation purchase: once, billed, not amortized here.
    Dataset<Row> p = s.where("ChargeCategory = 'Purchase'");
    assertEquals(1, p.count());
    Row purchase = p.first();
    Frames.assertMoney(new BigDecimal("3.25"), purchase.getAs(Focus.BilledCost), "purchase BilledCost");
    Frames.assertMoney(BigDecimal.ZERO, purchase.getAs(Focus.EffectiveCost), "purchase EffectiveCost");
    assertEquals("/providers/microsoft.capacity/reservationorders/49ed0e4d-8e0c-4f1f-af2c-67c865056615", purchase.getAs(Focus.CommitmentDiscountId));
    assertEquals("Reservation", purchase.getAs(Focus.CommitmentDiscountType));
    assertEquals("Recurring", purchase.getAs(Focus.ChargeFrequency));

    // Covered usage: billed 0 (the actual file has no such row), amortized cost kept.
    Row ri = s.where("ChargeCategory = 'Usage' AND x_Extensions['x_PricingModel'] = 'Reservation'").first();
    Frames.assertMoney(BigDecimal.ZERO, ri.getAs(Focus.BilledCost), "RI usage BilledCost");
    Frames.assertMoney(new BigDecimal("0.493152"), ri.getAs(Focus.EffectiveCost), "RI usage EffectiveCost");
    assertEquals("Used", ri.getAs(Focus.CommitmentDiscountStatus));
    assertEquals("Committed", ri.getAs(Focus.PricingCategory));
    assertEquals("Usage", ri.getAs(Focus.CommitmentDiscountCategory));
    assertEquals(
        "/providers/microsoft.capacity/reservationorders/a965d46f-aedf-4176-8ff1-2617943b8960/reservations/f39d1c73-af74-4308-9083-fbf5efab37d1",
        ri.getAs(Focus.CommitmentDiscountId));
    Row sp = s.where("x_Extensions['x_PricingModel'] = 'SavingsPlan'").first();
    assertEquals("Spend", sp.getAs(Focus.CommitmentDiscountCategory));
    assertEquals("Savings Plan", sp.getAs(Focus.CommitmentDiscountType));

    // A merged on-demand row: billed from the actual row, amortized from the amortized row.
    Row merged = s.where("ResourceId LIKE '%CR_Dv3_AZ3' AND x_PairedSourceRow IS NOT NULL").first();
    Frames.assertMoney(new BigDecimal("2.64"), merged.getAs(Focus.BilledCost), "merged BilledCost");
    Frames.assertMoney(new BigDecimal("2.64"), merged.getAs(Focus.EffectiveCost), "merged EffectiveCost");
    assertTrue(merged.<String>getAs(Focus.X_SOURCE_FILE).endsWith("part-b.csv"));
    assertTrue(merged.<String>getAs(Focus.X_PAIRED_SOURCE_FILE).endsWith("part-a.csv"));
    assertEquals("azure-amortized", merged.getAs(Focus.X_SOURCE_FORMAT));
    // Amortized rows without an actual twin carry BilledCost 0 and say so.
    assertEquals(amortized.size() - (actual.size() - purchases) - 2, s.where("x_Extensions['x_AzurePairing'] = 'amortized-only' AND x_Extensions['x_PricingModel'] = 'OnDemand'").count());

    // Dates: MM/dd/yyyy; the inclusive end 09/30/2023 becomes the exclusive 2023-10-01.
    assertEquals(0, s.where("x_BillingPeriod <> '2023-09' OR CAST(BillingPeriodEnd AS DATE) <> DATE'2023-10-01'").count());
    assertEquals(0, s.where("ChargePeriodEnd <> ChargePeriodStart + INTERVAL 1 DAY").count());
    assertEquals(1, s.where("CAST(ChargePeriodStart AS DATE) = DATE'2023-09-21'").count());
    // Tags without braces parse; "Unassigned"-style placeholders are not in this file.
    assertEquals("prod", s.where("ResourceId LIKE '%dbstoragewp6hglwvvrad2'").first().<String, String>getJavaMap(s.schema().fieldIndex(Focus.X_TAGS_MAP)).get("env"));

    // Raw = silver + quarantine, counting a merged row as its two raw rows.
    Row rec = table("reconciliation").where("x_SourceName = 'ea' AND check = '" + Reconciliation.RAW_EQUALS_SILVER_PLUS_QUARANTINE + "'").first();
    assertEquals((long) (actual.size() + amortized.size()), rec.<Long>getAs(Reconciliation.EXPECTED_ROWS));
    assertEquals("OK", rec.getAs(Reconciliation.STATUS));
    // The ingestion log knows both files hold the unit (so a change to either re-reads both).
    Dataset<Row> ingested = table("ingestion_log").where("source = 'ea' AND path LIKE '%part-%'");
    assertEquals(2, ingested.count());
    assertEquals(2, ingested.where("array_contains(units, '8611537|2023-09')").count());
    assertEquals((long) actual.size(), ingested.where("path LIKE '%part-a.csv'").first().<Long>getAs("rows"));
    assertEquals((long) amortized.size(), ingested.where("path LIKE '%part-b.csv'").first().<Long>getAs("rows"));
    // Gold: purchase counted once in BilledCost.
    Frames.assertMoney(sum12(actual, "Cost"), Frames.sum(table("cost_daily").where("BillingAccountId = '8611537'"), Focus.BilledCost), "cost_daily BilledCost");
  }

  @Test
  void eaExportWithoutAmortizedPartnerLoadsAsBilled() {
    List<Map<String, String>> rows = files.get("export.csv");
    assertEquals(27, rows.size());
    Dataset<Row> s = silver("eaconv");
    assertEquals(27, s.count());
    assertEquals(0, quarantine("eaconv").count());
    BigDecimal total = sum12(rows, "CostInBillingCurrency");
    Frames.assertMoney(total, Frames.sum(s, Focus.BilledCost), "Σ BilledCost");
    Frames.assertMoney(total, Frames.sum(s, Focus.EffectiveCost), "Σ EffectiveCost (no amortized dataset)");
    long spot = rows.stream().filter(r -> r.get("PricingModel").equals("Spot")).count();
    assertEquals(3, spot);
    assertEquals(spot, s.where("PricingCategory = 'Dynamic'").count());
    assertEquals(rows.size() - spot, s.where("PricingCategory = 'Standard'").count());
    assertEquals(0, s.where("x_Extensions['x_AzurePairing'] <> 'single'").count());
  }

  @Test
  void everyHeaderSetIsRecognized() {
    assertTrue(log.contains("format {azure-cost/csv=10}"), log);
    Dataset<Row> s = silver("headers");
    Dataset<Row> q = quarantine("headers");
    long raw = 0;
    BigDecimal cost = BigDecimal.ZERO;
    for (String h : HEADER_SETS) {
      List<Map<String, String>> rows = files.get(h);
      raw += rows.size();
      for (Map<String, String> r : rows) {
        String c = firstPresent(r, "CostInBillingCurrency", "costInBillingCurrency", "PreTaxCost", "PreTaxCost (PreTaxCost)");
        cost = cost.add(c == null || c.isBlank() ? BigDecimal.ZERO : new BigDecimal(c));
      }
      long perFile = s.where("x_SourceFile LIKE '%/" + h + "'").count() + q.where("x_SourceFile LIKE '%/" + h + "'").count();
      assertEquals(rows.size(), perFile, h);
    }
    assertEquals(6, raw);
    assertEquals(raw, s.count() + q.count());
    Frames.assertMoney(cost, Frames.sum(s, Focus.BilledCost).add(Frames.sum(q, Focus.BilledCost)), "Σ cost of the header sets");
    // BOM.csv's only row has a date and nothing else: quarantined with reasons, not dropped.
    Row bom = q.where("x_SourceFile LIKE '%/BOM.csv'").first();
    assertTrue(bom.<String>getAs("x_QuarantineReason").contains("MISSING_REQUIRED:BilledCost"), bom.toString());
    assertEquals(5, s.count());
    // German: localized headers resolve; ISO date; PAYG without a billing account → subscription.
    Row german = s.where("x_SourceFile LIKE '%/German.csv'").first();
    Frames.assertMoney(new BigDecimal("0.075"), german.getAs(Focus.BilledCost), "German cost");
    assertEquals("11111111-12ab-34dc-56ef-123456abcdef", german.getAs(Focus.BillingAccountId));
    assertEquals("Load Balancer", german.getAs(Focus.ServiceName));
    assertEquals("Networking", german.getAs(Focus.ServiceCategory));
    assertEquals("2021-02", german.getAs(Focus.X_BILLING_PERIOD));
    // Enterprise: "Unassigned" is a null; tags without braces; CAD; billing period from its columns.
    Row ent = s.where("x_SourceFile LIKE '%/Enterprise.csv'").first();
    assertTrue(!ent.<String, String>getJavaMap(s.schema().fieldIndex(Focus.X_EXTENSIONS)).containsKey("x_InvoiceSectionName"));
    assertEquals("CAD", ent.getAs(Focus.BillingCurrency));
    assertEquals("2021-05", ent.getAs(Focus.X_BILLING_PERIOD));
    assertEquals("Used", ent.getAs(Focus.CommitmentDiscountStatus));
    assertTrue(ent.getAs(Focus.X_TAGS_MAP) != null);
    // EnterpriseCamel (MCA partner): camelCase; MM/dd/yyyy; no billing period columns → month of the date.
    Row camel = s.where("x_SourceFile LIKE '%/EnterpriseCamel.csv'").first();
    Frames.assertMoney(new BigDecimal("0.012"), camel.getAs(Focus.BilledCost), "camel cost");
    assertEquals("2021-02", camel.getAs(Focus.X_BILLING_PERIOD));
    assertEquals("westus", camel.getAs(Focus.RegionId));
  }

  @Test
  void mcaExportAndFilesWithoutCurrencyUseDefaults() {
    List<Map<String, String>> mca = files.get("test_azure_billing.csv");
    assertEquals(5, mca.size());
    Dataset<Row> s = silver("mca");
    assertEquals(5, s.count());
    Frames.assertMoney(sum12(mca, "costInBillingCurrency"), Frames.sum(s, Focus.BilledCost), "MCA Σ cost");
    assertEquals(0, s.where("BillingAccountId IS NULL OR SubAccountId IS NULL").count());

    List<Map<String, String>> template = files.get("Template.csv");
    List<Map<String, String>> brackets = files.get("MissingBrackets.csv");
    Dataset<Row> n = silver("nocurrency");
    Dataset<Row> q = quarantine("nocurrency");
    assertEquals(template.size() + brackets.size(), n.count() + q.count());
    // Template.csv's data rows have 10 fields under an 11-column header: quarantined, not guessed.
    assertEquals(87, template.size());
    assertEquals(template.size(), q.where("x_SourceFile LIKE '%Template.csv' AND x_QuarantineReason = 'MALFORMED_ROW'").count());
    assertEquals(brackets.size(), n.count());
    Frames.assertMoney(sum12(brackets, "costinbillingcurrency"), Frames.sum(n, Focus.BilledCost), "Σ cost, BillingCurrency from the source defaults");
    assertEquals(0, n.where("BillingCurrency <> 'USD'").count());
    Row mb = n.where("x_SourceFile LIKE '%MissingBrackets.csv'").first();
    assertEquals("12345678", mb.<String, String>getJavaMap(n.schema().fieldIndex(Focus.X_TAGS_MAP)).get("resourceNameSuffix"));
  }

  private static String firstPresent(Map<String, String> r, String... names) {
    for (String n : names) {
      if (r.containsKey(n)) {
        return r.get(n);
      }
    }
    return null;
  }
}
