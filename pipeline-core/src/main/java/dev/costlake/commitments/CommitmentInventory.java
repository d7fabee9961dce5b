package dev.costlake.commitments;

import static dev.costlake.commitments.CommitmentRows.ratio;
import static dev.costlake.commitments.CommitmentRows.sum0;
import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.when;

import dev.costlake.gold.CostDaily;
import dev.costlake.model.Focus;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Gold {@code commitment_inventory}: one row per commitment (billing account, CommitmentDiscountId,
 * currency) seen in silver, with what the rows tell about it: provider, type, category, unit,
 * purchasing sub account and owner, term, payment option, purchase cost and amortized cost to
 * date. Provider-neutral: it reads FOCUS columns, plus optional x_Extensions keys a normalizer
 * may fill ({@link #EXT_TERM_START}, {@link #EXT_TERM_END}, {@link #EXT_PAYMENT_OPTION}).
 */
public final class CommitmentInventory {
  private CommitmentInventory() {}

  /** x_Extensions keys a normalizer may set on a commitment's rows (ISO timestamps / text). */
  public static final String EXT_TERM_START = "x_CommitmentTermStart";
  public static final String EXT_TERM_END = "x_CommitmentTermEnd";
  public static final String EXT_PAYMENT_OPTION = "x_CommitmentPaymentOption";

  public static final String PURCHASE_SUB_ACCOUNT_ID = "PurchaseSubAccountId";
  public static final String PURCHASE_SUB_ACCOUNT_NAME = "PurchaseSubAccountName";
  public static final String TERM_START = "TermStart";
  public static final String TERM_END = "TermEnd";
  public static final String TERM_SOURCE = "TermSource";
  public static final String PAYMENT_OPTION = "PaymentOption";
  public static final String PAYMENT_OPTION_SOURCE = "PaymentOptionSource";
  public static final String PURCHASE_COST = "PurchaseCost";
  public static final String UPFRONT_COST = "UpfrontPurchaseCost";
  public static final String RECURRING_COST = "RecurringPurchaseCost";
  public static final String CREDITS = "CreditsAndRefunds";
  public static final String AMORTIZED_TO_DATE = "AmortizedCostToDate";
  public static final String USED_TO_DATE = "UsedCostToDate";
  public static final String UTILIZATION_TO_DATE = "UtilizationCostBasisToDate";
  public static final String FIRST_DATE = "FirstChargeDate";
  public static final String LAST_DATE = "LastChargeDate";
  public static final String PERIODS = "BillingPeriods";

  public static final String TERM_FROM_EXPORT = "export";
  public static final String TERM_FROM_PURCHASE = "purchase charge period";
  public static final String OPTION_INFERRED = "inferred from purchase rows";

  public static Dataset<Row> compute(Dataset<Row> silver) {
    Dataset<Row> rows =
        CostDaily.countable(silver)
            .where(col(Focus.CommitmentDiscountId).isNotNull())
            .withColumn(Focus.ServiceProviderName, CommitmentRows.provider())
            .withColumn("x__Owner", CommitmentRows.owner(silver))
            .withColumn("x__ExtStart", CommitmentRows.extension(silver, EXT_TERM_START).try_cast(DataTypes.TimestampType))
            .withColumn("x__ExtEnd", CommitmentRows.extension(silver, EXT_TERM_END).try_cast(DataTypes.TimestampType))
            .withColumn("x__ExtOption", CommitmentRows.extension(silver, EXT_PAYMENT_OPTION));
    Column purchase = col(Focus.ChargeCategory).equalTo("Purchase");
    Column unused = col(Focus.CommitmentDiscountStatus).equalTo(CommitmentRows.UNUSED);
    Column used = col(Focus.CommitmentDiscountStatus).equalTo(CommitmentRows.USED);
    Column usage = col(Focus.ChargeCategory).equalTo("Usage");
    Column oneTime = purchase.and(col(Focus.ChargeFrequency).equalTo("One-Time"));
    Column recurring = purchase.and(col(Focus.ChargeFrequency).equalTo("Recurring"));
    // A purchase whose charge period is longer than its billing period spans the term.
    Column termPurchase =
        purchase.and(
            col(Focus.ChargePeriodEnd).cast("long").minus(col(Focus.ChargePeriodStart).cast("long"))
                .gt(col(Focus.BillingPeriodEnd).cast("long").minus(col(Focus.BillingPeriodStart).cast("long"))));
    Column zero = CommitmentRows.zero();
    List<Column> keys = new ArrayList<>();
    CommitmentUtilization.COMMITMENT_KEY.forEach(k -> keys.add(col(k)));
    Dataset<Row> agg =
        rows.groupBy(keys.toArray(new Column[0]))
            .agg(
                max(col(Focus.ServiceProviderName)).as(Focus.ServiceProviderName),
                max(col(Focus.CommitmentDiscountName)).as(Focus.CommitmentDiscountName),
                max(col(Focus.CommitmentDiscountType)).as(Focus.CommitmentDiscountType),
                max(col(Focus.CommitmentDiscountCategory)).as(Focus.CommitmentDiscountCategory),
                max(col(Focus.CommitmentDiscountUnit)).as(Focus.CommitmentDiscountUnit),
                max(when(purchase, col(Focus.SubAccountId))).as("x__PurchaseSub"),
                max(when(purchase, col(Focus.SubAccountName))).as("x__PurchaseSubName"),
                max(when(unused, col(Focus.SubAccountId))).as("x__UnusedSub"),
                max(when(unused, col(Focus.SubAccountName))).as("x__UnusedSubName"),
                max(when(purchase, col("x__Owner"))).as("x__PurchaseOwner"),
                max(when(unused, col("x__Owner"))).as("x__UnusedOwner"),
                min(col("x__ExtStart")).as("x__ExtStart"),
                max(col("x__ExtEnd")).as("x__ExtEnd"),
                max(col("x__ExtOption")).as("x__ExtOption"),
                min(when(termPurchase, col(Focus.ChargePeriodStart))).as("x__PurchaseStart"),
                max(when(termPurchase, col(Focus.ChargePeriodEnd))).as("x__PurchaseEnd"),
                sum0(when(purchase, col(Focus.BilledCost)).otherwise(zero)).as(PURCHASE_COST),
                sum0(when(oneTime, col(Focus.BilledCost)).otherwise(zero)).as(UPFRONT_COST),
                sum0(when(recurring, col(Focus.BilledCost)).otherwise(zero)).as(RECURRING_COST),
                sum0(when(oneTime, abs(col(Focus.BilledCost))).otherwise(zero)).as("x__AbsUpfront"),
                sum0(when(recurring, abs(col(Focus.BilledCost))).otherwise(zero)).as("x__AbsRecurring"),
                sum0(when(col(Focus.ChargeCategory).isin("Credit", "Adjustment"), col(Focus.BilledCost)).otherwise(zero))
                    .as(CREDITS),
                sum0(when(usage.and(used.or(unused)), col(Focus.EffectiveCost)).otherwise(zero)).as(AMORTIZED_TO_DATE),
                sum0(when(usage.and(used), col(Focus.EffectiveCost)).otherwise(zero)).as(USED_TO_DATE),
                min(col(Focus.X_CHARGE_DATE)).as(FIRST_DATE),
                max(col(Focus.X_CHARGE_DATE)).as(LAST_DATE),
                countDistinct(col(Focus.X_BILLING_PERIOD)).as(PERIODS));
    Column upfront = col("x__AbsUpfront").gt(0);
    Column recurringPaid = col("x__AbsRecurring").gt(0);
    Column inferred =
        when(upfront.and(recurringPaid), lit("Partial Upfront"))
            .when(upfront, lit("All Upfront"))
            .when(recurringPaid, lit("No Upfront"));
    Column extTerm = col("x__ExtStart").isNotNull().or(col("x__ExtEnd").isNotNull());
    Column purchaseTerm = col("x__PurchaseStart").isNotNull();
    Dataset<Row> out =
        agg.withColumn(PURCHASE_SUB_ACCOUNT_ID, coalesce(col("x__PurchaseSub"), col("x__UnusedSub")))
            .withColumn(PURCHASE_SUB_ACCOUNT_NAME, coalesce(col("x__PurchaseSubName"), col("x__UnusedSubName")))
            .withColumn(CommitmentRows.OWNER, coalesce(col("x__PurchaseOwner"), col("x__UnusedOwner")))
            .withColumn(TERM_START, when(extTerm, col("x__ExtStart")).otherwise(col("x__PurchaseStart")))
            .withColumn(TERM_END, when(extTerm, col("x__ExtEnd")).otherwise(col("x__PurchaseEnd")))
            .withColumn(TERM_SOURCE, when(extTerm, lit(TERM_FROM_EXPORT)).when(purchaseTerm, lit(TERM_FROM_PURCHASE)))
            .withColumn(PAYMENT_OPTION, coalesce(col("x__ExtOption"), inferred))
            .withColumn(
                PAYMENT_OPTION_SOURCE,
                when(col("x__ExtOption").isNotNull(), lit(TERM_FROM_EXPORT))
                    .when(inferred.isNotNull(), lit(OPTION_INFERRED)))
            .withColumn(UTILIZATION_TO_DATE, ratio(col(USED_TO_DATE), col(AMORTIZED_TO_DATE)));
    for (String m : List.of(PURCHASE_COST, UPFRONT_COST, RECURRING_COST, CREDITS, AMORTIZED_TO_DATE, USED_TO_DATE)) {
      out = out.withColumn(m, col(m).cast(Focus.DECIMAL));
    }
    List<Column> cols = new ArrayList<>();
    for (String c : columns()) {
      cols.add(col(c));
    }
    return out.select(cols.toArray(new Column[0]));
  }

  public static List<String> columns() {
    List<String> out = new ArrayList<>();
    out.add(Focus.ServiceProviderName);
    out.addAll(CommitmentUtilization.COMMITMENT_KEY);
    out.addAll(
        List.of(
            Focus.CommitmentDiscountName,
            Focus.CommitmentDiscountType,
            Focus.CommitmentDiscountCategory,
            Focus.CommitmentDiscountUnit,
            PURCHASE_SUB_ACCOUNT_ID,
            PURCHASE_SUB_ACCOUNT_NAME,
            CommitmentRows.OWNER,
            TERM_START,
            TERM_END,
            TERM_SOURCE,
            PAYMENT_OPTION,
            PAYMENT_OPTION_SOURCE,
            PURCHASE_COST,
            UPFRONT_COST,
            RECURRING_COST,
            CREDITS,
            AMORTIZED_TO_DATE,
            USED_TO_DATE,
            UTILIZATION_TO_DATE,
            FIRST_DATE,
            LAST_DATE,
            PERIODS));
    return out;
  }
}
