package dev.costlake.ownership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlake.testing.Frames;
import dev.costlake.testing.TestSpark;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mapping changes re-enrich silver from silver itself: a reorg (as-was), the same history
 * restated as-is, only the periods whose owners change are rewritten, the KPI tables follow,
 * unchanged rules write nothing, and a bad mapping stops the run with exit 2 naming file and
 * line and changing no table. Owners and figures below were worked out by hand.
 */
class OwnershipRefreshTest {
  @TempDir Path work;
  final SparkSession spark = TestSpark.get();

  static final String HEADER =
      "BillingAccountId,BillingCurrency,BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,ChargePeriodEnd,"
          + "ChargeCategory,BilledCost,EffectiveCost,ServiceName,SubAccountId,ResourceId,ProviderName,Tags\n";

  static String line(String period, String day, String category, String cost, String sub, String resource, String tags) {
    String end = period.equals("2024-09") ? "2024-10-01" : "2024-09-01";
    return String.join(",", "B1", "USD", period + "-01", end, day + "T00:00:00Z", day + "T01:00:00Z", category, cost, cost,
            "Compute", sub, resource == null ? "" : resource, "Example", tags == null ? "" : tags) + "\n";
  }

  static final String EXPORT =
      HEADER
          + line("2024-09", "2024-09-10", "Usage", "10", "acct-1", "r-1", null) // r1
          + line("2024-09", "2024-09-20", "Usage", "20", "acct-1", "r-2", null) // r2
          + line("2024-09", "2024-09-12", "Usage", "5", "acct-3", "r-3", null) // r3
          + line("2024-09", "2024-09-05", "Usage", "7", "acct-2", "r-4", "\"{\"\"team\"\": \"\"B\"\"}\"") // r4
          + line("2024-09", "2024-09-30", "Tax", "1.5", "acct-1", null, null) // r5
          + line("2024-08", "2024-08-10", "Usage", "3", "acct-2", "r-5", null); // r6

  static final String V1 = "account_id,team,valid_from,valid_to\nacct-1,A,,\nacct-2,C,,\n";
  // The reorg: acct-1 moves to B on 2024-09-15; acct-3 gets an owner.
  static final String V2 =
      "account_id,team,valid_from,valid_to\nacct-1,A,,2024-09-15\nacct-1,B,2024-09-15,\nacct-2,C,,\nacct-3,C,,\n";

  Path conf;

  void setUp() throws IOException {
    Files.createDirectories(work.resolve("landing/focus"));
    Files.writeString(work.resolve("landing/focus/export.csv"), EXPORT);
    Files.createDirectories(work.resolve("conf/mappings"));
    Files.writeString(work.resolve("conf/mappings/owners.csv"), "team\nA\nB\nC\n");
    Files.writeString(work.resolve("conf/mappings/accounts.csv"), V1);
    conf = work.resolve("conf/test.conf");
    Files.writeString(
        conf,
        "costlake {\n"
            + "  landing = \"" + work.resolve("landing").toUri() + "\"\n"
            + "  warehouse = \"" + work.resolve("warehouse").toUri() + "\"\n"
            + "  sources = [ { name = focus, format = focus, path = focus } ]\n"
            + "  ownership {\n"
            + "    owners = mappings/owners.csv\n"
            + "    rules = [ { id = tags, type = tag }, { id = accts, type = account, mapping = mappings/accounts.csv } ]\n"
            + "    compliance.required-tags = [team]\n"
            + "  }\n"
            + "}\n");
  }

  String[] nightly(String... extra) {
    String[] args = new String[3 + extra.length];
    args[0] = "nightly";
    args[1] = "--conf";
    args[2] = conf.toString();
    System.arraycopy(extra, 0, args, 3, extra.length);
    return QuickStartOwnershipTest.run(args);
  }

  Dataset<Row> table(String name) {
    return spark.read().format("delta").load(work.resolve("warehouse").resolve(name).toString());
  }

  long version(String name) {
    return io.delta.tables.DeltaTable.forPath(spark, work.resolve("warehouse").resolve(name).toString())
        .history(1).select("version").first().getLong(0);
  }

  void assertOwners(List<List<Object>> expected) {
    Frames.assertSameRows(expected, table("cost_line_items").select("ResourceId", "x_ChargeDate", "x_Team", "x_OwnershipSource")
        .selectExpr("coalesce(ResourceId, 'tax')", "CAST(x_ChargeDate AS STRING)", "x_Team", "x_OwnershipSource"));
  }

  static List<Object> o(String res, String day, String team, String source) {
    return Frames.row(res, day, team, source);
  }

  BigDecimal coverage() {
    return (BigDecimal) table("allocation_coverage").where("x_BillingPeriod = '2024-09'").select("allocation_coverage").first().get(0);
  }

  static BigDecimal ratio(String a, String b) {
    return new BigDecimal(a).divide(new BigDecimal(b), 6, RoundingMode.HALF_UP);
  }

  @Test
  void mappingChangesReEnrichOnlyThePeriodsWhoseOwnersChange() throws IOException {
    setUp();
    String[] r1 = nightly();
    assertEquals("0", r1[0], r1[2]);
    assertOwners(List.of(
        o("r-1", "2024-09-10", "A", "account"), o("r-2", "2024-09-20", "A", "account"),
        o("r-3", "2024-09-12", "unallocated", "unallocated"), o("r-4", "2024-09-05", "B", "tag"),
        o("tax", "2024-09-30", "A", "account"), o("r-5", "2024-08-10", "C", "account")));
    // 2024-09: 43.5 in all, acct-3's 5 unallocated.
    assertEquals(ratio("38.5", "43.5"), coverage());
    // team tag compliance: taggable = 10 + 20 + 5 + 7 (tax and no-resource lines out), tagged 7.
    Row tc = table("tag_compliance").where("x_BillingPeriod = '2024-09'").first();
    assertEquals(0, new BigDecimal("42").compareTo(tc.getAs("taggable_cost")));
    assertEquals(ratio("7", "42"), tc.getAs("tag_compliance"));
    assertEquals(1, table("ownership_versions").count());

    // Unchanged rules and landing: nothing is rewritten.
    long silverV = version("cost_line_items");
    String[] r2 = nightly();
    assertEquals("0", r2[0], r2[2]);
    assertEquals(silverV, version("cost_line_items"));
    assertEquals(1, table("ownership_versions").count());

    // The reorg, history as-was: acct-1 is A before 09-15 and B from then; acct-3 is C.
    Files.writeString(work.resolve("conf/mappings/accounts.csv"), V2);
    String[] r3 = nightly();
    assertEquals("0", r3[0], r3[2]);
    assertTrue(r3[2].contains("owners changed in 1 [2024-09]"), r3[2]);
    assertOwners(List.of(
        o("r-1", "2024-09-10", "A", "account"), o("r-2", "2024-09-20", "B", "account"),
        o("r-3", "2024-09-12", "C", "account"), o("r-4", "2024-09-05", "B", "tag"),
        o("tax", "2024-09-30", "B", "account"), o("r-5", "2024-08-10", "C", "account")));
    assertEquals(new BigDecimal("1.000000"), coverage());
    Row last = table("ownership_versions").orderBy(org.apache.spark.sql.functions.col("recorded_at").desc()).first();
    assertEquals(List.of("2024-09"), last.getList(last.fieldIndex("periods_rewritten")));
    assertEquals(2, table("ownership_versions").count());
    // Σ cost unchanged by re-enrichment.
    assertEquals(0, new BigDecimal("46.5").compareTo(Frames.sum(table("cost_line_items"), "EffectiveCost")));

    // The same rules as-is: history restated with today's mapping (r-1 becomes B).
    String[] r4 = nightly("--set", "ownership.history=as-is");
    assertEquals("0", r4[0], r4[2]);
    assertOwners(List.of(
        o("r-1", "2024-09-10", "B", "account"), o("r-2", "2024-09-20", "B", "account"),
        o("r-3", "2024-09-12", "C", "account"), o("r-4", "2024-09-05", "B", "tag"),
        o("tax", "2024-09-30", "B", "account"), o("r-5", "2024-08-10", "C", "account")));

    // A bad mapping stops the run before any write: exit 2, file and line named.
    long before = version("cost_line_items");
    Files.writeString(work.resolve("conf/mappings/accounts.csv"), V2 + "acct-2,A,2024-01-01,\n");
    String[] r5 = nightly("--full-refresh");
    assertEquals("2", r5[0], r5[2]);
    assertTrue(r5[2].contains(work.resolve("conf/mappings/accounts.csv").toString()) && r5[2].contains("line 6")
        && r5[2].contains("overlapping date ranges"), r5[2]);
    assertEquals(before, version("cost_line_items"));
  }
}
