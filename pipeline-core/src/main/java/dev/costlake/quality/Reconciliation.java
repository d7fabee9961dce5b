package dev.costlake.quality;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.costlake.gold.CostDaily;
import dev.costlake.model.Focus;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Rows and Σ BilledCost per (source, billing account, period, currency) across layers. Two
 * checks: raw = silver + quarantine (per source unit, from the rows read versus the tables as
 * written) and silver = gold (per account, period and currency over all sources; split cost
 * allocation rows, which gold leaves out, are left out here too). Raw rows count each exported
 * row once, also when it became two canonical rows, and a merged
 * row (two exported rows of Azure's actual and amortized datasets) as two. Rows must
 * match exactly; cost within the configured tolerance.
 */
public final class Reconciliation {
  private Reconciliation() {}

  public static final String CHECK = "check";
  public static final String RAW_EQUALS_SILVER_PLUS_QUARANTINE = "raw = silver + quarantine";
  public static final String SILVER_EQUALS_GOLD = "silver = cost_daily";
  public static final String EXPECTED_ROWS = "expected_rows";
  public static final String ACTUAL_ROWS = "actual_rows";
  public static final String EXPECTED_BILLED = "expected_billed_cost";
  public static final String ACTUAL_BILLED = "actual_billed_cost";
  public static final String STATUS = "status";
  public static final String INVOICE_AMOUNT = InvoiceTotals.AMOUNT;
  /** Gold Σ BilledCost minus the invoice amount (silver = cost_daily rows with an invoice line). */
  public static final String INVOICE_VARIANCE = "invoice_variance";

  private static final List<String> UNIT =
      List.of(
          Focus.X_SOURCE_NAME, Focus.BillingAccountId, Focus.X_BILLING_PERIOD, Focus.BillingCurrency);

  /**
   * The expected side of "raw = silver + quarantine" (rows read per unit and currency), from
   * counts made while reading, one row per file, unit, currency and validity: {@code rawRows} raw
   * rows of the file (a merged row counts in both its files) and {@code billed} Σ BilledCost of
   * the rows whose own file it is.
   */
  public static Dataset<Row> expectedFromCounts(Dataset<Row> counts, String rawRows, String billed) {
    return counts
        .groupBy(UNIT.stream().map(c -> col(c)).toArray(Column[]::new))
        .agg(
            sum(col(rawRows)).as("e_rows"),
            sum(coalesce(col(billed), lit(0).cast(Focus.DECIMAL))).cast(DataTypes.createDecimalType(38, 12)).as("e_billed"));
  }

  /**
   * @param expected {@link #expectedFromCounts} of the rows read
   * @param silver the silver table restricted to the same sources and periods
   * @param quarantine the quarantine table restricted to the same sources
   * @param silverAll the silver table restricted to the periods written to gold
   * @param gold cost_daily restricted to the same periods
   * @param invoices invoice totals ({@link InvoiceTotals#SCHEMA}), or null when none are configured
   */
  public static Dataset<Row> compute(
      Dataset<Row> expected,
      Dataset<Row> silver,
      Dataset<Row> quarantine,
      Dataset<Row> silverAll,
      Dataset<Row> gold,
      String runId,
      BigDecimal tolerance,
      Dataset<Row> invoices) {
    Dataset<Row> actual =
        totals(
            silver
                .select(unitCols(Focus.BilledCost))
                .unionByName(quarantine.select(unitCols(Focus.BilledCost))),
            UNIT,
            "a",
            true);
    Dataset<Row> first = compare(expected, actual, UNIT, RAW_EQUALS_SILVER_PLUS_QUARANTINE);

    List<String> goldKey = List.of(Focus.BillingAccountId, Focus.X_BILLING_PERIOD, Focus.BillingCurrency);
    Dataset<Row> silverTotals = totals(CostDaily.countable(silverAll), goldKey, "e", false);
    Dataset<Row> goldTotals =
        gold.groupBy(goldKey.stream().map(c -> col(c)).toArray(Column[]::new))
            .agg(
                sum(col(CostDaily.LINE_ITEMS)).as("a_rows"),
                sum(col(Focus.BilledCost)).as("a_billed"));
    Dataset<Row> second =
        compare(silverTotals, goldTotals, goldKey, SILVER_EQUALS_GOLD)
            .withColumn(Focus.X_SOURCE_NAME, lit("*"));
    first =
        first
            .withColumn(INVOICE_AMOUNT, lit(null).cast(Focus.DECIMAL))
            .withColumn(INVOICE_VARIANCE, lit(null).cast(Focus.DECIMAL));
    if (invoices == null) {
      second =
          second
              .withColumn(INVOICE_AMOUNT, lit(null).cast(Focus.DECIMAL))
              .withColumn(INVOICE_VARIANCE, lit(null).cast(Focus.DECIMAL));
    } else {
      // Invoice lines of the periods this run checked, also those with no cost at all in gold
      // (their variance is minus the invoice amount).
      Dataset<Row> inScope =
          invoices.join(
              second.select(col(Focus.X_BILLING_PERIOD).as("_period")).distinct(),
              invoices.col(Focus.X_BILLING_PERIOD).equalTo(col("_period")),
              "left_semi");
      Column on = null;
      for (String k : goldKey) {
        Column eq = second.col(k).equalTo(inScope.col(k));
        on = on == null ? eq : on.and(eq);
      }
      List<Column> sel = new ArrayList<>();
      for (String k : goldKey) {
        sel.add(coalesce(second.col(k), inScope.col(k)).as(k));
      }
      sel.add(coalesce(second.col(CHECK), lit(SILVER_EQUALS_GOLD)).as(CHECK));
      for (String c : List.of(EXPECTED_ROWS, ACTUAL_ROWS)) {
        sel.add(coalesce(second.col(c), lit(0L)).as(c));
      }
      for (String c : List.of(EXPECTED_BILLED, ACTUAL_BILLED)) {
        sel.add(coalesce(second.col(c), lit(BigDecimal.ZERO)).as(c));
      }
      sel.add(lit("*").as(Focus.X_SOURCE_NAME));
      sel.add(inScope.col(INVOICE_AMOUNT).cast(Focus.DECIMAL).as(INVOICE_AMOUNT));
      second = second.join(inScope, on, "full_outer").select(sel.toArray(new Column[0]));
      second =
          second.withColumn(
              INVOICE_VARIANCE,
              col(ACTUAL_BILLED).cast(Focus.DECIMAL).minus(col(INVOICE_AMOUNT)).cast(Focus.DECIMAL));
    }

    Column rowDiff = col(EXPECTED_ROWS).minus(col(ACTUAL_ROWS));
    Column costDiff = abs(col(EXPECTED_BILLED).minus(col(ACTUAL_BILLED)));
    return first
        .unionByName(second)
        .withColumn(
            STATUS,
            when(rowDiff.equalTo(0).and(costDiff.leq(lit(tolerance))), lit("OK"))
                .otherwise(lit("MISMATCH")))
        .withColumn("run_id", lit(runId))
        .withColumn("checked_at", current_timestamp());
  }

  private static Column[] unitCols(String cost) {
    List<Column> c = new ArrayList<>();
    for (String u : UNIT) {
      c.add(col(u));
    }
    c.add(col(Focus.X_SOURCE_ROW_PART));
    c.add(col(Focus.X_PAIRED_SOURCE_ROW));
    c.add(col(cost));
    return c.toArray(new Column[0]);
  }

  /**
   * Rows and Σ BilledCost per key. With {@code rawRows}, rows count raw rows only (part 0), not
   * the second canonical row some providers' rows become.
   */
  private static Dataset<Row> totals(Dataset<Row> rows, List<String> key, String prefix, boolean rawRows) {
    Column counted = rawRows ? when(col(Focus.X_SOURCE_ROW_PART).equalTo(0), lit(1)) : lit(1);
    // A merged row (X_PAIRED_SOURCE_ROW set) stands for two raw rows.
    Column paired = rawRows ? when(col(Focus.X_SOURCE_ROW_PART).equalTo(0).and(col(Focus.X_PAIRED_SOURCE_ROW).isNotNull()), lit(1)) : lit(null);
    return rows.groupBy(key.stream().map(c -> col(c)).toArray(Column[]::new))
        .agg(
            count(counted).plus(count(paired)).as(prefix + "_rows"),
            sum(coalesce(col(Focus.BilledCost), lit(0).cast(Focus.DECIMAL))).as(prefix + "_billed"));
  }

  private static Dataset<Row> compare(
      Dataset<Row> expected, Dataset<Row> actual, List<String> key, String check) {
    Column on = null;
    for (String k : key) {
      Column eq = expected.col(k).eqNullSafe(actual.col(k));
      on = on == null ? eq : on.and(eq);
    }
    List<Column> sel = new ArrayList<>();
    for (String k : key) {
      sel.add(coalesce(expected.col(k), actual.col(k)).as(k));
    }
    sel.add(lit(check).as(CHECK));
    sel.add(coalesce(expected.col("e_rows"), lit(0L)).as(EXPECTED_ROWS));
    sel.add(coalesce(actual.col("a_rows"), lit(0L)).as(ACTUAL_ROWS));
    sel.add(coalesce(expected.col("e_billed"), lit(BigDecimal.ZERO)).as(EXPECTED_BILLED));
    sel.add(coalesce(actual.col("a_billed"), lit(BigDecimal.ZERO)).as(ACTUAL_BILLED));
    return expected.join(actual, on, "full_outer").select(sel.toArray(new Column[0]));
  }
}
