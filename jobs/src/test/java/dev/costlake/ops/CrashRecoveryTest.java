package dev.costlake.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlake.cli.Finops;
import dev.costlake.testing.Cli;
import dev.costlake.testing.Frames;
import dev.costlake.testing.TestSpark;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * kill -9 of a child JVM running nightly just before a write step, then a rerun: the tables end
 * up identical to a clean run's, with no duplicates, and in between no half-written unit is
 * visible (each Delta commit is all or nothing). The killed run's lock is taken over.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrashRecoveryTest {
  @TempDir static Path work;
  SparkSession spark;

  @BeforeAll
  void landingAndCleanRun() throws IOException {
    spark = TestSpark.get();
    Path dir = work.resolve("landing/focus");
    Files.createDirectories(dir);
    String h = "BillingAccountId,BillingCurrency,BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,ChargePeriodEnd,ChargeCategory,BilledCost,EffectiveCost,ServiceName";
    for (String acct : List.of("A", "B")) {
      for (String period : List.of("2026-08", "2026-09")) {
        StringBuilder sb = new StringBuilder(h + "\n");
        for (int d = 1; d <= 20; d++) {
          String day = period + "-" + String.format("%02d", d);
          sb.append(String.join(",", acct, "USD", period + "-01", java.time.YearMonth.parse(period).plusMonths(1) + "-01", day + "T00:00:00Z", day + "T01:00:00Z", "Usage", d + ".25", d + ".25", d % 2 == 0 ? "Compute" : "Storage")).append('\n');
        }
        sb.append(String.join(",", acct, "USD", period + "-01", "x", period + "-02T00:00:00Z", period + "-02T01:00:00Z", "Usage", "oops", "1", "Compute")).append('\n');
        Files.writeString(dir.resolve(acct + "-" + period + ".csv"), sb.toString());
      }
    }
    assertEquals(0, inProcess(work.resolve("clean")));
  }

  private int inProcess(Path wh) {
    Cli.Result r = Cli.run(args(wh).toArray(new String[0]));
    if (r.code() != 0) {
      System.err.println(r.err());
    }
    return r.code();
  }

  private List<String> args(Path wh) {
    return List.of("nightly", "--set", "landing=" + work.resolve("landing").toUri(), "--set", "warehouse=" + wh.toUri(), "--set", "sources=[{name=focus, path=focus}]");
  }

  private Dataset<Row> table(Path wh, String name) {
    return spark.read().format("delta").load(wh.resolve(name).toString());
  }

  private boolean exists(Path wh, String name) {
    return Files.exists(wh.resolve(name).resolve("_delta_log"));
  }

  private static final List<String> DROP = List.of("x_IngestionRunId", "run_id", "checked_at", "replaced_at", "seen_at");

  private List<List<Object>> content(Path wh, String name) {
    Dataset<Row> t = table(wh, name);
    for (String c : DROP) {
      t = t.drop(c);
    }
    return Frames.rows(t);
  }

  @ParameterizedTest
  @ValueSource(strings = {"bronze", "silver", "gold"})
  void killedRunLeavesNoHalfUnitAndARerunMatchesACleanRun(String step) throws Exception {
    Path wh = work.resolve("killed-" + step);
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-opens") || a.startsWith("-Xmx") || a.startsWith("-XX:TieredStopAtLevel") || a.startsWith("-Dlog4j")) {
        cmd.add(a);
      }
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("dev.costlake.cli.Finops");
    cmd.addAll(args(wh));
    cmd.addAll(List.of("--set", "spark.master=local[1]", "--set", "bronze.enabled=" + step.equals("bronze")));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("COSTLAKE_TEST_PAUSE_AT", step);
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    Process child = pb.start();
    StringBuilder out = new StringBuilder();
    boolean paused = false;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
      String line;
      while (System.nanoTime() < deadline && (line = r.readLine()) != null) {
        out.append(line).append('\n');
        if (line.contains("PAUSED before " + step)) {
          paused = true;
          break;
        }
      }
      assertTrue(paused, "child never reached " + step + ":\n" + out);
      child.destroyForcibly(); // SIGKILL: no shutdown hooks, no cleanup
      assertTrue(child.waitFor(30, TimeUnit.SECONDS));
    } finally {
      child.destroyForcibly();
    }
    assertTrue(Files.exists(wh.resolve("_costlake.lock")), "the killed run left its lock behind");

    // In between: no unit is half there. Silver is absent (killed before its commit) or, when
    // present, every unit equals the clean run's.
    if (step.equals("bronze") || step.equals("silver")) {
      assertFalse(exists(wh, "cost_line_items"));
    } else {
      Frames.assertSameRows(content(work.resolve("clean"), "cost_line_items"), dropAll(table(wh, "cost_line_items")));
      assertFalse(exists(wh, "cost_daily"), "gold was not written yet");
    }

    assertEquals(0, inProcess(wh), "rerun after the crash");
    for (String t : List.of("cost_line_items", "quarantine_line_items", "cost_daily", "period_versions")) {
      Frames.assertSameRows(content(work.resolve("clean"), t), dropAll(table(wh, t)));
    }
    assertFalse(Files.exists(wh.resolve("_costlake.lock")));
  }

  private static Dataset<Row> dropAll(Dataset<Row> t) {
    for (String c : DROP) {
      t = t.drop(c);
    }
    return t;
  }

  @Test
  void cleanRunHasEveryUnitOnce() {
    Path clean = work.resolve("clean");
    assertEquals(80, table(clean, "cost_line_items").count());
    assertEquals(4, table(clean, "quarantine_line_items").count());
    assertEquals(4, table(clean, "period_versions").count());
  }
}
