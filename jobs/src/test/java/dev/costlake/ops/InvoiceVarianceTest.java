package dev.costlake.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlake.testing.Cli;
import dev.costlake.testing.TestSpark;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Optional invoice totals: the silver = cost_daily rows of reconciliation carry the invoice
 * amount and gold minus invoice, also for an invoiced account with no cost in the export; a
 * malformed invoice file stops the run naming the file and line.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InvoiceVarianceTest {
  @TempDir static Path work;
  SparkSession spark;
  final Map<String, BigDecimal> billed = new HashMap<>();
  String out;
  int exit;

  @BeforeAll
  void run() throws IOException {
    spark = TestSpark.get();
    Path dir = work.resolve("landing/focus");
    Files.createDirectories(dir);
    StringBuilder sb = new StringBuilder("BillingAccountId,BillingCurrency,BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,ChargePeriodEnd,ChargeCategory,BilledCost,EffectiveCost,ServiceName\n");
    for (String acct : List.of("A", "B")) {
      for (int d = 1; d <= 5; d++) {
        BigDecimal cost = new BigDecimal(d + "." + (acct.equals("A") ? "10" : "37"));
        billed.merge(acct, cost, BigDecimal::add);
        sb.append(String.join(",", acct, "EUR", "2026-09-01", "2026-10-01", "2026-09-0" + d + "T00:00:00Z", "2026-09-0" + d + "T01:00:00Z", "Usage", cost.toPlainString(), cost.toPlainString(), "Compute")).append('\n');
      }
    }
    Files.writeString(dir.resolve("sept.csv"), sb.toString());
    // A: exact; B: invoiced 5.00 more than exported; C: invoiced, nothing exported; a line for a
    // period this run does not read is left out.
    Files.writeString(
        work.resolve("landing/invoices.csv"),
        "billing_account_id,billing_period,currency,amount\n"
            + "A,2026-09,EUR," + billed.get("A").toPlainString() + "\n"
            + "B,2026-09,EUR," + billed.get("B").add(new BigDecimal("5.00")).toPlainString() + "\n"
            + "C,2026-09,EUR,10.00\n"
            + "A,2026-08,EUR,99.00\n");
    Cli.Result r = Cli.run(args(work.resolve("wh"), "invoices.csv"));
    exit = r.code();
    out = r.err(); // progress goes to stderr
  }

  private String[] args(Path wh, String invoices) {
    return new String[] {
      "nightly", "--set", "landing=" + work.resolve("landing").toUri(), "--set", "warehouse=" + wh.toUri(),
      "--set", "sources=[{name=focus, path=focus}]", "--set", "reconciliation.invoice-totals=" + invoices
    };
  }

  @Test
  void varianceIsGoldMinusInvoicePerAccountPeriodCurrency() {
    assertEquals(0, exit, out);
    Map<String, Row> byAccount = new HashMap<>();
    for (Row r : spark.read().format("delta").load(work.resolve("wh/reconciliation").toString()).where("check = 'silver = cost_daily'").collectAsList()) {
      byAccount.put(r.getAs("BillingAccountId"), r);
    }
    assertEquals(3, byAccount.size(), byAccount.toString());
    assertEquals(0, BigDecimal.ZERO.compareTo(byAccount.get("A").getAs("invoice_variance")));
    assertEquals(0, new BigDecimal("-5.00").compareTo(byAccount.get("B").getAs("invoice_variance")));
    assertEquals(0, billed.get("B").compareTo(byAccount.get("B").getAs("actual_billed_cost")));
    assertEquals(0, new BigDecimal("-10.00").compareTo(byAccount.get("C").getAs("invoice_variance")));
    assertEquals(0L, byAccount.get("C").<Long>getAs("actual_rows"));
    assertTrue(out.contains("invoice variance beyond tolerance for account B"), out);
    // The raw = silver + quarantine rows carry no invoice figures.
    for (Row r : spark.read().format("delta").load(work.resolve("wh/reconciliation").toString()).where("check <> 'silver = cost_daily'").collectAsList()) {
      assertNull(r.getAs("invoice_variance"));
    }
  }

  @Test
  void malformedInvoiceFileStopsTheRunNamingFileAndLine() throws IOException {
    Files.writeString(work.resolve("landing/bad-invoices.csv"), "billing_account_id,billing_period,currency,amount\nA,2026-09,EUR,1.00\nB,Sept 2026,EUR,2.00\n");
    Cli.Result r = Cli.run(args(work.resolve("wh-bad"), "bad-invoices.csv"));
    String msg = r.err();
    assertEquals(2, r.code(), msg);
    assertTrue(msg.contains("bad-invoices.csv line 3") && msg.contains("yyyy-MM"), msg);
  }
}
