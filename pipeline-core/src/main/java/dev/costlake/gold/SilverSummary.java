package dev.costlake.gold;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.costlake.model.Focus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.storage.StorageLevel;

/**
 * Silver's countable rows (no split cost allocation rows) summed once per run by every dimension
 * the daily gold tables group or filter on: {@code cost_daily}, {@code allocation_coverage},
 * {@code tag_compliance}, {@code savings_daily} and {@code commitment_coverage_daily} are then
 * computed from its rows (thousands) instead of each reading and aggregating silver (millions).
 *
 * <p>A summary row stands for {@value #LINES} silver lines and carries the sums of their amounts.
 * The gold formulas read it as they read silver, with two rules that keep them exact:
 *
 * <ul>
 *   <li>Lines are counted with {@link #count} and {@link #countWhen} (the sum of {@value #LINES};
 *       on silver itself, one per row), never with {@code count(*)}.
 *   <li>Whether an amount is null is a dimension ({@code x__<amount>Null}), so within a summary
 *       row an amount is null on every line or on none: {@code ListCost IS NULL}, {@code
 *       coalesce(ListCost, ContractedCost)} and {@code ListCost - ContractedCost} sum to what the
 *       same expressions give over the lines. Only such linear expressions and conditions on
 *       dimensions may be used by a formula that reads the summary.
 * </ul>
 *
 * Sums are DECIMAL(36,12): exact, and two of them still add or subtract without rounding. Never
 * summed across currencies (BillingCurrency is a dimension).
 */
public final class SilverSummary implements AutoCloseable {
  /** Number of silver lines a summary row stands for. */
  public static final String LINES = "x__Lines";

  /** Dimensions kept (those silver has; the enrichment columns may be absent). */
  public static final List<String> DIMENSIONS =
      List.of(
          Focus.X_BILLING_PERIOD,
          Focus.X_CHARGE_DATE,
          Focus.ServiceProviderName,
          Focus.ProviderName,
          Focus.BillingAccountId,
          Focus.BillingAccountName,
          Focus.SubAccountId,
          Focus.SubAccountName,
          Focus.ServiceCategory,
          Focus.ServiceName,
          Focus.RegionId,
          Focus.BillingCurrency,
          Focus.PricingCategory,
          Focus.PricingUnit,
          Focus.ChargeCategory,
          Focus.CommitmentDiscountId,
          Focus.CommitmentDiscountStatus,
          Focus.AllocatedMethodId,
          Focus.X_OWNERSHIP_SOURCE,
          Focus.X_TEAM);

  /** Amounts summed; each also gives a null flag dimension. */
  public static final List<String> AMOUNTS =
      List.of(Focus.EffectiveCost, Focus.BilledCost, Focus.ListCost, Focus.ContractedCost);

  static final DecimalType SUM = DataTypes.createDecimalType(36, 12);

  /** The line's tags as {@code map_entries(x_TagsMap)}: tag compliance reads them from the summary. */
  public static final String TAG_ENTRIES = "x__TagEntries";
  /** Whether the line has no ResourceId (such lines cannot carry tags). */
  public static final String RESOURCE_ID_NULL = "x__ResourceIdNull";

  private final Dataset<Row> silver;
  private Dataset<Row> cached;

  /** @param silver silver rows of the periods being rebuilt */
  public SilverSummary(Dataset<Row> silver) {
    this.silver = silver;
  }

  /** The summary rows, computed on first use and kept (in memory, spilling to disk) until closed. */
  public Dataset<Row> rows() {
    if (cached == null) {
      cached = summarize(silver).persist(StorageLevel.MEMORY_AND_DISK());
      cached.count();
    }
    return cached;
  }

  /** Summary rows of {@code silver} (countable lines only), uncached. */
  public static Dataset<Row> summarize(Dataset<Row> silver) {
    Dataset<Row> lines = withTagDimensions(CostDaily.countable(silver));
    List<String> present = Arrays.asList(lines.columns());
    List<Column> keys = new ArrayList<>();
    for (String d : DIMENSIONS) {
      if (present.contains(d)) {
        keys.add(col(d));
      }
    }
    keys.add(col(TAG_ENTRIES));
    keys.add(col(RESOURCE_ID_NULL));
    for (String a : AMOUNTS) {
      keys.add(col(a).isNull().as(nullFlag(a)));
    }
    List<Column> aggs = new ArrayList<>();
    for (String a : AMOUNTS) {
      aggs.add(sum(col(a)).cast(SUM).as(a));
    }
    aggs.add(functions.count(lit(1)).as(LINES));
    return lines
        .groupBy(keys.toArray(new Column[0]))
        .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0]));
  }

  /**
   * Silver lines with {@value #TAG_ENTRIES} and {@value #RESOURCE_ID_NULL}, as a summary has them
   * (unchanged when they are there already). The tag entries are grouped on as they are: the
   * per-key work on them (normalizing, validating) runs once per summary row.
   */
  public static Dataset<Row> withTagDimensions(Dataset<Row> lines) {
    if (Arrays.asList(lines.columns()).contains(TAG_ENTRIES)) {
      return lines;
    }
    Column entries =
        Arrays.asList(lines.columns()).contains(Focus.X_TAGS_MAP)
            ? functions.map_entries(col(Focus.X_TAGS_MAP))
            : lit(null).cast("array<struct<key:string,value:string>>");
    return lines.withColumn(TAG_ENTRIES, entries).withColumn(RESOURCE_ID_NULL, col(Focus.ResourceId).isNull());
  }

  static String nullFlag(String amount) {
    return "x__" + amount + "Null";
  }

  /** Lines a row stands for: {@value #LINES} on a summary, one on silver. */
  public static Column lines(Dataset<Row> df) {
    return Arrays.asList(df.columns()).contains(LINES) ? col(LINES) : lit(1L);
  }

  /** Number of lines (as {@code count(*)} over silver). */
  public static Column count(Dataset<Row> df) {
    return coalesce(sum(lines(df)), lit(0L));
  }

  /** Number of lines meeting {@code condition} (as {@code count(CASE WHEN condition THEN 1 END)}). */
  public static Column countWhen(Dataset<Row> df, Column condition) {
    return coalesce(sum(when(condition, lines(df))), lit(0L));
  }

  @Override
  public void close() {
    if (cached != null) {
      cached.unpersist(false);
      cached = null;
    }
  }
}
