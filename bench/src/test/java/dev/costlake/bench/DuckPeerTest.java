package dev.costlake.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DuckDB peer on a hand-made CUR 2.0 file whose amortized totals are worked out by hand, and
 * the exact comparison the benchmark applies to the peer's and cost_daily's totals. (That the
 * peer agrees with {@code finops nightly} on generated data is what {@code scripts/bench --smoke}
 * checks.)
 */
class DuckPeerTest {
  @TempDir Path tmp;

  /**
   * One day of payer 111 in March 2025 (USD):
   *
   * <pre>
   * row type                      unblended  public  sp_eff  sp_total  sp_used  op
   * 1   Usage                       10.5      12                                 RunInstances
   * 2   SavingsPlanCoveredUsage      4         4      2.5                        RunInstances
   * 3   SavingsPlanNegation         -4                                           RunInstances
   * 4   SavingsPlanRecurringFee      3                         3         2.5
   * 5   Usage (split row)            1                                           EKSPod-EC2
   * 6   Tax                          0.7
   * </pre>
   *
   * Silver: 7 rows (the fee is a Purchase, part 0, and an Unused usage, part 1). Gold leaves the
   * split row out: 6 line items; EffectiveCost 10.5 + 2.5 + 0 + 0 + 0.5 + 0.7 = 14.2; BilledCost
   * 10.5 + 4 - 4 + 3 + 0 + 0.7 = 14.2; ListCost 12 + 4 + 0 + 0 (commitment purchase) + 0 + 0.7 =
   * 16.7; ContractedCost 10.5 + 4 + 0 + 0 + 0 + 0.7 = 15.2.
   */
  @Test
  void amortizedDailyTotalsOfAHandMadeFile() throws Exception {
    Path input = tmp.resolve("cur2/data/BILLING_PERIOD=2025-03");
    Files.createDirectories(input);
    String row =
        "SELECT '%s' AS line_item_line_item_type, '%s' AS line_item_unblended_cost, %s AS pricing_public_on_demand_cost,"
            + " %s AS savings_plan_savings_plan_effective_cost, %s AS savings_plan_total_commitment_to_date,"
            + " %s AS savings_plan_used_commitment, %s AS savings_plan_savings_plan_a_r_n, '%s' AS line_item_operation,"
            + " 'AmazonEC2' AS line_item_product_code, '111' AS bill_payer_account_id, 'Payer' AS bill_payer_account_name,"
            + " '222' AS line_item_usage_account_id, 'Dev' AS line_item_usage_account_name, 'USD' AS line_item_currency_code,"
            + " '2025-03-01T00:00:00Z' AS bill_billing_period_start_date, '2025-04-01T00:00:00Z' AS bill_billing_period_end_date,"
            + " '2025-03-05T00:00:00Z' AS line_item_usage_start_date, '2025-03-06T00:00:00Z' AS line_item_usage_end_date,"
            + " 'AWS' AS bill_billing_entity, MAP {'region_code': 'eu-west-1', 'product_name': 'Amazon EC2'} AS product,"
            + " MAP {'user_team': 'web'} AS resource_tags";
    String arn = "'arn:aws:savingsplans::111:savingsplan/sp-1'";
    String sql = String.join(" UNION ALL ",
        row.formatted("Usage", "10.5", "'12'", "NULL", "NULL", "NULL", "NULL", "RunInstances"),
        row.formatted("SavingsPlanCoveredUsage", "4", "'4'", "'2.5'", "NULL", "NULL", arn, "RunInstances"),
        row.formatted("SavingsPlanNegation", "-4", "NULL", "NULL", "NULL", "NULL", arn, "RunInstances"),
        row.formatted("SavingsPlanRecurringFee", "3", "NULL", "NULL", "'3'", "'2.5'", arn, ""),
        row.formatted("Usage", "1", "NULL", "NULL", "NULL", "NULL", "NULL", "EKSPod-EC2"),
        row.formatted("Tax", "0.7", "NULL", "NULL", "NULL", "NULL", "NULL", ""));
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement()) {
      st.execute("COPY (" + sql + ") TO '" + input.resolve("part-0.parquet") + "' (FORMAT parquet)");
    }

    DuckPeer.Result r = DuckPeer.run(tmp.resolve("cur2"), tmp.resolve("out"), 1, null);

    assertEquals(7, r.silverRows());
    assertEquals(0, r.droppedRows());
    assertEquals(1, r.totals().size());
    DuckPeer.Total t = r.totals().get(0);
    assertEquals("2025-03", t.period());
    assertEquals("USD", t.currency());
    assertEquals(6, t.lineItems());
    assertEquals(0, new BigDecimal("14.2").compareTo(t.effective()), "EffectiveCost " + t.effective());
    assertEquals(0, new BigDecimal("14.2").compareTo(t.billed()), "BilledCost " + t.billed());
    assertEquals(0, new BigDecimal("16.7").compareTo(t.list()), "ListCost " + t.list());
    assertEquals(0, new BigDecimal("15.2").compareTo(t.contracted()), "ContractedCost " + t.contracted());
    assertTrue(Files.isDirectory(tmp.resolve("out/silver/x_BillingPeriod=2025-03")), "silver partitioned by period");
  }

  @Test
  void comparisonIsExactAndNamesTheDifference() {
    Map<String, Object> a = Map.of("gold_rows", 3L, "effective_cost", new BigDecimal("1.50"));
    Map<String, Object> same = Map.of("gold_rows", 3L, "effective_cost", new BigDecimal("1.5000"));
    Map<String, Object> off = Map.of("gold_rows", 3L, "effective_cost", new BigDecimal("1.500000000001"));
    assertEquals(List.of(), Bench.compare(Map.of("2025-03|USD", a), Map.of("2025-03|USD", same)));
    assertEquals(
        List.of("2025-03|USD effective_cost: cost_daily 1.50, peer 1.500000000001"),
        Bench.compare(Map.of("2025-03|USD", a), Map.of("2025-03|USD", off)));
    assertEquals(
        List.of("2025-04|EUR: only in the peer"),
        Bench.compare(Map.of("2025-03|USD", a), Map.of("2025-03|USD", a, "2025-04|EUR", a)));
  }
}
