package dev.costlake.commitments;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import dev.costlake.model.Focus;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;

/** Row predicates and small column helpers shared by the commitment and savings tables. */
public final class CommitmentRows {
  private CommitmentRows() {}

  /** The owner column of silver (ownership enrichment); absent columns read as null. */
  public static final String TEAM = "x_Team";
  /** Name of the owner column in the gold tables. */
  public static final String OWNER = "Owner";
  public static final String CHARGE_DATE = "ChargeDate";
  public static final String USED = "Used";
  public static final String UNUSED = "Unused";

  /**
   * AWS writes a reservation's whole-month unused amount on its RIFee line (x_LineItemType in
   * x_Extensions), whatever the line's usage dates: such Unused rows cover the billing period.
   */
  public static final List<String> MONTHLY_UNUSED_LINE_TYPES = List.of("RIFee");

  /** Ratio operands: 14 integer digits, 12 decimals, so that a / b keeps 12 decimals. */
  static final DecimalType RATIO_OPERAND = DataTypes.createDecimalType(26, 12);

  public static Column zero() {
    return lit(0).cast(Focus.DECIMAL);
  }

  public static boolean has(Dataset<Row> df, String column) {
    return Arrays.asList(df.columns()).contains(column);
  }

  /** x_Team when silver has it, else a null string. */
  public static Column owner(Dataset<Row> df) {
    return has(df, TEAM) ? col(TEAM) : lit(null).cast(DataTypes.StringType);
  }

  /** A key of x_Extensions, null when the map (or the column) is absent. */
  public static Column extension(Dataset<Row> df, String key) {
    return has(df, Focus.X_EXTENSIONS)
        ? functions.element_at(col(Focus.X_EXTENSIONS), lit(key))
        : lit(null).cast(DataTypes.StringType);
  }

  /** The provider of a row: ServiceProviderName (FOCUS 1.3), else the deprecated ProviderName. */
  public static Column provider() {
    return coalesce(col(Focus.ServiceProviderName), col(Focus.ProviderName));
  }

  /** Purchase rows of a commitment: their cost reappears on the commitment's usage rows. */
  public static Column commitmentPurchase() {
    return col(Focus.ChargeCategory)
        .equalTo("Purchase")
        .and(col(Focus.CommitmentDiscountId).isNotNull());
  }

  /** Usage rows a commitment applied to (Used) or its unused remainder (Unused). */
  public static Column commitmentUsage() {
    return col(Focus.ChargeCategory)
        .equalTo("Usage")
        .and(col(Focus.CommitmentDiscountId).isNotNull())
        .and(col(Focus.CommitmentDiscountStatus).isin(USED, UNUSED));
  }

  /** num / den with 12 decimals; null when den is null or 0. */
  public static Column ratio(Column num, Column den) {
    return when(
            den.isNotNull().and(den.notEqual(lit(0))),
            num.cast(RATIO_OPERAND).divide(den.cast(RATIO_OPERAND)))
        .cast(Focus.DECIMAL);
  }

  /**
   * The columns the utilization and inventory tables read from a commitment's rows (those of
   * them silver has): {@link #committed} keeps only these, so the rows are read once.
   */
  static final List<String> COMMITTED_COLUMNS =
      List.of(
          Focus.X_BILLING_PERIOD,
          Focus.X_CHARGE_DATE,
          Focus.AllocatedMethodId,
          Focus.BillingAccountId,
          Focus.BillingCurrency,
          Focus.BillingPeriodStart,
          Focus.BillingPeriodEnd,
          Focus.ChargePeriodStart,
          Focus.ChargePeriodEnd,
          Focus.ChargeCategory,
          Focus.ChargeFrequency,
          Focus.CommitmentDiscountId,
          Focus.CommitmentDiscountName,
          Focus.CommitmentDiscountType,
          Focus.CommitmentDiscountCategory,
          Focus.CommitmentDiscountStatus,
          Focus.CommitmentDiscountUnit,
          Focus.CommitmentDiscountQuantity,
          Focus.EffectiveCost,
          Focus.BilledCost,
          Focus.ServiceProviderName,
          Focus.ProviderName,
          Focus.SubAccountId,
          Focus.SubAccountName,
          TEAM,
          Focus.X_EXTENSIONS);

  /** Silver's rows of a commitment (CommitmentDiscountId set), narrowed to {@link #COMMITTED_COLUMNS}. */
  public static Dataset<Row> committed(Dataset<Row> silver) {
    List<String> present = Arrays.asList(silver.columns());
    return silver
        .where(col(Focus.CommitmentDiscountId).isNotNull())
        .select(COMMITTED_COLUMNS.stream().filter(present::contains).map(functions::col).toArray(Column[]::new));
  }

  /** Σ of a decimal expression, 0 when no row contributes (sums stay DECIMAL(38,12)). */
  public static Column sum0(Column c) {
    return coalesce(functions.sum(c), lit(0).cast(DataTypes.createDecimalType(38, 12)));
  }
}
