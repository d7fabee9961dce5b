package dev.costlake.sources.focus;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlake.model.Focus;
import dev.costlake.quality.Quarantine;
import dev.costlake.sources.RawReader;
import dev.costlake.testing.TestSpark;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Parsing rules of the FOCUS normalizer, on hand-written raw rows. */
class FocusNormalizerTest {
  private static final String[] COLS = {
    "BilledCost", "effectivecost", "BillingCurrency", "BillingAccountId", "BillingPeriodStart",
    "ChargePeriodStart", "ChargeCategory", "ChargeFrequency", "Tags", "x_Operation", "Id"
  };

  private final SparkSession spark = TestSpark.get();

  private Dataset<Row> raw(String[]... rows) {
    StructType schema = new StructType();
    for (String c : COLS) {
      schema = schema.add(c, DataTypes.StringType);
    }
    schema =
        schema
            .add(RawReader.CORRUPT, DataTypes.StringType)
            .add(Focus.X_SOURCE_FILE, DataTypes.StringType)
            .add(Focus.X_SOURCE_ROW, DataTypes.LongType)
            .add(Focus.X_SOURCE_FORMAT, DataTypes.StringType);
    List<Row> out = new ArrayList<>();
    long n = 1;
    for (String[] r : rows) {
      Object[] vals = new Object[COLS.length + 4];
      System.arraycopy(r, 0, vals, 0, COLS.length);
      vals[COLS.length] = r.length > COLS.length ? r[COLS.length] : null;
      vals[COLS.length + 1] = "file:/landing/f.csv";
      vals[COLS.length + 2] = n++;
      vals[COLS.length + 3] = "focus-1.0";
      out.add(RowFactory.create(vals));
    }
    return spark.createDataFrame(out, schema);
  }

  private static String[] good(String billed, String effective) {
    return new String[] {
      billed, effective, "USD", "123", "2024-09-01 00:00:00", "2024-09-18T22:00:00Z", "usage",
      "Usage-based", "{\"team\": \"a\", \"n\": 3, \"flag\": true}", "RunInstances", "77"
    };
  }

  @Test
  void parsesDecimalsExactlyIncludingENotation() {
    Dataset<Row> out =
        FocusNormalizer.normalize(
            raw(good("35.2E-7", "0.00000080000"), good("1234567.123456789012", "-1.5e2")),
            "src",
            "run1",
            Map.of());
    List<Row> rows = out.orderBy(Focus.X_SOURCE_ROW).collectAsList();
    assertEquals(0, new BigDecimal("0.00000352").compareTo(rows.get(0).getAs(Focus.BilledCost)));
    assertEquals(0, new BigDecimal("0.0000008").compareTo(rows.get(0).getAs(Focus.EffectiveCost)));
    assertEquals(
        0, new BigDecimal("1234567.123456789012").compareTo(rows.get(1).getAs(Focus.BilledCost)));
    assertEquals(0, new BigDecimal("-150").compareTo(rows.get(1).getAs(Focus.EffectiveCost)));
    assertEquals(0, rows.get(0).<scala.collection.Seq<?>>getAs(Quarantine.REASONS).size());
  }

  @Test
  void decimalsGivenAsDecimalsAreTakenAsTheyAreAndTooWideOnesQuarantined() {
    // A provider mapping hands amounts over as decimals (no text round trip): BilledCost typed.
    Dataset<Row> typed =
        raw(good("0", "2.5"), good("0", "1"), good("0", "1"))
            .withColumn(
                "BilledCost",
                when(col(Focus.X_SOURCE_ROW).equalTo(1), lit(new BigDecimal("1234567.123456789012")))
                    .when(col(Focus.X_SOURCE_ROW).equalTo(2), lit(new BigDecimal("1E+20")))
                    .cast(DataTypes.createDecimalType(38, 12)));
    List<Row> rows = FocusNormalizer.normalize(typed, "src", "run1", Map.of()).orderBy(Focus.X_SOURCE_ROW).collectAsList();
    assertEquals(0, new BigDecimal("1234567.123456789012").compareTo(rows.get(0).getAs(Focus.BilledCost)));
    assertEquals(0, rows.get(0).getList(rows.get(0).fieldIndex(Quarantine.REASONS)).size());
    // 10^20 needs 21 integer digits; DECIMAL(30,12) holds 18: quarantined, not truncated.
    assertNull(rows.get(1).getAs(Focus.BilledCost));
    assertTrue(rows.get(1).getList(rows.get(1).fieldIndex(Quarantine.REASONS)).contains(Quarantine.UNPARSABLE_NUMBER + ":" + Focus.BilledCost));
    // A missing decimal is a missing required value, as for text.
    assertTrue(rows.get(2).getList(rows.get(2).fieldIndex(Quarantine.REASONS)).contains(Quarantine.MISSING_REQUIRED + ":" + Focus.BilledCost));
  }

  @Test
  void placeholdersBecomeNullAndEnumsTakeCanonicalSpelling() {
    String[] r = good("1", "1");
    r[9] = "NULL";
    r[10] = " null ";
    r[8] = "";
    Row row = FocusNormalizer.normalize(raw(r), "src", "run1", Map.of()).first();
    assertNull(row.getAs(Focus.Tags));
    assertNull(row.getAs(Focus.X_TAGS_MAP));
    assertNull(row.getAs(Focus.X_EXTENSIONS), "all provider columns were placeholders");
    assertEquals("Usage", row.getAs(Focus.ChargeCategory));
    assertEquals("Usage-Based", row.getAs(Focus.ChargeFrequency));
    assertNull(row.getAs(Focus.ContractedCost), "absent columns are null");
  }

  @Test
  void timestampsAreUtcAndDeriveBillingPeriodAndChargeDate() {
    String[] r = good("1", "1");
    r[4] = "2024-09-01T00:00:00.000Z";
    r[5] = "2024-09-30 23:30:00";
    Row row = FocusNormalizer.normalize(raw(r), "src", "run1", Map.of()).first();
    assertEquals(
        Timestamp.from(Instant.parse("2024-09-01T00:00:00Z")), row.getAs(Focus.BillingPeriodStart));
    assertEquals(
        Timestamp.from(Instant.parse("2024-09-30T23:30:00Z")), row.getAs(Focus.ChargePeriodStart));
    assertEquals("2024-09", row.getAs(Focus.X_BILLING_PERIOD));
    assertEquals(java.sql.Date.valueOf("2024-09-30"), row.getAs(Focus.X_CHARGE_DATE));
  }

  @Test
  void tagsAndProviderColumnsAreKept() {
    Row row = FocusNormalizer.normalize(raw(good("1", "1")), "src", "run1", Map.of()).first();
    Map<String, String> tags = row.getJavaMap(row.fieldIndex(Focus.X_TAGS_MAP));
    assertEquals(Map.of("team", "a", "n", "3", "flag", "true"), tags);
    Map<String, String> ext = row.getJavaMap(row.fieldIndex(Focus.X_EXTENSIONS));
    assertEquals(Map.of("x_Operation", "RunInstances", "Id", "77"), ext);
    assertEquals("src", row.getAs(Focus.X_SOURCE_NAME));
    assertEquals("run1", row.getAs(Focus.X_INGESTION_RUN_ID));
  }

  @Test
  void invalidRowsCarryReasonsAndRawRecord() {
    String[] badNumber = good("12.3.4", "1");
    String[] badTime = good("1", "1");
    badTime[5] = "2024-13-45 99:00:00";
    String[] noCurrency = good("1", "1");
    noCurrency[2] = "";
    String[] badCurrency = good("1", "1");
    badCurrency[2] = "XYZ";
    String[] badTags = good("1", "1");
    badTags[8] = "{\"team\": \"x\"";
    String[] malformed = java.util.Arrays.copyOf(good("1", "1"), COLS.length + 1);
    malformed[COLS.length] = "1,1,USD";
    Dataset<Row> out =
        FocusNormalizer.normalize(
            raw(badNumber, badTime, noCurrency, badCurrency, badTags, malformed, good("2", "2")),
            "src",
            "run1",
            Map.of());
    List<Row> q = Quarantine.rejected(out).orderBy(Focus.X_SOURCE_ROW).collectAsList();
    assertEquals(6, q.size());
    assertEquals("UNPARSABLE_NUMBER:BilledCost; MISSING_REQUIRED:BilledCost", q.get(0).getAs(Quarantine.REASON));
    assertEquals(
        "UNPARSABLE_TIMESTAMP:ChargePeriodStart; MISSING_REQUIRED:ChargePeriodStart",
        q.get(1).getAs(Quarantine.REASON));
    assertEquals("MISSING_REQUIRED:BillingCurrency", q.get(2).getAs(Quarantine.REASON));
    assertEquals("UNKNOWN_CURRENCY", q.get(3).getAs(Quarantine.REASON));
    assertEquals("INVALID_JSON:Tags", q.get(4).getAs(Quarantine.REASON));
    assertEquals("MALFORMED_ROW", q.get(5).getAs(Quarantine.REASON));
    assertEquals("file:/landing/f.csv", q.get(0).getAs(Focus.X_SOURCE_FILE));
    assertEquals(1L, (long) q.get(0).getAs(Focus.X_SOURCE_ROW));
    assertTrue(q.get(0).<String>getAs(Quarantine.RAW_RECORD).contains("\"BilledCost\":\"12.3.4\""));
    assertEquals(1, Quarantine.valid(out).count());
  }

  @Test
  void defaultsFillAbsentColumns() {
    String[] r = good("1", "1");
    r[2] = "NULL";
    Row row =
        FocusNormalizer.normalize(raw(r), "src", "run1", Map.of("billingcurrency", "EUR", "ProviderName", "Example"))
            .first();
    assertEquals("EUR", row.getAs(Focus.BillingCurrency));
    assertEquals("Example", row.getAs(Focus.ProviderName));
    assertEquals("Example", row.getAs(Focus.ServiceProviderName), "1.3 name filled from the 1.0 name");
  }
}
