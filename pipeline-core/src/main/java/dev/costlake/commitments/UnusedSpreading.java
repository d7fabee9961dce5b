package dev.costlake.commitments;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import dev.costlake.model.Focus;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Spreads commitment usage amounts charged once for several days over those days, so that daily
 * figures do not spike on the first day. The rule:
 *
 * <ul>
 *   <li>the spread window of a row is its charge period [ChargePeriodStart, ChargePeriodEnd); for
 *       an Unused row marked monthly by its provider ({@link
 *       CommitmentRows#MONTHLY_UNUSED_LINE_TYPES}, e.g. AWS RIFee) it is the billing period;
 *   <li>the window is clipped to the row's billing period; its days are the UTC dates from the
 *       window's start to the last instant before its end;
 *   <li>each of the n days gets round(amount / n, 12 decimals), and the last day gets the rest,
 *       amount − (n − 1) × share, so the days add up to the amount exactly;
 *   <li>a row whose window is one day (or empty) stays on its charge date (x_ChargeDate).
 * </ul>
 */
public final class UnusedSpreading {
  private UnusedSpreading() {}

  /** Output: the day a share lands on. */
  public static final String DAY = CommitmentRows.CHARGE_DATE;
  /** Output: true when the row was spread over more than one day. */
  public static final String SPREAD = "x__Spread";

  /** Output: true on the first day of a row's window (count rows once with it). */
  public static final String FIRST = "x__FirstDay";

  private static final String DAYS = "x__Days";
  private static final String INDEX = "x__DayIndex";

  /**
   * One output row per input row and day of its window, with the {@code amounts} columns replaced
   * by that day's share (Focus.DECIMAL), plus {@link #DAY} and {@link #SPREAD}. Built-in functions
   * only.
   */
  public static Dataset<Row> spread(Dataset<Row> rows, List<String> amounts) {
    Column monthly =
        col(Focus.CommitmentDiscountStatus)
            .equalTo(CommitmentRows.UNUSED)
            .and(
                coalesce(
                    CommitmentRows.extension(rows, "x_LineItemType")
                        .isin(CommitmentRows.MONTHLY_UNUSED_LINE_TYPES.toArray()),
                    lit(false)));
    Column start = when(monthly, col(Focus.BillingPeriodStart)).otherwise(col(Focus.ChargePeriodStart));
    Column end = when(monthly, col(Focus.BillingPeriodEnd)).otherwise(col(Focus.ChargePeriodEnd));
    start = greatest(start, coalesce(col(Focus.BillingPeriodStart), start));
    end = least(end, coalesce(col(Focus.BillingPeriodEnd), end));
    Column firstDay = functions.to_date(start);
    Column lastDay = functions.to_date(functions.timestamp_micros(functions.unix_micros(end).minus(lit(1L))));
    Column days =
        when(
                end.isNull().or(start.isNull()).or(lastDay.lt(firstDay)),
                array(col(Focus.X_CHARGE_DATE)))
            .otherwise(functions.sequence(firstDay, lastDay));
    Dataset<Row> d =
        rows.withColumn(DAYS, days)
            .select(col("*"), functions.posexplode(col(DAYS)).as(new String[] {INDEX, DAY}));
    Column n = functions.size(col(DAYS));
    Column nDec = n.cast(DataTypes.createDecimalType(5, 0));
    Column nMinus1 = n.minus(lit(1)).cast(DataTypes.createDecimalType(5, 0));
    Column last = col(INDEX).equalTo(n.minus(lit(1)));
    for (String a : amounts) {
      Column amount = col(a).cast(Focus.DECIMAL);
      Column share = functions.round(amount.divide(nDec), 12).cast(Focus.DECIMAL);
      Column rest = amount.minus(share.multiply(nMinus1)).cast(Focus.DECIMAL);
      d = d.withColumn(a, when(last, rest).otherwise(share));
    }
    return d.withColumn(SPREAD, n.gt(lit(1))).withColumn(FIRST, col(INDEX).equalTo(0)).drop(DAYS, INDEX);
  }
}
