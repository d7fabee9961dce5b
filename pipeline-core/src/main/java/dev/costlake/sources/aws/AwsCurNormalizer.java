package dev.costlake.sources.aws;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import dev.costlake.model.Focus;
import dev.costlake.quality.Quarantine;
import dev.costlake.sources.RawReader;
import dev.costlake.sources.ReferenceTable;
import dev.costlake.sources.focus.FocusNormalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * AWS legacy CUR and CUR 2.0 rows (raw text, any column set) to canonical FOCUS 1.3 rows.
 *
 * <p>BilledCost is the unblended cost. EffectiveCost is the amortized cost by line item type
 * (README, "AWS amortization"). A recurring commitment fee row (SavingsPlanRecurringFee, RIFee)
 * becomes two rows, as FOCUS models it: part 0, the Purchase (BilledCost = the fee, EffectiveCost
 * 0), and part 1, the commitment's Unused usage for that charge period (BilledCost 0,
 * EffectiveCost = the unused amortized amount, ResourceId = the commitment). Split cost
 * allocation rows (EKSPod-EC2, ECSTask-EC2) are kept and marked with AllocatedMethodId; gold
 * totals leave them out so the instance cost they re-express counts once. Optional columns an
 * account or month lacks (net columns, product attributes, tags) are simply null.
 */
public final class AwsCurNormalizer {
  private AwsCurNormalizer() {}

  public static final String PART = Focus.X_SOURCE_ROW_PART;

  public static final Set<String> DISCOUNT_TYPES =
      Set.of("EdpDiscount", "PrivateRateDiscount", "BundledDiscount", "Discount", "DistributorDiscount");
  public static final Set<String> SPLIT_OPERATIONS = Set.of("EKSPod-EC2", "ECSTask-EC2");

  /** Resolves a snake-case CUR column to the raw column holding it, or null. */
  private static final class Cols {
    /** Snake name → raw columns holding it (a legacy CSV and a Parquet file of one source both). */
    final Map<String, List<String>> bySnake = new HashMap<>();
    final Map<String, List<String>> tags = new LinkedHashMap<>();
    final boolean productMap;
    final boolean tagMap;
    /** Raw columns that are maps already (CUR 2.0 Parquet), not JSON text. */
    final java.util.Set<String> maps = new java.util.HashSet<>();

    Cols(org.apache.spark.sql.types.StructType schema) {
      String[] raw = schema.fieldNames();
      for (org.apache.spark.sql.types.StructField f : schema.fields()) {
        if (RawReader.isStringMap(f.dataType())) {
          maps.add(f.name());
        }
      }
      for (String c : raw) {
        String tag = CurColumns.tagKey(c);
        if (tag != null) {
          tags.computeIfAbsent(tag, k -> new ArrayList<>()).add(c);
        } else {
          bySnake.computeIfAbsent(CurColumns.snake(c), k -> new ArrayList<>()).add(c);
        }
      }
      productMap = bySnake.containsKey("product");
      tagMap = bySnake.containsKey("resource_tags");
    }

    boolean has(String snake) {
      return bySnake.containsKey(snake);
    }

    Column text(String snake) {
      List<String> raw = bySnake.get(snake);
      if (raw == null) {
        return lit(null).cast(DataTypes.StringType);
      }
      Column[] cols =
          raw.stream()
              .map(r -> FocusNormalizer.clean(maps.contains(r) ? functions.to_json(raw(r)) : raw(r)))
              .toArray(Column[]::new);
      return cols.length == 1 ? cols[0] : coalesce(cols);
    }

    /** A map column as a map: the raw map itself when there is one, else parsed from its JSON text. */
    Column map(String snake) {
      List<String> raw = bySnake.get(snake);
      if (raw != null && raw.size() == 1 && maps.contains(raw.get(0))) {
        return raw(raw.get(0));
      }
      return from_json(text(snake), MAP);
    }

    Column num(String snake) {
      return text(snake).try_cast(Focus.DECIMAL);
    }

    /** A product attribute: flat column (legacy, some CUR 2.0) or a key of the product map. */
    Column product(String key) {
      Column flat = text("product_" + key);
      if (productMap) {
        return coalesce(flat, FocusNormalizer.clean(functions.element_at(col("x__product"), lit(key))));
      }
      return flat;
    }
  }

  public static Dataset<Row> normalize(
      Dataset<Row> raw, String sourceName, String runId, Map<String, String> defaults) {
    Cols c = new Cols(raw.schema());
    // The raw columns travel as one struct only (x__Raw, also the quarantine record), read by
    // field: every operator of the mapping copies a row, and one struct is one block of bytes
    // where sixty string columns were sixty copies.
    List<Column> carried = new ArrayList<>();
    carried.add(rawStruct(raw.columns()).as("x__Raw"));
    for (String n : raw.columns()) {
      if (n.equals(RawReader.CORRUPT) || n.startsWith("x_")) {
        carried.add(col("`" + n + "`"));
      }
    }
    Dataset<Row> df = raw.select(carried.toArray(new Column[0]));
    if (c.productMap) {
      df = df.withColumn("x__product", c.map("product"));
    }
    // Inputs read by many rules are cleaned once, into columns of their own: built as Java
    // expressions they would be inlined dozens of times into one huge plan (slow to optimize,
    // generated code too large to compile). Spark keeps a projection apart when collapsing it
    // would repeat a non-trivial expression.
    df =
        df.select(
            col("*"),
            c.text("line_item_line_item_type").as("x__type"),
            c.num("line_item_unblended_cost").as("x__unblended"),
            c.text("savings_plan_savings_plan_a_r_n").as("x__spArn"),
            c.text("reservation_reservation_a_r_n").as("x__riArn"),
            c.text("line_item_operation").as("x__operation"),
            c.text("line_item_usage_type").as("x__usageType"));
    Column type = col("x__type");
    Column isRecurringFee = type.isin("SavingsPlanRecurringFee", "RIFee");
    df = df.withColumn(PART, explode(when(isRecurringFee, array(lit(0), lit(1))).otherwise(array(lit(0)))));
    Column part1 = col(PART).equalTo(1);

    Column zero = lit(0).cast(Focus.DECIMAL);
    Column unblended = col("x__unblended");
    Column spArn = col("x__spArn");
    Column riArn = col("x__riArn");
    Column operation = col("x__operation");
    Column usageType = col("x__usageType");
    boolean hasNet = c.has("line_item_net_unblended_cost");

    df =
        df.withColumn("x__amortized", amortized(c, type, unblended, spArn, riArn, false))
            .withColumn(
                "x__netAmortized",
                hasNet
                    ? amortized(c, type, coalesce(c.num("line_item_net_unblended_cost"), unblended), spArn, riArn, true)
                    : col("x__amortized"));
    Column amortized = col("x__amortized");
    Column netAmortized = col("x__netAmortized");

    Column isSp = type.startsWith("SavingsPlan").or(type.equalTo("Refund").and(spArn.isNotNull()));
    Column isRi = type.isin("DiscountedUsage", "RIFee").or(type.equalTo("Fee").and(riArn.isNotNull()));
    Column commitmentId = when(isSp, spArn).when(isRi, riArn);
    Column isPurchase =
        type.isin("SavingsPlanUpfrontFee", "Fee").or(isRecurringFee.and(col(PART).equalTo(0)));
    Column isSplit = operation.isin(SPLIT_OPERATIONS.toArray());
    Column isMarketplace = c.text("bill_billing_entity").equalTo("AWS Marketplace");
    Column isSpot = usageType.contains("SpotUsage").or(c.text("pricing_term").equalTo("Spot"));
    Column covered = type.isin("SavingsPlanCoveredUsage", "DiscountedUsage");

    df =
        df.withColumn(
            "x__category",
            when(part1, lit("Usage"))
                .when(isPurchase, lit("Purchase"))
                .when(type.equalTo("Tax"), lit("Tax"))
                .when(type.equalTo("Credit").or(type.isin(DISCOUNT_TYPES.toArray())), lit("Credit"))
                .when(type.equalTo("Refund"), lit("Credit"))
                .otherwise(lit("Usage")));
    Column category = col("x__category");
    Column frequency =
        when(part1, lit("Usage-Based"))
            .when(isRecurringFee, lit("Recurring"))
            .when(type.isin("SavingsPlanUpfrontFee", "Fee", "Tax", "Credit", "Refund"), lit("One-Time"))
            .otherwise(lit("Usage-Based"));
    Column billed = when(part1, zero).otherwise(unblended);
    Column effective = when(part1, amortized).when(isRecurringFee, zero).otherwise(amortized);
    Column net = when(part1, netAmortized).when(isRecurringFee, zero).otherwise(netAmortized);
    Column listCost =
        when(part1.or(type.equalTo("SavingsPlanNegation")), zero)
            .otherwise(coalesce(c.num("pricing_public_on_demand_cost"), unblended));
    Column contracted = when(part1.or(type.equalTo("SavingsPlanNegation")), zero).otherwise(unblended);
    Column usageQty = c.num("line_item_usage_amount");
    Column commitmentQty =
        when(type.equalTo("DiscountedUsage"), usageQty)
            .when(type.equalTo("RIFee").and(part1), c.num("reservation_unused_quantity"))
            .when(type.equalTo("SavingsPlanCoveredUsage"), c.num("savings_plan_savings_plan_effective_cost"))
            .when(type.equalTo("SavingsPlanRecurringFee").and(part1), amortized);
    Column commitmentUnit =
        when(isRi.and(covered.or(part1)), lit("Hours"))
            .when(isSp.and(covered.or(part1)), c.text("line_item_currency_code"));

    // The tags map once, as a column: Tags is its JSON and FOCUS parsing takes the map as is.
    // Filtered in a projection of its own, then emptied to null: the filter (interpreted) runs
    // once per row, not once for the test and once for the value.
    df = df.withColumn(FocusNormalizer.TAGS_MAP, tags(c));
    Column kept = col(FocusNormalizer.TAGS_MAP);
    df = df.withColumn(FocusNormalizer.TAGS_MAP, when(functions.size(kept).gt(0), kept));
    Map<String, Column> f = new LinkedHashMap<>();
    f.put(Focus.BilledCost, billed);
    f.put(Focus.EffectiveCost, effective);
    f.put(Focus.ListCost, listCost);
    f.put(Focus.ContractedCost, contracted);
    f.put(Focus.BillingAccountId, c.text("bill_payer_account_id"));
    f.put(Focus.BillingAccountName, c.text("bill_payer_account_name"));
    f.put(Focus.SubAccountId, c.text("line_item_usage_account_id"));
    f.put(Focus.SubAccountName, c.text("line_item_usage_account_name"));
    f.put(Focus.BillingCurrency, c.text("line_item_currency_code"));
    f.put(Focus.BillingPeriodStart, c.text("bill_billing_period_start_date"));
    f.put(Focus.BillingPeriodEnd, c.text("bill_billing_period_end_date"));
    f.put(Focus.ChargePeriodStart, c.text("line_item_usage_start_date"));
    f.put(Focus.ChargePeriodEnd, c.text("line_item_usage_end_date"));
    f.put(Focus.ChargeCategory, category);
    f.put(Focus.ChargeClass, when(type.equalTo("Refund").or(c.text("bill_bill_type").equalTo("Refund")), lit("Correction")));
    f.put(Focus.ChargeFrequency, frequency);
    f.put(Focus.ChargeDescription, c.text("line_item_line_item_description"));
    f.put(Focus.CommitmentDiscountId, commitmentId);
    f.put(Focus.CommitmentDiscountType, when(isSp, lit("Savings Plan")).when(isRi, lit("Reserved Instance")));
    f.put(Focus.CommitmentDiscountCategory, when(isSp, lit("Spend")).when(isRi, lit("Usage")));
    f.put(Focus.CommitmentDiscountStatus, when(part1, lit("Unused")).when(covered, lit("Used")));
    f.put(Focus.CommitmentDiscountQuantity, commitmentQty);
    f.put(Focus.CommitmentDiscountUnit, commitmentUnit);
    f.put(
        Focus.PricingCategory,
        when(covered.or(part1), lit("Committed"))
            .when(category.equalTo("Usage").and(isSpot), lit("Dynamic"))
            .when(category.equalTo("Usage"), lit("Standard")));
    f.put(Focus.ConsumedQuantity, when(category.equalTo("Usage").and(functions.not(part1)), usageQty));
    f.put(Focus.ConsumedUnit, when(category.equalTo("Usage").and(functions.not(part1)), c.text("pricing_unit")));
    f.put(Focus.PricingQuantity, when(functions.not(part1), usageQty));
    f.put(Focus.PricingUnit, when(functions.not(part1), c.text("pricing_unit")));
    f.put(Focus.ListUnitPrice, c.num("pricing_public_on_demand_rate"));
    f.put(Focus.ContractedUnitPrice, c.num("line_item_unblended_rate"));
    f.put(Focus.ResourceId, when(part1, commitmentId).otherwise(c.text("line_item_resource_id")));
    f.put(Focus.RegionId, coalesce(c.product("region_code"), c.product("region")));
    f.put(Focus.RegionName, c.product("location"));
    f.put(Focus.AvailabilityZone, c.text("line_item_availability_zone"));
    Column productCode = c.text("line_item_product_code");
    f.put(Focus.ServiceName, coalesce(c.product("servicename"), c.product("product_name"), productCode));
    f.put(Focus.ServiceCategory, coalesce(functions.element_at(serviceCategories(), productCode), lit("Other")));
    f.put(Focus.SkuId, c.product("sku"));
    f.put(Focus.SkuPriceId, c.text("pricing_rate_id"));
    f.put(Focus.InvoiceId, c.text("bill_invoice_id"));
    f.put(Focus.InvoiceIssuerName, coalesce(c.text("bill_invoicing_entity"), lit("Amazon Web Services, Inc.")));
    f.put(Focus.ProviderName, lit("AWS"));
    f.put(Focus.HostProviderName, lit("AWS"));
    f.put(Focus.ServiceProviderName, when(isMarketplace, coalesce(c.text("line_item_legal_entity"), c.product("product_name"))).otherwise(lit("AWS")));
    f.put(Focus.PublisherName, coalesce(c.text("line_item_legal_entity"), lit("Amazon Web Services, Inc.")));
    f.put(Focus.Tags, functions.to_json(col(FocusNormalizer.TAGS_MAP)));
    f.put(Focus.AllocatedMethodId, when(isSplit, operation));
    f.put(Focus.AllocatedResourceId, when(isSplit, c.text("line_item_resource_id")));

    // Provider amounts and attributes kept for audit (x_Extensions).
    f.put("x_LineItemType", type);
    f.put("x_BillType", c.text("bill_bill_type"));
    f.put("x_UsageType", usageType);
    f.put("x_Operation", operation);
    f.put("x_ProductCode", productCode);
    f.put("x_UnblendedCost", when(functions.not(part1), unblended));
    f.put("x_AmortizedCost", effective);
    f.put("x_NetUnblendedCost", when(functions.not(part1), hasNet ? c.num("line_item_net_unblended_cost") : unblended));
    f.put("x_NetAmortizedCost", net);
    f.put("x_PublicOnDemandCost", when(functions.not(part1), c.num("pricing_public_on_demand_cost")));
    f.put("x_Marketplace", when(isMarketplace, lit("true")));
    f.put("x_SplitCostAllocation", when(isSplit, lit("true")));
    f.put("x_SplitParentResourceId", c.text("split_line_item_parent_resource_id"));
    f.put("x_CostCategory", c.text("cost_category"));
    // Commitment terms and payment option, read by the commitment inventory where present.
    f.put("x_CommitmentTermStart", when(isSp, c.text("savings_plan_start_time")).when(isRi, c.text("reservation_start_time")));
    f.put("x_CommitmentTermEnd", when(isSp, c.text("savings_plan_end_time")).when(isRi, c.text("reservation_end_time")));
    f.put(
        "x_CommitmentPaymentOption",
        when(isSp, c.text("savings_plan_payment_option")).when(isRi, c.text("pricing_purchase_option")));

    List<Column> out = new ArrayList<>();
    // Amounts stay decimals (FOCUS parsing takes them as they are); the rest is text.
    f.forEach(
        (name, value) ->
            out.add(value.cast(Focus.columns().get(name) == Focus.Kind.DECIMAL ? Focus.DECIMAL : DataTypes.StringType).as(name)));
    out.add(col(RawReader.CORRUPT));
    out.add(col(Focus.X_SOURCE_FILE));
    out.add(col(Focus.X_SOURCE_ROW));
    out.add(col(Focus.X_SOURCE_FORMAT));
    out.add(col(PART));
    out.add(col("x__Raw"));
    out.add(col(FocusNormalizer.TAGS_MAP));
    out.add(preReasons(c).as(FocusNormalizer.PRE_REASONS));
    return FocusNormalizer.normalize(df.select(out.toArray(new Column[0])), sourceName, runId, defaults);
  }

  /**
   * Amortized cost of a line by its type (gross, or net when {@code net}). A net column that an
   * export lacks, or leaves empty on a row, falls back to its gross column.
   */
  static Column amortized(Cols c, Column type, Column unblended, Column spArn, Column riArn, boolean net) {
    Column zero = lit(0).cast(Focus.DECIMAL);
    Column spEffective = coalesce(amount(c, "savings_plan_", "savings_plan_effective_cost", net), zero);
    Column spTotal = coalesce(c.num("savings_plan_total_commitment_to_date"), zero);
    if (net
        && (c.has("savings_plan_net_amortized_upfront_commitment_for_billing_period")
            || c.has("savings_plan_net_recurring_commitment_for_billing_period"))) {
      spTotal =
          coalesce(amount(c, "savings_plan_", "amortized_upfront_commitment_for_billing_period", true), zero)
              .plus(coalesce(amount(c, "savings_plan_", "recurring_commitment_for_billing_period", true), zero));
    }
    Column spUnused = spTotal.minus(coalesce(c.num("savings_plan_used_commitment"), zero));
    Column riEffective = coalesce(amount(c, "reservation_", "effective_cost", net), zero);
    Column riUnused =
        coalesce(amount(c, "reservation_", "unused_amortized_upfront_fee_for_billing_period", net), zero)
            .plus(coalesce(amount(c, "reservation_", "unused_recurring_fee", net), zero));
    Column result =
        when(type.equalTo("SavingsPlanCoveredUsage"), spEffective)
            .when(type.equalTo("SavingsPlanRecurringFee"), spUnused)
            .when(type.isin("SavingsPlanNegation", "SavingsPlanUpfrontFee"), zero)
            .when(type.equalTo("DiscountedUsage"), riEffective)
            .when(type.equalTo("RIFee"), riUnused)
            .when(type.equalTo("Fee").and(riArn.isNotNull()), zero)
            .when(type.equalTo("Refund").and(spArn.isNotNull()), zero);
    if (net) {
      result = result.when(type.isin(DISCOUNT_TYPES.toArray()), zero);
    }
    return result.otherwise(unblended).cast(Focus.DECIMAL);
  }

  /** {@code <prefix>net_<name>} when net and present (row value, else gross), else {@code <prefix><name>}. */
  private static Column amount(Cols c, String prefix, String name, boolean net) {
    Column gross = c.num(prefix + name);
    String netName = prefix + "net_" + name;
    return net && c.has(netName) ? coalesce(c.num(netName), gross) : gross;
  }

  private static final org.apache.spark.sql.types.MapType MAP =
      DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType);

  /** Tags as a map (possibly empty): user tags without their {@code user:} / {@code user_} prefix. */
  private static Column tags(Cols c) {
    Column map = null;
    if (!c.tags.isEmpty()) {
      List<Column> kv = new ArrayList<>();
      c.tags.forEach(
          (key, rawCols) -> {
            kv.add(lit(key));
            kv.add(coalesce(rawCols.stream().map(r -> FocusNormalizer.clean(raw(r))).toArray(Column[]::new)));
          });
      map = functions.map(kv.toArray(new Column[0]));
    }
    if (c.tagMap) {
      Column m =
          functions.transform_keys(
              c.map("resource_tags"),
              (k, v) -> functions.regexp_replace(k, "^user[:_]", ""));
      map = map == null ? m : functions.map_concat(map, m);
    }
    if (map == null) {
      return lit(null).cast(MAP);
    }
    return functions.map_filter(map, (k, v) -> v.isNotNull());
  }

  /** Numbers the amortization reads must parse; a row with text there is quarantined. */
  private static Column preReasons(Cols c) {
    List<Column> reasons = new ArrayList<>();
    for (String n :
        List.of(
            "line_item_unblended_cost",
            "line_item_net_unblended_cost",
            "savings_plan_savings_plan_effective_cost",
            "savings_plan_total_commitment_to_date",
            "savings_plan_used_commitment",
            "reservation_effective_cost",
            "reservation_unused_amortized_upfront_fee_for_billing_period",
            "reservation_unused_recurring_fee")) {
      if (c.has(n)) {
        reasons.add(when(c.text(n).isNotNull().and(c.num(n).isNull()), lit(Quarantine.UNPARSABLE_NUMBER + ":" + n)));
      }
    }
    reasons.add(when(c.text("line_item_line_item_type").isNull(), lit(Quarantine.MISSING_REQUIRED + ":line_item_line_item_type")));
    return FocusNormalizer.compactReasons(reasons);
  }

  /** A raw column, read from the raw struct. */
  private static Column raw(String name) {
    return col("x__Raw").getField(name);
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

  /** AWS product code → FOCUS ServiceCategory, from the bundled reference table. */
  static Column serviceCategories() {
    return ReferenceTable.map("/reference/aws_service_category.csv");
  }
}
