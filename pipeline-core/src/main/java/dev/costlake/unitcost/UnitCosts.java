package dev.costlake.unitcost;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.costlake.model.AllocationColumns;
import dev.costlake.model.Focus;
import dev.costlake.model.UnitCostColumns;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;

/**
 * Unit costs: allocated EffectiveCost of a scope (from {@code cost_allocated_daily}, all kinds,
 * so shared cost received counts and shared cost given does not) divided by a business metric's
 * quantity for the same day and dimension, times the definition's scale. A missing or zero
 * quantity gives a null unit cost and a reason, never infinity or 0. Currencies stay apart.
 */
public final class UnitCosts {
  private UnitCosts() {}

  private static final DecimalType COST = DataTypes.createDecimalType(26, 12);
  private static final DecimalType QTY = DataTypes.createDecimalType(18, 6);
  private static final DecimalType SCALE = DataTypes.createDecimalType(10, 0);

  public static final String NO_QUANTITY_DAY = "no business metric quantity for the day";
  public static final String NO_QUANTITY_MONTH = "no business metric quantity in the month";
  public static final String ZERO_QUANTITY = "quantity is zero";

  public static final List<String> DAILY_COLUMNS =
      List.of(
          Focus.X_BILLING_PERIOD,
          UnitCostColumns.DATE,
          UnitCostColumns.UNIT_COST,
          UnitCostColumns.METRIC,
          UnitCostColumns.DIMENSION,
          Focus.BillingCurrency,
          UnitCostColumns.COST,
          UnitCostColumns.QUANTITY,
          UnitCostColumns.SCALE,
          UnitCostColumns.COST_PER_UNIT,
          UnitCostColumns.NULL_REASON);

  public static final List<String> MONTHLY_COLUMNS =
      List.of(
          Focus.X_BILLING_PERIOD,
          UnitCostColumns.UNIT_COST,
          UnitCostColumns.METRIC,
          UnitCostColumns.DIMENSION,
          Focus.BillingCurrency,
          UnitCostColumns.COST,
          UnitCostColumns.QUANTITY,
          UnitCostColumns.SCALE,
          UnitCostColumns.COST_PER_UNIT,
          UnitCostColumns.DAYS_WITH_COST,
          UnitCostColumns.DAYS_WITHOUT_QUANTITY,
          UnitCostColumns.NULL_REASON);

  /** One row per definition, billing period, day, dimension and currency with allocated cost. */
  public static Dataset<Row> daily(Dataset<Row> allocated, Dataset<Row> metrics, List<UnitCostConfig> defs) {
    Dataset<Row> out = null;
    for (UnitCostConfig d : defs) {
      Dataset<Row> scope = allocated;
      if (!d.owners().isEmpty()) {
        scope = scope.where(col(AllocationColumns.OWNER).isin(d.owners().toArray()));
      }
      Column dim = d.perOwner() ? col(AllocationColumns.OWNER) : lit(d.dimension());
      Dataset<Row> cost =
          scope.groupBy(
                  col(Focus.X_BILLING_PERIOD),
                  col(AllocationColumns.CHARGE_DATE).as(UnitCostColumns.DATE),
                  dim.as(UnitCostColumns.DIMENSION),
                  col(Focus.BillingCurrency))
              .agg(sum(col(Focus.EffectiveCost)).cast(AllocationColumns.AMOUNT).as(UnitCostColumns.COST));
      Dataset<Row> qty =
          metrics
              .where(col(UnitCostColumns.METRIC_NAME).equalTo(d.metric()))
              .groupBy(
                  col(UnitCostColumns.METRIC_DATE).as(UnitCostColumns.DATE),
                  col(UnitCostColumns.METRIC_DIMENSION).as(UnitCostColumns.DIMENSION))
              .agg(sum(col(UnitCostColumns.METRIC_QUANTITY)).cast(Focus.DECIMAL).as(UnitCostColumns.QUANTITY));
      Column q = col(UnitCostColumns.QUANTITY);
      Dataset<Row> one =
          cost.join(qty, seq(UnitCostColumns.DATE, UnitCostColumns.DIMENSION), "left")
              .withColumn(UnitCostColumns.UNIT_COST, lit(d.name()))
              .withColumn(UnitCostColumns.METRIC, lit(d.metric()))
              .withColumn(UnitCostColumns.SCALE, lit(d.scale()).cast(Focus.DECIMAL))
              .withColumn(UnitCostColumns.COST_PER_UNIT, perUnit(col(UnitCostColumns.COST), q, col(UnitCostColumns.SCALE)))
              .withColumn(
                  UnitCostColumns.NULL_REASON,
                  when(q.isNull(), lit(NO_QUANTITY_DAY)).when(q.equalTo(0), lit(ZERO_QUANTITY)));
      out = out == null ? one : out.unionByName(one);
    }
    return out.select(DAILY_COLUMNS.stream().map(c -> col(c)).toArray(Column[]::new));
  }

  /**
   * Per billing period: Σ cost / Σ quantity over the days of {@code daily} (days without a quantity
   * add their cost but no quantity, and are counted in DaysWithoutQuantity).
   */
  public static Dataset<Row> monthly(Dataset<Row> daily) {
    Column q = col(UnitCostColumns.QUANTITY);
    return daily
        .groupBy(
            col(Focus.X_BILLING_PERIOD),
            col(UnitCostColumns.UNIT_COST),
            col(UnitCostColumns.METRIC),
            col(UnitCostColumns.DIMENSION),
            col(Focus.BillingCurrency),
            col(UnitCostColumns.SCALE))
        .agg(
            sum(col(UnitCostColumns.COST)).cast(AllocationColumns.AMOUNT).as(UnitCostColumns.COST),
            sum(q).cast(Focus.DECIMAL).as(UnitCostColumns.QUANTITY),
            count(lit(1)).as(UnitCostColumns.DAYS_WITH_COST),
            sum(when(q.isNull(), lit(1)).otherwise(lit(0))).cast(DataTypes.LongType).as(UnitCostColumns.DAYS_WITHOUT_QUANTITY))
        .withColumn(UnitCostColumns.COST_PER_UNIT, perUnit(col(UnitCostColumns.COST), q, col(UnitCostColumns.SCALE)))
        .withColumn(
            UnitCostColumns.NULL_REASON,
            when(q.isNull(), lit(NO_QUANTITY_MONTH)).when(q.equalTo(0), lit(ZERO_QUANTITY)))
        .select(MONTHLY_COLUMNS.stream().map(c -> col(c)).toArray(Column[]::new));
  }

  /**
   * (cost * scale) / quantity, rounded half-up once to 12 decimals; null when the quantity is null
   * or zero. The scale is a whole number, so cost * scale is exact; DECIMAL(26,12) / DECIMAL(18,6)
   * keeps 18 decimal places in Spark, which are then rounded to 12.
   */
  static Column perUnit(Column cost, Column qty, Column scale) {
    Column numerator = cost.cast(COST).multiply(scale.cast(SCALE)).cast(COST);
    Column quotient = numerator.divide(qty.cast(QTY));
    return when(qty.isNull().or(qty.equalTo(0)), lit(null).cast(Focus.DECIMAL))
        .otherwise(round(quotient, 12).cast(Focus.DECIMAL));
  }

  private static scala.collection.immutable.Seq<String> seq(String... cols) {
    return scala.jdk.javaapi.CollectionConverters.asScala(java.util.Arrays.asList(cols)).toList();
  }
}
