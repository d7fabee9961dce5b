package dev.costlake.generate;

import dev.costlake.sources.azure.AzureColumns;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Seeded, deterministic generator of Azure Cost Management exports: for each of two billing
 * accounts, an actual-cost and an amortized-cost dataset per month.
 *
 * <ul>
 *   <li>{@code ea}: EA enrollment, PascalCase headers (as the FinOps toolkit's EA files), CSV with
 *       a UTF-8 BOM (actual) and gzip CSV (amortized) in export run folders {@code
 *       <out>/azure/ea/<export>/<yyyyMMdd-yyyyMMdd>/<runId>/} with a {@code manifest.json}
 *       naming the dataset (the export names do not); the last month also has an older,
 *       superseded month-to-date run of the actual export.
 *   <li>{@code mca}: MCA billing profile, camelCase headers, Parquet under {@code
 *       <out>/azure/mca/mca-actualcost/<range>/} and {@code mca-amortizedcost/} (no manifests:
 *       the folder names tell the datasets apart).
 * </ul>
 *
 * <p>Every month holds on-demand and Spot usage, a monthly-billed reservation (Purchase in actual;
 * covered usage at price 0 in actual and prorated in amortized; UnusedReservation rows), a
 * monthly-billed savings plan (UnusedSavingsPlan in EA, UnusedBenefit in MCA), a rounding
 * adjustment, and in the last month the refund of an exchanged reservation. Dates are MM/dd/yyyy
 * with an inclusive billing period end; EA tags have no braces. The {@link Result} carries totals
 * computed in plain Java while generating (BigDecimal, exact).
 */
public final class AzureSampleGenerator {
  private AzureSampleGenerator() {}

  public record Options(long rows, int months, long seed, String out, YearMonth lastMonth) {}

  /** Figures of one billing account and month, over the current (not superseded) files. */
  public record PeriodTotals(
      String account,
      String period,
      long actualRows,
      long amortizedRows,
      BigDecimal actualCost,
      BigDecimal amortizedCost,
      BigDecimal commitmentPurchases /* Purchase and Refund rows of commitments, actual */,
      long supersededRows) {}

  /** One commitment order in one month: what was billed and what its usage rows amortized. */
  public record CommitmentTotals(
      String account, String period, String orderId, BigDecimal billed, BigDecimal amortizedUsage) {}

  public record Result(long rowsWritten, List<String> files, List<PeriodTotals> periods, List<CommitmentTotals> commitments) {}

  static final String[] EA_HEADERS = {
    "BillingAccountId", "BillingAccountName", "BillingPeriodStartDate", "BillingPeriodEndDate", "BillingProfileId",
    "BillingProfileName", "AccountOwnerId", "AccountName", "SubscriptionId", "SubscriptionName", "Date", "Product",
    "PartNumber", "MeterId", "ServiceFamily", "MeterCategory", "MeterSubCategory", "MeterRegion", "MeterName", "Quantity",
    "EffectivePrice", "Cost", "UnitPrice", "BillingCurrency", "ResourceLocation", "AvailabilityZone", "ConsumedService",
    "ResourceId", "ResourceName", "ServiceInfo1", "ServiceInfo2", "AdditionalInfo", "Tags", "InvoiceSectionId",
    "InvoiceSection", "CostCenter", "UnitOfMeasure", "ResourceGroup", "ReservationId", "ReservationName", "ProductOrderId",
    "ProductOrderName", "OfferId", "IsAzureCreditEligible", "Term", "PublisherName", "PlanName", "ChargeType", "Frequency",
    "PublisherType", "PayGPrice", "PricingModel", "CostAllocationRuleName", "benefitId", "benefitName"
  };

  static final String[] MCA_HEADERS = {
    "invoiceId", "previousInvoiceId", "billingAccountId", "billingAccountName", "billingProfileId", "billingProfileName",
    "invoiceSectionId", "invoiceSectionName", "resellerName", "resellerMpnId", "costCenter", "billingPeriodEndDate",
    "billingPeriodStartDate", "servicePeriodEndDate", "servicePeriodStartDate", "date", "serviceFamily", "productOrderId",
    "productOrderName", "consumedService", "meterId", "meterName", "meterCategory", "meterSubCategory", "meterRegion",
    "ProductId", "ProductName", "SubscriptionId", "subscriptionName", "publisherType", "publisherId", "publisherName",
    "resourceGroupName", "ResourceId", "resourceLocation", "location", "effectivePrice", "quantity", "unitOfMeasure",
    "chargeType", "billingCurrency", "pricingCurrency", "costInBillingCurrency", "costInPricingCurrency", "costInUsd",
    "paygCostInBillingCurrency", "paygCostInUsd", "exchangeRatePricingToBilling", "exchangeRateDate",
    "isAzureCreditEligible", "serviceInfo1", "serviceInfo2", "additionalInfo", "tags", "PayGPrice", "frequency", "term",
    "reservationId", "reservationName", "pricingModel", "unitPrice", "costAllocationRuleName", "benefitId", "benefitName",
    "provider"
  };

  private static final DateTimeFormatter US = DateTimeFormatter.ofPattern("MM/dd/yyyy");
  private static final DateTimeFormatter RANGE = DateTimeFormatter.BASIC_ISO_DATE;

  /** One billing account's fixed description. */
  private record Account(String kind, String id, String name, String profileId, String[] subscriptions, String currency, String[] headers) {}

  /** A row as canonical field → text (AzureColumns names), plus the header-specific extras. */
  private static final class Line {
    final Map<String, String> v = new HashMap<>();
    BigDecimal cost = BigDecimal.ZERO;

    Line set(String field, Object value) {
      v.put(field, value == null ? null : value instanceof BigDecimal d ? d.toPlainString() : value.toString());
      return this;
    }
  }

  private static final class Run {
    final SparkSession spark;
    final FileSystem fs;
    final List<String> files = new ArrayList<>();
    long rows;

    Run(SparkSession spark, FileSystem fs) {
      this.spark = spark;
      this.fs = fs;
    }
  }

  public static Result generate(SparkSession spark, Options o) throws IOException {
    if (o.rows() < 1 || o.months() < 1) {
      throw new IllegalArgumentException("rows and months must be at least 1");
    }
    String out = o.out().endsWith("/") ? o.out().substring(0, o.out().length() - 1) : o.out();
    Run run = new Run(spark, new Path(out).getFileSystem(spark.sparkContext().hadoopConfiguration()));
    SplittableRandom master = new SplittableRandom(o.seed());
    List<Account> accounts =
        List.of(
            new Account("ea", "71234567", "Contoso EA Enrollment", "71234567",
                new String[] {"4d5e6f70-1a2b-4c3d-8e9f-0a1b2c3d4e5f", "5e6f7081-2b3c-4d4e-9f0a-1b2c3d4e5f60"}, "USD", EA_HEADERS),
            new Account("mca", "a1b2c3d4-0000-4000-8000-00000000000a:b2c3d4e5-0000-4000-8000-00000000000b_2019-05-31",
                "Fabrikam MCA", "BP12-AB34-CD5-EF6", new String[] {"6f708192-3c4d-4e5f-a0b1-2c3d4e5f6071"}, "EUR", MCA_HEADERS));
    List<PeriodTotals> periods = new ArrayList<>();
    List<CommitmentTotals> commitments = new ArrayList<>();
    long perMonth = Math.max(1, o.rows() / (accounts.size() * (long) o.months()));
    YearMonth first = o.lastMonth().minusMonths(o.months() - 1L);
    for (Account a : accounts) {
      SplittableRandom r = master.split();
      for (YearMonth ym = first; !ym.isAfter(o.lastMonth()); ym = ym.plusMonths(1)) {
        Month m = month(r, a, ym, perMonth, ym.equals(o.lastMonth()));
        String range = ym.atDay(1).format(RANGE) + "-" + ym.atEndOfMonth().format(RANGE);
        long superseded = 0;
        if (a.kind().equals("ea")) {
          String actualExport = out + "/azure/ea/costlake-ea-daily-1/" + range;
          String amortizedExport = out + "/azure/ea/costlake-ea-daily-2/" + range;
          if (ym.equals(o.lastMonth())) {
            // An earlier month-to-date run: the first half of the month, superseded by the latest.
            List<Line> partial = new ArrayList<>();
            for (Line l : m.actual) {
              if (LocalDate.parse(l.v.get(AzureColumns.DATE), US).getDayOfMonth() <= 15) {
                partial.add(l);
              }
            }
            writeEaRun(run, a, actualExport, "11111111-aaaa-4000-8000-" + String.format("%012d", ym.getMonthValue()),
                "ActualCost", ym, partial, false, ym.atDay(16) + "T04:10:00Z");
            superseded = partial.size();
          }
          writeEaRun(run, a, actualExport, "22222222-aaaa-4000-8000-" + String.format("%012d", ym.getMonthValue()),
              "ActualCost", ym, m.actual, false, ym.plusMonths(1).atDay(2) + "T04:10:00Z");
          writeEaRun(run, a, amortizedExport, "33333333-aaaa-4000-8000-" + String.format("%012d", ym.getMonthValue()),
              "AmortizedCost", ym, m.amortized, true, ym.plusMonths(1).atDay(2) + "T04:20:00Z");
        } else {
          writeParquet(run, a, out + "/azure/mca/mca-actualcost/" + range, m.actual);
          writeParquet(run, a, out + "/azure/mca/mca-amortizedcost/" + range, m.amortized);
        }
        periods.add(new PeriodTotals(a.id(), ym.toString(), m.actual.size(), m.amortized.size(), sum(m.actual),
            sum(m.amortized), m.commitmentPurchases, superseded));
        for (Map.Entry<String, BigDecimal[]> e : m.byOrder.entrySet()) {
          commitments.add(new CommitmentTotals(a.id(), ym.toString(), e.getKey(), e.getValue()[0], e.getValue()[1]));
        }
      }
    }
    return new Result(run.rows, run.files, periods, commitments);
  }

  private static BigDecimal sum(List<Line> lines) {
    BigDecimal s = BigDecimal.ZERO;
    for (Line l : lines) {
      s = s.add(l.cost);
    }
    return s;
  }

  /** One account-month: the two datasets and the per-commitment figures. */
  private static final class Month {
    final List<Line> actual = new ArrayList<>();
    final List<Line> amortized = new ArrayList<>();
    final Map<String, BigDecimal[]> byOrder = new TreeMap<>();
    BigDecimal commitmentPurchases = BigDecimal.ZERO;

    void order(String id, BigDecimal billed, BigDecimal amortizedUsage) {
      BigDecimal[] t = byOrder.computeIfAbsent(id, k -> new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO});
      t[0] = t[0].add(billed);
      t[1] = t[1].add(amortizedUsage);
    }
  }

  private static Month month(SplittableRandom r, Account a, YearMonth ym, long budget, boolean last) {
    Month m = new Month();
    int days = ym.lengthOfMonth();
    boolean ea = a.kind().equals("ea");
    String sub = a.subscriptions()[0];
    String riOrder = uuid(a, "ri-order");
    String riId = uuid(a, "ri");
    String spOrder = uuid(a, "sp-order");
    String spId = uuid(a, "sp");
    String riBenefit = "/providers/Microsoft.Capacity/reservationOrders/" + riOrder + "/reservations/" + riId;
    String spBenefit = "/providers/Microsoft.BillingBenefits/savingsPlanOrders/" + spOrder + "/savingsPlans/" + spId;
    BigDecimal riRate = new BigDecimal("0.0523"); // per reserved hour
    BigDecimal odRate = new BigDecimal("0.096");
    BigDecimal spCommit = new BigDecimal("0.10"); // per hour
    BigDecimal spRate = new BigDecimal("0.0712"); // per covered VM hour
    // Fixed rows per day: RI usage + unused, SP usage + unused, spot, in both datasets.
    long fixed = 2L * days * 5 + 6;
    int onDemandPerDay = (int) Math.max(1, (budget - fixed) / (2L * days));

    // Purchases (actual only): the month's fee of the monthly-billed reservation and savings plan.
    BigDecimal riFee = riRate.multiply(BigDecimal.valueOf(24L * days));
    Line riPurchase = base(a, ym, ym.atDay(1), sub, "Purchase", ea ? "Reservation" : "Reservation", "Recurring")
        .set(AzureColumns.METER_CATEGORY, "Virtual Machines").set(AzureColumns.METER_NAME, "D2s v3")
        .set(AzureColumns.QUANTITY, BigDecimal.ONE).set(AzureColumns.UNIT_OF_MEASURE, "1 Hour")
        .set(AzureColumns.RESERVATION_ID, riOrder).set(AzureColumns.RESERVATION_NAME, "VM_RI_D2sv3")
        .set(AzureColumns.PRODUCT_ORDER_ID, riOrder).set(AzureColumns.PRODUCT_ORDER_NAME, "Reserved VM Instance, Standard_D2s_v3, West Europe, 1 Year")
        .set(AzureColumns.BENEFIT_ID, "/providers/Microsoft.Capacity/reservationOrders/" + riOrder + "/reservations/")
        .set(AzureColumns.BENEFIT_NAME, "VM_RI_D2sv3").set(AzureColumns.TERM, "12")
        .set(AzureColumns.RESOURCE_ID, "/providers/Microsoft.Capacity/reservationOrders/" + riOrder + "/reservations/")
        .set(AzureColumns.CONSUMED_SERVICE, "Microsoft.Capacity");
    price(riPurchase, riFee, riFee, riFee, BigDecimal.ZERO);
    m.actual.add(riPurchase);
    m.order(riOrder, riFee, BigDecimal.ZERO);
    BigDecimal spFee = spCommit.multiply(BigDecimal.valueOf(24L * days));
    Line spPurchase = base(a, ym, ym.atDay(1), sub, "Purchase", "SavingsPlan", "Recurring")
        .set(AzureColumns.METER_CATEGORY, "Savings Plan").set(AzureColumns.METER_NAME, "Compute Savings Plan")
        .set(AzureColumns.QUANTITY, BigDecimal.ONE).set(AzureColumns.UNIT_OF_MEASURE, "1 Hour")
        .set(AzureColumns.PRODUCT_ORDER_ID, spOrder).set(AzureColumns.PRODUCT_ORDER_NAME, "Compute savings plan, 1 Year")
        .set(AzureColumns.BENEFIT_ID, spBenefit).set(AzureColumns.BENEFIT_NAME, "Compute_SP_1y").set(AzureColumns.TERM, "12")
        .set(AzureColumns.RESOURCE_ID, spBenefit).set(AzureColumns.CONSUMED_SERVICE, "Microsoft.BillingBenefits");
    price(spPurchase, spFee, spFee, spFee, BigDecimal.ZERO);
    m.actual.add(spPurchase);
    m.order(spOrder, spFee, BigDecimal.ZERO);
    m.commitmentPurchases = riFee.add(spFee);
    if (last) {
      // Refund of an exchanged reservation bought earlier (its own order, no usage this month).
      String old = uuid(a, "ri-exchanged");
      BigDecimal refund = new BigDecimal("-41.25");
      Line l = base(a, ym, ym.atDay(Math.min(9, days)), sub, "Refund", "Reservation", "OneTime")
          .set(AzureColumns.METER_CATEGORY, "Virtual Machines").set(AzureColumns.QUANTITY, BigDecimal.ONE)
          .set(AzureColumns.RESERVATION_ID, old).set(AzureColumns.PRODUCT_ORDER_ID, old)
          .set(AzureColumns.PRODUCT_ORDER_NAME, "Reserved VM Instance, Standard_E4s_v3, West Europe, 3 Years")
          .set(AzureColumns.BENEFIT_ID, "/providers/Microsoft.Capacity/reservationOrders/" + old + "/reservations/")
          .set(AzureColumns.RESOURCE_ID, "/providers/Microsoft.Capacity/reservationOrders/" + old + "/reservations/")
          .set(AzureColumns.CONSUMED_SERVICE, "Microsoft.Capacity");
      price(l, refund, refund, refund, BigDecimal.ZERO);
      m.actual.add(l);
      m.order(old, refund, BigDecimal.ZERO);
      m.commitmentPurchases = m.commitmentPurchases.add(refund);
    }

    for (int d = 1; d <= days; d++) {
      LocalDate day = ym.atDay(d);
      // Reservation: one instance reserved around the clock; the VM runs 12–24 h.
      int used = 12 + r.nextInt(13);
      String vmRi = vm(a, sub, "rg-app", "vm-ri-01");
      Line riUse = vmLine(a, ym, day, sub, vmRi, "Reservation", BigDecimal.valueOf(used))
          .set(AzureColumns.RESERVATION_ID, riId).set(AzureColumns.RESERVATION_NAME, "VM_RI_D2sv3")
          .set(AzureColumns.PRODUCT_ORDER_ID, riOrder).set(AzureColumns.BENEFIT_ID, riBenefit).set(AzureColumns.BENEFIT_NAME, "VM_RI_D2sv3");
      BigDecimal riUsed = riRate.multiply(BigDecimal.valueOf(used));
      twin(m, riUse, BigDecimal.ZERO, riUsed, odRate, riRate);
      m.order(riOrder, BigDecimal.ZERO, riUsed);
      if (used < 24) {
        BigDecimal unused = riRate.multiply(BigDecimal.valueOf(24L - used));
        Line l = base(a, ym, day, sub, "UnusedReservation", "Reservation", "UsageBased")
            .set(AzureColumns.METER_CATEGORY, "Virtual Machines").set(AzureColumns.METER_NAME, "D2s v3")
            .set(AzureColumns.QUANTITY, BigDecimal.valueOf(24L - used)).set(AzureColumns.UNIT_OF_MEASURE, "1 Hour")
            .set(AzureColumns.RESERVATION_ID, riId).set(AzureColumns.RESERVATION_NAME, "VM_RI_D2sv3")
            .set(AzureColumns.PRODUCT_ORDER_ID, riOrder).set(AzureColumns.BENEFIT_ID, riBenefit).set(AzureColumns.BENEFIT_NAME, "VM_RI_D2sv3");
        price(l, unused, riRate, riRate, riRate);
        m.amortized.add(l);
        m.order(riOrder, BigDecimal.ZERO, unused);
      }
      // Savings plan: 8–20 covered VM hours against a commitment of 24 × 0.10 a day.
      int spHours = 8 + r.nextInt(13);
      BigDecimal spUsed = spRate.multiply(BigDecimal.valueOf(spHours));
      Line spUse = vmLine(a, ym, day, sub, vm(a, sub, "rg-batch", "vm-sp-01"), "SavingsPlan", BigDecimal.valueOf(spHours))
          .set(AzureColumns.PRODUCT_ORDER_ID, spOrder).set(AzureColumns.BENEFIT_ID, spBenefit).set(AzureColumns.BENEFIT_NAME, "Compute_SP_1y");
      twin(m, spUse, BigDecimal.ZERO, spUsed, odRate, spRate);
      m.order(spOrder, BigDecimal.ZERO, spUsed);
      BigDecimal spUnused = spCommit.multiply(BigDecimal.valueOf(24)).subtract(spUsed);
      Line spu = base(a, ym, day, sub, ea ? "UnusedSavingsPlan" : "UnusedBenefit", "SavingsPlan", "UsageBased")
          .set(AzureColumns.METER_CATEGORY, "Savings Plan").set(AzureColumns.QUANTITY, spUnused)
          .set(AzureColumns.UNIT_OF_MEASURE, "1 Hour").set(AzureColumns.PRODUCT_ORDER_ID, spOrder)
          .set(AzureColumns.BENEFIT_ID, spBenefit).set(AzureColumns.BENEFIT_NAME, "Compute_SP_1y");
      price(spu, spUnused, BigDecimal.ONE, BigDecimal.ONE, BigDecimal.ONE);
      m.amortized.add(spu);
      m.order(spOrder, BigDecimal.ZERO, spUnused);
      // Spot.
      BigDecimal spotQty = BigDecimal.valueOf(4 + r.nextInt(21));
      Line spot = vmLine(a, ym, day, a.subscriptions()[a.subscriptions().length - 1], vm(a, a.subscriptions()[a.subscriptions().length - 1], "rg-batch", "vm-spot-01"), "Spot", spotQty);
      BigDecimal spotRate = new BigDecimal("0.0192");
      twin(m, spot, spotRate.multiply(spotQty), spotRate.multiply(spotQty), odRate, spotRate);
      // On-demand: VMs and storage across subscriptions.
      for (int i = 0; i < onDemandPerDay; i++) {
        String s = a.subscriptions()[i % a.subscriptions().length];
        Line l;
        BigDecimal qty;
        BigDecimal rate;
        if (i % 3 == 2) {
          qty = BigDecimal.valueOf(1 + r.nextInt(500)).divide(BigDecimal.valueOf(31), 6, RoundingMode.HALF_UP);
          rate = new BigDecimal("0.0208");
          l = base(a, ym, day, s, "Usage", "OnDemand", "UsageBased")
              .set(AzureColumns.METER_CATEGORY, "Storage").set(AzureColumns.METER_SUBCATEGORY, "Standard SSD Managed Disks")
              .set(AzureColumns.METER_NAME, "E10 LRS Disk").set(AzureColumns.UNIT_OF_MEASURE, "1/Month")
              .set(AzureColumns.CONSUMED_SERVICE, "Microsoft.Compute").set(AzureColumns.QUANTITY, qty)
              .set(AzureColumns.RESOURCE_ID, "/subscriptions/" + s + "/resourceGroups/rg-data/providers/Microsoft.Compute/disks/disk-" + i)
              .set(AzureColumns.RESOURCE_NAME, "disk-" + i);
        } else {
          qty = BigDecimal.valueOf(1 + r.nextInt(24));
          rate = odRate;
          l = vmLine(a, ym, day, s, vm(a, s, "rg-web", "vm-web-" + i), "OnDemand", qty);
        }
        BigDecimal c = rate.multiply(qty);
        twin(m, l, c, c, rate, rate);
      }
    }
    // A rounding adjustment closes the month in both datasets.
    BigDecimal rounding = BigDecimal.valueOf(r.nextInt(2001) - 1000, 6);
    Line adj = base(a, ym, ym.atEndOfMonth(), sub, "RoundingAdjustment", "OnDemand", "OneTime");
    price(adj, rounding, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO);
    twin(m, adj, rounding, rounding, null, null);
    return m;
  }

  /** The same charge in both datasets: actual and amortized cost differ for covered usage. */
  private static void twin(Month m, Line l, BigDecimal actualCost, BigDecimal amortizedCost, BigDecimal payg, BigDecimal unit) {
    Line a = copy(l);
    Line z = copy(l);
    BigDecimal qty = l.v.get(AzureColumns.QUANTITY) == null ? BigDecimal.ONE : new BigDecimal(l.v.get(AzureColumns.QUANTITY));
    if (payg != null) {
      price(a, actualCost, actualCost.signum() == 0 ? BigDecimal.ZERO : unit, payg, unit);
      price(z, amortizedCost, amortizedCost.divide(qty, 8, RoundingMode.HALF_UP), payg, unit);
    } else {
      price(a, actualCost, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO);
      price(z, amortizedCost, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO);
    }
    m.actual.add(a);
    m.amortized.add(z);
  }

  private static Line copy(Line l) {
    Line c = new Line();
    c.v.putAll(l.v);
    c.cost = l.cost;
    return c;
  }

  private static void price(Line l, BigDecimal cost, BigDecimal effectivePrice, BigDecimal payg, BigDecimal unit) {
    l.cost = cost;
    l.set(AzureColumns.COST, cost).set(AzureColumns.EFFECTIVE_PRICE, effectivePrice).set(AzureColumns.PAYG_PRICE, payg)
        .set(AzureColumns.UNIT_PRICE, unit);
    BigDecimal qty = l.v.get(AzureColumns.QUANTITY) == null ? null : new BigDecimal(l.v.get(AzureColumns.QUANTITY));
    if (qty != null && payg != null) {
      l.set(AzureColumns.PAYG_COST, payg.multiply(qty));
    }
  }

  private static Line base(Account a, YearMonth ym, LocalDate day, String sub, String chargeType, String model, String frequency) {
    return new Line()
        .set(AzureColumns.BILLING_ACCOUNT_ID, a.id()).set(AzureColumns.BILLING_ACCOUNT_NAME, a.name())
        .set(AzureColumns.BILLING_PROFILE_ID, a.profileId()).set(AzureColumns.BILLING_PROFILE_NAME, a.name())
        .set(AzureColumns.BILLING_PERIOD_START, ym.atDay(1).format(US))
        .set(AzureColumns.BILLING_PERIOD_END, ym.atEndOfMonth().format(US)) // inclusive, as Azure writes it
        .set(AzureColumns.DATE, day.format(US)).set(AzureColumns.SUBSCRIPTION_ID, sub)
        .set(AzureColumns.SUBSCRIPTION_NAME, "sub-" + sub.substring(0, 4)).set(AzureColumns.BILLING_CURRENCY, a.currency())
        .set(AzureColumns.PRICING_CURRENCY, a.currency()).set(AzureColumns.EXCHANGE_RATE, "1")
        .set(AzureColumns.INVOICE_SECTION_NAME, a.kind().equals("ea") ? "Unassigned" : "Platform")
        .set(AzureColumns.INVOICE_SECTION_ID, a.kind().equals("ea") ? null : "IS-PLAT-01")
        .set(AzureColumns.CHARGE_TYPE, chargeType).set(AzureColumns.PRICING_MODEL, model)
        .set(AzureColumns.FREQUENCY, frequency).set(AzureColumns.PUBLISHER_TYPE, "Azure")
        .set(AzureColumns.PUBLISHER_NAME, "Microsoft").set(AzureColumns.RESOURCE_LOCATION, "westeurope")
        .set(AzureColumns.COST_CENTER, a.kind().equals("ea") ? "CC-100" : "CC-200");
  }

  private static Line vmLine(Account a, YearMonth ym, LocalDate day, String sub, String resourceId, String model, BigDecimal hours) {
    String name = resourceId.substring(resourceId.lastIndexOf('/') + 1);
    String tags = "\"team\": \"" + (name.contains("web") ? "web" : "data") + "\",\"env\": \"prod\"";
    return base(a, ym, day, sub, "Usage", model, "UsageBased")
        .set(AzureColumns.METER_CATEGORY, "Virtual Machines").set(AzureColumns.METER_SUBCATEGORY, "Dsv3 Series")
        .set(AzureColumns.METER_NAME, "D2s v3").set(AzureColumns.METER_ID, "0bd50fdf-c923-4e1e-850c-196dd3dcc123")
        .set(AzureColumns.PRODUCT_NAME, "Virtual Machines Dsv3 Series - D2s v3 - EU West")
        .set(AzureColumns.UNIT_OF_MEASURE, "1 Hour").set(AzureColumns.QUANTITY, hours)
        .set(AzureColumns.CONSUMED_SERVICE, "Microsoft.Compute").set(AzureColumns.RESOURCE_ID, resourceId)
        .set(AzureColumns.RESOURCE_NAME, name).set(AzureColumns.RESOURCE_GROUP, resourceId.split("/")[4])
        .set(AzureColumns.ADDITIONAL_INFO, "{\"ServiceType\":\"Standard_D2s_v3\",\"VCPUs\":2}")
        .set(AzureColumns.TAGS, a.kind().equals("ea") ? tags : "{" + tags + "}");
  }

  private static String vm(Account a, String sub, String group, String name) {
    return "/subscriptions/" + sub + "/resourceGroups/" + group + "/providers/Microsoft.Compute/virtualMachines/" + name;
  }

  private static String uuid(Account a, String what) {
    return java.util.UUID.nameUUIDFromBytes((a.id() + "/" + what).getBytes(StandardCharsets.UTF_8)).toString();
  }

  private static String[] values(Account a, Line l) {
    String[] h = a.headers();
    String[] out = new String[h.length];
    for (int i = 0; i < h.length; i++) {
      String c = AzureColumns.canonical(h[i]);
      out[i] = c == null ? extra(h[i]) : l.v.get(c);
    }
    return out;
  }

  private static String extra(String header) {
    switch (header) {
      case "IsAzureCreditEligible":
      case "isAzureCreditEligible":
        return "True";
      case "provider":
        return "Azure";
      default:
        return null;
    }
  }

  private static void writeEaRun(Run run, Account a, String exportFolder, String runId, String type, YearMonth ym,
      List<Line> lines, boolean gzip, String submitted) throws IOException {
    String folder = exportFolder + "/" + runId;
    String name = "part_0_0001.csv" + (gzip ? ".gz" : "");
    String path = folder + "/" + name;
    OutputStream os = run.fs.create(new Path(path), true);
    if (gzip) {
      os = new GZIPOutputStream(os, 1 << 16);
    }
    try (Writer w = new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8), 1 << 16)) {
      w.write('\uFEFF');
      w.write(String.join(",", a.headers()) + "\r\n");
      for (Line l : lines) {
        String[] v = values(a, l);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
          if (i > 0) sb.append(',');
          sb.append(csv(v[i]));
        }
        w.write(sb.append("\r\n").toString());
      }
    }
    run.files.add(path);
    run.rows += lines.size();
    String manifest =
        "{\n  \"manifestVersion\": \"2024-04-01\",\n  \"byteCount\": 0,\n  \"blobCount\": 1,\n  \"dataRowCount\": " + lines.size()
            + ",\n  \"exportConfig\": {\n    \"exportName\": \"" + new Path(exportFolder).getParent().getName()
            + "\",\n    \"resourceId\": \"/providers/Microsoft.Billing/billingAccounts/" + a.id()
            + "/providers/Microsoft.CostManagement/exports/" + new Path(exportFolder).getParent().getName()
            + "\",\n    \"dataVersion\": \"2021-10-01\",\n    \"apiVersion\": \"2023-07-01-preview\",\n    \"type\": \"" + type
            + "\",\n    \"timeFrame\": \"MonthToDate\",\n    \"granularity\": \"Daily\"\n  },\n"
            + "  \"deliveryConfig\": {\n    \"partitionData\": true,\n    \"dataOverwriteBehavior\": \"CreateNewReport\",\n"
            + "    \"fileFormat\": \"Csv\",\n    \"compressionMode\": \"" + (gzip ? "Gzip" : "None") + "\"\n  },\n"
            + "  \"runInfo\": {\n    \"executionType\": \"Scheduled\",\n    \"submittedTime\": \"" + submitted
            + "\",\n    \"runId\": \"" + runId + "\",\n    \"startDate\": \"" + ym.atDay(1) + "T00:00:00\",\n    \"endDate\": \""
            + ym.atEndOfMonth() + "T00:00:00\"\n  },\n  \"blobs\": [\n    {\n      \"blobName\": \"" + name
            + "\",\n      \"dataRowCount\": " + lines.size() + "\n    }\n  ]\n}\n";
    try (OutputStream m = run.fs.create(new Path(folder + "/manifest.json"), true)) {
      m.write(manifest.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static void writeParquet(Run run, Account a, String dir, List<Line> lines) {
    StructType schema = new StructType();
    for (String h : a.headers()) {
      schema = schema.add(h, DataTypes.StringType, true);
    }
    List<Row> rows = new ArrayList<>(lines.size());
    for (Line l : lines) {
      rows.add(RowFactory.create((Object[]) values(a, l)));
    }
    run.spark.createDataFrame(rows, schema).coalesce(1).write().mode(SaveMode.Overwrite).parquet(dir);
    run.files.add(dir);
    run.rows += lines.size();
  }

  private static String csv(String s) {
    if (s == null) {
      return "";
    }
    return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }
}
