package dev.costlake.commitments;

import static dev.costlake.commitments.CommitmentRows.ratio;
import static dev.costlake.commitments.CommitmentRows.sum0;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
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
 * Gold {@code commitment_coverage_daily}: per day, provider, billing account, service, region,
 * currency and owner, the usage commitments could cover (eligible, by {@link EligibilityRules})
 * and the part they did cover (CommitmentDiscountStatus Used), on two bases: on-demand equivalent
 * (ListCost, or ContractedCost where ListCost is null) and amortized (EffectiveCost). Usage rows
 * only; a commitment's own Unused rows, purchases and split cost allocation rows never enter. A
 * covered row is eligible even when no rule lists its service (counted in
 * CoveredOutsideRulesRows, a hint to extend the rules).
 */
public final class CommitmentCoverage {
  private CommitmentCoverage() {}

  public static final String OWNER = CommitmentRows.OWNER;
  public static final String ELIGIBLE_OD = "EligibleOnDemandCost";
  public static final String COVERED_OD = "CoveredOnDemandCost";
  public static final String COVERAGE_OD = "CoverageOnDemandBasis";
  public static final String ELIGIBLE_EFF = "EligibleEffectiveCost";
  public static final String COVERED_EFF = "CoveredEffectiveCost";
  public static final String COVERAGE_EFF = "CoverageAmortizedBasis";
  public static final String ELIGIBLE_ROWS = "EligibleRows";
  public static final String COVERED_ROWS = "CoveredRows";
  public static final String OUTSIDE_RULES = "CoveredOutsideRulesRows";
  public static final String NO_OD_PRICE = "RowsWithoutOnDemandCost";

  public static final List<String> KEYS =
      List.of(
          Focus.X_BILLING_PERIOD,
          CommitmentRows.CHARGE_DATE,
          Focus.ServiceProviderName,
          Focus.BillingAccountId,
          Focus.ServiceCategory,
          Focus.ServiceName,
          Focus.RegionId,
          Focus.BillingCurrency,
          OWNER);

  /** Coverage per day from silver rows or from their {@link SilverSummary}. */
  public static Dataset<Row> daily(Dataset<Row> silver, EligibilityRules rules) {
    Column covered =
        col(Focus.CommitmentDiscountId).isNotNull()
            .and(col(Focus.CommitmentDiscountStatus).equalTo(CommitmentRows.USED));
    Column listed = rules.eligible();
    Dataset<Row> rows =
        CostDaily.countable(silver)
            .where(
                col(Focus.ChargeCategory).equalTo("Usage")
                    .and(coalesce(col(Focus.CommitmentDiscountStatus), lit("")).notEqual(CommitmentRows.UNUSED)))
            .withColumn("x__Covered", covered)
            .withColumn("x__Listed", listed)
            .where(col("x__Covered").or(col("x__Listed")))
            .withColumn(Focus.ServiceProviderName, CommitmentRows.provider())
            .withColumn(OWNER, CommitmentRows.owner(silver))
            .withColumn(CommitmentRows.CHARGE_DATE, col(Focus.X_CHARGE_DATE))
            .withColumn("x__OnDemand", coalesce(col(Focus.ListCost), col(Focus.ContractedCost)));
    Column zero = CommitmentRows.zero();
    Column cov = col("x__Covered");
    List<Column> keys = new ArrayList<>();
    KEYS.forEach(k -> keys.add(col(k)));
    Dataset<Row> agg =
        rows.groupBy(keys.toArray(new Column[0]))
            .agg(
                sum0(coalesce(col("x__OnDemand"), zero)).as(ELIGIBLE_OD),
                sum0(when(cov, coalesce(col("x__OnDemand"), zero)).otherwise(zero)).as(COVERED_OD),
                sum0(col(Focus.EffectiveCost)).as(ELIGIBLE_EFF),
                sum0(when(cov, col(Focus.EffectiveCost)).otherwise(zero)).as(COVERED_EFF),
                SilverSummary.count(rows).as(ELIGIBLE_ROWS),
                SilverSummary.countWhen(rows, cov).as(COVERED_ROWS),
                SilverSummary.countWhen(rows, cov.and(functions.not(col("x__Listed")))).as(OUTSIDE_RULES),
                SilverSummary.countWhen(rows, col("x__OnDemand").isNull()).as(NO_OD_PRICE));
    for (String m : List.of(ELIGIBLE_OD, COVERED_OD, ELIGIBLE_EFF, COVERED_EFF)) {
      agg = agg.withColumn(m, col(m).cast(Focus.DECIMAL));
    }
    agg =
        agg.withColumn(COVERAGE_OD, ratio(col(COVERED_OD), col(ELIGIBLE_OD)))
            .withColumn(COVERAGE_EFF, ratio(col(COVERED_EFF), col(ELIGIBLE_EFF)));
    return agg.select(columns().stream().map(functions::col).toArray(Column[]::new));
  }

  public static List<String> columns() {
    List<String> out = new ArrayList<>(KEYS);
    out.addAll(
        List.of(
            ELIGIBLE_OD,
            COVERED_OD,
            COVERAGE_OD,
            ELIGIBLE_EFF,
            COVERED_EFF,
            COVERAGE_EFF,
            ELIGIBLE_ROWS,
            COVERED_ROWS,
            OUTSIDE_RULES,
            NO_OD_PRICE));
    return out;
  }
}
