package dev.costlake.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlake.testing.Csv;
import dev.costlake.testing.Frames;
import dev.costlake.testing.TestSpark;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GCP and OCI generators: deterministic, the layouts they promise, and their bookkeeping
 * equal to figures read back from the files they wrote.
 */
class GcpOciSampleGeneratorTest {
  @TempDir Path work;

  static final String NET =
      "CAST(cost AS DECIMAL(30,12)) + aggregate(credits, CAST(0 AS DECIMAL(30,12)), (a, x) -> CAST(a + CAST(x.amount AS DECIMAL(30,12)) AS DECIMAL(30,12)))";

  @Test
  void gcpFilesMatchTheBookkeepingAndRepeatWithTheSeed() throws Exception {
    SparkSession spark = TestSpark.get();
    var o1 = new GcpBillingSampleGenerator.Options(600, 2, 9, work.resolve("a").toUri().toString(), YearMonth.parse("2026-01"));
    var o2 = new GcpBillingSampleGenerator.Options(600, 2, 9, work.resolve("b").toUri().toString(), YearMonth.parse("2026-01"));
    GcpBillingSampleGenerator.Result r1 = GcpBillingSampleGenerator.generate(spark, o1);
    GcpBillingSampleGenerator.Result r2 = GcpBillingSampleGenerator.generate(spark, o2);
    assertEquals(r1.periods(), r2.periods(), "same seed, same figures");
    assertEquals(r1.commitments(), r2.commitments());
    Path json = work.resolve("a/gcp-billing/json/invoice_month=202601/billing_export-000000000000.json");
    assertEquals(Files.readString(json), Files.readString(work.resolve("b/gcp-billing/json/invoice_month=202601/billing_export-000000000000.json")));

    String base = work.resolve("a/gcp-billing").toString();
    Map<String, Dataset<Row>> byLayout = Map.of(
        GcpBillingSampleGenerator.PARQUET, spark.read().parquet(base + "/parquet/invoice_month=*"),
        GcpBillingSampleGenerator.AVRO, spark.read().format("avro").load(base + "/avro/invoice_month=*"),
        GcpBillingSampleGenerator.JSON, spark.read().option("primitivesAsString", "true").json(base + "/json/invoice_month=*"));
    for (GcpBillingSampleGenerator.PeriodTotals p : r1.periods()) {
      String month = p.period().replace("-", "");
      Dataset<Row> rows = byLayout.get(p.layout()).where("billing_account_id = '" + p.account() + "' AND invoice.month = '" + month + "'");
      assertEquals(p.rows(), rows.count(), p.layout() + " " + p.period());
      Frames.assertMoney(p.cost().add(p.credits()), Frames.sum(rows.selectExpr(NET + " AS n"), "n"), p.layout() + " " + p.period() + " net");
    }
    Dataset<Row> all = byLayout.get(GcpBillingSampleGenerator.PARQUET).selectExpr("billing_account_id", "invoice.month AS m", "usage_start_time", "credits", "consumption_model.id AS cm")
        .unionByName(byLayout.get(GcpBillingSampleGenerator.AVRO).selectExpr("billing_account_id", "invoice.month AS m", "usage_start_time", "credits", "consumption_model.id AS cm"));
    // Both CUD models for the older account, around the switch of 2026-01-21 (Pacific).
    String old = "billing_account_id = '" + GcpBillingSampleGenerator.ACCOUNT_OLD + "'";
    assertTrue(all.where(old + " AND exists(credits, c -> c.type = 'COMMITTED_USAGE_DISCOUNT_DOLLAR_BASE') AND usage_start_time < TIMESTAMP'2026-01-21 08:00:00'").count() > 0);
    assertEquals(0, all.where(old + " AND exists(credits, c -> c.type = 'COMMITTED_USAGE_DISCOUNT_DOLLAR_BASE') AND usage_start_time >= TIMESTAMP'2026-01-21 08:00:00'").count());
    assertTrue(all.where(old + " AND exists(credits, c -> c.type = 'FEE_UTILIZATION_OFFSET') AND usage_start_time >= TIMESTAMP'2026-01-21 08:00:00'").count() > 0);
    assertEquals(0, all.where(old + " AND cm <> 'default' AND usage_start_time < TIMESTAMP'2026-01-21 08:00:00'").count());
    assertEquals(0, all.where("billing_account_id = '" + GcpBillingSampleGenerator.ACCOUNT_NEW + "' AND exists(credits, c -> c.type = 'COMMITTED_USAGE_DISCOUNT_DOLLAR_BASE')").count());
    assertTrue(all.where("exists(credits, c -> c.type = 'COMMITTED_USAGE_DISCOUNT')").count() > 0);
    Set<String> kinds = new HashSet<>();
    r1.commitments().forEach(c -> kinds.add(c.model()));
    assertEquals(Set.of("resource", "spend-legacy", "spend-new"), kinds);
  }

  @Test
  void ociFilesMatchTheBookkeeping() throws Exception {
    SparkSession spark = TestSpark.get();
    OciSampleGenerator.Result r = OciSampleGenerator.generate(spark, new OciSampleGenerator.Options(300, 2, 4, work.resolve("o").toUri().toString(), YearMonth.parse("2026-03")));
    assertEquals(2 * 2 * 2, r.files().size(), "two files per tenancy and month");
    List<Path> files;
    try (Stream<Path> s = Files.walk(work.resolve("o/oci-cost"))) {
      files = s.filter(p -> p.toString().endsWith(".csv.gz")).sorted().toList();
    }
    long rows = 0;
    boolean eNotation = false;
    Set<String> refs = new HashSet<>();
    Set<String> backrefs = new HashSet<>();
    Map<String, BigDecimal> byPeriod = new java.util.TreeMap<>();
    for (Path f : files) {
      try (InputStream in = new GZIPInputStream(Files.newInputStream(f))) {
        for (Map<String, String> row : Csv.read(in)) {
          rows++;
          refs.add(row.get("lineItem/referenceNo"));
          if (row.get("lineItem/isCorrection").equals("true")) backrefs.add(row.get("lineItem/backreferenceNo"));
          String cost = row.get("cost/myCost");
          if (cost.equals(OciSampleGenerator.BAD_COST)) continue;
          eNotation |= cost.contains("E");
          byPeriod.merge(row.get("lineItem/tenantId") + " " + row.get("lineItem/intervalUsageStart").substring(0, 7), new BigDecimal(cost), BigDecimal::add);
        }
      }
    }
    assertEquals(r.rowsWritten(), rows);
    assertTrue(eNotation, "some costs in E-notation");
    assertTrue(refs.containsAll(backrefs) && backrefs.size() == 4, "corrections point at rows of the reports");
    for (OciSampleGenerator.PeriodTotals p : r.periods()) {
      Frames.assertMoney(p.cost(), byPeriod.get(p.tenancy() + " " + p.period()), p.tenancy() + " " + p.period());
    }
  }
}
