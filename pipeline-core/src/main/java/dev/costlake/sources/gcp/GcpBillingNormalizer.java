package dev.costlake.sources.gcp;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;

import dev.costlake.model.Focus;
import dev.costlake.quality.Quarantine;
import dev.costlake.sources.RawReader;
import dev.costlake.sources.ReferenceTable;
import dev.costlake.sources.focus.FocusNormalizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructType;

/**
 * GCP Cloud Billing export rows (the BigQuery table exported as Parquet, Avro or newline JSON;
 * nested columns arrive as JSON text from {@link RawReader}) to canonical FOCUS 1.3 rows.
 *
 * <p>Credits are kept as their own rows: one export row becomes part 0 (the charge, BilledCost =
 * {@code cost}) plus one ChargeCategory Credit row per element of {@code credits} (part 10 + its
 * index, BilledCost = the credit's amount), so Σ BilledCost = Σ cost + Σ credits, the net cost.
 * Commitments (README, "GCP"):
 *
 * <ul>
 *   <li>Credit model (resource-based CUDs, {@code COMMITTED_USAGE_DISCOUNT}; legacy spend-based
 *       CUDs, {@code COMMITTED_USAGE_DISCOUNT_DOLLAR_BASE}): the fee row (SKU description
 *       containing "Commitment") is a Purchase with EffectiveCost 0 plus an Unused row (part 1).
 *       A credited usage row becomes its covered part (part 0, Status Used, BilledCost = −credit,
 *       EffectiveCost = its share of the fee) and, when partly covered, its uncovered rest (part
 *       2). The fee of a commitment and charge period is shared among its covered rows by covered
 *       amount over the commitment's capacity (the fee row's {@code usage.amount_in_pricing_units}:
 *       committed units, or on-demand-equivalent currency for spend-based); Unused = fee − Σ
 *       shares, exactly. The CUD credit rows carry EffectiveCost 0.
 *   <li>New spend-based model: usage at discounted prices marked by a non-default {@code
 *       consumption_model} is Used at its cost; the fee row is a Purchase (EffectiveCost 0) with
 *       an Unused row of fee + its {@code FEE_UTILIZATION_OFFSET} credits; the offset credit rows
 *       carry EffectiveCost 0.
 * </ul>
 *
 * A spend-based fee row follows the new model when it carries an offset credit or starts on or
 * after its billing account's switch: the first new-model row seen for the account, and at the
 * latest {@link #NEW_MODEL_FOR_ALL}. The billing period is the invoice month, a Pacific-time
 * month.
 */
public final class GcpBillingNormalizer {
  private GcpBillingNormalizer() {}

  public static final String PART = Focus.X_SOURCE_ROW_PART;
  public static final int PART_UNUSED = 1;
  public static final int PART_UNCOVERED = 2;
  public static final int PART_CREDIT = 10;

  public static final String RESOURCE_CUD = "COMMITTED_USAGE_DISCOUNT";
  public static final String SPEND_CUD_LEGACY = "COMMITTED_USAGE_DISCOUNT_DOLLAR_BASE";
  public static final String FEE_OFFSET = "FEE_UTILIZATION_OFFSET";

  /** The date from which every billing account is on the new spend-based model (Pacific midnight). */
  public static final String NEW_MODEL_FOR_ALL = "2026-01-21T08:00:00Z";

  public static final String MODEL_RESOURCE = "resource";
  public static final String MODEL_SPEND_LEGACY = "spend-legacy";
  public static final String MODEL_SPEND_NEW = "spend-new";

  public static final String TYPE_RESOURCE = "Committed Use Discount (Resource)";
  public static final String TYPE_SPEND = "Committed Use Discount (Spend)";

  public static final String INVOICE_TIME_ZONE = "America/Los_Angeles";
  public static final Set<String> COST_TYPES = Set.of("regular", "tax", "adjustment", "rounding_error");

  private static final DataType S = DataTypes.StringType;
  private static final StructType KEY_VALUE = new StructType().add("key", S).add("value", S);
  private static final DataType LABELS = DataTypes.createArrayType(KEY_VALUE);
  private static final StructType CREDIT =
      new StructType().add("name", S).add("amount", S).add("full_name", S).add("id", S).add("type", S);
  private static final Map<String, StructType> NESTED = new LinkedHashMap<>();

  static {
    NESTED.put("service", new StructType().add("id", S).add("description", S));
    NESTED.put("sku", new StructType().add("id", S).add("description", S));
    NESTED.put(
        "project",
        new StructType().add("id", S).add("number", S).add("name", S).add("labels", LABELS));
    NESTED.put("location", new StructType().add("location", S).add("country", S).add("region", S).add("zone", S));
    NESTED.put("resource", new StructType().add("name", S).add("global_name", S));
    NESTED.put(
        "usage",
        new StructType().add("amount", S).add("unit", S).add("amount_in_pricing_units", S).add("pricing_unit", S));
    NESTED.put("invoice", new StructType().add("month", S).add("publisher_type", S));
    NESTED.put("adjustment_info", new StructType().add("id", S).add("description", S).add("mode", S).add("type", S));
    NESTED.put("consumption_model", new StructType().add("id", S).add("description", S));
    NESTED.put("subscription", new StructType().add("instance_id", S));
  }

  /** Operand types that keep 12 decimals through a product or quotient (README, "Money"). */
  private static final DecimalType OPERAND = DataTypes.createDecimalType(20, 12);
  private static final DecimalType RATIO = DataTypes.createDecimalType(20, 18);

  public static Dataset<Row> normalize(
      Dataset<Row> raw, String sourceName, String runId, Map<String, String> defaults) {
    Set<String> present = Set.of(raw.columns());
    List<Column> reasons = new ArrayList<>();
    Dataset<Row> df = raw.withColumn("x__Raw", rawStruct(raw.columns()));

    // 1. Parse nested columns (JSON text) and the credits.
    for (Map.Entry<String, StructType> e : NESTED.entrySet()) {
      df = df.withColumn("x__" + e.getKey(), nested(present, e.getKey(), e.getValue(), reasons));
    }
    df = df.withColumn("x__labels", nested(present, "labels", LABELS, reasons));
    df = df.withColumn("x__credits_raw", nested(present, "credits", DataTypes.createArrayType(CREDIT), reasons));
    Column zero = lit(0).cast(Focus.DECIMAL);
    df =
        df.withColumn(
            "x__credits",
            functions.transform(
                coalesce(col("x__credits_raw"), from_json(lit("[]"), DataTypes.createArrayType(CREDIT))),
                c ->
                    functions.struct(
                        FocusNormalizer.clean(c.getField("name")).as("name"),
                        FocusNormalizer.clean(c.getField("amount")).try_cast(Focus.DECIMAL).as("amount"),
                        FocusNormalizer.clean(c.getField("amount")).as("amount_text"),
                        FocusNormalizer.clean(c.getField("full_name")).as("full_name"),
                        FocusNormalizer.clean(c.getField("id")).as("id"),
                        functions.upper(FocusNormalizer.clean(c.getField("type"))).as("type"))));

    // 2. Row-level facts.
    Column ba = text(present, "billing_account_id");
    Column costType = functions.lower(text(present, "cost_type"));
    Column cost = text(present, "cost").try_cast(Focus.DECIMAL);
    Column start = timestamp(text(present, "usage_start_time"));
    Column skuDesc = FocusNormalizer.clean(col("x__sku.description"));
    Column credits = col("x__credits");
    Column cudCredits = functions.filter(credits, c -> c.getField("type").isin(RESOURCE_CUD, SPEND_CUD_LEGACY));
    Column offsetCredits = functions.filter(credits, c -> c.getField("type").equalTo(FEE_OFFSET));
    Column cmDesc = FocusNormalizer.clean(col("x__consumption_model.description"));
    Column cmId = FocusNormalizer.clean(col("x__consumption_model.id"));
    Column newMarker =
        functions.size(offsetCredits).gt(0)
            .or(cmId.isNotNull().and(not(functions.lower(coalesce(cmDesc, cmId)).equalTo("default"))));
    df =
        df.withColumn("x__ba", ba)
            .withColumn("x__cost", cost)
            .withColumn("x__start", start)
            .withColumn("x__costType", coalesce(costType, lit("regular")))
            .withColumn("x__cud", sumAmount(cudCredits))
            .withColumn("x__cudType", functions.try_element_at(cudCredits, lit(1)).getField("type"))
            .withColumn("x__cudId", functions.try_element_at(cudCredits, lit(1)).getField("id"))
            .withColumn("x__offset", sumAmount(offsetCredits))
            .withColumn("x__hasOffset", functions.size(offsetCredits).gt(0))
            .withColumn("x__newMarker", newMarker.and(col("x__ba").isNotNull()));
    // The account's switch to the new spend-based model: its first new-model row, at the latest
    // the date every account switched.
    // An aggregate joined back (one small row per account, broadcast), not a window: one
    // account's rows never have to meet in one task.
    Dataset<Row> firstMarker =
        df.where(col("x__newMarker"))
            .groupBy(col("x__ba").as("x__markerBa"))
            .agg(functions.min(col("x__start")).as("x__firstMarker"));
    df = df.join(functions.broadcast(firstMarker), col("x__ba").equalTo(col("x__markerBa")), "left").drop("x__markerBa");
    Column allSwitched = lit(NEW_MODEL_FOR_ALL).cast(DataTypes.TimestampType);
    df = df.withColumn("x__switch", functions.least(coalesce(col("x__firstMarker"), allSwitched), allSwitched));

    Column isRegular = col("x__costType").equalTo("regular");
    Column isFee =
        isRegular.and(functions.lower(coalesce(skuDesc, lit(""))).contains("commitment").or(col("x__hasOffset")));
    Column spendFee = functions.lower(coalesce(skuDesc, lit(""))).rlike("dollar based|spend|flexible");
    Column model =
        when(isFee.and(not(spendFee)).and(not(col("x__hasOffset"))), lit(MODEL_RESOURCE))
            .when(isFee.and(col("x__hasOffset").or(col("x__start").geq(col("x__switch")))), lit(MODEL_SPEND_NEW))
            .when(isFee, lit(MODEL_SPEND_LEGACY))
            .when(col("x__cudType").equalTo(RESOURCE_CUD), lit(MODEL_RESOURCE))
            .when(col("x__cudType").equalTo(SPEND_CUD_LEGACY), lit(MODEL_SPEND_LEGACY))
            .when(isRegular.and(col("x__newMarker")), lit(MODEL_SPEND_NEW));
    Column newPool = when(cmId.isNotNull().and(col("x__newMarker")), functions.concat_ws("/", col("x__ba"), cmId));
    Column region = coalesce(FocusNormalizer.clean(col("x__location.region")), FocusNormalizer.clean(col("x__location.location")));
    Column feeId =
        coalesce(
            FocusNormalizer.clean(col("x__subscription.instance_id")),
            FocusNormalizer.clean(col("x__resource.global_name")),
            FocusNormalizer.clean(col("x__resource.name")),
            functions.concat_ws("/", col("x__ba"), FocusNormalizer.clean(col("x__sku.id")), region));
    df =
        df.withColumn("x__isFee", isFee)
            .withColumn("x__model", model)
            .withColumn(
                "x__commitment",
                when(col("x__model").equalTo(MODEL_SPEND_NEW), coalesce(newPool, feeId))
                    .when(isFee, feeId)
                    .when(col("x__model").isNotNull(), col("x__cudId")))
            .withColumn("x__creditModel", col("x__model").isin(MODEL_RESOURCE, MODEL_SPEND_LEGACY))
            .withColumn(
                "x__covered",
                col("x__creditModel").and(not(col("x__isFee"))).and(col("x__cud").notEqual(zero)))
            .withColumn("x__qty", FocusNormalizer.clean(col("x__usage.amount_in_pricing_units")).try_cast(Focus.DECIMAL))
            // Covered fraction of the row's cost: −credit / cost (1 when the cost is 0).
            .withColumn(
                "x__fraction",
                when(col("x__cost").equalTo(zero), lit(1))
                    .otherwise(
                        functions.try_divide(functions.negate(col("x__cud")).try_cast(OPERAND), col("x__cost").try_cast(OPERAND)))
                    .try_cast(RATIO));

    // 3. One row per part.
    Column parts =
        functions.concat(
            array(lit(0)),
            when(col("x__isFee"), array(lit(PART_UNUSED))).otherwise(functions.array_repeat(lit(0), 0)),
            when(col("x__covered").and(col("x__cost").plus(col("x__cud")).notEqual(zero)), array(lit(PART_UNCOVERED)))
                .otherwise(functions.array_repeat(lit(0), 0)),
            functions.transform(credits, (c, i) -> i.plus(PART_CREDIT)));
    df = df.withColumn(PART, functions.explode(parts));
    Column part = col(PART);
    Column isCredit = part.geq(PART_CREDIT);
    df = df.withColumn("x__credit", when(isCredit, functions.try_element_at(credits, part.minus(PART_CREDIT - 1))));

    // 4. Credit-model amortization: share each fee among its covered rows per charge period.
    Column feeRow = part.equalTo(0).and(col("x__isFee")).and(col("x__creditModel"));
    Column usedRow = part.equalTo(0).and(col("x__covered"));
    Column coveredAmount =
        when(col("x__model").equalTo(MODEL_RESOURCE), col("x__qty").try_cast(OPERAND).multiply(col("x__fraction")))
            .otherwise(functions.negate(col("x__cud")))
            .cast(Focus.DECIMAL);
    Column poolKey =
        when(
                col("x__creditModel").and(col("x__commitment").isNotNull()),
                functions.concat_ws("|", col("x__ba"), col("x__commitment"), col("x__start").cast(S)))
            .otherwise(functions.concat_ws("|", col(Focus.X_SOURCE_FILE), col(Focus.X_SOURCE_ROW).cast(S)));
    WindowSpec pool = Window.partitionBy(poolKey);
    df =
        df.withColumn("x__coveredAmount", when(usedRow, coveredAmount))
            .withColumn("x__poolFee", functions.sum(when(feeRow, col("x__cost"))).over(pool))
            .withColumn("x__poolFees", functions.count(when(feeRow, lit(1))).over(pool))
            .withColumn("x__poolCapacity", functions.sum(when(feeRow, col("x__qty"))).over(pool))
            .withColumn("x__poolCovered", functions.sum(col("x__coveredAmount")).over(pool));
    Column denom =
        when(col("x__poolCapacity").isNull(), col("x__poolCovered"))
            .otherwise(functions.greatest(col("x__poolCapacity"), col("x__poolCovered")));
    Column share =
        when(
                usedRow.and(denom.gt(0)),
                col("x__poolFee")
                    .try_cast(OPERAND)
                    .multiply(functions.try_divide(col("x__coveredAmount").try_cast(OPERAND), denom.try_cast(OPERAND)).try_cast(RATIO)))
            .cast(Focus.DECIMAL);
    df = df.withColumn("x__share", when(usedRow, coalesce(share, zero)));
    df = df.withColumn("x__poolShares", coalesce(functions.sum(col("x__share")).over(pool), zero));
    Column creditModelUnused =
        when(col("x__poolFees").equalTo(1), col("x__cost").minus(col("x__poolShares")))
            .otherwise(
                col("x__cost").minus(
                    col("x__poolShares").try_cast(OPERAND).multiply(functions.try_divide(col("x__cost").try_cast(OPERAND), col("x__poolFee").try_cast(OPERAND)).try_cast(RATIO))))
            .cast(Focus.DECIMAL);

    // 5. FOCUS columns by part.
    Column part0 = part.equalTo(0);
    Column unusedPart = part.equalTo(PART_UNUSED);
    Column uncoveredPart = part.equalTo(PART_UNCOVERED);
    Column creditType = col("x__credit.type");
    Column creditAmount = col("x__credit.amount");
    Column commitmentCredit = creditType.isin(RESOURCE_CUD, SPEND_CUD_LEGACY, FEE_OFFSET);
    Column covered = col("x__covered");
    Column usedNew = col("x__model").equalTo(MODEL_SPEND_NEW).and(not(col("x__isFee"))).and(col("x__costType").equalTo("regular"));
    Column used = part0.and(covered.or(usedNew));
    Column fraction = col("x__fraction");
    Column unusedAmount =
        when(col("x__model").equalTo(MODEL_SPEND_NEW), col("x__cost").plus(col("x__offset"))).otherwise(creditModelUnused);

    Column baseCategory =
        when(col("x__costType").equalTo("tax"), lit("Tax"))
            .when(col("x__costType").isin("adjustment", "rounding_error"), lit("Adjustment"))
            .when(col("x__isFee"), lit("Purchase"))
            .otherwise(lit("Usage"));
    Column category =
        when(isCredit, lit("Credit")).when(unusedPart.or(uncoveredPart), lit("Usage")).otherwise(baseCategory);
    Column billed =
        when(isCredit, creditAmount)
            .when(unusedPart, zero)
            .when(uncoveredPart, col("x__cost").plus(col("x__cud")))
            .when(part0.and(covered), functions.negate(col("x__cud")))
            .otherwise(col("x__cost"));
    Column effective =
        when(isCredit, when(commitmentCredit, zero).otherwise(creditAmount))
            .when(unusedPart, unusedAmount)
            .when(uncoveredPart, col("x__cost").plus(col("x__cud")))
            .when(part0.and(covered), col("x__share"))
            .when(part0.and(col("x__isFee")), zero)
            .otherwise(col("x__cost"));
    Column costAtList = coalesce(text(present, "cost_at_list").try_cast(Focus.DECIMAL), col("x__cost"));
    Column listPart0 = when(covered, costAtList.try_cast(OPERAND).multiply(fraction)).otherwise(costAtList).cast(Focus.DECIMAL);
    Column listCost =
        when(isCredit, creditAmount)
            .when(unusedPart, zero)
            .when(uncoveredPart, costAtList.minus(listPart0))
            .otherwise(listPart0);
    Column qty = FocusNormalizer.clean(col("x__usage.amount")).try_cast(Focus.DECIMAL);
    Column qtyPart0 = when(covered, qty.try_cast(OPERAND).multiply(fraction)).otherwise(qty).cast(Focus.DECIMAL);
    Column pQty = col("x__qty");
    Column pQtyPart0 = when(covered, pQty.try_cast(OPERAND).multiply(fraction)).otherwise(pQty).cast(Focus.DECIMAL);
    Column usageLike = part0.or(uncoveredPart);
    Column consumed = when(part0, qtyPart0).when(uncoveredPart, qty.minus(qtyPart0));
    Column pricing = when(part0, pQtyPart0).when(uncoveredPart, pQty.minus(pQtyPart0));
    Column commitmentId =
        when(isCredit, when(creditType.isin(RESOURCE_CUD, SPEND_CUD_LEGACY), col("x__credit.id")).when(creditType.equalTo(FEE_OFFSET), col("x__commitment")))
            .when(uncoveredPart, lit(null).cast(S))
            .when(col("x__isFee").or(used), col("x__commitment"));
    Column kind =
        when(isCredit, when(creditType.equalTo(RESOURCE_CUD), lit(MODEL_RESOURCE)).when(creditType.equalTo(SPEND_CUD_LEGACY), lit(MODEL_SPEND_LEGACY)).when(creditType.equalTo(FEE_OFFSET), lit(MODEL_SPEND_NEW)))
            .when(commitmentId.isNotNull(), col("x__model"));
    Column currency = text(present, "currency");
    Column month = FocusNormalizer.clean(col("x__invoice.month"));
    Column periodStart = functions.to_utc_timestamp(functions.to_timestamp(month, "yyyyMM"), INVOICE_TIME_ZONE);
    Column periodEnd =
        functions.to_utc_timestamp(functions.add_months(functions.to_timestamp(month, "yyyyMM"), 1).cast(DataTypes.TimestampType), INVOICE_TIME_ZONE);
    Column service = FocusNormalizer.clean(col("x__service.description"));
    Column seller = text(present, "seller_name");
    Column adjustment = col("x__costType").equalTo("adjustment");

    Map<String, Column> f = new LinkedHashMap<>();
    f.put(Focus.BilledCost, billed);
    f.put(Focus.EffectiveCost, effective);
    f.put(Focus.ListCost, listCost);
    f.put(Focus.ContractedCost, when(unusedPart, zero).otherwise(billed));
    f.put(Focus.BillingAccountId, col("x__ba"));
    f.put(Focus.SubAccountId, FocusNormalizer.clean(col("x__project.id")));
    f.put(Focus.SubAccountName, FocusNormalizer.clean(col("x__project.name")));
    f.put(Focus.SubAccountType, when(col("x__project.id").isNotNull(), lit("Project")));
    f.put(Focus.BillingCurrency, currency);
    f.put(Focus.BillingPeriodStart, iso(periodStart));
    f.put(Focus.BillingPeriodEnd, iso(periodEnd));
    f.put(Focus.ChargePeriodStart, iso(col("x__start")));
    f.put(Focus.ChargePeriodEnd, iso(timestamp(text(present, "usage_end_time"))));
    f.put(Focus.ChargeCategory, category);
    f.put(Focus.ChargeClass, when(adjustment, lit("Correction")));
    f.put(
        Focus.ChargeFrequency,
        when(col("x__isFee").and(not(unusedPart)), lit("Recurring"))
            .when(col("x__costType").isin("tax", "adjustment", "rounding_error"), lit("One-Time"))
            .otherwise(lit("Usage-Based")));
    f.put(
        Focus.ChargeDescription,
        when(isCredit, coalesce(col("x__credit.full_name"), col("x__credit.name"))).otherwise(skuDesc));
    f.put(Focus.CommitmentDiscountId, commitmentId);
    f.put(Focus.CommitmentDiscountType, when(kind.equalTo(MODEL_RESOURCE), lit(TYPE_RESOURCE)).when(kind.isNotNull(), lit(TYPE_SPEND)));
    f.put(Focus.CommitmentDiscountCategory, when(kind.equalTo(MODEL_RESOURCE), lit("Usage")).when(kind.isNotNull(), lit("Spend")));
    f.put(Focus.CommitmentDiscountStatus, when(unusedPart, lit("Unused")).when(used, lit("Used")));
    // Resource CUDs count in committed units (the fee's capacity less the covered units), spend
    // CUDs in currency.
    Column resource = col("x__model").equalTo(MODEL_RESOURCE);
    Column unusedUnits =
        when(
            col("x__poolFees").equalTo(1).and(col("x__poolCapacity").isNotNull()),
            functions.greatest(col("x__poolCapacity").minus(coalesce(col("x__poolCovered"), zero)), zero));
    f.put(
        Focus.CommitmentDiscountQuantity,
        when(used.and(resource), pQtyPart0)
            .when(unusedPart.and(resource), unusedUnits)
            .when(used.or(unusedPart), effective));
    f.put(
        Focus.CommitmentDiscountUnit,
        when(used.or(unusedPart).and(resource), FocusNormalizer.clean(col("x__usage.pricing_unit")))
            .when(used.or(unusedPart), currency));
    f.put(
        Focus.PricingCategory,
        when(used.or(unusedPart), lit("Committed")).when(category.equalTo("Usage"), lit("Standard")));
    f.put(Focus.ConsumedQuantity, when(category.equalTo("Usage").and(usageLike), consumed));
    f.put(Focus.ConsumedUnit, when(category.equalTo("Usage").and(usageLike), FocusNormalizer.clean(col("x__usage.unit"))));
    f.put(Focus.PricingQuantity, when(usageLike, pricing));
    f.put(Focus.PricingUnit, when(usageLike, FocusNormalizer.clean(col("x__usage.pricing_unit"))));
    f.put(Focus.ResourceId, when(unusedPart, col("x__commitment")).when(not(isCredit), FocusNormalizer.clean(col("x__resource.global_name"))));
    f.put(Focus.ResourceName, when(part0.or(uncoveredPart), FocusNormalizer.clean(col("x__resource.name"))));
    f.put(Focus.RegionId, region);
    f.put(Focus.RegionName, region);
    f.put(Focus.AvailabilityZone, FocusNormalizer.clean(col("x__location.zone")));
    f.put(Focus.ServiceName, service);
    f.put(
        Focus.ServiceCategory,
        coalesce(functions.element_at(ReferenceTable.map("/reference/gcp_service_category.csv"), service), lit("Other")));
    f.put(Focus.SkuId, FocusNormalizer.clean(col("x__sku.id")));
    f.put(Focus.SkuPriceId, FocusNormalizer.clean(col("x__sku.id")));
    f.put(Focus.InvoiceIssuerName, lit("Google"));
    f.put(Focus.ProviderName, lit("Google Cloud"));
    f.put(Focus.HostProviderName, lit("Google Cloud"));
    f.put(Focus.ServiceProviderName, coalesce(seller, lit("Google Cloud")));
    f.put(Focus.PublisherName, coalesce(seller, lit("Google Cloud")));
    f.put(Focus.Tags, tagsJson());

    // Export figures kept for audit (x_Extensions).
    f.put("x_CostType", text(present, "cost_type"));
    f.put("x_Cost", when(part0, col("x__cost")));
    f.put("x_Credits", when(part0, sumAmount(credits)));
    f.put("x_CudModel", when(commitmentId.isNotNull(), kind));
    f.put("x_CreditType", creditType);
    f.put("x_CreditId", col("x__credit.id"));
    f.put("x_CreditName", col("x__credit.name"));
    f.put("x_ConsumptionModel", cmDesc);
    f.put("x_SubscriptionInstanceId", FocusNormalizer.clean(col("x__subscription.instance_id")));
    f.put("x_InvoiceMonth", month);
    f.put("x_ServiceId", FocusNormalizer.clean(col("x__service.id")));
    f.put("x_ProjectNumber", FocusNormalizer.clean(col("x__project.number")));
    f.put("x_AdjustmentMode", FocusNormalizer.clean(col("x__adjustment_info.mode")));
    f.put("x_AdjustmentType", FocusNormalizer.clean(col("x__adjustment_info.type")));
    f.put("x_ExportTime", text(present, "export_time"));

    // Reasons: numbers the amortization reads, the invoice month, the cost type.
    Column costText = text(present, "cost");
    reasons.add(when(costText.isNotNull().and(col("x__cost").isNull()), lit(Quarantine.UNPARSABLE_NUMBER + ":cost")));
    reasons.add(
        when(
            functions.exists(credits, c -> c.getField("amount_text").isNotNull().and(c.getField("amount").isNull())),
            lit(Quarantine.UNPARSABLE_NUMBER + ":credits.amount")));
    reasons.add(when(month.isNull(), lit(Quarantine.MISSING_REQUIRED + ":invoice.month")));
    reasons.add(
        when(month.isNotNull().and(periodStart.isNull()), lit(Quarantine.UNPARSABLE_TIMESTAMP + ":invoice.month")));
    reasons.add(
        when(
            col("x__costType").isNotNull().and(not(col("x__costType").isin(COST_TYPES.toArray()))),
            lit("UNKNOWN_VALUE:cost_type")));

    List<Column> out = new ArrayList<>();
    f.forEach((name, value) -> out.add(value.cast(S).as(name)));
    out.add(col(RawReader.CORRUPT));
    out.add(col(Focus.X_SOURCE_FILE));
    out.add(col(Focus.X_SOURCE_ROW));
    out.add(col(Focus.X_SOURCE_FORMAT));
    out.add(col(PART));
    out.add(col("x__Raw"));
    out.add(functions.array_compact(array(reasons.toArray(new Column[0]))).as(FocusNormalizer.PRE_REASONS));
    return FocusNormalizer.normalize(df.select(out.toArray(new Column[0])), sourceName, runId, defaults);
  }

  /** BigQuery JSON writes {@code 2026-09-01 07:00:00 UTC}; Parquet and Avro give ISO-8601 UTC. */
  static Column timestamp(Column text) {
    return functions.regexp_replace(text, " UTC$", "Z").try_cast(DataTypes.TimestampType);
  }

  static Column iso(Column ts) {
    return functions.date_format(ts, "yyyy-MM-dd'T'HH:mm:ss'Z'");
  }

  private static Column text(Set<String> present, String name) {
    return present.contains(name) ? FocusNormalizer.clean(col("`" + name + "`")) : lit(null).cast(S);
  }

  private static Column nested(Set<String> present, String name, DataType type, List<Column> reasons) {
    if (!present.contains(name)) {
      return lit(null).cast(type);
    }
    Column t = FocusNormalizer.clean(col("`" + name + "`"));
    Column parsed = from_json(t, type, Map.of("mode", "PERMISSIVE"));
    reasons.add(when(t.isNotNull().and(parsed.isNull()), lit(Quarantine.INVALID_JSON + ":" + name)));
    return parsed;
  }

  private static Column sumAmount(Column creditArray) {
    return functions
        .aggregate(creditArray, lit(0).cast(Focus.DECIMAL), (acc, c) -> acc.plus(coalesce(c.getField("amount"), lit(0).cast(Focus.DECIMAL))).cast(Focus.DECIMAL));
  }

  /** Resource labels, then project labels the resource does not override, as a JSON object. */
  private static Column tagsJson() {
    Column empty = from_json(lit("[]"), LABELS);
    Column labels = coalesce(col("x__labels"), empty);
    Column keys = functions.transform(labels, l -> l.getField("key"));
    Column inherited =
        functions.filter(coalesce(col("x__project.labels"), empty), l -> not(functions.array_contains(keys, l.getField("key"))));
    Column all =
        functions.filter(functions.concat(labels, inherited), l -> l.getField("key").isNotNull());
    Column map = functions.map_from_entries(functions.array_distinct(all));
    return when(functions.size(all).gt(0), functions.to_json(map));
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
