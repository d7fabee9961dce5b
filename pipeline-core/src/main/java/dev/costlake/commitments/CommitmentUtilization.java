package dev.costlake.commitments;

import static dev.costlake.commitments.CommitmentRows.ratio;
import static dev.costlake.commitments.CommitmentRows.sum0;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.when;

import dev.costlake.gold.CostDaily;
import dev.costlake.model.Focus;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Gold {@code commitment_utilization_daily} and {@code commitment_utilization_monthly}: per
 * commitment (billing account, CommitmentDiscountId, currency) and day or billing period, the
 * amortized commitment cost and its used and unused parts, with utilization on the cost basis
 * (Σ EffectiveCost[Used] / Σ EffectiveCost[Used + Unused]) and, where every row carries a
 * quantity in one unit, on the quantity basis (Σ CommitmentDiscountQuantity[Used] / Σ
 * CommitmentDiscountQuantity[Used + Unused]). Only Usage rows with Status Used or Unused enter:
 * purchase rows never do. Amounts charged once for several days are spread ({@link
 * UnusedSpreading}).
 */
public final class CommitmentUtilization {
  private CommitmentUtilization() {}

  public static final String AMORTIZED = "AmortizedCommitmentCost";
  public static final String USED_COST = "UsedCost";
  public static final String UNUSED_COST = "UnusedCost";
  public static final String UTILIZATION_COST = "UtilizationCostBasis";
  public static final String USED_QTY = "UsedQuantity";
  public static final String UNUSED_QTY = "UnusedQuantity";
  public static final String COMMITTED_QTY = "CommitmentQuantity";
  public static final String UTILIZATION_QTY = "UtilizationQuantityBasis";
  public static final String QTY_NULL_REASON = "QuantityBasisNullReason";
  public static final String USED_ROWS = "UsedRows";
  public static final String UNUSED_ROWS = "UnusedRows";
  public static final String SPREAD_ROWS = "SpreadRows";
  public static final String ROWS_WITHOUT_QTY = "RowsWithoutQuantity";
  public static final String UNITS = "CommitmentDiscountUnits";
  public static final String DAYS = "Days";

  /** Identity of a commitment in every commitment table. */
  public static final List<String> COMMITMENT_KEY =
      List.of(Focus.BillingAccountId, Focus.CommitmentDiscountId, Focus.BillingCurrency);

  public static Dataset<Row> daily(Dataset<Row> silver) {
    return aggregate(spreadRows(silver), true);
  }

  /** Per billing period: the same spread rows as {@link #daily}, so both always agree. */
  public static Dataset<Row> monthly(Dataset<Row> silver) {
    return aggregate(spreadRows(silver), false);
  }

  /** Commitment usage rows (Used, Unused; no split rows), spread over their days. */
  public static Dataset<Row> spreadRows(Dataset<Row> silver) {
    Dataset<Row> rows =
        CostDaily.countable(silver)
            .where(CommitmentRows.commitmentUsage())
            .withColumn(Focus.ServiceProviderName, CommitmentRows.provider());
    return UnusedSpreading.spread(rows, List.of(Focus.EffectiveCost, Focus.CommitmentDiscountQuantity));
  }

  private static Dataset<Row> aggregate(Dataset<Row> spread, boolean daily) {
    List<Column> keys = new ArrayList<>();
    keys.add(col(Focus.X_BILLING_PERIOD));
    if (daily) {
      keys.add(col(UnusedSpreading.DAY));
    }
    COMMITMENT_KEY.forEach(k -> keys.add(col(k)));
    Column used = col(Focus.CommitmentDiscountStatus).equalTo(CommitmentRows.USED);
    Column unused = col(Focus.CommitmentDiscountStatus).equalTo(CommitmentRows.UNUSED);
    Column zero = CommitmentRows.zero();
    Column counted = daily ? lit(true) : col(UnusedSpreading.FIRST);
    Dataset<Row> agg =
        spread
            .groupBy(keys.toArray(new Column[0]))
            .agg(
                max(col(Focus.ServiceProviderName)).as(Focus.ServiceProviderName),
                max(col(Focus.CommitmentDiscountName)).as(Focus.CommitmentDiscountName),
                max(col(Focus.CommitmentDiscountType)).as(Focus.CommitmentDiscountType),
                max(col(Focus.CommitmentDiscountCategory)).as(Focus.CommitmentDiscountCategory),
                max(col(Focus.CommitmentDiscountUnit)).as(Focus.CommitmentDiscountUnit),
                functions.min(col(Focus.CommitmentDiscountUnit)).as("x__MinUnit"),
                sum0(when(used, col(Focus.EffectiveCost)).otherwise(zero)).as(USED_COST),
                sum0(when(unused, col(Focus.EffectiveCost)).otherwise(zero)).as(UNUSED_COST),
                sum0(when(used, col(Focus.CommitmentDiscountQuantity)).otherwise(zero)).as(USED_QTY),
                sum0(when(unused, col(Focus.CommitmentDiscountQuantity)).otherwise(zero)).as(UNUSED_QTY),
                // A spread row counts on each day it lands on, and once in a period.
                count(when(col(Focus.CommitmentDiscountQuantity).isNull().and(counted), lit(1))).as(ROWS_WITHOUT_QTY),
                count(when(col(UnusedSpreading.SPREAD).and(counted), lit(1))).as(SPREAD_ROWS),
                count(when(used.and(counted), lit(1))).as(USED_ROWS),
                count(when(unused.and(counted), lit(1))).as(UNUSED_ROWS),
                countDistinct(col(UnusedSpreading.DAY)).as(DAYS))
            .withColumn(
                UNITS,
                when(col(Focus.CommitmentDiscountUnit).isNull(), lit(0))
                    .when(col(Focus.CommitmentDiscountUnit).equalTo(col("x__MinUnit")), lit(1))
                    .otherwise(lit(2)))
            .drop("x__MinUnit");
    return finish(agg, daily);
  }

  /** Output columns, in order. */
  public static List<String> columns(boolean daily) {
    List<String> out = new ArrayList<>();
    out.add(Focus.X_BILLING_PERIOD);
    if (daily) {
      out.add(UnusedSpreading.DAY);
    }
    out.add(Focus.ServiceProviderName);
    out.addAll(COMMITMENT_KEY);
    out.addAll(
        List.of(
            Focus.CommitmentDiscountName,
            Focus.CommitmentDiscountType,
            Focus.CommitmentDiscountCategory,
            AMORTIZED,
            USED_COST,
            UNUSED_COST,
            UTILIZATION_COST,
            Focus.CommitmentDiscountUnit,
            COMMITTED_QTY,
            USED_QTY,
            UNUSED_QTY,
            UTILIZATION_QTY,
            QTY_NULL_REASON,
            USED_ROWS,
            UNUSED_ROWS,
            SPREAD_ROWS,
            ROWS_WITHOUT_QTY));
    if (!daily) {
      out.add(DAYS);
    }
    return out;
  }

  private static Dataset<Row> finish(Dataset<Row> agg, boolean daily) {
    // Σ are DECIMAL(38,12); adding two of those would round to 11 decimals, so narrow first.
    for (String m : List.of(USED_COST, UNUSED_COST, USED_QTY, UNUSED_QTY)) {
      agg = agg.withColumn(m, col(m).cast(Focus.DECIMAL));
    }
    Column amortized = col(USED_COST).plus(col(UNUSED_COST)).cast(Focus.DECIMAL);
    Column committedQty = col(USED_QTY).plus(col(UNUSED_QTY)).cast(Focus.DECIMAL);
    Column reason =
        when(col(ROWS_WITHOUT_QTY).gt(0), lit("CommitmentDiscountQuantity missing on some rows"))
            .when(col(UNITS).gt(1), lit("more than one CommitmentDiscountUnit"))
            .when(committedQty.equalTo(lit(0)), lit("no committed quantity"));
    Dataset<Row> out =
        agg.withColumn(AMORTIZED, amortized)
            .withColumn(UTILIZATION_COST, ratio(col(USED_COST), col(AMORTIZED)))
            .withColumn(COMMITTED_QTY, when(reason.isNull(), committedQty))
            .withColumn(USED_QTY, when(reason.isNull(), col(USED_QTY)))
            .withColumn(UNUSED_QTY, when(reason.isNull(), col(UNUSED_QTY)))
            .withColumn(UTILIZATION_QTY, ratio(col(USED_QTY), col(COMMITTED_QTY)))
            .withColumn(QTY_NULL_REASON, reason);
    List<Column> cols = new ArrayList<>();
    for (String c : columns(daily)) {
      cols.add(col(c));
    }
    return out.select(cols.toArray(new Column[0]));
  }
}
