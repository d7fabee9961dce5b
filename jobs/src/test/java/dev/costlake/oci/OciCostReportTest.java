package dev.costlake.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlake.generate.OciSampleGenerator;
import dev.costlake.model.Focus;
import dev.costlake.testing.Cli;
import dev.costlake.testing.Csv;
import dev.costlake.testing.Frames;
import dev.costlake.testing.TestSpark;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OCI cost reports: the real anonymized sample, and generated reports, through nightly. */
class OciCostReportTest {
  static final String SAMPLE = "/external/oci-cost-report-focus-converters/reports_cost-csv_0000000030000269.csv";

  @TempDir Path work;

  private String nightly(String sources) {
    return Cli.in(work, sources, "nightly").ok().err();
  }

  private Dataset<Row> table(String name) {
    return TestSpark.get().read().format("delta").load(work.resolve("wh/" + name).toString());
  }

  @Test
  void realSampleLoadsWithExactRowsAndCost() throws Exception {
    Path landing = work.resolve("landing/oci/reports/cost-csv");
    Files.createDirectories(landing);
    try (InputStream in = getClass().getResourceAsStream(SAMPLE)) {
      Files.copy(in, landing.resolve("reports_cost-csv_0000000030000269.csv"));
    }
    List<Map<String, String>> rows;
    try (InputStream in = getClass().getResourceAsStream(SAMPLE)) {
      rows = Csv.read(in);
    }
    String log = nightly("[{name=oci, path=oci}]");
    assertTrue(log.contains("detected {oci-cost/csv=1}"), log);

    Dataset<Row> silver = table("cost_line_items");
    assertEquals(506, rows.size());
    assertEquals(rows.size(), silver.count());
    assertEquals(0, table("quarantine_line_items").count());
    // OCI writes up to 18 decimals (6.266090E-12); money keeps 12, each value rounded half-up
    // (README, "Money and precision"). Σ of the rounded values is exact; the file's exact Σ is
    // within half a unit of the 12th decimal per row.
    BigDecimal exact = Csv.sum(rows, "cost/myCost");
    BigDecimal myCost =
        rows.stream()
            .map(r -> new BigDecimal(r.get("cost/myCost")).setScale(12, java.math.RoundingMode.HALF_UP))
            .reduce(BigDecimal.ZERO, BigDecimal::add);
    assertEquals("2.523589325400648027", exact.toPlainString());
    assertTrue(exact.subtract(myCost).abs().compareTo(new BigDecimal("5E-13").multiply(BigDecimal.valueOf(rows.size()))) <= 0);
    Frames.assertMoney(myCost, Frames.sum(silver, Focus.BilledCost), "Σ BilledCost = Σ cost/myCost");
    Frames.assertMoney(myCost, Frames.sum(silver, Focus.EffectiveCost), "Σ EffectiveCost");
    Frames.assertMoney(myCost, Frames.sum(table("cost_daily"), Focus.BilledCost), "Σ cost_daily");
    assertEquals(1, silver.select(Focus.X_BILLING_PERIOD).distinct().count());
    assertEquals("2023-11", silver.first().getAs(Focus.X_BILLING_PERIOD));
    // Start times without seconds (2023-11-13T10:00Z) parse; every row has its charge period.
    assertEquals(0, silver.where("ChargePeriodStart IS NULL OR ChargePeriodEnd IS NULL OR ChargePeriodEnd <= ChargePeriodStart").count());
    Row first = silver.where("x_Extensions['x_ReferenceNo'] = '7108a1f83bdbad70487bf0cf99cbe260'").first();
    assertEquals(java.sql.Timestamp.from(java.time.Instant.parse("2023-11-13T10:00:00Z")), first.getAs(Focus.ChargePeriodStart));
    assertEquals("DATABASE", first.getAs(Focus.ServiceName));
    assertEquals("Databases", first.getAs(Focus.ServiceCategory));
    assertEquals("platformpm2022", first.getAs(Focus.SubAccountName));
    Map<String, String> tags = first.getJavaMap(first.fieldIndex(Focus.X_TAGS_MAP));
    assertEquals("default/phil.newman@oracle.com", tags.get("Oracle-Tags.CreatedBy"));
    assertEquals("boots", tags.get("Valtest.Cat"));
    // Per service, rows as in the file.
    for (String service : List.of("TELEMETRY", "COMPUTE", "MYSQL")) {
      long expected = rows.stream().filter(r -> r.get("product/service").equals(service)).count();
      assertEquals(expected, silver.where("ServiceName = '" + service + "'").count(), service);
    }
    long tenancies = rows.stream().map(r -> r.get("lineItem/tenantId")).distinct().count();
    assertEquals(tenancies, silver.select(Focus.BillingAccountId).distinct().count());
  }

  @Test
  void generatedReportsMatchTheGeneratorsTotals() throws Exception {
    OciSampleGenerator.Result gen =
        OciSampleGenerator.generate(TestSpark.get(), new OciSampleGenerator.Options(400, 2, 5, work.resolve("landing").toUri().toString(), YearMonth.parse("2026-09")));
    String log = nightly("[{name=oci, format=oci-cost, path=oci-cost}]");
    assertTrue(log.contains("oci-cost/csv_gzip=" + gen.files().size()), log);
    Dataset<Row> silver = table("cost_line_items");
    Dataset<Row> q = table("quarantine_line_items");
    for (OciSampleGenerator.PeriodTotals p : gen.periods()) {
      String u = "BillingAccountId = '" + p.tenancy() + "' AND x_BillingPeriod = '" + p.period() + "'";
      Dataset<Row> s = silver.where(u);
      assertEquals(p.rows(), s.count(), p.tenancy() + " " + p.period() + " rows");
      Frames.assertMoney(p.cost(), Frames.sum(s, Focus.BilledCost), p.period() + " Σ cost/myCost");
      assertEquals(p.corrections(), s.where("ChargeClass = 'Correction'").count());
      assertEquals(p.badRows(), q.where(u + " AND x_QuarantineReason LIKE '%UNPARSABLE_NUMBER:BilledCost%'").count());
    }
    assertEquals(gen.rowsWritten(), silver.count() + q.count(), "raw = silver + quarantine");
    assertEquals(0, table("reconciliation").where("status <> 'OK'").count());
  }
}
