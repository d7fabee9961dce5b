package dev.costlake.cli;

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
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quick start for GCP and OCI: {@code finops generate-sample --providers gcp,oci}, then
 * nightly twice with the sources as conf/application.conf declares them. Expected OCI figures
 * are summed from the generated files themselves; GCP ones from the raw JSON/Parquet/Avro rows
 * read back with plain Spark (cost + Σ credits.amount).
 */
class NightlyGcpOciTest {
  @TempDir Path work;

  private String[] finops(String... args) {
    Cli.Result r =
        Cli.in(work, "[{name=gcp-billing, format=gcp-billing, path=gcp-billing}, {name=oci-cost, format=oci-cost, path=oci-cost}]",
            args[0], java.util.Arrays.copyOfRange(args, 1, args.length));
    return new String[] {String.valueOf(r.code()), r.err()};
  }

  private Dataset<Row> table(String name) {
    return TestSpark.get().read().format("delta").load(work.resolve("wh/" + name).toString());
  }

  @Test
  void generatedGcpAndOciThroughNightly() throws Exception {
    String[] g = finops("generate-sample", "--providers", "gcp,oci", "--rows", "1200", "--months", "2", "--last-month", "2026-02", "--seed", "3");
    assertEquals("0", g[0], g[1]);
    assertTrue(g[1].contains("gcp: ") && g[1].contains("oci: "), g[1]);
    String[] r = finops("nightly");
    assertEquals("0", r[0], r[1]);

    Dataset<Row> silver = table("cost_line_items");
    Dataset<Row> q = table("quarantine_line_items");

    // OCI: Σ cost/myCost of the parseable rows, straight from the gzip CSVs.
    BigDecimal ociCost = BigDecimal.ZERO;
    long ociRows = 0;
    long ociBad = 0;
    List<Path> files;
    try (Stream<Path> s = Files.walk(work.resolve("landing/oci-cost"))) {
      files = s.filter(p -> p.toString().endsWith(".csv.gz")).toList();
    }
    for (Path f : files) {
      try (InputStream in = new GZIPInputStream(Files.newInputStream(f))) {
        for (Map<String, String> row : Csv.read(in)) {
          ociRows++;
          try {
            ociCost = ociCost.add(new BigDecimal(row.get("cost/myCost")));
          } catch (NumberFormatException e) {
            ociBad++;
          }
        }
      }
    }
    Dataset<Row> oci = silver.where("x_SourceName = 'oci-cost'");
    Frames.assertMoney(ociCost, Frames.sum(oci, Focus.BilledCost), "OCI Σ BilledCost = Σ cost/myCost of the files");
    assertEquals(ociRows - ociBad, oci.count());
    assertEquals(ociBad, q.where("x_SourceName = 'oci-cost'").count());

    // GCP: net = cost + Σ credits.amount over rows with an invoice month, read back with Spark.
    var spark = TestSpark.get();
    String base = work.resolve("landing/gcp-billing").toString();
    Dataset<Row> raw =
        spark.read().parquet(base + "/parquet/*").selectExpr("invoice.month AS m", "CAST(cost AS DECIMAL(30,12)) AS c", "credits")
            .unionByName(spark.read().format("avro").load(base + "/avro/*").selectExpr("invoice.month AS m", "CAST(cost AS DECIMAL(30,12)) AS c", "credits"));
    BigDecimal binaryNet = Frames.sum(
        raw.where("m IS NOT NULL").selectExpr("c + aggregate(credits, CAST(0 AS DECIMAL(30,12)), (a, x) -> CAST(a + CAST(x.amount AS DECIMAL(30,12)) AS DECIMAL(30,12))) AS n"), "n");
    Dataset<Row> json = spark.read().option("primitivesAsString", "true").json(base + "/json/*");
    BigDecimal jsonNet = Frames.sum(
        json.where("invoice.month IS NOT NULL").selectExpr("CAST(cost AS DECIMAL(30,12)) + aggregate(credits, CAST(0 AS DECIMAL(30,12)), (a, x) -> CAST(a + CAST(x.amount AS DECIMAL(30,12)) AS DECIMAL(30,12))) AS n"), "n");
    long gcpRaw = raw.count() + json.count();
    Dataset<Row> gcp = silver.where("x_SourceName = 'gcp-billing'");
    Frames.assertMoney(binaryNet.add(jsonNet), Frames.sum(gcp, Focus.BilledCost), "GCP Σ BilledCost = Σ cost + Σ credits");
    Frames.assertMoney(binaryNet.add(jsonNet), Frames.sum(gcp, Focus.EffectiveCost), "GCP Σ EffectiveCost = net");
    assertEquals(gcpRaw, gcp.where("x_SourceRowPart = 0").count() + q.where("x_SourceName = 'gcp-billing' AND x_SourceRowPart = 0").count(), "raw = silver + quarantine");
    assertEquals(json.where("invoice.month IS NULL").count(), q.where("x_SourceName = 'gcp-billing'").count());

    // Gold and reconciliation agree with silver; both sources' units are checked.
    Frames.assertMoney(Frames.sum(silver, Focus.BilledCost), Frames.sum(table("cost_daily"), Focus.BilledCost), "silver = cost_daily");
    Dataset<Row> rec = table("reconciliation");
    assertEquals(0, rec.where("status <> 'OK'").count());
    assertTrue(rec.where("x_SourceName = 'gcp-billing'").count() > 0 && rec.where("x_SourceName = 'oci-cost'").count() > 0, "both sources reconciled");

    // A second run with nothing new changes nothing.
    long versions = table("cost_line_items").count();
    String[] again = finops("nightly");
    assertEquals("0", again[0], again[1]);
    assertEquals(versions, table("cost_line_items").count());
    Frames.assertMoney(Frames.sum(silver, Focus.BilledCost), Frames.sum(table("cost_line_items"), Focus.BilledCost), "unchanged");
  }
}
