package dev.costlake.sources.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Hand-written Azure rows; every expected figure is worked out in the comments. */
class AzureCostNormalizerTest {
  private final SparkSession spark = TestSpark.get();

  private static final String[] COLS = {
    "BillingAccountId", "BillingPeriodStartDate", "BillingPeriodEndDate", "SubscriptionId", "Date", "MeterId",
    "ResourceId", "Quantity", "CostInBillingCurrency", "BillingCurrency", "ChargeType", "PricingModel", "ReservationId",
    "ProductOrderId", "benefitId", "InvoiceSectionName", "AvailabilityZone", "Tags", "UnitPrice", "PayGPrice"
  };

  private record R(String file, String... v) {}

  private static R row(String file, String account, String date, String resource, String qty, String cost, String type, String model, String reservation, String order, String benefit) {
    return new R(file, account, "9/1/2026", "9/30/2026", "SUB-1", date, "m1", resource, qty, cost, "USD", type, model, reservation, order, benefit,
        "Unassigned", "-2", "\"team\": \"web\"", "0.1", "0.12");
  }

  private Dataset<Row> normalize(R... rows) {
    StructType s = new StructType();
    for (String c : COLS) {
      s = s.add(c, DataTypes.StringType);
    }
    s = s.add(RawReader.CORRUPT, DataTypes.StringType).add(Focus.X_SOURCE_FILE, DataTypes.StringType)
        .add(Focus.X_SOURCE_ROW, DataTypes.LongType).add(Focus.X_SOURCE_FORMAT, DataTypes.StringType);
    List<Row> out = new ArrayList<>();
    long n = 0;
    for (R r : rows) {
      Object[] v = new Object[COLS.length + 4];
      System.arraycopy(r.v(), 0, v, 0, COLS.length);
      v[COLS.length + 1] = r.file();
      v[COLS.length + 2] = ++n;
      v[COLS.length + 3] = AzureCostNormalizer.FORMAT;
      out.add(RowFactory.create(v));
    }
    return AzureCostNormalizer.normalize(spark.createDataFrame(out, s), "az", "run-1", Map.of()).cache();
  }

  @Test
  void pairedUnitTakesBilledFromActualAndEffectiveFromAmortized() {
    String act = "s3a://b/exp-actualcost/part.csv";
    String amo = "s3a://b/exp-AmortizedCost/part.csv";
    Dataset<Row> n =
        normalize(
            // On-demand charge in both files: one row, billed 2.40, effective 2.40.
            row(act, "A", "9/3/2026", "/r/vm1", "24", "2.40", "Usage", "OnDemand", "", "", ""),
            row(amo, "A", "9/3/2026", "/r/vm1", "24", "2.40", "Usage", "OnDemand", "", "", ""),
            // Covered usage: actual at 0, amortized 1.25 → billed 0, effective 1.25.
            row(act, "A", "9/3/2026", "/r/vm2", "24", "0", "Usage", "Reservation", "ri-1", "ord-1", ""),
            row(amo, "A", "9/3/2026", "/r/vm2", "24", "1.25", "Usage", "Reservation", "ri-1", "ord-1", ""),
            // Unused reservation (amortized only): billed 0, effective 0.50.
            row(amo, "A", "9/3/2026", "", "4", "0.50", "UnusedReservation", "Reservation", "ri-1", "ord-1", ""),
            // Purchase (actual only): billed 52.08, effective 0.
            row(act, "A", "9/1/2026", "", "1", "52.08", "Purchase", "Reservation", "ord-1", "ord-1", ""),
            // A charge only the actual file has: billed 0.70, effective 0, flagged.
            row(act, "A", "9/4/2026", "/r/vm3", "7", "0.70", "Usage", "OnDemand", "", "", ""),
            // A non-commitment refund: Credit + Correction; rounding: Adjustment (both files).
            row(act, "A", "9/5/2026", "", "1", "-3.00", "Refund", "OnDemand", "", "", ""),
            row(act, "A", "9/30/2026", "", "", "0.001", "RoundingAdjustment", "", "", "", ""),
            row(amo, "A", "9/30/2026", "", "", "0.001", "RoundingAdjustment", "", "", "", ""));
    assertEquals(0, n.where("size(x_QuarantineReasons) > 0").count());
    // 10 raw rows: 3 pairs merged → 7 rows.
    assertEquals(7, n.count());
    assertEquals(3, n.where("x_PairedSourceRow IS NOT NULL").count());
    // Σ Billed = actual total 2.40 + 0 + 52.08 + 0.70 − 3.00 + 0.001 = 52.181;
    // Σ Effective = amortized total 2.40 + 1.25 + 0.50 + 0.001 = 4.151.
    Frames.assertMoney(new BigDecimal("52.181"), Frames.sum(n, Focus.BilledCost), "billed");
    Frames.assertMoney(new BigDecimal("4.151"), Frames.sum(n, Focus.EffectiveCost), "effective");
    Row covered = n.where("ResourceId = '/r/vm2'").first();
    Frames.assertMoney(BigDecimal.ZERO, covered.getAs(Focus.BilledCost), "covered billed");
    Frames.assertMoney(new BigDecimal("1.25"), covered.getAs(Focus.EffectiveCost), "covered effective");
    assertEquals("/providers/microsoft.capacity/reservationorders/ord-1/reservations/ri-1", covered.getAs(Focus.CommitmentDiscountId));
    Frames.assertMoney(new BigDecimal("24"), covered.getAs(Focus.CommitmentDiscountQuantity), "reserved hours used");
    Row unused = n.where("CommitmentDiscountStatus = 'Unused'").first();
    assertEquals(unused.<String>getAs(Focus.CommitmentDiscountId), unused.getAs(Focus.ResourceId));
    Frames.assertMoney(new BigDecimal("4"), unused.getAs(Focus.CommitmentDiscountQuantity), "reserved hours unused");
    assertEquals("Usage", unused.getAs(Focus.ChargeCategory));
    Row purchase = n.where("ChargeCategory = 'Purchase'").first();
    assertEquals("/providers/microsoft.capacity/reservationorders/ord-1", purchase.getAs(Focus.CommitmentDiscountId));
    Frames.assertMoney(BigDecimal.ZERO, purchase.getAs(Focus.EffectiveCost), "purchase effective");
    Row only = n.where("ResourceId = '/r/vm3'").first();
    assertEquals("actual-only", only.<scala.collection.Map<String, String>>getAs(Focus.X_EXTENSIONS).apply("x_AzurePairing"));
    Frames.assertMoney(BigDecimal.ZERO, only.getAs(Focus.EffectiveCost), "actual-only effective");
    Row refund = n.where("ChargeClass = 'Correction'").first();
    assertEquals("Credit", refund.getAs(Focus.ChargeCategory));
    assertEquals(1, n.where("ChargeCategory = 'Adjustment'").count());
    // Placeholders: "Unassigned" and "-2" are nulls; tags without braces parse; M/d/yyyy dates;
    // the inclusive 9/30 end becomes the exclusive 2026-10-01.
    assertEquals(0, n.where("AvailabilityZone IS NOT NULL OR x_Extensions['x_InvoiceSectionName'] IS NOT NULL").count());
    assertEquals("web", n.where("ResourceId = '/r/vm1'").first().<scala.collection.Map<String, String>>getAs(Focus.X_TAGS_MAP).apply("team"));
    assertEquals(0, n.where("CAST(BillingPeriodEnd AS DATE) <> DATE'2026-10-01' OR x_BillingPeriod <> '2026-09'").count());
    // List cost: PayGPrice × quantity (0.12 × 24 = 2.88); contracted: UnitPrice × quantity (2.40).
    Row od = n.where("ResourceId = '/r/vm1'").first();
    Frames.assertMoney(new BigDecimal("2.88"), od.getAs(Focus.ListCost), "list");
    Frames.assertMoney(new BigDecimal("2.4"), od.getAs(Focus.ContractedCost), "contracted");
  }

  @Test
  void amortizedOnlyUnitBillsNothingForCommitmentsAndBadRowsAreQuarantined() {
    String amo = "s3a://b/amortized/part.csv";
    Dataset<Row> n =
        normalize(
            row(amo, "B", "2026-09-03", "/r/vm1", "24", "2.40", "Usage", "OnDemand", "", "", ""),
            row(amo, "B", "09/03/2026", "/r/vm2", "24", "1.25", "Usage", "SavingsPlan", "", "sp-ord", "/providers/Microsoft.BillingBenefits/savingsPlanOrders/sp-ord/savingsPlans/sp-1"),
            row(amo, "B", "09/03/2026", "", "1", "0.75", "UnusedBenefit", "SavingsPlan", "", "sp-ord", "/providers/Microsoft.BillingBenefits/savingsPlanOrders/sp-ord/savingsPlans/sp-1"),
            row(amo, "B", "13/45/2026", "/r/vm4", "1", "1.00", "Usage", "OnDemand", "", "", ""),
            row(amo, "B", "09/04/2026", "/r/vm5", "1", "abc", "Usage", "OnDemand", "", "", ""));
    Dataset<Row> ok = n.where("size(x_QuarantineReasons) = 0");
    assertEquals(3, ok.count());
    // Amortized only: effective = cost; billed = cost except covered and unused rows (their
    // purchase is not in this data): 2.40 + 0 + 0.
    Frames.assertMoney(new BigDecimal("2.40"), Frames.sum(ok, Focus.BilledCost), "billed");
    Frames.assertMoney(new BigDecimal("4.40"), Frames.sum(ok, Focus.EffectiveCost), "effective");
    Row unused = ok.where("CommitmentDiscountStatus = 'Unused'").first();
    assertEquals("Spend", unused.getAs(Focus.CommitmentDiscountCategory));
    // A savings plan's quantity is money: the amortized amount, in the billing currency.
    Frames.assertMoney(new BigDecimal("0.75"), unused.getAs(Focus.CommitmentDiscountQuantity), "unused spend");
    assertEquals("USD", unused.getAs(Focus.CommitmentDiscountUnit));
    assertEquals("/providers/microsoft.billingbenefits/savingsplanorders/sp-ord/savingsplans/sp-1", unused.getAs(Focus.CommitmentDiscountId));
    assertTrue(n.where("ResourceId = '/r/vm4'").first().<String>getAs(Quarantine.RAW_RECORD).contains("13/45/2026"));
    assertTrue(n.where("ResourceId = '/r/vm4'").first().<String>getList(n.schema().fieldIndex(Quarantine.REASONS)).contains("UNPARSABLE_TIMESTAMP:ChargePeriodStart"));
    assertTrue(n.where("ResourceId = '/r/vm5'").first().<String>getList(n.schema().fieldIndex(Quarantine.REASONS)).contains("UNPARSABLE_NUMBER:CostInBillingCurrency"));
    assertNull(ok.where("ResourceId = '/r/vm1'").first().getAs(Focus.X_PAIRED_SOURCE_ROW));
  }
}
