package dev.costlake.sources.azure;

import static dev.costlake.sources.azure.AzureColumns.*;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.when;

import dev.costlake.model.Focus;
import dev.costlake.quality.Quarantine;
import dev.costlake.sources.RawReader;
import dev.costlake.sources.focus.FocusNormalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;

/**
 * Azure Cost Management exports (EA and MCA cost details; actual and amortized datasets; any
 * header variant {@link AzureColumns} knows) to canonical FOCUS 1.3 rows. No I/O.
 *
 * <p>Each file is one dataset: actual (the invoice view), amortized, or unknown. The dataset comes
 * from {@code x_SourceFormat} ({@value #ACTUAL_TAG} / {@value #AMORTIZED_TAG}, set from the export
 * manifest by {@link AzureExports}), else from the path (a folder or file name containing
 * "amortized" or "actual"), else from the content (Unused* rows or non-zero commitment-covered
 * usage mean amortized; commitment purchases or refunds mean actual).
 *
 * <p>A unit (billing account, billing period) with both datasets is <b>paired</b>: commitment
 * purchases and refunds come from the actual dataset (BilledCost = cost, EffectiveCost 0); every
 * other charge comes from the amortized dataset, and its BilledCost is the cost of the same charge
 * in the actual dataset (matched on date, subscription, resource, meter, charge type, pricing
 * model, commitment, quantity, unit and a few more attributes; 0 for covered usage and Unused
 * rows, which the actual dataset bills at 0 or not at all). The merged row records the actual row
 * as {@code x_PairedSourceFile}/{@code x_PairedSourceRow}, so it stands for two raw rows. A charge
 * found in one dataset only is kept, with the other measure 0 and {@code x_AzurePairing} saying so,
 * so Σ BilledCost is always the actual total and Σ EffectiveCost the amortized total.
 *
 * <p>A unit with one dataset: actual or unknown → BilledCost = EffectiveCost = cost (no
 * amortization is possible); amortized only → EffectiveCost = cost, BilledCost = cost except 0 on
 * commitment-covered usage and Unused rows.
 */
public final class AzureCostNormalizer {
  private AzureCostNormalizer() {}

  public static final String FORMAT = "azure-cost";
  public static final String ACTUAL_TAG = "azure-actual";
  public static final String AMORTIZED_TAG = "azure-amortized";

  static final String ACTUAL = "actual";
  static final String AMORTIZED = "amortized";
  static final String UNKNOWN = "unknown";

  /** Values of {@code x_AzurePairing}. */
  public static final String PAIRED = "paired";
  public static final String COMMITMENT_PURCHASE = "commitment-purchase";
  public static final String AMORTIZED_ONLY = "amortized-only";
  public static final String ACTUAL_ONLY = "actual-only";
  public static final String SINGLE = "single";

  /** Strings Azure uses for "no value" in identity and name columns, besides FOCUS's. */
  public static final List<String> ID_PLACEHOLDERS = List.of("-2", "unassigned");

  public static final Set<String> UNUSED_TYPES = Set.of("unusedreservation", "unusedsavingsplan", "unusedbenefit");

  private static final DecimalType FACTOR = DataTypes.createDecimalType(24, 12);

  /** Canonical field → raw columns. */
  private static final class Cols {
    final Map<String, List<String>> raw;

    Cols(String[] columns) {
      List<String> headers = new ArrayList<>();
      for (String c : columns) {
        if (!c.startsWith("x_") && !c.equals(RawReader.CORRUPT) && !c.startsWith("_")) {
          headers.add(c);
        }
      }
      raw = AzureColumns.resolve(headers);
    }

    boolean has(String canonical) {
      return raw.containsKey(canonical);
    }

    Column text(String canonical) {
      List<String> r = raw.get(canonical);
      if (r == null) {
        return lit(null).cast(DataTypes.StringType);
      }
      Column[] cols = r.stream().map(n -> FocusNormalizer.clean(col("`" + n + "`"))).toArray(Column[]::new);
      return cols.length == 1 ? cols[0] : coalesce(cols);
    }

    /** Text of an identity or name column: Azure's placeholders ("-2", "Unassigned") are null. */
    Column id(String canonical) {
      Column t = text(canonical);
      return when(lower(t).isin(ID_PLACEHOLDERS.toArray()), lit(null).cast(DataTypes.StringType)).otherwise(t);
    }

    Column num(String canonical) {
      return text(canonical).try_cast(Focus.DECIMAL);
    }
  }

  public static Dataset<Row> normalize(
      Dataset<Row> raw, String sourceName, String runId, Map<String, String> defaults) {
    Cols c = new Cols(raw.columns());
    Map<String, String> defaultsByLower = new HashMap<>();
    defaults.forEach((k, v) -> defaultsByLower.put(k.toLowerCase(Locale.ROOT), v));
    Column zero = lit(0).cast(Focus.DECIMAL);

    // 1. Typed basics every later step needs.
    Column chargeTypeRaw = c.text(CHARGE_TYPE);
    Column chargeType = lower(functions.regexp_replace(coalesce(chargeTypeRaw, lit("Usage")), "[ _-]", ""));
    // "" when absent, so that comparisons are never null.
    Column model = coalesce(lower(functions.regexp_replace(c.text(PRICING_MODEL), "[ _-]", "")), lit(""));
    Column benefitId = lower(c.id(BENEFIT_ID));
    Column reservationId = lower(c.id(RESERVATION_ID));
    Column orderId = lower(c.id(PRODUCT_ORDER_ID));
    Column isUnused = chargeType.isin(UNUSED_TYPES.toArray());
    Column isSavingsPlan =
        model.equalTo("savingsplan")
            .or(chargeType.equalTo("unusedsavingsplan"))
            .or(coalesce(benefitId.contains("savingsplan"), lit(false)));
    Column isReservation =
        functions.not(isSavingsPlan)
            .and(
                model.equalTo("reservation")
                    .or(chargeType.equalTo("unusedreservation"))
                    .or(coalesce(benefitId.contains("microsoft.capacity"), lit(false)))
                    .or(reservationId.isNotNull().and(model.isin("", "reservation"))));
    Column isCommitment = isSavingsPlan.or(isReservation).or(isUnused);
    Column isCommitPurchase = chargeType.isin("purchase", "refund").and(isCommitment);

    Column dateText = c.text(DATE);
    Column date = parseDate(dateText);
    Column periodStartText = c.text(BILLING_PERIOD_START);
    Column periodStart = coalesce(parseDate(periodStartText), functions.date_trunc("month", date));
    Column periodEndText = c.text(BILLING_PERIOD_END);
    Column periodEnd =
        coalesce(
            // Azure's end date is inclusive (09/30/2023): the exclusive end is the next day.
            parseDate(periodEndText).plus(functions.expr("INTERVAL 1 DAY")),
            functions.add_months(periodStart, 1).cast(DataTypes.TimestampType));
    Column account =
        coalesce(
            c.id(BILLING_ACCOUNT_ID),
            defaultsByLower.containsKey("billingaccountid") ? lit(defaultsByLower.get("billingaccountid")) : lit(null).cast(DataTypes.StringType),
            c.id(BILLING_PROFILE_ID),
            lower(c.id(SUBSCRIPTION_ID)));
    Column cost = c.num(COST);

    Dataset<Row> df =
        raw.withColumn("x__Raw", rawStruct(raw.columns()))
            .withColumn("x__chargeType", chargeType)
            .withColumn("x__commitment", isCommitment)
            .withColumn("x__commitPurchase", isCommitPurchase)
            .withColumn("x__unused", isUnused)
            .withColumn("x__cost", cost)
            .withColumn("x__date", date)
            .withColumn("x__account", account)
            .withColumn("x__period", functions.date_format(periodStart, "yyyy-MM"));

    // 2. The dataset of each file: manifest tag, then path, then content.
    Column fmt = col(Focus.X_SOURCE_FORMAT);
    Column path = lower(col(Focus.X_SOURCE_FILE));
    Dataset<Row> byFile =
        df.groupBy(col(Focus.X_SOURCE_FILE))
            .agg(
                max(col("x__unused").or(col("x__chargeType").equalTo("usage").and(col("x__commitment")).and(coalesce(col("x__cost"), zero).notEqual(zero)))).as("x__amortizedSignal"),
                max(col("x__commitPurchase")).as("x__actualSignal"));
    df = df.join(functions.broadcast(byFile), Focus.X_SOURCE_FILE);
    Column dataset =
        when(fmt.equalTo(ACTUAL_TAG), lit(ACTUAL))
            .when(fmt.equalTo(AMORTIZED_TAG), lit(AMORTIZED))
            .when(path.rlike("amorti[sz]"), lit(AMORTIZED))
            .when(path.contains("actual"), lit(ACTUAL))
            .when(col("x__amortizedSignal").and(functions.not(col("x__actualSignal"))), lit(AMORTIZED))
            .when(col("x__actualSignal").and(functions.not(col("x__amortizedSignal"))), lit(ACTUAL))
            .otherwise(lit(UNKNOWN));
    df = df.withColumn("x__dataset", dataset).drop("x__amortizedSignal", "x__actualSignal");

    // 3. Which units hold both datasets.
    // The unit columns renamed on the aggregated side: a self-join on the same column names would
    // need Spark to tell the sides apart (it does, with a warning on stderr per run).
    Dataset<Row> byUnit =
        df.groupBy(col("x__account").as("x__unitAccount"), col("x__period").as("x__unitPeriod"))
            .agg(
                max(col("x__dataset").equalTo(ACTUAL)).as("x__hasActual"),
                max(col("x__dataset").equalTo(AMORTIZED)).as("x__hasAmortized"));
    df = df.join(functions.broadcast(byUnit), col("x__account").eqNullSafe(col("x__unitAccount")).and(col("x__period").eqNullSafe(col("x__unitPeriod"))), "left")
        .drop("x__unitAccount", "x__unitPeriod");
    Column ds = col("x__dataset");
    Column paired = col("x__hasActual").and(col("x__hasAmortized")).and(ds.notEqual(UNKNOWN));
    df = df.withColumn("x__paired", coalesce(paired, lit(false)));

    // 4. Match actual and amortized rows of the same charge within paired units.
    Column matchable =
        col("x__paired")
            .and(functions.not(ds.equalTo(ACTUAL).and(col("x__commitPurchase"))))
            .and(col("x__cost").isNotNull())
            .and(col("x__date").isNotNull());
    List<Column> keyParts = new ArrayList<>();
    keyParts.add(functions.date_format(col("x__date"), "yyyy-MM-dd"));
    keyParts.add(col("x__chargeType"));
    keyParts.add(model);
    for (String f :
        List.of(SUBSCRIPTION_ID, RESOURCE_ID, METER_ID, UNIT_OF_MEASURE, BENEFIT_ID, RESERVATION_ID, PRODUCT_ORDER_ID,
            BILLING_PROFILE_ID, INVOICE_SECTION_ID, INVOICE_SECTION_NAME, RESOURCE_LOCATION, COST_CENTER, ADDITIONAL_INFO, TAGS,
            PRODUCT_NAME, PUBLISHER_NAME, PLAN_NAME, FREQUENCY)) {
      keyParts.add(coalesce(lower(c.id(f)), lit("")));
    }
    keyParts.add(coalesce(c.num(QUANTITY).cast(DataTypes.StringType), lit("")));
    df = df.withColumn("x__matchable", matchable)
        .withColumn("x__key", when(matchable, functions.concat_ws("\u0001", keyParts.toArray(new Column[0]))));
    WindowSpec byKey =
        Window.partitionBy(col("x__account"), col("x__period"), col("x__key"), ds)
            .orderBy(col(Focus.X_SOURCE_FILE), col(Focus.X_SOURCE_ROW));
    df = df.withColumn("x__occ", when(col("x__matchable"), functions.row_number().over(byKey)));
    WindowSpec pair = Window.partitionBy(col("x__account"), col("x__period"), col("x__key"), col("x__occ"));
    Column isActual = ds.equalTo(ACTUAL);
    df = df.withColumn("x__partnerCost", when(col("x__matchable"), max(when(isActual, col("x__cost"))).over(pair)))
        .withColumn("x__partnerFile", when(col("x__matchable"), max(when(isActual, col(Focus.X_SOURCE_FILE))).over(pair)))
        .withColumn("x__partnerRow", when(col("x__matchable"), max(when(isActual, col(Focus.X_SOURCE_ROW))).over(pair)))
        .withColumn("x__partnerAmortized", when(col("x__matchable"), max(ds.equalTo(AMORTIZED)).over(pair)));
    // Actual rows whose charge the amortized row carries are absorbed into it.
    df = df.where(functions.not(coalesce(col("x__matchable").and(isActual).and(col("x__partnerAmortized")), lit(false))));

    Column isAmortized = ds.equalTo(AMORTIZED);
    Column matched = col("x__matchable").and(isAmortized).and(col("x__partnerFile").isNotNull());
    Column pairing =
        when(functions.not(col("x__paired")), lit(SINGLE))
            .when(isActual.and(col("x__commitPurchase")), lit(COMMITMENT_PURCHASE))
            .when(matched, lit(PAIRED))
            .when(isAmortized, lit(AMORTIZED_ONLY))
            .otherwise(lit(ACTUAL_ONLY));
    Column covered = col("x__commitment").and(col("x__chargeType").equalTo("usage")).or(col("x__unused"));
    Column billed =
        when(col("x__paired").and(isAmortized), when(matched, col("x__partnerCost")).otherwise(zero))
            .when(col("x__paired"), col("x__cost"))
            .when(isAmortized.and(covered), zero)
            .otherwise(col("x__cost"));
    Column effective =
        when(col("x__paired").and(isActual), zero)
            .otherwise(col("x__cost"));

    // 5. FOCUS columns.
    Column ct = col("x__chargeType");
    Column category =
        when(ct.equalTo("usage").or(col("x__unused")), lit("Usage"))
            .when(ct.equalTo("purchase"), lit("Purchase"))
            .when(ct.equalTo("refund"), when(col("x__commitment"), lit("Purchase")).otherwise(lit("Credit")))
            .when(ct.equalTo("roundingadjustment").or(ct.equalTo("adjustment")), lit("Adjustment"))
            .when(ct.equalTo("tax"), lit("Tax"))
            .when(ct.equalTo("credit"), lit("Credit"))
            .otherwise(chargeTypeRaw);
    Column freqText = lower(functions.regexp_replace(c.text(FREQUENCY), "[ _-]", ""));
    Column frequency =
        when(category.equalTo("Usage"), lit("Usage-Based"))
            .when(freqText.equalTo("recurring"), lit("Recurring"))
            .otherwise(lit("One-Time"));
    Column quantity = c.num(QUANTITY);
    Column unitPrice = c.num(UNIT_PRICE);
    Column paygPrice = c.num(PAYG_PRICE);
    // EA files give PayGPrice 0 on reservation usage and purchases; the unit price stands in.
    Column listUnitPrice =
        when(paygPrice.isNull(), unitPrice)
            .when(paygPrice.equalTo(zero).and(coalesce(unitPrice, zero).gt(zero)), unitPrice)
            .otherwise(paygPrice);
    Column unused = col("x__unused");
    Column listCost =
        when(unused, zero).otherwise(coalesce(c.num(PAYG_COST), times(listUnitPrice, quantity), col("x__cost")));
    Column contractedCost = when(unused, zero).otherwise(coalesce(times(unitPrice, quantity), col("x__cost")));

    Column commitmentId = commitmentId(benefitId, reservationId, orderId, isReservation, isSavingsPlan);
    Column resourceId = c.id(RESOURCE_ID);
    Column location = coalesce(c.id(RESOURCE_LOCATION), c.id(LOCATION));
    Column marketplace = lower(c.text(PUBLISHER_TYPE)).equalTo("marketplace");
    Column publisher = c.id(PUBLISHER_NAME);
    Column meterCategory = c.id(METER_CATEGORY);
    Column tags = c.text(TAGS);

    Map<String, Column> f = new LinkedHashMap<>();
    f.put(Focus.BilledCost, billed);
    f.put(Focus.EffectiveCost, effective);
    f.put(Focus.ListCost, listCost);
    f.put(Focus.ContractedCost, contractedCost);
    f.put(Focus.BillingAccountId, col("x__account"));
    f.put(Focus.BillingAccountName, coalesce(c.id(BILLING_ACCOUNT_NAME), c.id(BILLING_PROFILE_NAME)));
    f.put(Focus.SubAccountId, lower(c.id(SUBSCRIPTION_ID)));
    f.put(Focus.SubAccountName, c.id(SUBSCRIPTION_NAME));
    f.put(Focus.SubAccountType, when(c.id(SUBSCRIPTION_ID).isNotNull(), lit("Subscription")));
    f.put(Focus.BillingCurrency, functions.upper(c.text(BILLING_CURRENCY)));
    f.put(Focus.PricingCurrency, functions.upper(c.text(PRICING_CURRENCY)));
    f.put(Focus.BillingPeriodStart, iso(periodStart, periodStartText));
    f.put(Focus.BillingPeriodEnd, iso(periodEnd, periodEndText));
    f.put(Focus.ChargePeriodStart, iso(col("x__date"), dateText));
    f.put(Focus.ChargePeriodEnd, iso(col("x__date").plus(functions.expr("INTERVAL 1 DAY")), dateText));
    f.put(Focus.ChargeCategory, category);
    f.put(Focus.ChargeClass, when(ct.equalTo("refund"), lit("Correction")));
    f.put(Focus.ChargeFrequency, frequency);
    f.put(Focus.ChargeDescription, coalesce(c.id(PRODUCT_NAME), c.id(METER_NAME)));
    f.put(Focus.CommitmentDiscountId, commitmentId);
    f.put(Focus.CommitmentDiscountName, when(col("x__commitment"), coalesce(c.id(BENEFIT_NAME), c.id(RESERVATION_NAME))));
    f.put(Focus.CommitmentDiscountType, when(isSavingsPlan, lit("Savings Plan")).when(isReservation, lit("Reservation")));
    f.put(Focus.CommitmentDiscountCategory, when(isSavingsPlan, lit("Spend")).when(isReservation, lit("Usage")));
    f.put(
        Focus.CommitmentDiscountStatus,
        when(unused, lit("Unused")).when(category.equalTo("Usage").and(col("x__commitment")), lit("Used")));
    // Reservations count hours (the row's quantity in its unit of measure); savings plans count
    // the amortized amount in the billing currency.
    Column usageOfCommitment = col("x__commitment").and(category.equalTo("Usage"));
    f.put(
        Focus.CommitmentDiscountQuantity,
        when(usageOfCommitment.and(isSavingsPlan), col("x__cost")).when(usageOfCommitment, c.text(QUANTITY)));
    f.put(
        Focus.CommitmentDiscountUnit,
        when(usageOfCommitment.and(isSavingsPlan), functions.upper(c.text(BILLING_CURRENCY)))
            .when(usageOfCommitment, c.text(UNIT_OF_MEASURE)));
    f.put(
        Focus.PricingCategory,
        when(category.notEqual("Usage"), lit(null).cast(DataTypes.StringType))
            .when(col("x__commitment"), lit("Committed"))
            .when(model.equalTo("spot"), lit("Dynamic"))
            .when(model.isin("", "ondemand"), lit("Standard"))
            .otherwise(lit("Other")));
    f.put(Focus.ConsumedQuantity, when(category.equalTo("Usage").and(functions.not(unused)), c.text(QUANTITY)));
    f.put(Focus.ConsumedUnit, when(category.equalTo("Usage").and(functions.not(unused)), c.text(UNIT_OF_MEASURE)));
    f.put(Focus.PricingQuantity, c.text(QUANTITY));
    f.put(Focus.PricingUnit, c.text(UNIT_OF_MEASURE));
    f.put(Focus.ListUnitPrice, listUnitPrice);
    f.put(Focus.ContractedUnitPrice, c.text(UNIT_PRICE));
    f.put(Focus.ResourceId, when(unused, coalesce(commitmentId, resourceId)).otherwise(resourceId));
    f.put(Focus.ResourceName, c.id(RESOURCE_NAME));
    f.put(Focus.ResourceType, c.id(RESOURCE_TYPE));
    f.put(Focus.RegionId, lower(functions.regexp_replace(location, " ", "")));
    f.put(Focus.RegionName, location);
    f.put(Focus.AvailabilityZone, c.id(AVAILABILITY_ZONE));
    f.put(Focus.ServiceName, coalesce(c.id(SERVICE_NAME), meterCategory, c.id(CONSUMED_SERVICE)));
    f.put(Focus.ServiceCategory, serviceCategory(meterCategory, c.id(CONSUMED_SERVICE)));
    f.put(Focus.SkuId, coalesce(c.id(PRODUCT_ID), c.id(PART_NUMBER)));
    f.put(Focus.SkuPriceId, c.id(METER_ID));
    f.put(Focus.SkuMeter, c.id(METER_NAME));
    f.put(Focus.InvoiceId, c.id(INVOICE_ID));
    f.put(Focus.InvoiceIssuerName, lit("Microsoft"));
    f.put(Focus.ProviderName, lit("Microsoft"));
    f.put(Focus.HostProviderName, lit("Microsoft"));
    f.put(Focus.ServiceProviderName, when(marketplace, coalesce(publisher, lit("Microsoft"))).otherwise(lit("Microsoft")));
    f.put(Focus.PublisherName, coalesce(publisher, lit("Microsoft")));
    f.put(
        Focus.Tags,
        when(tags.isNull(), lit(null).cast(DataTypes.StringType))
            .when(tags.startsWith("{"), tags)
            .otherwise(functions.concat(lit("{"), tags, lit("}"))));

    // Provider attributes kept for audit (x_Extensions).
    f.put("x_AzureDataset", ds);
    f.put("x_AzurePairing", pairing);
    f.put("x_ChargeType", chargeTypeRaw);
    f.put("x_PricingModel", c.text(PRICING_MODEL));
    f.put("x_Cost", col("x__cost"));
    f.put("x_ActualCost", when(matched, col("x__partnerCost")));
    f.put("x_EffectivePrice", c.text(EFFECTIVE_PRICE));
    f.put("x_PayGPrice", c.text(PAYG_PRICE));
    f.put("x_ExchangeRatePricingToBilling", c.text(EXCHANGE_RATE));
    f.put("x_CostInPricingCurrency", c.text(COST_IN_PRICING_CURRENCY));
    f.put("x_MeterCategory", meterCategory);
    f.put("x_MeterSubCategory", c.id(METER_SUBCATEGORY));
    f.put("x_MeterRegion", c.id(METER_REGION));
    f.put("x_ConsumedService", c.id(CONSUMED_SERVICE));
    f.put("x_ServiceFamily", c.id(SERVICE_FAMILY));
    f.put("x_ResourceGroup", c.id(RESOURCE_GROUP));
    f.put("x_CostCenter", c.id(COST_CENTER));
    f.put("x_BillingProfileId", c.id(BILLING_PROFILE_ID));
    f.put("x_BillingProfileName", c.id(BILLING_PROFILE_NAME));
    f.put("x_InvoiceSectionId", c.id(INVOICE_SECTION_ID));
    f.put("x_InvoiceSectionName", c.id(INVOICE_SECTION_NAME));
    f.put("x_AccountName", c.id(ACCOUNT_NAME));
    f.put("x_ReservationId", c.id(RESERVATION_ID));
    f.put("x_CommitmentDiscountOrderId", when(col("x__commitment"), orderId));
    f.put("x_Term", c.id(TERM));
    f.put("x_OfferId", c.id(OFFER_ID));
    f.put("x_AdditionalInfo", c.text(ADDITIONAL_INFO));

    List<Column> out = new ArrayList<>();
    f.forEach((name, value) -> out.add(value.cast(DataTypes.StringType).as(name)));
    out.add(col(RawReader.CORRUPT));
    out.add(col(Focus.X_SOURCE_FILE));
    out.add(col(Focus.X_SOURCE_ROW));
    out.add(when(isActual, lit(ACTUAL_TAG)).when(isAmortized, lit(AMORTIZED_TAG)).otherwise(lit(FORMAT)).as(Focus.X_SOURCE_FORMAT));
    out.add(when(matched, col("x__partnerFile")).as(Focus.X_PAIRED_SOURCE_FILE));
    out.add(when(matched, col("x__partnerRow")).cast(DataTypes.LongType).as(Focus.X_PAIRED_SOURCE_ROW));
    out.add(col("x__Raw"));
    out.add(preReasons(c).as(FocusNormalizer.PRE_REASONS));
    return FocusNormalizer.normalize(df.select(out.toArray(new Column[0])), sourceName, runId, defaults);
  }

  /**
   * The commitment's id, lower case (Azure ids are case-insensitive): the benefit id when it names
   * one reservation or savings plan; a purchase row's order-level id ("…/reservations/" with no
   * reservation) without the dangling segment; else built from the reservation and order ids.
   */
  static Column commitmentId(Column benefitId, Column reservationId, Column orderId, Column isReservation, Column isSavingsPlan) {
    Column trimmed = functions.regexp_replace(benefitId, "/(reservations|savingsplans)/?$", "");
    Column built =
        when(
                isReservation.and(orderId.isNotNull()),
                when(reservationId.isNotNull().and(reservationId.notEqual(orderId)),
                        functions.concat(lit("/providers/microsoft.capacity/reservationorders/"), orderId, lit("/reservations/"), reservationId))
                    .otherwise(functions.concat(lit("/providers/microsoft.capacity/reservationorders/"), orderId)))
            .when(isSavingsPlan.and(orderId.isNotNull()), functions.concat(lit("/providers/microsoft.billingbenefits/savingsplanorders/"), orderId))
            .when(isReservation, reservationId);
    return when(isReservation.or(isSavingsPlan), coalesce(trimmed, built));
  }

  /** a × b exactly (operands narrowed so Spark keeps 12+ decimals), rounded to Focus.DECIMAL. */
  static Column times(Column a, Column b) {
    return a.cast(FACTOR).multiply(b.cast(FACTOR)).cast(Focus.DECIMAL);
  }

  /**
   * Dates as Azure writes them: {@code MM/dd/yyyy} (also without leading zeros), ISO dates and
   * timestamps, {@code dd.MM.yyyy}. Null when none fits.
   */
  public static Column parseDate(Column text) {
    Column t = functions.trim(text);
    return coalesce(
        functions.try_to_timestamp(t, lit("M/d/yyyy")),
        functions.try_to_timestamp(t, lit("M/d/yyyy H:mm[:ss]")),
        functions.try_to_timestamp(t, lit("M/d/yyyy h:mm[:ss] a")),
        functions.try_to_timestamp(t, lit("d.M.yyyy")),
        functions.try_to_timestamp(t, lit("yyyy-MM-dd")),
        t.try_cast(DataTypes.TimestampType));
  }

  /** A parsed timestamp as ISO text for the FOCUS parser; the raw text when it did not parse. */
  private static Column iso(Column ts, Column rawText) {
    return coalesce(functions.date_format(ts, "yyyy-MM-dd'T'HH:mm:ss'Z'"), rawText);
  }

  private static final Map<String, String> CATEGORY_BY_METER =
      Map.ofEntries(
          Map.entry("virtual machines", "Compute"),
          Map.entry("virtual machines licenses", "Compute"),
          Map.entry("cloud services", "Compute"),
          Map.entry("azure app service", "Web"),
          Map.entry("functions", "Compute"),
          Map.entry("container instances", "Compute"),
          Map.entry("azure kubernetes service", "Compute"),
          Map.entry("storage", "Storage"),
          Map.entry("azure netapp files", "Storage"),
          Map.entry("backup", "Storage"),
          Map.entry("bandwidth", "Networking"),
          Map.entry("virtual network", "Networking"),
          Map.entry("load balancer", "Networking"),
          Map.entry("vpn gateway", "Networking"),
          Map.entry("application gateway", "Networking"),
          Map.entry("azure dns", "Networking"),
          Map.entry("content delivery network", "Networking"),
          Map.entry("network watcher", "Networking"),
          Map.entry("azure firewall", "Security"),
          Map.entry("key vault", "Security"),
          Map.entry("microsoft defender for cloud", "Security"),
          Map.entry("sql database", "Databases"),
          Map.entry("sql managed instance", "Databases"),
          Map.entry("azure cosmos db", "Databases"),
          Map.entry("azure database for mysql", "Databases"),
          Map.entry("azure database for postgresql", "Databases"),
          Map.entry("redis cache", "Databases"),
          Map.entry("log analytics", "Management and Governance"),
          Map.entry("azure monitor", "Management and Governance"),
          Map.entry("insight and analytics", "Management and Governance"),
          Map.entry("azure synapse analytics", "Analytics"),
          Map.entry("azure databricks", "Analytics"),
          Map.entry("azure data factory v2", "Analytics"),
          Map.entry("event hubs", "Integration"),
          Map.entry("service bus", "Integration"),
          Map.entry("logic apps", "Integration"),
          Map.entry("api management", "Integration"),
          Map.entry("cognitive services", "AI and Machine Learning"),
          Map.entry("azure openai", "AI and Machine Learning"),
          Map.entry("machine learning", "AI and Machine Learning"),
          Map.entry("iot hub", "Internet of Things"));

  /** FOCUS ServiceCategory from the meter category (a small table of the common ones), else Other. */
  private static Column serviceCategory(Column meterCategory, Column consumedService) {
    List<Column> kv = new ArrayList<>();
    CATEGORY_BY_METER.forEach((k, v) -> {
      kv.add(lit(k));
      kv.add(lit(v));
    });
    return coalesce(functions.element_at(functions.map(kv.toArray(new Column[0])), lower(meterCategory)), lit("Other"));
  }

  /** Reasons found before FOCUS parsing: a cost that is text, an unparsable date. */
  private static Column preReasons(Cols c) {
    List<Column> reasons = new ArrayList<>();
    Column cost = c.text(COST);
    reasons.add(when(cost.isNotNull().and(c.num(COST).isNull()), lit(Quarantine.UNPARSABLE_NUMBER + ":" + COST)));
    return functions.array_compact(array(reasons.toArray(new Column[0])));
  }

  private static Column rawStruct(String[] cols) {
    List<Column> c = new ArrayList<>();
    for (String n : cols) {
      if (!n.equals(RawReader.CORRUPT) && !n.startsWith("x_")) {
        c.add(col("`" + n + "`"));
      }
    }
    c.add(col(RawReader.CORRUPT));
    return functions.struct(c.toArray(new Column[0]));
  }
}
