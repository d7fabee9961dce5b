package dev.costlake.commitments;

import static dev.costlake.commitments.CommitmentRows.ratio;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.costlake.gold.CostDaily;
import dev.costlake.gold.SilverSummary;
import dev.costlake.model.Focus;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Savings per usage row and per day ({@code savings_daily}): negotiated savings = ListCost −
 * ContractedCost, commitment savings = ContractedCost − EffectiveCost, total = ListCost −
 * EffectiveCost, effective savings rate = total / Σ ListCost. Usage rows only: commitment purchase
 * rows (whose List and Contracted cost reappear on the covered usage) never enter, nor do split
 * cost allocation rows. A missing price gives null with a reason, never 0; negative savings stay
 * negative (a commitment's Unused rows usually show as negative commitment savings).
 */
public final class Savings {
  private Savings() {}

  public static final String NEGOTIATED = "NegotiatedSavings";
  public static final String COMMITMENT = "CommitmentSavings";
  public static final String TOTAL = "TotalSavings";
  public static final String RATE = "EffectiveSavingsRate";
  public static final String REASON = "SavingsNullReason";
  public static final String LIST_KNOWN = "ListCostKnown";
  public static final String CONTRACTED_KNOWN = "ContractedCostKnown";
  public static final String EFFECTIVE_WITH_LIST = "EffectiveCostWithListCost";
  public static final String MISSING_LIST = "RowsWithoutListCost";
  public static final String MISSING_CONTRACTED = "RowsWithoutContractedCost";
  public static final String LINE_ITEMS = "LineItems";

  public static final String LIST_MISSING = "ListCost missing";
  public static final String CONTRACTED_MISSING = "ContractedCost missing";

  public static final List<String> KEYS =
      List.of(
          Focus.X_BILLING_PERIOD,
          CommitmentRows.CHARGE_DATE,
          Focus.ServiceProviderName,
          Focus.BillingAccountId,
          Focus.SubAccountId,
          Focus.ServiceCategory,
          Focus.ServiceName,
          Focus.RegionId,
          Focus.PricingCategory,
          Focus.BillingCurrency,
          CommitmentRows.OWNER);

  /** Rows savings are measured on: Usage rows that count (no purchase, no split row). */
  public static Dataset<Row> usageRows(Dataset<Row> silver) {
    return CostDaily.countable(silver)
        .where(col(Focus.ChargeCategory).equalTo("Usage").and(functions.not(CommitmentRows.commitmentPurchase())));
  }

  /** Usage rows with their savings and, where one is null, why. */
  public static Dataset<Row> perRow(Dataset<Row> silver) {
    Column list = col(Focus.ListCost);
    Column contracted = col(Focus.ContractedCost);
    Column effective = col(Focus.EffectiveCost);
    return usageRows(silver)
        .withColumn(NEGOTIATED, list.minus(contracted).cast(Focus.DECIMAL))
        .withColumn(COMMITMENT, contracted.minus(effective).cast(Focus.DECIMAL))
        .withColumn(TOTAL, list.minus(effective).cast(Focus.DECIMAL))
        .withColumn(
            REASON,
            functions.nullif(
                concat_ws("; ", when(list.isNull(), lit(LIST_MISSING)), when(contracted.isNull(), lit(CONTRACTED_MISSING))),
                lit("")));
  }

  /** Savings per day from silver rows or from their {@link SilverSummary}. */
  public static Dataset<Row> daily(Dataset<Row> silver) {
    Dataset<Row> rows =
        perRow(silver)
            .withColumn(Focus.ServiceProviderName, CommitmentRows.provider())
            .withColumn(CommitmentRows.OWNER, CommitmentRows.owner(silver))
            .withColumn(CommitmentRows.CHARGE_DATE, col(Focus.X_CHARGE_DATE));
    List<Column> keys = new ArrayList<>();
    KEYS.forEach(k -> keys.add(col(k)));
    Column list = col(Focus.ListCost);
    Dataset<Row> agg =
        rows.groupBy(keys.toArray(new Column[0]))
            .agg(
                sum(list).as(LIST_KNOWN),
                sum(col(Focus.ContractedCost)).as(CONTRACTED_KNOWN),
                sum(col(Focus.EffectiveCost)).as(Focus.EffectiveCost),
                sum(when(list.isNotNull(), col(Focus.EffectiveCost))).as(EFFECTIVE_WITH_LIST),
                sum(col(NEGOTIATED)).as(NEGOTIATED),
                sum(col(COMMITMENT)).as(COMMITMENT),
                sum(col(TOTAL)).as(TOTAL),
                SilverSummary.countWhen(rows, list.isNull()).as(MISSING_LIST),
                SilverSummary.countWhen(rows, col(Focus.ContractedCost).isNull()).as(MISSING_CONTRACTED),
                SilverSummary.count(rows).as(LINE_ITEMS));
    for (String m : List.of(LIST_KNOWN, CONTRACTED_KNOWN, Focus.EffectiveCost, EFFECTIVE_WITH_LIST, NEGOTIATED, COMMITMENT, TOTAL)) {
      agg = agg.withColumn(m, col(m).cast(Focus.DECIMAL));
    }
    Column reason =
        functions.nullif(
            concat_ws(
                "; ",
                when(col(MISSING_LIST).gt(0), functions.format_string(LIST_MISSING + " on %d of %d rows (left out of list-based sums)", col(MISSING_LIST), col(LINE_ITEMS))),
                when(col(MISSING_CONTRACTED).gt(0), functions.format_string(CONTRACTED_MISSING + " on %d of %d rows (left out of contracted-based sums)", col(MISSING_CONTRACTED), col(LINE_ITEMS))),
                when(col(LIST_KNOWN).isNotNull().and(col(LIST_KNOWN).equalTo(lit(0))), lit("Σ ListCost is 0: no savings rate"))),
            lit(""));
    agg =
        agg.withColumn(RATE, ratio(col(TOTAL), col(LIST_KNOWN)))
            .withColumn(REASON, reason);
    return agg.select(columns().stream().map(functions::col).toArray(Column[]::new));
  }

  public static List<String> columns() {
    List<String> out = new ArrayList<>(KEYS);
    out.addAll(
        List.of(
            LIST_KNOWN,
            CONTRACTED_KNOWN,
            Focus.EffectiveCost,
            EFFECTIVE_WITH_LIST,
            NEGOTIATED,
            COMMITMENT,
            TOTAL,
            RATE,
            REASON,
            MISSING_LIST,
            MISSING_CONTRACTED,
            LINE_ITEMS));
    return out;
  }
}
