package dev.costlake.commitments;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.costlake.model.Focus;
import dev.costlake.quality.Quarantine;
import dev.costlake.sources.RawReader;
import dev.costlake.sources.aws.AwsCurNormalizer;
import dev.costlake.testing.TestSpark;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Term and payment option from the CUR's own commitment columns reach the inventory. */
class AwsCommitmentTermsTest {
  private final SparkSession spark = TestSpark.get();

  private static final String[] COLS = {
    "lineItem/LineItemType", "lineItem/UnblendedCost", "savingsPlan/SavingsPlanARN",
    "savingsPlan/SavingsPlanEffectiveCost", "savingsPlan/TotalCommitmentToDate", "savingsPlan/UsedCommitment",
    "savingsPlan/StartTime", "savingsPlan/EndTime", "savingsPlan/PaymentOption",
    "reservation/ReservationARN", "reservation/EffectiveCost", "reservation/StartTime", "reservation/EndTime",
    "pricing/PurchaseOption",
    "bill/PayerAccountId", "lineItem/UsageAccountId", "lineItem/CurrencyCode", "bill/BillingPeriodStartDate",
    "bill/BillingPeriodEndDate", "lineItem/UsageStartDate", "lineItem/UsageEndDate", "lineItem/ProductCode"
  };
  private static final String SP = "arn:aws:savingsplans::111111111111:savingsplan/sp-9";
  private static final String RI = "arn:aws:ec2:us-east-1:111111111111:reserved-instances/ri-9";

  private static Object[] line(String type, String cost, String sp, String spEff, String spTotal, String spUsed,
      String ri, String riEff, String riOption) {
    return new Object[] {
      type, cost, sp, spEff, spTotal, spUsed,
      sp == null ? null : "2026-03-15T00:00:00.000Z", sp == null ? null : "2029-03-14T23:59:59.000Z",
      sp == null ? null : "No Upfront",
      ri, riEff, ri == null ? null : "2025-11-01T00:00:00Z", ri == null ? null : "2026-11-01T00:00:00Z", riOption,
      "111111111111", "222222222222", "USD", "2026-09-01T00:00:00Z", "2026-10-01T00:00:00Z",
      "2026-09-05T00:00:00Z", "2026-09-06T00:00:00Z", "AmazonEC2",
      null, "file:/cur.csv", null, "aws-cur-legacy"
    };
  }

  @Test
  void inventoryTakesTermAndPaymentOptionFromTheExport() {
    StructType s = new StructType();
    for (String c : COLS) {
      s = s.add(c, DataTypes.StringType);
    }
    s = s.add(RawReader.CORRUPT, DataTypes.StringType)
        .add(Focus.X_SOURCE_FILE, DataTypes.StringType)
        .add(Focus.X_SOURCE_ROW, DataTypes.LongType)
        .add(Focus.X_SOURCE_FORMAT, DataTypes.StringType);
    List<Object[]> lines =
        List.of(
            line("SavingsPlanCoveredUsage", "5", SP, "3", null, null, null, null, null),
            line("SavingsPlanRecurringFee", "4", SP, null, "4", "3", null, null, null),
            line("DiscountedUsage", "0", null, null, null, null, RI, "0.7", "All Upfront"),
            line("Usage", "2", null, null, null, null, null, null, "On Demand"));
    List<Row> rows = new ArrayList<>();
    long n = 1;
    for (Object[] l : lines) {
      l[COLS.length + 2] = n++;
      rows.add(RowFactory.create(l));
    }
    Dataset<Row> silver = Quarantine.valid(AwsCurNormalizer.normalize(spark.createDataFrame(rows, s), "aws", "run", Map.of()));
    Dataset<Row> inv = CommitmentInventory.compute(silver);
    assertEquals(2, inv.count(), "the on-demand row is no commitment");
    Row sp = inv.where("CommitmentDiscountId = '" + SP + "'").first();
    assertEquals(Timestamp.from(Instant.parse("2026-03-15T00:00:00Z")), sp.getAs("TermStart"));
    assertEquals(Timestamp.from(Instant.parse("2029-03-14T23:59:59Z")), sp.getAs("TermEnd"));
    assertEquals(CommitmentInventory.TERM_FROM_EXPORT, sp.getAs("TermSource"));
    assertEquals("No Upfront", sp.getAs("PaymentOption"));
    assertEquals(CommitmentInventory.TERM_FROM_EXPORT, sp.getAs("PaymentOptionSource"));
    Row ri = inv.where("CommitmentDiscountId = '" + RI + "'").first();
    assertEquals(Timestamp.from(Instant.parse("2026-11-01T00:00:00Z")), ri.getAs("TermEnd"));
    assertEquals("All Upfront", ri.getAs("PaymentOption"), "pricing/PurchaseOption of the reservation's rows");
  }
}
