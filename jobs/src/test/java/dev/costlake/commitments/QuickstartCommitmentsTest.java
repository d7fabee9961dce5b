package dev.costlake.commitments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlake.testing.Cli;
import dev.costlake.testing.Frames;
import dev.costlake.testing.TestSpark;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the quick start does, small: generate-sample for every provider (FOCUS, AWS legacy CUR
 * and CUR 2.0, Azure, GCP, OCI) then nightly with the sources of conf/application.conf. One
 * cost_daily query shows the four clouds side by side, one row per currency; the commitment
 * tables are produced for AWS, Azure and GCP, with their invariants. Runs compiled (whole-stage
 * code generation), as production does: every provider's normalizer goes through that path here.
 */
class QuickstartCommitmentsTest {
  @TempDir Path work;

  @BeforeAll
  static void compiled() {
    TestSpark.compiled();
  }

  @AfterAll
  static void interpreted() {
    TestSpark.interpreted();
  }

  private String[] run(String... args) {
    Cli.Result r =
        Cli.in(
            work,
            "[{name=focus, format=auto, path=focus}, {name=aws-cur, format=aws-cur-legacy, path=aws-cur},"
                + " {name=aws-cur2, format=aws-cur2, path=aws-cur2}, {name=azure, format=azure-cost, path=azure},"
                + " {name=gcp-billing, format=gcp-billing, path=gcp-billing}, {name=oci-cost, format=oci-cost, path=oci-cost}]",
            args[0],
            java.util.Arrays.copyOfRange(args, 1, args.length));
    return new String[] {String.valueOf(r.code()), r.out(), r.err()};
  }

  private static String notebook() {
    try {
      Path p = Path.of("..", "notebooks", "commitments.sql");
      if (!java.nio.file.Files.exists(p)) {
        p = Path.of("notebooks", "commitments.sql");
      }
      return java.nio.file.Files.readString(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void quickStartProducesTheCommitmentTables() {
    String[] g = run("generate-sample", "--providers", "focus,aws,azure,gcp,oci", "--rows", "2500", "--months", "1", "--seed", "42", "--last-month", "2026-10");
    assertEquals("0", g[0], g[2]);
    String[] n = run("nightly");
    assertEquals("0", n[0], n[2]);
    String[] t = run("tables");
    for (String table :
        List.of("commitment_inventory", "commitment_utilization_daily", "commitment_utilization_monthly",
            "commitment_coverage_daily", "savings_daily")) {
      assertTrue(t[1].lines().anyMatch(l -> l.matches(table + "\\s+[1-9]\\d*\\s+.*")), table + " has rows:\n" + t[1]);
    }
    // The commitments notebook runs against what the quick start produced.
    List<String> queries = new ArrayList<>(List.of("sql", "--limit", "5"));
    for (String q : notebook().split(";")) {
      String sql = q.replaceAll("(?m)^\\s*--.*$", "").trim();
      if (!sql.isEmpty()) {
        queries.add(sql);
      }
    }
    String[] nb = run(queries.toArray(new String[0]));
    assertEquals("0", nb[0], nb[2]);
    assertTrue(nb[1].contains("coverage_on_demand_basis") && nb[1].contains("effective_savings_rate"), nb[1]);
    SparkSession spark = TestSpark.get();
    Dataset<Row> monthly = spark.read().format("delta").load(work.resolve("wh/commitment_utilization_monthly").toString());
    Dataset<Row> daily = spark.read().format("delta").load(work.resolve("wh/commitment_utilization_daily").toString());
    Dataset<Row> inventory = spark.read().format("delta").load(work.resolve("wh/commitment_inventory").toString());
    Set<String> providers = new TreeSet<>();
    for (Row r : monthly.select("ServiceProviderName").distinct().collectAsList()) {
      providers.add(r.getString(0));
    }
    assertTrue(providers.containsAll(Set.of("AWS", "Microsoft", "Google Cloud")), "one table across providers: " + providers);

    // cost_daily: the four clouds side by side, each row in one currency, and per provider and
    // currency the same totals as silver summed here (split rows left out, as in gold).
    Dataset<Row> silver = spark.read().format("delta").load(work.resolve("wh/cost_line_items").toString()).where("AllocatedMethodId IS NULL");
    Dataset<Row> gold = spark.read().format("delta").load(work.resolve("wh/cost_daily").toString());
    String[] side = run("sql", "--format", "csv",
        "SELECT ServiceProviderName, BillingCurrency, SUM(EffectiveCost) AS effective FROM cost_daily GROUP BY ServiceProviderName, BillingCurrency ORDER BY 1, 2");
    assertEquals("0", side[0], side[2]);
    Set<String> clouds = new TreeSet<>();
    for (Row r : gold.select("ServiceProviderName", "BillingCurrency").distinct().collectAsList()) {
      clouds.add(r.getString(0));
      String where = "ServiceProviderName = '" + r.getString(0) + "' AND BillingCurrency = '" + r.getString(1) + "'";
      Frames.assertMoney(Frames.sum(silver.where(where), "EffectiveCost"), Frames.sum(gold.where(where), "EffectiveCost"), where);
      String csvName = r.getString(0).contains(",") ? "\"" + r.getString(0) + "\"" : r.getString(0);
      assertTrue(side[1].contains(csvName + "," + r.getString(1) + ","), side[1]);
    }
    assertTrue(clouds.containsAll(Set.of("AWS", "Microsoft", "Google Cloud", "Oracle Cloud Infrastructure")), "cost_daily providers: " + clouds);
    // Every commitment with usage is in the inventory. (The inventory may hold more: an Azure
    // reservation order's purchase carries the order id, its usage the reservation id.)
    assertEquals(0, monthly.select("BillingAccountId", "CommitmentDiscountId", "BillingCurrency").distinct()
        .except(inventory.select("BillingAccountId", "CommitmentDiscountId", "BillingCurrency")).count(),
        "every commitment with usage is in the inventory");
    for (Row m : monthly.collectAsList()) {
      String id = m.getAs("CommitmentDiscountId");
      String where = "CommitmentDiscountId = '" + id + "' AND BillingAccountId = '" + m.getAs("BillingAccountId") + "'";
      Frames.assertMoney(m.getAs("AmortizedCommitmentCost"), Frames.sum(daily.where(where), "AmortizedCommitmentCost"), id + " Σ daily = monthly");
      Frames.assertMoney(
          m.<BigDecimal>getAs("UsedCost").add(m.getAs("UnusedCost")), m.getAs("AmortizedCommitmentCost"), id + " used + unused");
      BigDecimal u = m.getAs("UtilizationCostBasis");
      assertTrue(u.signum() >= 0 && u.compareTo(BigDecimal.ONE) <= 0, id + " utilization " + u);
    }
  }
}
