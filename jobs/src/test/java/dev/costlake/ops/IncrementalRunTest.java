package dev.costlake.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlake.io.WarehouseLock;
import dev.costlake.testing.Cli;
import dev.costlake.testing.Frames;
import dev.costlake.testing.TestSpark;
import io.delta.tables.DeltaTable;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Incremental, restatement-safe nightly runs on a small hand-made landing: two accounts, three
 * months, one gzip CSV per account and month. The steps build on each other, in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IncrementalRunTest {
  static final String HEADER =
      "BillingAccountId,BillingCurrency,BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,ChargePeriodEnd,ChargeCategory,BilledCost,EffectiveCost,ServiceName";

  @TempDir static Path work;
  final SparkSession spark = TestSpark.get();

  private static Path file(String account, String period) {
    return work.resolve("landing/focus/" + period + "/" + account + ".csv.gz");
  }

  /** Two daily rows per file: amounts a and b. */
  private static void write(String account, String period, String a, String b, long mtime) throws IOException {
    Path f = file(account, period);
    Files.createDirectories(f.getParent());
    String start = period + "-01T00:00:00Z";
    java.time.YearMonth ym = java.time.YearMonth.parse(period);
    String end = ym.plusMonths(1) + "-01T00:00:00Z";
    String text =
        HEADER + "\n"
            + String.join(",", account, "USD", start, end, period + "-02T00:00:00Z", period + "-03T00:00:00Z", "Usage", a, a, "Compute") + "\n"
            + String.join(",", account, "USD", start, end, period + "-03T00:00:00Z", period + "-04T00:00:00Z", "Usage", b, b, "Storage") + "\n";
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    Files.setLastModifiedTime(f, FileTime.fromMillis(mtime));
  }

  static String[] run(String... args) {
    Cli.Result r = Cli.in(work, "[{name=focus, path=focus}]", args[0], java.util.Arrays.copyOfRange(args, 1, args.length));
    return new String[] {String.valueOf(r.code()), r.out(), r.err()};
  }

  private Dataset<Row> table(String name) {
    return spark.read().format("delta").load(work.resolve("wh/" + name).toString());
  }

  private long version(String name) {
    return DeltaTable.forPath(spark, work.resolve("wh/" + name).toString()).history(1).first().getLong(0);
  }

  private BigDecimal billed(String where) {
    return Frames.sum(table("cost_line_items").where(where), "BilledCost");
  }

  @Test
  @Order(1)
  void firstRunLoadsEveryUnit() throws IOException {
    long t = 1_700_000_000_000L;
    for (String acct : List.of("A", "B")) {
      write(acct, "2026-08", "1.00", "2.00", t);
      write(acct, "2026-09", "3.00", "4.00", t);
      write(acct, "2026-10", "5.00", "6.00", t);
    }
    String[] r = run("nightly");
    assertEquals("0", r[0], r[2]);
    assertEquals(12, table("cost_line_items").count());
    Frames.assertMoney(new BigDecimal("42"), billed("true"), "2 × (1+2+3+4+5+6)");
    Dataset<Row> pv = table("period_versions");
    assertEquals(6, pv.where("change = 'added'").count(), "one row per (account, period) unit");
    assertEquals(6, table("ingestion_log").where("status = 'read'").count());
  }

  @Test
  @Order(2)
  void rerunWithUnchangedInputWritesNothingNew() {
    long silver = version("cost_line_items");
    long gold = version("cost_daily");
    long pv = table("period_versions").count();
    List<List<Object>> before = Frames.rows(table("cost_line_items").drop("x_IngestionRunId"));
    String[] r = run("nightly");
    assertEquals("0", r[0], r[2]);
    assertTrue(r[2].contains("0 changed, 0 removed, 6 unchanged files"), r[2]);
    assertEquals(silver, version("cost_line_items"), "no new silver version for unchanged periods");
    assertEquals(gold, version("cost_daily"), "no new gold version");
    assertEquals(pv, table("period_versions").count());
    Frames.assertSameRows(before, table("cost_line_items").drop("x_IngestionRunId"));
  }

  @Test
  @Order(3)
  void restatedPeriodReplacesOnlyItsUnitAndIsRecorded() {
    long silverBefore = version("cost_line_items");
    try {
      write("A", "2026-09", "30.00", "40.00", 1_700_000_100_000L);
    } catch (IOException e) {
      throw new RuntimeException(e);
    }
    String[] r = run("nightly");
    assertEquals("0", r[0], r[2]);
    assertTrue(r[2].contains("1 changed"), r[2]);
    Frames.assertMoney(new BigDecimal("70"), billed("BillingAccountId = 'A' AND x_BillingPeriod = '2026-09'"), "new rows");
    Frames.assertMoney(new BigDecimal("7"), billed("BillingAccountId = 'B' AND x_BillingPeriod = '2026-09'"), "other account untouched");
    assertEquals(12, table("cost_line_items").count(), "old rows gone, no duplicates");
    Row v = table("period_versions").where("change = 'restated'").first();
    assertEquals("A", v.getAs("BillingAccountId"));
    assertEquals("2026-09", v.getAs("x_BillingPeriod"));
    Frames.assertMoney(new BigDecimal("7"), v.getAs("previous_billed_cost"), "first reported");
    Frames.assertMoney(new BigDecimal("70"), v.getAs("new_billed_cost"), "restated");
    assertEquals(silverBefore, (long) v.getAs("silver_version_before"));
    // Time travel reads what was first reported.
    Dataset<Row> old = spark.read().format("delta").option("versionAsOf", silverBefore).load(work.resolve("wh/cost_line_items").toString());
    Frames.assertMoney(new BigDecimal("7"), Frames.sum(old.where("BillingAccountId = 'A' AND x_BillingPeriod = '2026-09'"), "BilledCost"), "time travel");
    Frames.assertMoney(new BigDecimal("70"), Frames.sum(table("cost_daily").where("BillingAccountId = 'A' AND x_BillingPeriod = '2026-09'"), "BilledCost"), "gold follows");
  }

  @Test
  @Order(4)
  void restatementWithTheSameTotalsIsFoundByContent() throws IOException {
    // B's 2026-09 again with its two amounts swapped between the rows: same row count, same
    // Σ BilledCost and Σ EffectiveCost, different content. Totals agree, so the content hashes
    // decide.
    long silverBefore = version("cost_line_items");
    write("B", "2026-09", "4.00", "3.00", 1_700_000_200_000L);
    String[] r = run("nightly");
    assertEquals("0", r[0], r[2]);
    assertTrue(r[2].contains("1 changed"), r[2]);
    assertTrue(version("cost_line_items") > silverBefore, "a new silver version");
    Frames.assertMoney(new BigDecimal("4"), billed("BillingAccountId = 'B' AND x_BillingPeriod = '2026-09' AND ServiceName = 'Compute'"), "swapped");
    Frames.assertMoney(new BigDecimal("7"), billed("BillingAccountId = 'B' AND x_BillingPeriod = '2026-09'"), "same total");
    assertEquals(1, table("period_versions").where("change = 'restated' AND BillingAccountId = 'B' AND x_BillingPeriod = '2026-09'").count());
    // The same content once more (a new modification time): compared, found equal, not written.
    long silverAfter = version("cost_line_items");
    write("B", "2026-09", "4.00", "3.00", 1_700_000_300_000L);
    r = run("nightly");
    assertEquals("0", r[0], r[2]);
    assertTrue(r[2].contains("1 changed") && r[2].contains(" 0 of "), r[2]);
    assertEquals(silverAfter, version("cost_line_items"), "no new version for the same content");
  }

  @Test
  @Order(5)
  void removedFileRemovesItsUnit() throws IOException {
    Files.delete(file("B", "2026-08"));
    String[] r = run("nightly");
    assertEquals("0", r[0], r[2]);
    assertEquals(0, table("cost_line_items").where("BillingAccountId = 'B' AND x_BillingPeriod = '2026-08'").count());
    assertEquals(1, table("period_versions").where("change = 'removed'").count());
    assertEquals(0, table("cost_daily").where("BillingAccountId = 'B' AND x_BillingPeriod = '2026-08'").count());
  }

  @Test
  @Order(6)
  void periodsOptionReprocessesOnlyThosePeriods() {
    long silver = version("cost_line_items");
    String[] r = run("nightly", "--periods", "2026-08");
    assertEquals("0", r[0], r[2]);
    assertTrue(r[2].contains("units to reconsider [2026-08]"), r[2]);
    assertEquals(silver, version("cost_line_items"), "reprocessed but unchanged: no new version");
    assertEquals("2", run("nightly", "--periods", "2026-8")[0]);
    assertEquals("2", run("nightly", "--periods", "2026-08", "--full-refresh")[0]);
  }

  @Test
  @Order(7)
  void unreadableFileFailsTheRunAndLeavesTablesUnchanged() throws IOException {
    long silver = version("cost_line_items");
    long quarantine = version("quarantine_line_items");
    Path bad = work.resolve("landing/focus/2026-10/C.csv.gz");
    byte[] whole;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(buf)) {
      StringBuilder sb = new StringBuilder(HEADER + "\n");
      for (int i = 0; i < 2000; i++) {
        sb.append("C,USD,2026-10-01,2026-11-01,2026-10-02,2026-10-03,Usage,1,1,Compute\n");
      }
      out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
    }
    whole = buf.toByteArray();
    Files.write(bad, java.util.Arrays.copyOf(whole, whole.length / 2)); // truncated gzip
    String[] r = run("nightly");
    assertEquals("1", r[0], r[2]);
    assertTrue(r[2].contains("C.csv.gz"), r[2]);
    assertTrue(r[2].contains("No table was changed"), r[2]);
    assertEquals(silver, version("cost_line_items"));
    assertEquals(quarantine, version("quarantine_line_items"));
    Files.delete(bad);
    Row last = table("pipeline_runs").orderBy(org.apache.spark.sql.functions.col("started_at").desc()).first();
    assertEquals("FAILED", last.getAs("outcome"));
  }

  @Test
  @Order(8)
  void aSecondRunIsRefusedWhileTheLockIsHeldAndAStaleLockIsTakenOver() throws IOException {
    Path lock = work.resolve("wh").resolve(WarehouseLock.FILE);
    String host = InetAddress.getLocalHost().getHostName();
    long livePid = ProcessHandle.current().pid();
    Files.writeString(lock, "{\"runId\":\"other-run\",\"job\":\"nightly\",\"host\":\"" + host + "\",\"pid\":" + livePid
        + ",\"heartbeatAt\":\"" + Instant.now() + "\"}");
    String[] r = run("nightly");
    assertEquals("1", r[0], r[2]);
    assertTrue(r[2].contains("Another run holds the warehouse lock") && r[2].contains("other-run"), r[2]);
    // A holder process that no longer exists (killed with -9) leaves a stale lock: taken over.
    long deadPid = new ProcessBuilder("true").start().pid();
    Files.writeString(lock, "{\"runId\":\"dead-run\",\"job\":\"nightly\",\"host\":\"" + host + "\",\"pid\":" + deadPid
        + ",\"heartbeatAt\":\"" + Instant.now() + "\"}");
    try {
      Thread.sleep(300);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    r = run("nightly");
    assertEquals("0", r[0], r[2]);
    assertTrue(r[2].contains("took over a stale warehouse lock of run dead-run"), r[2]);
    assertTrue(Files.notExists(lock), "released at the end of the run");
  }
}
