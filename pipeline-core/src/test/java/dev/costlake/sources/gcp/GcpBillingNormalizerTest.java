package dev.costlake.sources.gcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlake.model.Focus;
import dev.costlake.quality.Quarantine;
import dev.costlake.sources.RawReader;
import dev.costlake.testing.Frames;
import dev.costlake.testing.TestSpark;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hand-built GCP export rows (raw text as {@link RawReader} gives them), one small scenario per
 * commitment model, with the expected figures worked out by hand in the comments.
 */
class GcpBillingNormalizerTest {
  static final String[] COLS = {
    "billing_account_id", "service", "sku", "usage_start_time", "usage_end_time", "project", "labels",
    "location", "cost", "currency", "usage", "credits", "invoice", "cost_type", "cost_at_list",
    "consumption_model", "subscription"
  };
  static SparkSession spark;
  static Dataset<Row> out;

  static String row(String account, String sku, String start, String cost, String usage, String credits, String month,
      String costType, String model, String subscription, String labels) {
    return String.join("\u0001",
        account,
        "{\"id\":\"6F81\",\"description\":\"Compute Engine\"}",
        "{\"id\":\"S1\",\"description\":\"" + sku + "\"}",
        start,
        start.replace("T00", "T01"),
        "{\"id\":\"p1\",\"name\":\"P one\",\"labels\":[{\"key\":\"team\",\"value\":\"core\"},{\"key\":\"env\",\"value\":\"prod\"}]}",
        labels,
        "{\"region\":\"us-central1\",\"zone\":\"us-central1-a\"}",
        cost, "USD", usage, credits,
        month == null ? "" : "{\"month\":\"" + month + "\"}",
        costType, "", model, subscription);
  }

  static final String CUD = "{\"name\":\"CUD\",\"amount\":%s,\"id\":\"%s\",\"type\":\"%s\"}";

  @BeforeAll
  static void normalize() {
    spark = TestSpark.get();
    List<String> lines = new ArrayList<>();
    String t = "2026-03-02T00:00:00Z";
    String def = "{\"id\":\"default\",\"description\":\"Default\"}";
    // 1. Resource CUD "R": fee 24 for 240 committed hours. VM a: 100 hours, all covered (cost 3.00,
    // credit -3.00); VM b: 40 hours of which 20 covered (cost 1.20, credit -0.60). Covered 120 of
    // 240 hours: shares 24 * 100/240 = 10 and 24 * 20/240 = 2; Unused 24 - 12 = 12.
    lines.add(row("A", "Commitment v1: Cpu in us-central1 for 1 Year", t, "24", "{\"amount_in_pricing_units\":240,\"pricing_unit\":\"hour\"}", "[]", "202603", "regular", def, "{\"instance_id\":\"R\"}", "[]"));
    lines.add(row("A", "N2 core", t, "3.00", "{\"amount\":360000,\"amount_in_pricing_units\":100,\"pricing_unit\":\"hour\"}", "[" + String.format(CUD, "-3.00", "R", "COMMITTED_USAGE_DISCOUNT") + "]", "202603", "regular", def, "", "[{\"key\":\"env\",\"value\":\"dev\"}]"));
    lines.add(row("A", "N2 core", t, "1.20", "{\"amount\":144000,\"amount_in_pricing_units\":40,\"pricing_unit\":\"hour\"}", "[" + String.format(CUD, "-0.60", "R", "COMMITTED_USAGE_DISCOUNT") + ",{\"name\":\"SUD\",\"amount\":-0.10,\"id\":\"s\",\"type\":\"SUSTAINED_USAGE_DISCOUNT\"}]", "202603", "regular", def, "", "[]"));
    // 2. Legacy spend CUD "L" (before 2026-01-21): fee 36 for 50 of on-demand value; credits -25
    // on a 25.00 row. Share 36 * 25/50 = 18; Unused 18.
    String old = "2025-12-05T00:00:00Z";
    lines.add(row("B", "Commitment - dollar based v1: Cloud SQL for 1 Year", old, "36", "{\"amount_in_pricing_units\":50,\"pricing_unit\":\"USD\"}", "[]", "202512", "regular", def, "{\"instance_id\":\"L\"}", "[]"));
    lines.add(row("B", "Cloud SQL vCPU", old, "25.00", "{\"amount_in_pricing_units\":600}", "[" + String.format(CUD, "-25.00", "L", "COMMITTED_USAGE_DISCOUNT_DOLLAR_BASE") + "]", "202512", "regular", def, "", "[]"));
    // 3. New model, account B in 2026-03: fee 36 offset -30 (used 30 by two discounted rows of 10
    // and 20): Unused 36 - 30 = 6. A zero-use fee row of the same account the next day with no
    // offset still follows the new model: Unused 36.
    String cm = "{\"id\":\"CM\",\"description\":\"Compute Flexible CUD\"}";
    lines.add(row("B", "Commitment fee: flexible spend-based CUD", t, "36", "{}", "[{\"name\":\"offset\",\"amount\":-30,\"id\":\"N\",\"type\":\"FEE_UTILIZATION_OFFSET\"}]", "202603", "regular", cm, "{\"instance_id\":\"N\"}", "[]"));
    lines.add(row("B", "N2 core", t, "10", "{}", "[]", "202603", "regular", cm, "", "[]"));
    lines.add(row("B", "N2 core", t, "20", "{}", "[]", "202603", "regular", cm, "", "[]"));
    lines.add(row("B", "Commitment fee: flexible spend-based CUD", "2026-03-03T00:00:00Z", "36", "{}", "[]", "202603", "regular", def, "{\"instance_id\":\"N\"}", "[]"));
    // 4. Tax, and a row without invoice month (quarantined).
    lines.add(row("A", "Tax", t, "1.50", "{}", "[]", "202603", "tax", def, "", "[]"));
    lines.add(row("A", "N2 core", t, "2.00", "{}", "[]", null, "regular", def, "", "[]"));

    StructType schema = new StructType();
    for (String c : COLS) schema = schema.add(c, DataTypes.StringType);
    schema = schema.add(RawReader.CORRUPT, DataTypes.StringType).add(Focus.X_SOURCE_FILE, DataTypes.StringType)
        .add(Focus.X_SOURCE_ROW, DataTypes.LongType).add(Focus.X_SOURCE_FORMAT, DataTypes.StringType);
    List<Row> rows = new ArrayList<>();
    long n = 1;
    for (String l : lines) {
      List<Object> v = new ArrayList<>(List.of((Object[]) l.split("\u0001", -1)));
      v.add(null);
      v.add("f.json");
      v.add(n++);
      v.add("gcp-billing");
      rows.add(RowFactory.create(v.toArray()));
    }
    out = GcpBillingNormalizer.normalize(spark.createDataFrame(rows, schema), "gcp", "run", Map.of()).cache();
  }

  static Dataset<Row> valid() {
    return Quarantine.valid(out);
  }

  static BigDecimal sum(String where, String column) {
    return Frames.sum(valid().where(where), column);
  }

  static String cudModel(String where) {
    return valid().where(where).selectExpr("x_Extensions['x_CudModel']").first().getString(0);
  }

  static void money(String expected, BigDecimal actual, String what) {
    Frames.assertMoney(new BigDecimal(expected), actual, what);
  }

  @Test
  void resourceCudSharesTheFeeByCoveredHours() {
    money("10", sum("x_SourceRow = 2 AND x_SourceRowPart = 0", Focus.EffectiveCost), "VM a share");
    money("2", sum("x_SourceRow = 3 AND x_SourceRowPart = 0", Focus.EffectiveCost), "VM b share");
    money("12", sum("CommitmentDiscountId = 'R' AND CommitmentDiscountStatus = 'Unused'", Focus.EffectiveCost), "Unused");
    money("24", sum("CommitmentDiscountId = 'R' AND CommitmentDiscountStatus IN ('Used', 'Unused')", Focus.EffectiveCost), "Used + Unused = fee");
    // VM b: covered half (billed 0.60, 20 hours), uncovered rest (billed 0.60, 20 hours), the CUD
    // credit (-0.60, effective 0) and the SUD credit (-0.10, effective -0.10).
    money("0.60", sum("x_SourceRow = 3 AND x_SourceRowPart = 2", Focus.BilledCost), "uncovered rest");
    money("20", sum("x_SourceRow = 3 AND x_SourceRowPart = 2", Focus.PricingQuantity), "uncovered hours");
    money("20", sum("x_SourceRow = 3 AND x_SourceRowPart = 0", Focus.PricingQuantity), "covered hours");
    money("-0.70", sum("x_SourceRow = 3 AND ChargeCategory = 'Credit'", Focus.BilledCost), "credits");
    money("-0.10", sum("x_SourceRow = 3 AND ChargeCategory = 'Credit'", Focus.EffectiveCost), "only the SUD is effective");
    money("0.50", sum("x_SourceRow = 3", Focus.BilledCost), "net = cost + credits = 1.20 - 0.70");
    Row fee = valid().where("x_SourceRow = 1 AND x_SourceRowPart = 0").first();
    assertEquals("Purchase", fee.getAs(Focus.ChargeCategory));
    assertEquals("Committed Use Discount (Resource)", fee.getAs(Focus.CommitmentDiscountType));
    assertEquals("Usage", fee.getAs(Focus.CommitmentDiscountCategory));
    money("0", fee.getAs(Focus.EffectiveCost), "fee effective");
    assertEquals("Used", valid().where("x_SourceRow = 2 AND x_SourceRowPart = 0").first().getAs(Focus.CommitmentDiscountStatus));
  }

  @Test
  void legacySpendCudSharesTheFeeByCoveredValue() {
    money("18", sum("CommitmentDiscountId = 'L' AND CommitmentDiscountStatus = 'Used'", Focus.EffectiveCost), "share");
    money("18", sum("CommitmentDiscountId = 'L' AND CommitmentDiscountStatus = 'Unused'", Focus.EffectiveCost), "Unused");
    assertEquals("spend-legacy", cudModel("CommitmentDiscountId = 'L' AND CommitmentDiscountStatus = 'Unused'"));
    money("36", sum("BillingAccountId = 'B' AND x_BillingPeriod = '2025-12'", Focus.EffectiveCost), "period effective = net billed");
    Row r = valid().where("CommitmentDiscountId = 'L' AND x_SourceRowPart = 0 AND ChargeCategory = 'Purchase'").first();
    assertEquals(java.sql.Timestamp.from(java.time.Instant.parse("2025-12-01T08:00:00Z")), r.getAs(Focus.BillingPeriodStart), "Pacific invoice month");
    assertEquals(java.sql.Timestamp.from(java.time.Instant.parse("2026-01-01T08:00:00Z")), r.getAs(Focus.BillingPeriodEnd));
  }

  @Test
  void newSpendModelUsesTheOffsetCredits() {
    money("6", sum("BillingAccountId = 'B' AND x_SourceRow = 6 AND CommitmentDiscountStatus = 'Unused'", Focus.EffectiveCost), "fee + offset");
    money("30", sum("CommitmentDiscountId = 'B/CM' AND CommitmentDiscountStatus = 'Used'", Focus.EffectiveCost), "used at discounted cost");
    // The idle fee row has neither offset nor consumption model: new model by the account's switch
    // (its first new-model row, the day before), so Unused = the whole fee, no credit model share.
    money("36", sum("CommitmentDiscountId = 'N' AND x_SourceRow = 9 AND CommitmentDiscountStatus = 'Unused'", Focus.EffectiveCost), "idle day");
    assertEquals("spend-new", cudModel("x_SourceRow = 9 AND x_SourceRowPart = 1"));
    money("36", sum("CommitmentDiscountId = 'B/CM' AND CommitmentDiscountStatus IN ('Used', 'Unused')", Focus.EffectiveCost), "Used + Unused = fee");
    money("0", sum("x_SourceRow = 6 AND ChargeCategory = 'Credit'", Focus.EffectiveCost), "offset effective 0");
    money("-30", sum("x_SourceRow = 6 AND ChargeCategory = 'Credit'", Focus.BilledCost), "offset billed");
    money("72", sum("BillingAccountId = 'B' AND x_BillingPeriod = '2026-03'", Focus.BilledCost), "36 - 30 + 10 + 20 + 36");
    money("72", sum("BillingAccountId = 'B' AND x_BillingPeriod = '2026-03'", Focus.EffectiveCost), "effective = billed over the period");
  }

  @Test
  void taxTagsAndQuarantine() {
    assertEquals("Tax", valid().where("x_SourceRow = 10").first().getAs(Focus.ChargeCategory));
    // Resource labels win over project labels: env=dev from the row, team=core from the project.
    assertEquals("{\"env\":\"dev\",\"team\":\"core\"}", valid().where("x_SourceRow = 2 AND x_SourceRowPart = 0").first().getAs(Focus.Tags));
    Dataset<Row> q = Quarantine.rejected(out);
    assertEquals(1, q.count());
    Row bad = q.first();
    assertEquals(11L, (long) bad.getAs(Focus.X_SOURCE_ROW));
    String reason = bad.getAs(Quarantine.REASON);
    assertTrue(reason.contains("MISSING_REQUIRED:invoice.month"), reason);
    assertNull(valid().where("x_SourceRow = 11").isEmpty() ? null : "row 11 in silver");
    // Raw rows = part-0 rows of silver + quarantine.
    assertEquals(11, valid().where("x_SourceRowPart = 0").count() + q.count());
  }
}
