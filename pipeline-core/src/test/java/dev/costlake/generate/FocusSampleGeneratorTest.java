package dev.costlake.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.costlake.model.Focus;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks the sample generator independently: files are re-read with a hand-written CSV parser
 * and Spark's Parquet reader, bad rows are re-detected from their text, and every total in the
 * {@link FocusSampleGenerator.Result} is recomputed and compared exactly.
 */
class FocusSampleGeneratorTest {
  private static final YearMonth LAST = YearMonth.of(2026, 2);
  private static final List<String> MONTHS = List.of("2026-01", "2026-02");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern E_NOTATION = Pattern.compile("(^|,)-?\\d(\\.\\d+)?E-?\\d+(,|$)");

  private static SparkSession spark;

  @BeforeAll
  static void spark() {
    spark =
        SparkSession.builder()
            .master("local[2]")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .getOrCreate();
  }

  private static FocusSampleGenerator.Result run(Path dir, long rows, int months, long seed)
      throws IOException {
    return FocusSampleGenerator.generate(
        spark, new FocusSampleGenerator.Options(rows, months, seed, dir.toString(), LAST));
  }

  @Test
  void sameSeedSameBytesAndEveryTotalReconciles(@TempDir Path tmp) throws IOException {
    FocusSampleGenerator.Result a = run(tmp.resolve("a"), 2000, 2, 7);
    FocusSampleGenerator.Result b = run(tmp.resolve("b"), 2000, 2, 7);
    FocusSampleGenerator.Result c = run(tmp.resolve("c"), 2000, 2, 8);

    // Layout: one file per provider style and month, listed in the result.
    assertEquals(6, a.files().size());
    for (String month : MONTHS) {
      Path dir = tmp.resolve("a/focus/" + month);
      assertEquals(1, matching(dir, "aws-\\d+-" + month + "\\.csv\\.gz").size(), month);
      assertEquals(1, matching(dir, "azure-\\d+-" + month + "\\.csv").size(), month);
      List<Path> gcp = matching(dir, "gcp-[0-9A-F-]+");
      assertEquals(1, gcp.size(), month);
      assertFalse(matching(gcp.get(0), "part-.*\\.parquet").isEmpty());
    }
    for (String f : a.files()) assertTrue(Files.exists(Path.of(f)), f);

    // Determinism: identical CSV bytes and totals for the same seed, different for another.
    boolean anyDiffers = false;
    for (String f : a.files()) {
      if (!f.contains(".csv")) continue;
      String rel = tmp.resolve("a").relativize(Path.of(f)).toString();
      byte[] bytes = Files.readAllBytes(Path.of(f));
      assertArrayEquals(bytes, Files.readAllBytes(tmp.resolve("b").resolve(rel)), rel);
      anyDiffers |= !Arrays.equals(bytes, Files.readAllBytes(tmp.resolve("c").resolve(rel)));
    }
    assertTrue(anyDiffers, "a different seed must give different files");
    assertEquals(a.rowsWritten(), b.rowsWritten());
    assertEquals(a.badRows(), b.badRows());
    assertEquals(a.billedCostByCurrency(), b.billedCostByCurrency());
    assertEquals(a.effectiveCostByCurrency(), b.effectiveCostByCurrency());
    assertEquals(a.goodRowsByPeriod(), b.goodRowsByPeriod());
    assertFalse(a.billedCostByCurrency().equals(c.billedCostByCurrency()));

    // Independent recomputation from the written files.
    Tally t = new Tally();
    for (String f : a.files()) {
      if (f.endsWith(".csv.gz")) tallyCsv(t, f, "focus-1.2", "");
      else if (f.endsWith(".csv")) tallyCsv(t, f, "focus-1.0", "NULL");
      else tallyParquet(t, f);
    }

    assertEquals(a.rowsWritten(), t.rows);
    assertTrue(a.rowsWritten() > 1800 && a.rowsWritten() < 2300, "rows " + a.rowsWritten());
    assertEquals(a.badRows(), t.bad);
    assertTrue(a.badRows() >= 5, "bad rows " + a.badRows());
    for (String kind : List.of("fields", "currency", "cost", "time", "tags")) {
      assertTrue(t.badKinds.getOrDefault(kind, 0) >= 1, "no bad row of kind " + kind);
    }
    assertEquals(List.of("EUR", "USD"), List.copyOf(a.billedCostByCurrency().keySet()));
    assertSameAmounts(t.billed, a.billedCostByCurrency());
    assertSameAmounts(t.effective, a.effectiveCostByCurrency());
    assertEquals(t.goodByPeriod, a.goodRowsByPeriod());
    assertTrue(t.eNotation > 0, "some amounts must be written in E-notation");

    // Per commitment and month: Σ EffectiveCost(Used + Unused) = Σ BilledCost(Purchase).
    assertEquals(4, t.commitments.size(), t.commitments.keySet().toString()); // AWS+GCP × 2
    for (Map.Entry<String, BigDecimal[]> e : t.commitments.entrySet()) {
      BigDecimal purchased = e.getValue()[0];
      BigDecimal amortized = e.getValue()[1];
      assertTrue(purchased.signum() > 0, e.getKey());
      assertEquals(0, purchased.compareTo(amortized), e.getKey() + ": " + purchased + " vs "
          + amortized);
    }
  }

  @Test
  void smallRunsWorkAndHaveNoBadRows(@TempDir Path tmp) throws IOException {
    FocusSampleGenerator.Result r = run(tmp, 50, 1, 1);
    assertEquals(0, r.badRows());
    assertEquals(3, r.files().size());
    assertTrue(r.rowsWritten() >= 40 && r.rowsWritten() <= 70, "rows " + r.rowsWritten());
    assertEquals(r.rowsWritten(), (long) r.goodRowsByPeriod().get(LAST.toString()));
  }

  // ---------------------------------------------------------------------------------------
  // Re-reading and re-validating.

  private static final class Tally {
    long rows;
    long bad;
    long eNotation;
    final Map<String, Integer> badKinds = new TreeMap<>();
    final Map<String, BigDecimal> billed = new TreeMap<>();
    final Map<String, BigDecimal> effective = new TreeMap<>();
    final Map<String, Long> goodByPeriod = new TreeMap<>();
    /** key → {Σ BilledCost of Purchase rows, Σ EffectiveCost of Used and Unused rows}. */
    final Map<String, BigDecimal[]> commitments = new TreeMap<>();

    void good(Map<String, Object> row) {
      String cur = (String) row.get(Focus.BillingCurrency);
      BigDecimal billedCost = (BigDecimal) row.get(Focus.BilledCost);
      BigDecimal effectiveCost = (BigDecimal) row.get(Focus.EffectiveCost);
      billed.merge(cur, billedCost, BigDecimal::add);
      effective.merge(cur, effectiveCost, BigDecimal::add);
      String period = (String) row.get(Focus.BillingPeriodStart);
      goodByPeriod.merge(period, 1L, Long::sum);
      String commitment = (String) row.get(Focus.CommitmentDiscountId);
      if (commitment == null) return;
      BigDecimal[] sums =
          commitments.computeIfAbsent(
              commitment + " " + period, k -> new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO});
      if ("Purchase".equals(row.get(Focus.ChargeCategory))) {
        sums[0] = sums[0].add(billedCost);
        assertEquals(0, effectiveCost.signum(), "purchase rows are not amortized");
      } else {
        sums[1] = sums[1].add(effectiveCost);
        assertEquals(0, billedCost.signum(), "covered and unused rows are not billed");
      }
    }
  }

  private static void tallyCsv(Tally t, String file, String version, String nullToken)
      throws IOException {
    byte[] bytes = Files.readAllBytes(Path.of(file));
    InputStream in = new ByteArrayInputStream(bytes);
    if (file.endsWith(".gz")) in = new GZIPInputStream(in);
    String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    List<List<String>> records = parseCsv(text);
    List<String> header = records.get(0);
    assertEquals(FocusSampleGenerator.columnsOf(version), header, file);
    if (version.equals("focus-1.2")) {
      assertTrue(header.contains("x_ServiceCode") && header.contains(Focus.InvoiceId));
      assertFalse(header.contains(Focus.ServiceProviderName));
    } else {
      assertFalse(header.contains(Focus.InvoiceId));
      assertTrue(text.contains(",NULL,"), "Azure-like files use NULL placeholders");
    }
    for (String line : text.split("\n")) if (E_NOTATION.matcher(line).find()) t.eNotation++;

    for (List<String> rec : records.subList(1, records.size())) {
      t.rows++;
      String kind = badKind(header, rec, nullToken);
      if (kind != null) {
        t.bad++;
        t.badKinds.merge(kind, 1, Integer::sum);
        continue;
      }
      Map<String, Object> row = new TreeMap<>();
      for (int i = 0; i < header.size(); i++) {
        String v = rec.get(i);
        row.put(header.get(i), v.equals(nullToken) || v.isEmpty() ? null : v);
      }
      row.put(Focus.BilledCost, new BigDecimal(rec.get(header.indexOf(Focus.BilledCost))));
      row.put(Focus.EffectiveCost, new BigDecimal(rec.get(header.indexOf(Focus.EffectiveCost))));
      row.put(Focus.BillingPeriodStart, ((String) row.get(Focus.BillingPeriodStart)).substring(0, 7));
      t.good(row);
    }
  }

  /** Why a CSV record is unusable, judged from its text alone; null when it is fine. */
  private static String badKind(List<String> header, List<String> rec, String nullToken) {
    if (rec.size() != header.size()) return "fields";
    String currency = rec.get(header.indexOf(Focus.BillingCurrency));
    if (currency.isEmpty() || currency.equals(nullToken)) return "currency";
    try {
      new BigDecimal(rec.get(header.indexOf(Focus.BilledCost)));
    } catch (NumberFormatException e) {
      return "cost";
    }
    if (!isTimestamp(rec.get(header.indexOf(Focus.ChargePeriodStart)))) return "time";
    String tags = rec.get(header.indexOf(Focus.Tags));
    if (!tags.isEmpty() && !tags.equals(nullToken)) {
      try {
        JsonNode node = JSON.readTree(tags);
        if (node == null || !node.isObject()) return "tags";
      } catch (IOException e) {
        return "tags";
      }
    }
    return null;
  }

  private static boolean isTimestamp(String s) {
    try {
      if (s.endsWith("Z")) Instant.parse(s);
      else LocalDateTime.parse(s, DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"));
      return true;
    } catch (java.time.format.DateTimeParseException e) {
      return false;
    }
  }

  private static void tallyParquet(Tally t, String dir) {
    var df = spark.read().parquet(dir);
    StructType schema = df.schema();
    assertEquals(Focus.columnNames(), Arrays.asList(schema.fieldNames()));
    assertEquals(Focus.DECIMAL, schema.apply(Focus.BilledCost).dataType());
    assertEquals(DataTypes.TimestampType, schema.apply(Focus.ChargePeriodStart).dataType());
    List<Row> rows =
        df.selectExpr(
                Focus.BillingCurrency,
                Focus.BilledCost,
                Focus.EffectiveCost,
                "date_format(" + Focus.BillingPeriodStart + ", 'yyyy-MM') AS period",
                Focus.CommitmentDiscountId,
                Focus.ChargeCategory,
                Focus.ServiceProviderName)
            .collectAsList();
    for (Row r : rows) {
      t.rows++;
      assertEquals("Google Cloud", r.getString(6));
      Map<String, Object> row = new TreeMap<>();
      row.put(Focus.BillingCurrency, r.getString(0));
      row.put(Focus.BilledCost, r.getDecimal(1));
      row.put(Focus.EffectiveCost, r.getDecimal(2));
      row.put(Focus.BillingPeriodStart, r.getString(3));
      row.put(Focus.CommitmentDiscountId, r.getString(4));
      row.put(Focus.ChargeCategory, r.getString(5));
      t.good(row);
    }
  }

  /** A small RFC 4180 reader: quoted fields may hold commas, doubled quotes and newlines. */
  private static List<List<String>> parseCsv(String text) {
    List<List<String>> records = new ArrayList<>();
    List<String> rec = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (quoted) {
        if (ch == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (ch == '"') {
          quoted = false;
        } else {
          field.append(ch);
        }
      } else if (ch == '"') {
        quoted = true;
      } else if (ch == ',') {
        rec.add(field.toString());
        field.setLength(0);
      } else if (ch == '\n') {
        rec.add(field.toString());
        field.setLength(0);
        records.add(rec);
        rec = new ArrayList<>();
      } else if (ch != '\r') {
        field.append(ch);
      }
    }
    if (field.length() > 0 || !rec.isEmpty()) {
      rec.add(field.toString());
      records.add(rec);
    }
    return records;
  }

  private static void assertSameAmounts(Map<String, BigDecimal> expected,
      Map<String, BigDecimal> actual) {
    assertEquals(expected.keySet(), actual.keySet());
    for (String cur : expected.keySet()) {
      assertEquals(0, expected.get(cur).compareTo(actual.get(cur)),
          cur + ": " + expected.get(cur) + " vs " + actual.get(cur));
    }
  }

  private static List<Path> matching(Path dir, String regex) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().matches(regex)).toList();
    }
  }
}
