package dev.costlake.gold;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.costlake.enrich.OwnershipConfig;
import dev.costlake.enrich.OwnershipConfig.RuleType;
import dev.costlake.model.Focus;
import dev.costlake.model.Tables;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;

/**
 * Gold {@code allocation_coverage}: per billing period, provider, billing account and currency,
 * the EffectiveCost with a resolved owner and without one (x_OwnershipSource = unallocated), the
 * allocated cost by kind of rule, and coverage = allocated / total. The basis is named in the
 * {@code basis} column. Split cost allocation rows are left out, as in cost_daily. A zero or
 * negative total gives a null coverage with the reason in {@code coverage_note}.
 */
public final class AllocationCoverage implements GoldStep {
  public static final String BASIS = "basis";
  public static final String TOTAL = "total_cost";
  public static final String ALLOCATED = "allocated_cost";
  public static final String UNALLOCATED = "unallocated_cost";
  public static final String COVERAGE = "allocation_coverage";
  public static final String UNALLOCATED_SHARE = "unallocated_share";
  public static final String NOTE = "coverage_note";
  public static final String LINE_ITEMS = "line_items";
  public static final String UNALLOCATED_LINE_ITEMS = "unallocated_line_items";

  /** Allocated cost by kind of rule: tag_cost, account_cost, resource_cost, service_cost. */
  public static String costBy(RuleType t) {
    return t.label + "_cost";
  }

  public static final List<String> KEYS =
      List.of(Focus.X_BILLING_PERIOD, Focus.ServiceProviderName, Focus.BillingAccountId, Focus.BillingCurrency);

  /** Ratios keep six decimal places (0.123456 = 12.3456 %). */
  public static final DecimalType RATIO = DataTypes.createDecimalType(38, 6);

  @Override
  public String name() {
    return Tables.ALLOCATION_COVERAGE;
  }

  @Override
  public void build(Context ctx) {
    String cond = ctx.periodCondition();
    ctx.warehouse().replace(compute(ctx.summary().rows()), Tables.ALLOCATION_COVERAGE, cond, List.of(Focus.X_BILLING_PERIOD), false);
    ctx.progress().accept("gold", "rebuilt " + Tables.ALLOCATION_COVERAGE + " for periods " + ctx.periods());
  }

  /** Coverage from silver rows or from their {@link SilverSummary}. */
  public static Dataset<Row> compute(Dataset<Row> silver) {
    Column cost = col(Focus.EffectiveCost);
    Column zero = lit(0).cast(Focus.DECIMAL);
    Column source = col(Focus.X_OWNERSHIP_SOURCE);
    // Rows never enriched (null source) count as unallocated.
    Column unallocated = source.isNull().or(source.equalTo(OwnershipConfig.UNALLOCATED_SOURCE));
    List<Column> aggs = new ArrayList<>();
    aggs.add(sum(cost).as(TOTAL));
    aggs.add(sum(when(unallocated, zero).otherwise(cost)).as(ALLOCATED));
    aggs.add(sum(when(unallocated, cost).otherwise(zero)).as(UNALLOCATED));
    for (RuleType t : RuleType.values()) {
      aggs.add(sum(when(source.equalTo(t.label), cost).otherwise(zero)).as(costBy(t)));
    }
    aggs.add(SilverSummary.count(silver).as(LINE_ITEMS));
    aggs.add(SilverSummary.countWhen(silver, unallocated).as(UNALLOCATED_LINE_ITEMS));
    Dataset<Row> g =
        CostDaily.countable(silver)
            .groupBy(KEYS.stream().map(c -> col(c)).toArray(Column[]::new))
            .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0]));
    Column total = col(TOTAL);
    Column usable = total.gt(0);
    return g.withColumn(BASIS, lit(Focus.EffectiveCost))
        .withColumn(COVERAGE, when(usable, ratio(col(ALLOCATED), total)))
        .withColumn(UNALLOCATED_SHARE, when(usable, ratio(col(UNALLOCATED), total)))
        .withColumn(
            NOTE,
            when(total.equalTo(0), lit("total cost is zero"))
                .when(total.lt(0), lit("total cost is negative (credits exceed charges)")));
  }

  /** a / b rounded half up to six places (null when b is 0). */
  static Column ratio(Column a, Column b) {
    return functions.round(functions.try_divide(a, b), 6).cast(RATIO);
  }
}
