package dev.costlake.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlake.testing.Cli;
import dev.costlake.testing.Frames;
import dev.costlake.testing.TestSpark;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad-input catalogue: one landing file per kind of bad (or merely awkward) input, each with
 * its documented outcome, and raw = silver + quarantine by rows and by cost over all of them.
 * Inputs that make a file unreadable fail the run and change no table; each has its own run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputCatalogueTest {
  static final String H =
      "BillingAccountId,BillingCurrency,BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,ChargePeriodEnd,ChargeCategory,BilledCost,EffectiveCost,ServiceName,ConsumedQuantity,Tags";

  @TempDir static Path work;
  SparkSession spark;
  String log;

  static String row(String account, String currency, String day, String cost, String service, String qty, String tags) {
    return String.join(",", account, currency, "2026-09-01T00:00:00Z", "2026-10-01T00:00:00Z", day + "T00:00:00Z", day + "T01:00:00Z", "Usage", cost, cost, service, qty, tags);
  }

  static String good(String file, String cost) {
    return row(file, "USD", "2026-09-05", cost, "Compute", "1", "");
  }

  static void write(String name, String text) throws IOException {
    Path p = work.resolve("landing/cat/" + name);
    Files.createDirectories(p.getParent());
    Files.write(p, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Expected silver rows and Σ BilledCost by account (each file has its own account). */
  static final Map<String, Object[]> EXPECTED_SILVER = new java.util.TreeMap<>();
  /** Expected quarantine reason per account. */
  static final Map<String, String> EXPECTED_QUARANTINE = new java.util.TreeMap<>();

  @BeforeAll
  void buildLandingAndRun() throws IOException {
    spark = TestSpark.get();
    // 1-2: too few / too many fields
    write("01-few-fields.csv", H + "\n" + good("f01", "1") + "\nf01,USD,2026-09-01T00:00:00Z\n");
    write("02-many-fields.csv", H + "\n" + good("f02", "1") + "\n" + good("f02", "2") + ",extra,more\n");
    // 3-4: unparsable number, unparsable date
    write("03-bad-number.csv", H + "\n" + good("f03", "1") + "\n" + good("f03", "1,5").replace("\"", "") .replace(",1,5,1,5,", ",\"1,5\",\"1,5\",") + "\n");
    write("04-bad-date.csv", H + "\n" + good("f04", "1") + "\n" + row("f04", "USD", "2026-02-30", "2", "Compute", "1", "") + "\n");
    // 5-7: missing required value, unknown currency, invalid tag JSON
    write("05-missing-account.csv", H + "\n" + good("f05", "1") + "\n" + row("", "USD", "2026-09-05", "2", "Compute", "1", "") + "\n");
    write("06-unknown-currency.csv", H + "\n" + good("f06", "1") + "\n" + row("f06", "ABC", "2026-09-05", "2", "Compute", "1", "") + "\n");
    write("07-bad-tags.csv", H + "\n" + good("f07", "1") + "\n" + row("f07", "USD", "2026-09-05", "2", "Compute", "1", "\"{\"\"team\"\": \"\"x\"\"\"") + "\n");
    // 8: non-UTF-8 text (a Latin-1 é)
    Path latin = work.resolve("landing/cat/08-latin1.csv");
    Files.write(latin, (H + "\n" + good("f08", "1") + "\n" + row("f08", "USD", "2026-09-05", "2", "Caf\u00e9", "1", "") + "\n").getBytes(StandardCharsets.ISO_8859_1));
    // 9-11: empty file, header only, duplicated file
    write("09-empty.csv", "");
    write("10-header-only.csv", H + "\n");
    write("11-original.csv", H + "\n" + good("f11", "4") + "\n");
    write("11-uploaded-twice.csv", H + "\n" + good("f11", "4") + "\n");
    // 12: mixed currencies in one file
    write("12-mixed-currencies.csv", H + "\n" + good("f12", "1") + "\n" + row("f12", "EUR", "2026-09-05", "2", "Compute", "1", "") + "\n");
    // 13-14: charge outside the billing period (late usage), negative quantity (kept)
    write("13-outside-period.csv", H + "\n" + row("f13", "USD", "2026-08-31", "3", "Compute", "1", "") + "\n");
    write("14-negative-quantity.csv", H + "\n" + row("f14", "USD", "2026-09-05", "-2", "Compute", "-5", "") + "\n");
    // 15: giant tag JSON (300 tags)
    StringBuilder tags = new StringBuilder("{");
    for (int i = 0; i < 300; i++) {
      tags.append(i > 0 ? ", " : "").append("\"\"key").append(i).append("\"\": \"\"").append("v".repeat(30)).append("\"\"");
    }
    write("15-giant-tags.csv", H + "\n" + row("f15", "USD", "2026-09-05", "5", "Compute", "1", "\"" + tags + "}\"") + "\n");
    // 16: extra provider columns
    write("16-extra-columns.csv", H + ",x_Region,Comment\n" + good("f16", "6") + ",eu-1,hello\n");
    // 17: UTF-8 BOM and CRLF line endings
    write("17-bom-crlf.csv", "\uFEFF" + H + "\r\n" + good("f17", "7") + "\r\n" + good("f17", "8") + "\r\n");
    // 18: quoted field with a comma and a line break
    write("18-multiline.csv", H + "\n" + row("f18", "USD", "2026-09-05", "9", "\"Compute, with\nnewline\"", "1", "") + "\n");
    // 19: E-notation and NULL placeholders
    write("19-enotation.csv", H + "\n" + row("f19", "USD", "2026-09-05", "1.5E+1", "NULL", "NULL", "NULL") + "\n");
    // 20: not an export at all
    write("20-notes.txt", "hello");

    EXPECTED_SILVER.put("f01", new Object[] {1L, "1"});
    EXPECTED_SILVER.put("f02", new Object[] {1L, "1"});
    EXPECTED_SILVER.put("f03", new Object[] {1L, "1"});
    EXPECTED_SILVER.put("f04", new Object[] {1L, "1"});
    EXPECTED_SILVER.put("f05", new Object[] {1L, "1"});
    EXPECTED_SILVER.put("f06", new Object[] {1L, "1"});
    EXPECTED_SILVER.put("f07", new Object[] {1L, "1"});
    EXPECTED_SILVER.put("f08", new Object[] {1L, "1"});
    EXPECTED_SILVER.put("f11", new Object[] {1L, "4"});
    EXPECTED_SILVER.put("f12", new Object[] {2L, "3"});
    EXPECTED_SILVER.put("f13", new Object[] {1L, "3"});
    EXPECTED_SILVER.put("f14", new Object[] {1L, "-2"});
    EXPECTED_SILVER.put("f15", new Object[] {1L, "5"});
    EXPECTED_SILVER.put("f16", new Object[] {1L, "6"});
    EXPECTED_SILVER.put("f17", new Object[] {2L, "15"});
    EXPECTED_SILVER.put("f18", new Object[] {1L, "9"});
    EXPECTED_SILVER.put("f19", new Object[] {1L, "15"});
    EXPECTED_QUARANTINE.put("01-few-fields.csv", "MALFORMED_ROW");
    EXPECTED_QUARANTINE.put("02-many-fields.csv", "MALFORMED_ROW");
    EXPECTED_QUARANTINE.put("03-bad-number.csv", "UNPARSABLE_NUMBER:BilledCost");
    EXPECTED_QUARANTINE.put("04-bad-date.csv", "UNPARSABLE_TIMESTAMP:ChargePeriodStart");
    EXPECTED_QUARANTINE.put("05-missing-account.csv", "MISSING_REQUIRED:BillingAccountId");
    EXPECTED_QUARANTINE.put("06-unknown-currency.csv", "UNKNOWN_CURRENCY");
    EXPECTED_QUARANTINE.put("07-bad-tags.csv", "INVALID_JSON:Tags");
    EXPECTED_QUARANTINE.put("08-latin1.csv", "INVALID_ENCODING");

    String[] r = run(work.resolve("landing"), work.resolve("wh"));
    assertEquals("0", r[0], r[1]);
    log = r[1];
  }

  static String[] run(Path landing, Path wh) {
    Cli.Result r =
        Cli.run("nightly", "--set", "landing=" + landing.toUri(), "--set", "warehouse=" + wh.toUri(), "--set", "sources=[{name=cat, path=cat}]");
    return new String[] {String.valueOf(r.code()), r.err()};
  }

  private Dataset<Row> table(String name) {
    return spark.read().format("delta").load(work.resolve("wh/" + name).toString());
  }

  @Test
  void eachKindHasItsDocumentedOutcome() {
    Dataset<Row> silver = table("cost_line_items");
    for (Map.Entry<String, Object[]> e : EXPECTED_SILVER.entrySet()) {
      Dataset<Row> s = silver.where("BillingAccountId = '" + e.getKey() + "'");
      assertEquals((long) e.getValue()[0], s.count(), e.getKey() + " rows in silver");
      Frames.assertMoney(new BigDecimal((String) e.getValue()[1]), Frames.sum(s, "BilledCost"), e.getKey() + " Σ BilledCost");
    }
    Dataset<Row> q = table("quarantine_line_items");
    for (Map.Entry<String, String> e : EXPECTED_QUARANTINE.entrySet()) {
      Dataset<Row> rows = q.where("x_SourceFile LIKE '%/" + e.getKey() + "'");
      assertEquals(1, rows.count(), e.getKey());
      String reason = rows.first().getAs("x_QuarantineReason");
      assertTrue(reason.contains(e.getValue()), e.getKey() + ": " + reason);
    }
    assertEquals(EXPECTED_QUARANTINE.size(), q.count());
    // Mixed currencies stay apart in gold.
    assertEquals(2, table("cost_daily").where("BillingAccountId = 'f12'").select("BillingCurrency").distinct().count());
    // Giant tags parse; extra columns are kept; BOM/CRLF and multi-line fields parse cleanly.
    assertEquals(300, silver.where("BillingAccountId = 'f15'").selectExpr("size(x_TagsMap)").first().getInt(0));
    Row extra = silver.where("BillingAccountId = 'f16'").first();
    assertEquals(Map.of("x_Region", "eu-1", "Comment", "hello"), extra.getJavaMap(extra.fieldIndex("x_Extensions")));
    assertEquals(0, silver.where("BillingAccountId = 'f17' AND (Tags IS NOT NULL OR ServiceName <> 'Compute')").count(), "no stray \\r");
    assertEquals("Compute, with\nnewline", silver.where("BillingAccountId = 'f18'").first().getAs("ServiceName"));
    assertTrue(silver.where("BillingAccountId = 'f19'").first().isNullAt(silver.schema().fieldIndex("ServiceName")));
    // Said, not silently skipped.
    assertTrue(log.contains("09-empty.csv is empty"), log);
    assertTrue(log.contains("11-uploaded-twice.csv (identical to"), log);
    assertTrue(log.contains("ignoring") && log.contains("20-notes.txt"), log);
  }

  @Test
  void rawRowsAndCostEqualSilverPlusQuarantine() {
    // Independently: count data rows per file as written above (the header-only, empty,
    // duplicate and .txt files contribute none) and add up the parsable BilledCost.
    long rawRows = 2 + 2 + 2 + 2 + 2 + 2 + 2 + 2 + 1 + 2 + 1 + 1 + 1 + 1 + 2 + 1 + 1;
    BigDecimal rawCost = new BigDecimal("1") // f01 (its short row has no cost)
        .add(new BigDecimal("1")).add(new BigDecimal("2")) // f02 (its long row parses to 2)
        .add(new BigDecimal("1")) // f03 (1,5 unparsable)
        .add(new BigDecimal("1")).add(new BigDecimal("2")) // f04
        .add(new BigDecimal("1")).add(new BigDecimal("2")) // f05
        .add(new BigDecimal("1")).add(new BigDecimal("2")) // f06
        .add(new BigDecimal("1")).add(new BigDecimal("2")) // f07
        .add(new BigDecimal("1")).add(new BigDecimal("2")) // f08
        .add(new BigDecimal("4")).add(new BigDecimal("3")).add(new BigDecimal("3")).add(new BigDecimal("-2"))
        .add(new BigDecimal("5")).add(new BigDecimal("6")).add(new BigDecimal("15")).add(new BigDecimal("9")).add(new BigDecimal("15"));
    Dataset<Row> silver = table("cost_line_items");
    Dataset<Row> q = table("quarantine_line_items");
    assertEquals(rawRows, silver.count() + q.count(), "rows");
    Frames.assertMoney(rawCost, Frames.sum(silver, "BilledCost").add(Frames.sum(q, "BilledCost")), "Σ BilledCost");
    assertEquals(0, table("reconciliation").where("status <> 'OK'").count());
  }

  @Test
  void unreadableInputsFailTheRunNamingTheFileAndChangeNothing() throws IOException {
    List<String[]> cases = new ArrayList<>();
    // wrong delimiter: one column, no format recognized
    cases.add(new String[] {"semicolon.csv", H.replace(',', ';') + "\n" + good("x", "1").replace(',', ';') + "\n", "cannot tell the export format"});
    // renamed column: FOCUS, but a required column is missing
    cases.add(new String[] {"renamed.csv", H.replace("EffectiveCost", "Effective_Cost") + "\n" + good("x", "1") + "\n", "lacks required columns [EffectiveCost]"});
    // duplicated header column
    cases.add(new String[] {"dup-header.csv", H + ",BilledCost\n" + good("x", "1") + ",1\n", "repeated"});
    // corrupt Parquet
    cases.add(new String[] {"corrupt.parquet", "PAR1 this is not really parquet PAR1", "corrupt.parquet"});
    int i = 0;
    for (String[] c : cases) {
      Path landing = work.resolve("bad-landing-" + i++);
      Files.createDirectories(landing.resolve("cat"));
      Files.writeString(landing.resolve("cat/ok.csv"), H + "\n" + good("ok", "1") + "\n");
      Files.writeString(landing.resolve("cat/" + c[0]), c[1]);
      Path wh = work.resolve("bad-wh-" + i);
      String[] r = run(landing, wh);
      assertEquals("1", r[0], c[0] + ": " + r[1]);
      assertTrue(r[1].contains(c[2]) && r[1].contains(c[0]), c[0] + ": " + r[1]);
      assertTrue(Files.notExists(wh.resolve("cost_line_items")), c[0] + ": no table written");
    }
    // truncated gzip: fails while reading, before any write
    Path landing = work.resolve("bad-landing-gz");
    Files.createDirectories(landing.resolve("cat"));
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(buf)) {
      StringBuilder sb = new StringBuilder(H + "\n");
      for (int k = 0; k < 3000; k++) {
        sb.append(good("gz", "1")).append('\n');
      }
      out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
    }
    byte[] whole = buf.toByteArray();
    Files.write(landing.resolve("cat/cut.csv.gz"), java.util.Arrays.copyOf(whole, whole.length / 2));
    String[] r = run(landing, work.resolve("bad-wh-gz"));
    assertEquals("1", r[0], r[1]);
    assertTrue(r[1].contains("cut.csv.gz") && r[1].contains("No table was changed"), r[1]);
    assertTrue(Files.notExists(work.resolve("bad-wh-gz/cost_line_items")));
  }
}
