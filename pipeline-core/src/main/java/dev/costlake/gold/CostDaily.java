package dev.costlake.gold;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.costlake.model.Focus;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Gold {@code cost_daily}: EffectiveCost, BilledCost, ListCost and ContractedCost per charge day,
 * provider, billing account, sub account, service, region and currency. Never sums across
 * currencies (BillingCurrency is a key). List and Contracted cost leave out commitment purchase
 * rows, which FOCUS repeats on the covered usage (counting both would double them). Split cost
 * allocation rows are left out ({@link #countable}).
 */
public final class CostDaily {
  private CostDaily() {}

  public static final String CHARGE_DATE = "ChargeDate";
  public static final String LINE_ITEMS = "LineItems";

  public static final List<String> KEYS =
      List.of(
          Focus.X_BILLING_PERIOD,
          CHARGE_DATE,
          Focus.ServiceProviderName,
          Focus.BillingAccountId,
          Focus.BillingAccountName,
          Focus.SubAccountId,
          Focus.SubAccountName,
          Focus.ServiceCategory,
          Focus.ServiceName,
          Focus.RegionId,
          Focus.BillingCurrency);

  /**
   * Silver rows that count in gold totals: all but split cost allocation rows (AllocatedMethodId
   * set), which re-express the cost of an origin row that is itself in silver.
   */
  public static Dataset<Row> countable(Dataset<Row> silver) {
    return silver.where(col(Focus.AllocatedMethodId).isNull());
  }

  /** cost_daily from silver rows or from their {@link SilverSummary}. */
  public static Dataset<Row> compute(Dataset<Row> silver) {
    Column commitmentPurchase =
        col(Focus.ChargeCategory)
            .equalTo("Purchase")
            .and(col(Focus.CommitmentDiscountId).isNotNull());
    Column zero = lit(0).cast(Focus.DECIMAL);
    return countable(silver)
        .withColumn(CHARGE_DATE, col(Focus.X_CHARGE_DATE))
        .groupBy(KEYS.stream().map(c -> col(c)).toArray(Column[]::new))
        .agg(
            sum(col(Focus.EffectiveCost)).as(Focus.EffectiveCost),
            sum(col(Focus.BilledCost)).as(Focus.BilledCost),
            sum(when(commitmentPurchase, zero).otherwise(col(Focus.ListCost))).as(Focus.ListCost),
            sum(when(commitmentPurchase, zero).otherwise(col(Focus.ContractedCost)))
                .as(Focus.ContractedCost),
            SilverSummary.count(silver).as(LINE_ITEMS));
  }
}
