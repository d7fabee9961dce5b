package dev.costlake.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlake.testing.Cli;
import dev.costlake.testing.Frames;
import dev.costlake.testing.TestSpark;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run that fails after cost_daily but before the last derived gold step (here: a malformed
 * business metrics line) leaves its periods marked pending; the next run, with no landing file
 * changed, rebuilds them, so the derived tables catch up with silver.
 */
class GoldPendingTest {
  @TempDir Path work;

  private int run(Path metrics, StringBuilder err) {
    Cli.Result r =
        Cli.in(work, "[{name=focus, path=focus}]", "nightly",
            "--set", "metrics.path=" + metrics.toAbsolutePath(),
            "--set", "unit-costs=[{name=cost_per_order, metric=orders, scale=1, per=total}]");
    err.append(r.err());
    return r.code();
  }

  @Test
  void goldLeftUnfinishedByAFailedRunIsRebuiltByTheNext() throws IOException {
    SparkSession spark = TestSpark.get();
    Path dir = work.resolve("landing/focus");
    Files.createDirectories(dir);
    StringBuilder csv = new StringBuilder("BillingAccountId,BillingCurrency,BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,ChargePeriodEnd,ChargeCategory,BilledCost,EffectiveCost,ServiceName\n");
    StringBuilder good = new StringBuilder("date,metric,dimension,quantity\n");
    BigDecimal total = BigDecimal.ZERO;
    for (int d = 1; d <= 4; d++) {
      BigDecimal cost = new BigDecimal(d * 10 + ".50");
      total = total.add(cost);
      csv.append(String.join(",", "A", "USD", "2026-09-01", "2026-10-01", "2026-09-0" + d + "T00:00:00Z", "2026-09-0" + d + "T01:00:00Z", "Usage", cost.toPlainString(), cost.toPlainString(), "Compute")).append('\n');
      good.append("2026-09-0").append(d).append(",orders,,").append(d * 100).append('\n');
    }
    Files.writeString(dir.resolve("sept.csv"), csv.toString());
    Path bad = work.resolve("bad-metrics.csv");
    Files.writeString(bad, "date,metric,dimension,quantity\n2026-09-31,orders,,5\n");
    Path ok = work.resolve("metrics.csv");
    Files.writeString(ok, good.toString());

    StringBuilder err = new StringBuilder();
    assertEquals(1, run(bad, err), err.toString());
    assertTrue(err.toString().contains("bad-metrics.csv"), err.toString());
    Path marker = work.resolve("wh/_costlake.gold-pending");
    assertTrue(Files.exists(marker), "the failed run's periods stay pending");
    assertEquals("2026-09", Files.readString(marker).trim());
    assertFalse(Files.exists(work.resolve("wh/unit_cost_daily/_delta_log")));

    err.setLength(0);
    assertEquals(0, run(ok, err), err.toString());
    assertTrue(err.toString().contains("left gold unfinished for periods [2026-09]"), err.toString());
    assertFalse(Files.exists(marker));
    // Unit cost per day = that day's cost / that day's orders, computed here from the fixture.
    for (Row r : spark.read().format("delta").load(work.resolve("wh/unit_cost_daily").toString()).collectAsList()) {
      int day = r.<java.sql.Date>getAs("Date").toLocalDate().getDayOfMonth();
      BigDecimal expected = new BigDecimal(day * 10 + ".50").divide(new BigDecimal(day * 100), 12, java.math.RoundingMode.HALF_UP);
      Frames.assertMoney(expected, r.getAs("CostPerUnit"), "day " + day);
    }
    assertEquals(4, spark.read().format("delta").load(work.resolve("wh/unit_cost_daily").toString()).count());
    Frames.assertMoney(total, Frames.sum(spark.read().format("delta").load(work.resolve("wh/cost_allocated_daily").toString()), "EffectiveCost"), "allocated = silver");
  }
}
