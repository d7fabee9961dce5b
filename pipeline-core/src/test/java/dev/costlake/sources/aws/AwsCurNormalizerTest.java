package dev.costlake.sources.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.costlake.model.Focus;
import dev.costlake.quality.Quarantine;
import dev.costlake.sources.RawReader;
import dev.costlake.testing.Frames;
import dev.costlake.testing.TestSpark;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** One row per AWS line item type, with the FOCUS figures worked out by hand. */
class AwsCurNormalizerTest {
  private final SparkSession spark = TestSpark.get();

  // Legacy CSV headers, as AWS writes them.
  private static final String[] COLS = {
    "lineItem/LineItemType", "lineItem/UnblendedCost", "lineItem/NetUnblendedCost",
    "pricing/publicOnDemandCost", "lineItem/UsageType", "lineItem/Operation",
    "savingsPlan/SavingsPlanARN", "savingsPlan/SavingsPlanEffectiveCost",
    "savingsPlan/TotalCommitmentToDate", "savingsPlan/UsedCommitment",
    "reservation/ReservationARN", "reservation/EffectiveCost",
    "reservation/UnusedAmortizedUpfrontFeeForBillingPeriod", "reservation/UnusedRecurringFee",
    "bill/BillType", "resourceTags/user:team", "lineItem/ResourceId",
    // constant columns
    "bill/PayerAccountId", "lineItem/UsageAccountId", "lineItem/CurrencyCode",
    "bill/BillingPeriodStartDate", "bill/BillingPeriodEndDate", "lineItem/UsageStartDate",
    "lineItem/UsageEndDate", "lineItem/ProductCode", "product/regionCode"
  };

  private static String[] line(String... v) {
    String[] r = new String[COLS.length];
    System.arraycopy(v, 0, r, 0, v.length);
    String[] constant = {
      "111111111111", "222222222222", "USD", "2026-09-01T00:00:00Z", "2026-10-01T00:00:00Z",
      "2026-09-05T00:00:00Z", "2026-09-06T00:00:00Z", "AmazonEC2", "us-east-1"
    };
    System.arraycopy(constant, 0, r, 17, constant.length);
    return r;
  }

  private Dataset<Row> raw(String[]... rows) {
    StructType s = new StructType();
    for (String c : COLS) {
      s = s.add(c, DataTypes.StringType);
    }
    s = s.add(RawReader.CORRUPT, DataTypes.StringType)
        .add(Focus.X_SOURCE_FILE, DataTypes.StringType)
        .add(Focus.X_SOURCE_ROW, DataTypes.LongType)
        .add(Focus.X_SOURCE_FORMAT, DataTypes.StringType);
    List<Row> out = new ArrayList<>();
    long n = 1;
    for (String[] r : rows) {
      Object[] v = new Object[COLS.length + 4];
      System.arraycopy(r, 0, v, 0, COLS.length);
      v[COLS.length + 1] = "file:/cur.csv";
      v[COLS.length + 2] = n++;
      v[COLS.length + 3] = "aws-cur-legacy";
      out.add(RowFactory.create(v));
    }
    return spark.createDataFrame(out, s);
  }

  private static final String SP = "arn:aws:savingsplans::111111111111:savingsplan/sp-1";
  private static final String RI = "arn:aws:ec2:us-east-1:111111111111:reserved-instances/ri-1";

  @Test
  void mapsEveryLineItemTypeAsWorkedOutByHand() {
    Dataset<Row> out =
        AwsCurNormalizer.normalize(
            raw(
                line("Usage", "10", "9.5", "12", "BoxUsage:m5.large", "RunInstances", null, null, null, null, null, null, null, null, "Anniversary", "web", "i-1"),
                line("Usage", "3", "2.85", "9", "USE1-SpotUsage:m5.large", "RunInstances"),
                line("SavingsPlanCoveredUsage", "5", "4.75", "5", "BoxUsage", "RunInstances", SP, "3.2"),
                line("SavingsPlanNegation", "-5", "-4.75", null, "BoxUsage", "RunInstances", SP),
                line("SavingsPlanRecurringFee", "2", "1.9", null, null, null, SP, null, "4.8", "3.2"),
                line("SavingsPlanUpfrontFee", "100", "95", null, null, null, SP, null, null, null, null, null, null, null, "Purchase"),
                line("DiscountedUsage", "0", "0", "1.2", "BoxUsage", "RunInstances", null, null, null, null, RI, "0.7"),
                line("RIFee", "20", "19", null, null, null, null, null, null, null, RI, null, "1.5", "0.5"),
                line("Fee", "300", "285", null, null, null, null, null, null, null, RI),
                line("Tax", "1.25", "1.25"),
                line("Credit", "-4", "-4"),
                line("EdpDiscount", "-0.5", "0"),
                line("Refund", "-10", "-9.5", null, null, null, SP, null, null, null, null, null, null, null, "Refund"),
                line("Usage", "1.1", "1.045", "1.1", "BoxUsage", "EKSPod-EC2", null, null, null, null, null, null, null, null, "Anniversary", null, "pod-a"),
                line("Usage", "abc", "1", "1")),
            "aws",
            "run1",
            Map.of());
    Dataset<Row> silver = Quarantine.valid(out);
    Frames.assertSameRows(
        List.of(
            Frames.row("Usage", 0, "Usage", null, "Usage-Based", "Standard", null, null, d("10"), d("10"), d("12"), d("9.5")),
            Frames.row("Usage", 0, "Usage", null, "Usage-Based", "Dynamic", null, null, d("3"), d("3"), d("9"), d("2.85")),
            Frames.row("SavingsPlanCoveredUsage", 0, "Usage", null, "Usage-Based", "Committed", SP, "Used", d("5"), d("3.2"), d("5"), d("3.2")),
            Frames.row("SavingsPlanNegation", 0, "Usage", null, "Usage-Based", "Standard", SP, null, d("-5"), d("0"), d("0"), d("0")),
            Frames.row("SavingsPlanRecurringFee", 0, "Purchase", null, "Recurring", null, SP, null, d("2"), d("0"), d("2"), d("0")),
            Frames.row("SavingsPlanRecurringFee", 1, "Usage", null, "Usage-Based", "Committed", SP, "Unused", d("0"), d("1.6"), d("0"), d("1.6")),
            Frames.row("SavingsPlanUpfrontFee", 0, "Purchase", null, "One-Time", null, SP, null, d("100"), d("0"), d("100"), d("0")),
            Frames.row("DiscountedUsage", 0, "Usage", null, "Usage-Based", "Committed", RI, "Used", d("0"), d("0.7"), d("1.2"), d("0.7")),
            Frames.row("RIFee", 0, "Purchase", null, "Recurring", null, RI, null, d("20"), d("0"), d("20"), d("0")),
            Frames.row("RIFee", 1, "Usage", null, "Usage-Based", "Committed", RI, "Unused", d("0"), d("2.0"), d("0"), d("2.0")),
            Frames.row("Fee", 0, "Purchase", null, "One-Time", null, RI, null, d("300"), d("0"), d("300"), d("0")),
            Frames.row("Tax", 0, "Tax", null, "One-Time", null, null, null, d("1.25"), d("1.25"), d("1.25"), d("1.25")),
            Frames.row("Credit", 0, "Credit", null, "One-Time", null, null, null, d("-4"), d("-4"), d("-4"), d("-4")),
            Frames.row("EdpDiscount", 0, "Credit", null, "Usage-Based", null, null, null, d("-0.5"), d("-0.5"), d("-0.5"), d("0")),
            Frames.row("Refund", 0, "Credit", "Correction", "One-Time", null, SP, null, d("-10"), d("0"), d("-10"), d("0")),
            Frames.row("Usage", 0, "Usage", null, "Usage-Based", "Standard", null, null, d("1.1"), d("1.1"), d("1.1"), d("1.045"))),
        silver.select(
            functions.col("x_Extensions").getItem("x_LineItemType"),
            functions.col(Focus.X_SOURCE_ROW_PART),
            functions.col(Focus.ChargeCategory),
            functions.col(Focus.ChargeClass),
            functions.col(Focus.ChargeFrequency),
            functions.col(Focus.PricingCategory),
            functions.col(Focus.CommitmentDiscountId),
            functions.col(Focus.CommitmentDiscountStatus),
            functions.col(Focus.BilledCost),
            functions.col(Focus.EffectiveCost),
            functions.col(Focus.ListCost),
            functions.col("x_Extensions").getItem("x_NetAmortizedCost").cast(Focus.DECIMAL)));

    Row unusedSp = silver.where("CommitmentDiscountStatus = 'Unused' AND CommitmentDiscountType = 'Savings Plan'").first();
    assertEquals(SP, unusedSp.getAs(Focus.ResourceId), "the Unused row's resource is the commitment");
    assertEquals("Spend", unusedSp.getAs(Focus.CommitmentDiscountCategory));
    Row first = silver.where("x_SourceRow = 1").first();
    assertEquals("{\"team\":\"web\"}", first.getAs(Focus.Tags));
    // A line without tags has none (null), not an empty map.
    Row untagged = silver.where("x_SourceRow = 2").first();
    assertNull(untagged.getAs(Focus.Tags));
    assertNull(untagged.getAs(Focus.X_TAGS_MAP));
    assertEquals("AWS", first.getAs(Focus.ServiceProviderName));
    assertEquals("111111111111", first.getAs(Focus.BillingAccountId));
    assertEquals("222222222222", first.getAs(Focus.SubAccountId));
    assertEquals("Compute", first.getAs(Focus.ServiceCategory));
    assertEquals("us-east-1", first.getAs(Focus.RegionId));
    assertNull(first.getAs(Focus.AllocatedMethodId));
    assertEquals("EKSPod-EC2", silver.where("x_SourceRow = 14").first().getAs(Focus.AllocatedMethodId));

    Row q = Quarantine.rejected(out).first();
    assertEquals(15L, (long) q.getAs(Focus.X_SOURCE_ROW));
    assertEquals(
        "UNPARSABLE_NUMBER:line_item_unblended_cost; MISSING_REQUIRED:BilledCost; MISSING_REQUIRED:EffectiveCost",
        q.getAs(Quarantine.REASON));
    assertEquals(1, Quarantine.rejected(out).count());
  }

  private static BigDecimal d(String v) {
    return new BigDecimal(v);
  }

  @Test
  void legacyHeadersBecomeSnakeCaseAndTagKeysLoseTheirPrefix() {
    assertEquals("line_item_unblended_cost", CurColumns.snake("lineItem/UnblendedCost"));
    assertEquals("savings_plan_savings_plan_a_r_n", CurColumns.snake("savingsPlan/SavingsPlanARN"));
    assertEquals("reservation_reservation_a_r_n", CurColumns.snake("reservation/ReservationARN"));
    assertEquals("pricing_public_on_demand_cost", CurColumns.snake("pricing/publicOnDemandCost"));
    assertEquals("product_region_code", CurColumns.snake("product/regionCode"));
    assertEquals("team", CurColumns.tagKey("resourceTags/user:team"));
    assertEquals("aws:createdBy", CurColumns.tagKey("resourceTags/aws:createdBy"));
    assertEquals("cost_center", CurColumns.tagKey("resource_tags_user_cost_center"));
    assertNull(CurColumns.tagKey("resource_tags"));
    assertNull(CurColumns.tagKey("lineItem/UnblendedCost"));
  }

}
