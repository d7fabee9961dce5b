package dev.costlake.sources.oci;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
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
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * OCI cost report rows (CSV with {@code lineItem/}, {@code product/}, {@code usage/}, {@code
 * cost/} and {@code tags/} columns; raw text) to canonical FOCUS 1.3 rows.
 *
 * <p>BilledCost = EffectiveCost = ContractedCost = {@code cost/myCost} (the cost at the tenancy's
 * own prices; OCI cost reports carry no commitment amortization and no list price, so ListCost is
 * the same figure). BillingAccountId is the tenancy ({@code lineItem/tenantId}), SubAccount the
 * compartment. The billing period is the UTC calendar month of {@code
 * lineItem/intervalUsageStart}. Rows with {@code lineItem/isCorrection = true} are corrections
 * (ChargeClass Correction). Every {@code tags/<namespace>.<key>} column becomes the tag {@code
 * <namespace>.<key>}. Overage amounts, the subscription and the reference numbers are kept as
 * x_ extensions.
 */
public final class OciCostNormalizer {
  private OciCostNormalizer() {}

  public static final String TAG_PREFIX = "tags/";

  public static Dataset<Row> normalize(
      Dataset<Row> raw, String sourceName, String runId, Map<String, String> defaults) {
    Map<String, String> byLower = new HashMap<>();
    List<String> tagCols = new ArrayList<>();
    for (String c : raw.columns()) {
      if (c.toLowerCase(Locale.ROOT).startsWith(TAG_PREFIX)) {
        tagCols.add(c);
      } else {
        byLower.putIfAbsent(c.toLowerCase(Locale.ROOT), c);
      }
    }
    java.util.function.Function<String, Column> t =
        name -> {
          String c = byLower.get(name.toLowerCase(Locale.ROOT));
          return c == null ? lit(null).cast(DataTypes.StringType) : FocusNormalizer.clean(col("`" + c + "`"));
        };

    Column start = timestamp(t.apply("lineItem/intervalUsageStart"));
    Column end = timestamp(t.apply("lineItem/intervalUsageEnd"));
    Column periodStart = functions.date_trunc("MONTH", start);
    Column correction = functions.lower(t.apply("lineItem/isCorrection")).equalTo("true");
    Column cost = t.apply("cost/myCost");
    Column service = t.apply("product/service");

    Map<String, Column> f = new LinkedHashMap<>();
    f.put(Focus.BilledCost, cost);
    f.put(Focus.EffectiveCost, cost);
    f.put(Focus.ContractedCost, cost);
    f.put(Focus.ListCost, cost);
    f.put(Focus.BillingAccountId, t.apply("lineItem/tenantId"));
    f.put(Focus.SubAccountId, t.apply("product/compartmentId"));
    f.put(Focus.SubAccountName, t.apply("product/compartmentName"));
    f.put(Focus.BillingCurrency, t.apply("cost/currencyCode"));
    f.put(Focus.BillingPeriodStart, iso(periodStart));
    f.put(Focus.BillingPeriodEnd, iso(functions.add_months(periodStart, 1).cast(DataTypes.TimestampType)));
    f.put(Focus.ChargePeriodStart, iso(start));
    f.put(Focus.ChargePeriodEnd, iso(end));
    f.put(Focus.ChargeCategory, lit("Usage"));
    f.put(Focus.ChargeClass, when(correction, lit("Correction")));
    f.put(Focus.ChargeFrequency, lit("Usage-Based"));
    f.put(Focus.ChargeDescription, t.apply("product/Description"));
    f.put(Focus.PricingCategory, lit("Standard"));
    f.put(Focus.ConsumedQuantity, t.apply("usage/billedQuantity"));
    f.put(Focus.ConsumedUnit, t.apply("cost/skuUnitDescription"));
    f.put(Focus.PricingQuantity, t.apply("usage/billedQuantity"));
    f.put(Focus.PricingUnit, t.apply("cost/skuUnitDescription"));
    f.put(Focus.ContractedUnitPrice, t.apply("cost/unitPrice"));
    f.put(Focus.ResourceId, t.apply("product/resourceId"));
    f.put(Focus.RegionId, t.apply("product/region"));
    f.put(Focus.RegionName, t.apply("product/region"));
    f.put(Focus.AvailabilityZone, t.apply("product/availabilityDomain"));
    f.put(Focus.ServiceName, service);
    f.put(
        Focus.ServiceCategory,
        coalesce(functions.element_at(ReferenceTable.map("/reference/oci_service_category.csv"), functions.upper(service)), lit("Other")));
    f.put(Focus.SkuId, t.apply("cost/productSku"));
    f.put(Focus.SkuPriceId, t.apply("cost/productSku"));
    f.put(Focus.InvoiceIssuerName, lit("Oracle"));
    f.put(Focus.ProviderName, lit("Oracle Cloud Infrastructure"));
    f.put(Focus.ServiceProviderName, lit("Oracle Cloud Infrastructure"));
    f.put(Focus.HostProviderName, lit("Oracle Cloud Infrastructure"));
    f.put(Focus.PublisherName, lit("Oracle"));
    f.put(Focus.Tags, tagsJson(tagCols));
    f.put("x_ReferenceNo", t.apply("lineItem/referenceNo"));
    f.put("x_BackreferenceNo", t.apply("lineItem/backreferenceNo"));
    f.put("x_SubscriptionId", t.apply("cost/subscriptionId"));
    f.put("x_CostOverage", t.apply("cost/myCostOverage"));
    f.put("x_BilledQuantityOverage", t.apply("usage/billedQuantityOverage"));
    f.put("x_UnitPriceOverage", t.apply("cost/unitPriceOverage"));
    f.put("x_OverageFlag", t.apply("cost/overageFlag"));
    f.put("x_BillingUnitReadable", t.apply("cost/billingUnitReadable"));

    List<Column> reasons = new ArrayList<>();
    reasons.add(
        when(
            t.apply("lineItem/intervalUsageStart").isNotNull().and(start.isNull()),
            lit(Quarantine.UNPARSABLE_TIMESTAMP + ":lineItem/intervalUsageStart")));
    reasons.add(
        when(t.apply("lineItem/intervalUsageStart").isNull(), lit(Quarantine.MISSING_REQUIRED + ":lineItem/intervalUsageStart")));

    List<Column> out = new ArrayList<>();
    f.forEach((name, value) -> out.add(value.cast(DataTypes.StringType).as(name)));
    out.add(col(RawReader.CORRUPT));
    out.add(col(Focus.X_SOURCE_FILE));
    out.add(col(Focus.X_SOURCE_ROW));
    out.add(col(Focus.X_SOURCE_FORMAT));
    out.add(functions.array_compact(functions.array(reasons.toArray(new Column[0]))).as(FocusNormalizer.PRE_REASONS));
    return FocusNormalizer.normalize(raw.select(out.toArray(new Column[0])), sourceName, runId, defaults);
  }

  /**
   * OCI writes {@code 2023-11-13T10:00Z} (no seconds) next to {@code 2023-11-13T11:00:00Z}; both
   * are UTC.
   */
  static Column timestamp(Column text) {
    Column full = functions.regexp_replace(text, "T(\\d{2}):(\\d{2})(Z?)$", "T$1:$2:00$3");
    return full.try_cast(DataTypes.TimestampType);
  }

  static Column iso(Column ts) {
    return functions.date_format(ts, "yyyy-MM-dd'T'HH:mm:ss'Z'");
  }

  private static Column tagsJson(List<String> tagCols) {
    if (tagCols.isEmpty()) {
      return lit(null).cast(DataTypes.StringType);
    }
    List<Column> kv = new ArrayList<>();
    for (String c : tagCols) {
      kv.add(lit(c.substring(TAG_PREFIX.length())));
      kv.add(FocusNormalizer.clean(col("`" + c + "`")));
    }
    Column kept = functions.map_filter(functions.map(kv.toArray(new Column[0])), (k, v) -> v.isNotNull());
    return when(functions.size(kept).gt(0), functions.to_json(kept));
  }
}
