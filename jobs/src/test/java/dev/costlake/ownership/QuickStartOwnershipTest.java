package dev.costlake.ownership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlake.model.Focus;
import dev.costlake.testing.Cli;
import dev.costlake.testing.TestSpark;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quick start's ownership: the project's own conf/application.conf and conf/mappings/*.csv
 * on generated FOCUS and AWS CUR samples. Checks the KPI tables against sums of silver computed
 * here, and a few owners against the mapping files read by hand.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QuickStartOwnershipTest {
  static final Path CONF = Path.of("../conf/application.conf");
  @TempDir static Path work;
  SparkSession spark;
  String err;

  static String[] run(String... args) {
    Cli.Result r = Cli.run(args);
    return new String[] {String.valueOf(r.code()), r.out(), r.err()};
  }

  @BeforeAll
  void quickStart() {
    spark = TestSpark.get();
    assertTrue(Files.isRegularFile(CONF), "run from the jobs module");
    String landing = work.resolve("landing").toUri().toString();
    String wh = work.resolve("warehouse").toUri().toString();
    String[] g = run("generate-sample", "--conf", CONF.toString(), "--rows", "1500", "--months", "2", "--seed", "42",
        "--last-month", "2026-10", "--out", landing);
    assertEquals("0", g[0], g[2]);
    String[] r = run("nightly", "--conf", CONF.toString(), "--set", "landing=" + landing, "--set", "warehouse=" + wh);
    err = r[2];
    assertEquals("0", r[0], r[2]);
  }

  Dataset<Row> table(String name) {
    return spark.read().format("delta").load(work.resolve("warehouse").resolve(name).toString());
  }

  @Test
  void everySilverRowHasAnOwnerAndASource() {
    Dataset<Row> silver = table("cost_line_items");
    assertEquals(0, silver.where(Focus.X_TEAM + " IS NULL OR " + Focus.X_OWNERSHIP_RULE_ID + " IS NULL").count());
    assertEquals(0, silver.where(Focus.X_OWNERSHIP_SOURCE + " NOT IN ('tag', 'account', 'resource', 'service', 'unallocated')").count());
    for (String s : List.of("tag", "account", "resource", "service", "unallocated")) {
      assertTrue(silver.where(Focus.X_OWNERSHIP_SOURCE + " = '" + s + "'").count() > 0, "some rows owned by " + s);
    }
    assertEquals(0, silver.where("x_OwnershipSource = 'unallocated' AND x_Team <> 'unallocated'").count());
    assertTrue(err.contains("4 rules [tags(tag), services(service), accounts(account), azure-resource-groups(resource)]"), err);
  }

  @Test
  void reorgOfTheSandboxAccountIsShownAsItWas() {
    // conf/mappings/accounts.csv: 981204756630 is platform before 2026-09-15, ml-infra from then.
    Dataset<Row> sandbox = table("cost_line_items").where("SubAccountId = '981204756630' AND x_OwnershipSource = 'account'");
    assertTrue(sandbox.where("x_ChargeDate < DATE'2026-09-15'").count() > 0);
    assertTrue(sandbox.where("x_ChargeDate >= DATE'2026-09-15'").count() > 0);
    assertEquals(0, sandbox.where("x_ChargeDate < DATE'2026-09-15' AND x_Team <> 'platform'").count());
    assertEquals(0, sandbox.where("x_ChargeDate >= DATE'2026-09-15' AND x_Team <> 'ml-infra'").count());
    // Taxes have no resource and no team tag: the service rule (before accounts) gives them to
    // finance, in FOCUS and CUR alike.
    // (GCP rows inherit their project's labels, so a GCP tax line may carry a team tag and is
    // decided by the tag rule; this checks the FOCUS and CUR sources.)
    Dataset<Row> tax = table("cost_line_items").where("ChargeCategory = 'Tax' AND x_SourceName IN ('focus', 'aws-cur', 'aws-cur2')");
    assertTrue(tax.count() > 0);
    assertEquals(tax.count(), tax.where("x_Team = 'finance' AND x_OwnershipSource = 'service' AND x_OwnershipRuleId = 'services'").count());
  }

  @Test
  void allocationCoverageAddsUpToSilver() {
    spark.read().format("delta").load(work.resolve("warehouse").resolve("cost_line_items").toString()).createOrReplaceTempView("qs_silver");
    table("allocation_coverage").createOrReplaceTempView("qs_coverage");
    List<Row> diff =
        spark.sql(
                "WITH s AS (SELECT x_BillingPeriod, ServiceProviderName, BillingAccountId, BillingCurrency,"
                    + " SUM(EffectiveCost) AS total,"
                    + " SUM(CASE WHEN x_OwnershipSource = 'unallocated' THEN EffectiveCost ELSE 0 END) AS unalloc"
                    + " FROM qs_silver WHERE AllocatedMethodId IS NULL GROUP BY ALL)"
                    + " SELECT * FROM s FULL OUTER JOIN qs_coverage c USING (x_BillingPeriod, ServiceProviderName, BillingAccountId, BillingCurrency)"
                    + " WHERE c.total_cost IS NULL OR s.total IS NULL OR s.total <> c.total_cost OR s.unalloc <> c.unallocated_cost"
                    + " OR c.allocated_cost + c.unallocated_cost <> c.total_cost"
                    + " OR c.tag_cost + c.account_cost + c.resource_cost + c.service_cost <> c.allocated_cost"
                    + " OR c.basis <> 'EffectiveCost'")
            .collectAsList();
    assertEquals(List.of(), diff);
    Row all = spark.sql("SELECT SUM(allocated_cost), SUM(unallocated_cost), COUNT(*) FROM qs_coverage WHERE BillingCurrency = 'USD'").first();
    assertTrue(((BigDecimal) all.get(0)).signum() > 0 && ((BigDecimal) all.get(1)).signum() > 0, "some cost allocated, some not: " + all);
    assertTrue(all.getLong(2) >= 2);
  }

  @Test
  void tagComplianceForEachRequiredKey() {
    Dataset<Row> tc = table("tag_compliance");
    assertEquals(
        List.of("application", "cost_center", "environment", "team"),
        tc.select("tag_key").distinct().orderBy("tag_key").collectAsList().stream().map(r -> r.getString(0)).toList());
    assertEquals(0, tc.where("compliant_cost + invalid_value_cost + missing_cost <> taggable_cost").count());
    assertEquals(0, tc.where("tag_compliance < 0 OR tag_compliance > 1").count());
    // Taggable cost of the team key, summed independently from silver (Usage/Credit/Adjustment lines
    // with a ResourceId, split rows excluded).
    table("cost_line_items").createOrReplaceTempView("qs_silver2");
    BigDecimal expected =
        (BigDecimal) spark.sql("SELECT SUM(EffectiveCost) FROM qs_silver2 WHERE AllocatedMethodId IS NULL AND ResourceId IS NOT NULL"
            + " AND ChargeCategory NOT IN ('Tax', 'Purchase') AND BillingCurrency = 'USD'").first().get(0);
    BigDecimal actual = (BigDecimal) tc.where("tag_key = 'team' AND BillingCurrency = 'USD'").agg(org.apache.spark.sql.functions.sum("taggable_cost")).first().get(0);
    assertEquals(0, expected.compareTo(actual), expected + " vs " + actual);
    // Compliant team cost: rows whose team came from a tag (a valid team tag wins the first rule).
    BigDecimal tagged =
        (BigDecimal) spark.sql("SELECT SUM(EffectiveCost) FROM qs_silver2 WHERE AllocatedMethodId IS NULL AND ResourceId IS NOT NULL"
            + " AND ChargeCategory NOT IN ('Tax', 'Purchase') AND BillingCurrency = 'USD' AND x_OwnershipSource = 'tag'").first().get(0);
    BigDecimal compliant = (BigDecimal) tc.where("tag_key = 'team' AND BillingCurrency = 'USD'").agg(org.apache.spark.sql.functions.sum("compliant_cost")).first().get(0);
    assertEquals(0, tagged.compareTo(compliant), tagged + " vs " + compliant);
  }
}
