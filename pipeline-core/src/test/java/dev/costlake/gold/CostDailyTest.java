package dev.costlake.gold;

import static dev.costlake.testing.Frames.row;

import dev.costlake.model.Focus;
import dev.costlake.testing.Frames;
import dev.costlake.testing.TestSpark;
import java.math.BigDecimal;
import java.sql.Date;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class CostDailyTest {
  private final SparkSession spark = TestSpark.get();

  /** The silver columns cost_daily reads (SilverSummaryTest adds the tag dimensions' inputs). */
  static final StructType SCHEMA =
      new StructType()
          .add(Focus.X_BILLING_PERIOD, DataTypes.StringType)
          .add(Focus.X_CHARGE_DATE, DataTypes.DateType)
          .add(Focus.ServiceProviderName, DataTypes.StringType)
          .add(Focus.BillingAccountId, DataTypes.StringType)
          .add(Focus.BillingAccountName, DataTypes.StringType)
          .add(Focus.SubAccountId, DataTypes.StringType)
          .add(Focus.SubAccountName, DataTypes.StringType)
          .add(Focus.ServiceCategory, DataTypes.StringType)
          .add(Focus.ServiceName, DataTypes.StringType)
          .add(Focus.RegionId, DataTypes.StringType)
          .add(Focus.BillingCurrency, DataTypes.StringType)
          .add(Focus.ChargeCategory, DataTypes.StringType)
          .add(Focus.CommitmentDiscountId, DataTypes.StringType)
          .add(Focus.BilledCost, Focus.DECIMAL)
          .add(Focus.EffectiveCost, Focus.DECIMAL)
          .add(Focus.ListCost, Focus.DECIMAL)
          .add(Focus.ContractedCost, Focus.DECIMAL)
          .add(Focus.AllocatedMethodId, DataTypes.StringType);

  private Dataset<Row> silver(Object[]... rows) {
    return spark.createDataFrame(java.util.Arrays.stream(rows).map(RowFactory::create).toList(), SCHEMA);
  }

  private static Object[] line(String cur, String cat, String commitment, String billed, String eff, String list) {
    return split(cur, cat, commitment, billed, eff, list, null);
  }

  private static Object[] split(
      String cur, String cat, String commitment, String billed, String eff, String list, String method) {
    return new Object[] {
      "2026-09", Date.valueOf("2026-09-02"), "AWS", "111", "Payer", "222", "Dev", "Compute", "EC2",
      "us-east-1", cur, cat, commitment, new BigDecimal(billed), new BigDecimal(eff), new BigDecimal(list),
      new BigDecimal(list), method
    };
  }

  @Test
  void sumsPerDayAndCurrencyLeavingOutCommitmentPurchasesFromListAndSplitRows() {
    Dataset<Row> in =
        silver(
            line("USD", "Usage", null, "10.5", "10.5", "12"),
            line("USD", "Usage", "sp-1", "0", "3.25", "5"),
            line("USD", "Purchase", "sp-1", "100", "0", "100"),
            line("EUR", "Usage", null, "7", "7", "8"),
            // a split cost allocation row re-expressing part of the first line: left out
            split("USD", "Usage", null, "4", "4", "4", "EKSPod-EC2"));
    Dataset<Row> out =
        CostDaily.compute(in)
            .select(
                Focus.BillingCurrency, Focus.BilledCost, Focus.EffectiveCost, Focus.ListCost,
                Focus.ContractedCost, CostDaily.LINE_ITEMS);
    // By hand: USD billed 10.5+0+100, effective 10.5+3.25+0, list 12+5 (purchase excluded).
    Frames.assertSameRows(
        List.of(
            row("USD", new BigDecimal("110.5"), new BigDecimal("13.75"), new BigDecimal("17"), new BigDecimal("17"), 3L),
            row("EUR", new BigDecimal("7"), new BigDecimal("7"), new BigDecimal("8"), new BigDecimal("8"), 1L)),
        out);
  }
}
