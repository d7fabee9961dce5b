package dev.costlake.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlake.generate.AwsCurSampleGenerator;
import dev.costlake.model.Focus;
import dev.costlake.testing.Cli;
import dev.costlake.testing.Frames;
import dev.costlake.testing.TestSpark;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.YearMonth;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generated AWS exports (legacy CUR CSV with two assemblies, legacy CUR Parquet, CUR 2.0) through
 * nightly. Expected figures come from the generator's own BigDecimal bookkeeping, a second
 * formula independent of the pipeline's Spark mapping.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AwsGeneratedCurTest {
  @TempDir static Path work;
  SparkSession spark;
  AwsCurSampleGenerator.Result gen;
  Path manifest;
  String currentManifest;

  static String[] run(String... args) {
    // Bronze on: the CUR 2.0 raw rows are also copied, as text, to bronze_aws_cur2.
    java.util.List<String> more = new java.util.ArrayList<>(java.util.Arrays.asList(args).subList(1, args.length));
    more.addAll(java.util.List.of("--set", "bronze.enabled=true"));
    Cli.Result r =
        Cli.in(work, "[{name=aws-cur, path=aws-cur}, {name=aws-cur2, format=aws-cur2, path=aws-cur2}]", args[0], more.toArray(new String[0]));
    return new String[] {String.valueOf(r.code()), r.err()};
  }

  @BeforeAll
  void generateAndRunWithTheOldAssemblyCurrent() throws Exception {
    spark = TestSpark.get();
    gen = AwsCurSampleGenerator.generate(spark, new AwsCurSampleGenerator.Options(2500, 2, 11, work.resolve("landing").toUri().toString(), YearMonth.parse("2026-09")));
    // First the period's manifest names the older assembly (as AWS did earlier that day).
    manifest = Files.list(Path.of(java.net.URI.create(gen.restatedPeriodFolder().replace("file:/", "file:///").replaceFirst("file:////", "file:///"))))
        .filter(p -> p.getFileName().toString().endsWith("-Manifest.json")).findFirst().orElseThrow();
    currentManifest = Files.readString(manifest);
    // The generator wrote through Hadoop's local file system, which keeps .crc checksums; this
    // test edits the manifest by hand, as AWS would rewrite it.
    Files.deleteIfExists(manifest.resolveSibling("." + manifest.getFileName() + ".crc"));
    Files.writeString(manifest, currentManifest.replace(gen.currentAssemblyId(), gen.oldAssemblyId()));
    String[] r = run("nightly");
    assertEquals("0", r[0], r[1]);
    assertTrue(r[1].contains("superseded assembly"), r[1]);
  }

  @Test
  void bronzeKeepsRawRowsAsText() {
    // CUR 2.0 Parquet's product map is read as a map, but bronze keeps raw text (its JSON).
    Dataset<Row> bronze = table(dev.costlake.model.Tables.bronze("aws-cur2"));
    assertEquals(org.apache.spark.sql.types.DataTypes.StringType, bronze.schema().apply("product").dataType());
    assertTrue(bronze.where("product LIKE '{%'").count() > 0, "product as a JSON object");
    long cur2Rows =
        gen.periods().stream().filter(p -> p.layout().equals(AwsCurSampleGenerator.CUR2)).mapToLong(AwsCurSampleGenerator.PeriodTotals::rows).sum();
    assertEquals(cur2Rows, bronze.count(), "every CUR 2.0 row the generator wrote, once");
  }

  @Test
  void silverCollectsFileStatisticsForItsFilterColumnsOnly() throws Exception {
    String path = work.resolve("wh/" + dev.costlake.model.Tables.COST_LINE_ITEMS).toString();
    Row detail = spark.sql("DESCRIBE DETAIL delta.`" + path + "`").select("properties").first();
    java.util.Map<String, String> props = scala.jdk.javaapi.CollectionConverters.asJava(detail.<scala.collection.Map<String, String>>getAs(0));
    assertEquals(String.join(",", dev.costlake.model.Tables.SILVER_STATS_COLUMNS), props.get("delta.dataSkippingStatsColumns"));
    // Every data file's statistics in the log: row counts, and min/max only for those columns.
    java.util.Set<String> allowed = new java.util.TreeSet<>(dev.costlake.model.Tables.SILVER_STATS_COLUMNS);
    java.util.Set<String> seen = new java.util.TreeSet<>();
    long files = 0;
    for (Row r : spark.read().json(path + "/_delta_log/*.json").where("add IS NOT NULL").select("add.stats").collectAsList()) {
      com.fasterxml.jackson.databind.JsonNode stats = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.getString(0));
      assertTrue(stats.get("numRecords").asLong() > 0, r.getString(0));
      stats.get("minValues").fieldNames().forEachRemaining(seen::add);
      files++;
    }
    assertTrue(files > 0, "silver has data files");
    assertTrue(allowed.containsAll(seen), "statistics collected for " + seen);
    assertTrue(seen.contains(Focus.BillingAccountId) && seen.contains(Focus.ChargePeriodStart), "statistics collected for " + seen);
  }

  private Dataset<Row> table(String name) {
    return spark.read().format("delta").load(work.resolve("wh/" + name).toString());
  }

  private static AwsCurSampleGenerator.PeriodTotals restated(AwsCurSampleGenerator.Result g) {
    return g.periods().stream()
        .filter(p -> p.layout().equals(AwsCurSampleGenerator.LEGACY_CSV) && p.period().equals(g.oldAssemblyTotals().period()))
        .findFirst().orElseThrow();
  }

  @Test
  void restatedPeriodReplacesTheOldAssembly() throws Exception {
    AwsCurSampleGenerator.PeriodTotals old = gen.oldAssemblyTotals();
    String unit = "BillingAccountId = '" + old.payer() + "' AND x_BillingPeriod = '" + old.period() + "'";
    Frames.assertMoney(old.unblended(), Frames.sum(table("cost_line_items").where(unit), Focus.BilledCost), "old assembly first");

    // AWS publishes the new assembly: the manifest now names it.
    Files.writeString(manifest, currentManifest);
    Files.setLastModifiedTime(manifest, FileTime.fromMillis(System.currentTimeMillis()));
    String[] r = run("nightly");
    assertEquals("0", r[0], r[1]);
    AwsCurSampleGenerator.PeriodTotals now = restated(gen);
    Dataset<Row> silver = table("cost_line_items").where(unit);
    Frames.assertMoney(now.unblended(), Frames.sum(silver, Focus.BilledCost), "new assembly replaces the old");
    assertEquals(0, silver.where("x_SourceFile LIKE '%" + gen.oldAssemblyId() + "%'").count(), "nothing of the old assembly remains");
    assertEquals(0, table("quarantine_line_items").where("x_SourceFile LIKE '%" + gen.oldAssemblyId() + "%'").count());
    Row v = table("period_versions").where(unit + " AND change = 'restated'").first();
    Frames.assertMoney(old.unblended(), v.getAs("previous_billed_cost"), "first reported");
    Frames.assertMoney(now.unblended(), v.getAs("new_billed_cost"), "restated");

    // With the current assemblies in place, every period and payer matches the generator.
    for (AwsCurSampleGenerator.PeriodTotals p : gen.periods()) {
      String u = "BillingAccountId = '" + p.payer() + "' AND x_BillingPeriod = '" + p.period() + "'";
      Dataset<Row> s = table("cost_line_items").where(u);
      Dataset<Row> countable = s.where("AllocatedMethodId IS NULL");
      String what = p.layout() + " " + p.period();
      assertEquals(p.rows(), s.where("x_SourceRowPart = 0").count(), what + " raw rows");
      assertEquals(p.recurringFeeRows(), s.where("x_SourceRowPart = 1").count(), what + " Unused rows, one per recurring fee row");
      Frames.assertMoney(p.unblended(), Frames.sum(s, Focus.BilledCost), what + " Σ BilledCost = Σ unblended");
      Frames.assertMoney(p.amortized(), Frames.sum(countable, Focus.EffectiveCost), what + " Σ EffectiveCost = Σ amortized");
      Frames.assertMoney(
          p.netAmortized(),
          Frames.sum(countable.selectExpr("CAST(x_Extensions['x_NetAmortizedCost'] AS DECIMAL(30,12)) AS n"), "n"),
          what + " Σ net amortized");
      // The identity, on the pipeline's figures: unblended = amortized + true-up + upfront fees.
      BigDecimal billedNonSplit = Frames.sum(countable, Focus.BilledCost);
      Frames.assertMoney(billedNonSplit, Frames.sum(countable, Focus.EffectiveCost).add(p.trueUp()).add(p.upfrontFees()), what + " identity");
      assertEquals(p.splitRows(), s.where("AllocatedMethodId = 'EKSPod-EC2'").count(), what + " split rows kept and marked");
      // Gold counts neither the negations twice nor the split rows.
      Dataset<Row> gold = table("cost_daily").where(u);
      Frames.assertMoney(p.unblended().subtract(p.splitRowsUnblended()), Frames.sum(gold, Focus.BilledCost), what + " gold billed");
      Frames.assertMoney(p.amortized(), Frames.sum(gold, Focus.EffectiveCost), what + " gold effective");
    }
    for (AwsCurSampleGenerator.CommitmentTotals c : gen.commitments()) {
      Dataset<Row> usage = table("cost_line_items").where(
          "CommitmentDiscountId = '" + c.commitmentArn() + "' AND x_BillingPeriod = '" + c.period()
              + "' AND ChargeCategory = 'Usage' AND CommitmentDiscountStatus IN ('Used', 'Unused')");
      Frames.assertMoney(c.amortizedCommitment(), Frames.sum(usage, Focus.EffectiveCost), c.kind() + " " + c.commitmentArn() + " " + c.period() + " Σ EffectiveCost(Used + Unused)");
      assertEquals(0, Frames.sum(table("cost_line_items").where("CommitmentDiscountId = '" + c.commitmentArn() + "' AND ChargeCategory = 'Purchase'"), Focus.EffectiveCost).signum(), "purchases carry no EffectiveCost");
    }
    assertEquals(0, table("reconciliation").where("status <> 'OK'").count());
  }
}
