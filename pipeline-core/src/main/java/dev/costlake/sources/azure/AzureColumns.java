package dev.costlake.sources.azure;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The header variants of Azure cost exports (EA PascalCase, MCA camelCase, older enterprise and
 * pay-as-you-go names, localized headers such as {@code Abonnement-GUID (SubscriptionGuid)}, a
 * UTF-8 BOM) resolved to one canonical field name each. A header is reduced to its key: the
 * English name in trailing parentheses when there is one, then lower case letters and digits.
 */
public final class AzureColumns {
  private AzureColumns() {}

  // Canonical fields.
  public static final String BILLING_ACCOUNT_ID = "BillingAccountId";
  public static final String BILLING_ACCOUNT_NAME = "BillingAccountName";
  public static final String BILLING_PROFILE_ID = "BillingProfileId";
  public static final String BILLING_PROFILE_NAME = "BillingProfileName";
  public static final String INVOICE_SECTION_ID = "InvoiceSectionId";
  public static final String INVOICE_SECTION_NAME = "InvoiceSectionName";
  public static final String ACCOUNT_NAME = "AccountName";
  public static final String SUBSCRIPTION_ID = "SubscriptionId";
  public static final String SUBSCRIPTION_NAME = "SubscriptionName";
  public static final String RESOURCE_GROUP = "ResourceGroup";
  public static final String RESOURCE_LOCATION = "ResourceLocation";
  public static final String LOCATION = "Location";
  public static final String DATE = "Date";
  public static final String BILLING_PERIOD_START = "BillingPeriodStartDate";
  public static final String BILLING_PERIOD_END = "BillingPeriodEndDate";
  public static final String PRODUCT_NAME = "ProductName";
  public static final String METER_CATEGORY = "MeterCategory";
  public static final String METER_SUBCATEGORY = "MeterSubCategory";
  public static final String METER_ID = "MeterId";
  public static final String METER_NAME = "MeterName";
  public static final String METER_REGION = "MeterRegion";
  public static final String UNIT_OF_MEASURE = "UnitOfMeasure";
  public static final String QUANTITY = "Quantity";
  public static final String EFFECTIVE_PRICE = "EffectivePrice";
  public static final String COST = "CostInBillingCurrency";
  public static final String COST_IN_PRICING_CURRENCY = "CostInPricingCurrency";
  public static final String PAYG_COST = "PaygCostInBillingCurrency";
  public static final String UNIT_PRICE = "UnitPrice";
  public static final String PAYG_PRICE = "PayGPrice";
  public static final String BILLING_CURRENCY = "BillingCurrency";
  public static final String PRICING_CURRENCY = "PricingCurrency";
  public static final String EXCHANGE_RATE = "ExchangeRatePricingToBilling";
  public static final String CONSUMED_SERVICE = "ConsumedService";
  public static final String RESOURCE_ID = "ResourceId";
  public static final String RESOURCE_NAME = "ResourceName";
  public static final String RESOURCE_TYPE = "ResourceType";
  public static final String ADDITIONAL_INFO = "AdditionalInfo";
  public static final String TAGS = "Tags";
  public static final String COST_CENTER = "CostCenter";
  public static final String RESERVATION_ID = "ReservationId";
  public static final String RESERVATION_NAME = "ReservationName";
  public static final String PRODUCT_ORDER_ID = "ProductOrderId";
  public static final String PRODUCT_ORDER_NAME = "ProductOrderName";
  public static final String BENEFIT_ID = "BenefitId";
  public static final String BENEFIT_NAME = "BenefitName";
  public static final String TERM = "Term";
  public static final String PUBLISHER_TYPE = "PublisherType";
  public static final String PUBLISHER_NAME = "PublisherName";
  public static final String CHARGE_TYPE = "ChargeType";
  public static final String FREQUENCY = "Frequency";
  public static final String PRICING_MODEL = "PricingModel";
  public static final String AVAILABILITY_ZONE = "AvailabilityZone";
  public static final String SERVICE_FAMILY = "ServiceFamily";
  public static final String SERVICE_NAME = "ServiceName";
  public static final String PART_NUMBER = "PartNumber";
  public static final String PRODUCT_ID = "ProductId";
  public static final String INVOICE_ID = "InvoiceId";
  public static final String PLAN_NAME = "PlanName";
  public static final String OFFER_ID = "OfferId";

  /** Canonical field → the header keys that hold it, most specific first. */
  private static final Map<String, List<String>> ALIASES = new LinkedHashMap<>();

  static {
    alias(BILLING_ACCOUNT_ID, "billingaccountid", "enrollmentnumber");
    alias(BILLING_ACCOUNT_NAME, "billingaccountname");
    alias(BILLING_PROFILE_ID, "billingprofileid");
    alias(BILLING_PROFILE_NAME, "billingprofilename");
    alias(INVOICE_SECTION_ID, "invoicesectionid");
    alias(INVOICE_SECTION_NAME, "invoicesectionname", "invoicesection");
    alias(ACCOUNT_NAME, "accountname", "enrollmentaccountname");
    alias(SUBSCRIPTION_ID, "subscriptionid", "subscriptionguid");
    alias(SUBSCRIPTION_NAME, "subscriptionname");
    alias(RESOURCE_GROUP, "resourcegroup", "resourcegroupname");
    alias(RESOURCE_LOCATION, "resourcelocation");
    alias(LOCATION, "location");
    alias(DATE, "date", "usagedatetime", "usagedate");
    alias(BILLING_PERIOD_START, "billingperiodstartdate");
    alias(BILLING_PERIOD_END, "billingperiodenddate");
    alias(PRODUCT_NAME, "productname", "product");
    alias(METER_CATEGORY, "metercategory");
    alias(METER_SUBCATEGORY, "metersubcategory");
    alias(METER_ID, "meterid");
    alias(METER_NAME, "metername");
    alias(METER_REGION, "meterregion");
    alias(UNIT_OF_MEASURE, "unitofmeasure");
    alias(QUANTITY, "quantity", "usagequantity", "consumedquantity");
    alias(EFFECTIVE_PRICE, "effectiveprice", "resourcerate");
    alias(COST, "costinbillingcurrency", "cost", "pretaxcost");
    alias(COST_IN_PRICING_CURRENCY, "costinpricingcurrency");
    alias(PAYG_COST, "paygcostinbillingcurrency");
    alias(UNIT_PRICE, "unitprice");
    alias(PAYG_PRICE, "paygprice");
    alias(BILLING_CURRENCY, "billingcurrency", "billingcurrencycode", "currency");
    alias(PRICING_CURRENCY, "pricingcurrency", "pricingcurrencycode");
    alias(EXCHANGE_RATE, "exchangeratepricingtobilling");
    alias(CONSUMED_SERVICE, "consumedservice");
    alias(RESOURCE_ID, "resourceid", "instanceid", "instancename");
    alias(RESOURCE_NAME, "resourcename");
    alias(RESOURCE_TYPE, "resourcetype");
    alias(ADDITIONAL_INFO, "additionalinfo");
    alias(TAGS, "tags");
    alias(COST_CENTER, "costcenter");
    alias(RESERVATION_ID, "reservationid");
    alias(RESERVATION_NAME, "reservationname");
    alias(PRODUCT_ORDER_ID, "productorderid");
    alias(PRODUCT_ORDER_NAME, "productordername");
    alias(BENEFIT_ID, "benefitid");
    alias(BENEFIT_NAME, "benefitname");
    alias(TERM, "term");
    alias(PUBLISHER_TYPE, "publishertype");
    alias(PUBLISHER_NAME, "publishername");
    alias(CHARGE_TYPE, "chargetype");
    alias(FREQUENCY, "frequency", "chargefrequency");
    alias(PRICING_MODEL, "pricingmodel");
    alias(AVAILABILITY_ZONE, "availabilityzone");
    alias(SERVICE_FAMILY, "servicefamily");
    alias(SERVICE_NAME, "servicename");
    alias(PART_NUMBER, "partnumber");
    alias(PRODUCT_ID, "productid");
    alias(INVOICE_ID, "invoiceid");
    alias(PLAN_NAME, "planname");
    alias(OFFER_ID, "offerid");
  }

  private static final Map<String, String> BY_KEY = new HashMap<>();

  static {
    ALIASES.forEach((canonical, keys) -> keys.forEach(k -> BY_KEY.put(k, canonical)));
  }

  private static void alias(String canonical, String... keys) {
    ALIASES.put(canonical, List.of(keys));
  }

  /**
   * Groups of fields a file needs, each satisfied by any of its members: without them a row
   * cannot be dated, costed or attributed to an account.
   */
  public static final List<List<String>> REQUIRED =
      List.of(List.of(DATE), List.of(COST), List.of(BILLING_ACCOUNT_ID, BILLING_PROFILE_ID, SUBSCRIPTION_ID));

  private static final Pattern PARENTHESIZED = Pattern.compile(".*\\(([^()]+)\\)\\s*$");

  /** A header reduced to its matching key (BOM and case dropped, localized prefix removed). */
  public static String key(String header) {
    String h = header.replace("\uFEFF", "").trim();
    Matcher m = PARENTHESIZED.matcher(h);
    if (m.matches()) {
      h = m.group(1);
    }
    return h.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
  }

  /** The canonical field of a header, or null when it is not an Azure column we read. */
  public static String canonical(String header) {
    return BY_KEY.get(key(header));
  }

  /** Canonical field → the raw columns holding it, in alias priority order. */
  public static Map<String, List<String>> resolve(Iterable<String> headers) {
    Map<String, List<String>> out = new HashMap<>();
    for (String h : headers) {
      String canonical = canonical(h);
      if (canonical != null) {
        out.computeIfAbsent(canonical, k -> new ArrayList<>()).add(h);
      }
    }
    for (Map.Entry<String, List<String>> e : out.entrySet()) {
      List<String> order = ALIASES.get(e.getKey());
      e.getValue().sort((a, b) -> Integer.compare(order.indexOf(key(a)), order.indexOf(key(b))));
    }
    return out;
  }

  /** The required groups a header lacks, each described by its accepted names; empty when known. */
  public static List<String> missing(List<String> headers) {
    Map<String, List<String>> have = resolve(headers);
    List<String> out = new ArrayList<>();
    for (List<String> group : REQUIRED) {
      if (group.stream().noneMatch(have::containsKey)) {
        List<String> names = new ArrayList<>();
        group.forEach(g -> names.add(g + " (" + String.join("/", ALIASES.get(g)) + ")"));
        out.add(String.join(" or ", names));
      }
    }
    return out;
  }

  /**
   * True when the columns look like an Azure cost export (not a FOCUS one): a cost column of
   * Azure's naming plus a meter, subscription or charge type column.
   */
  public static boolean looksLikeAzure(List<String> headers) {
    Map<String, List<String>> have = resolve(headers);
    boolean cost =
        headers.stream().map(AzureColumns::key).anyMatch(k -> k.equals("costinbillingcurrency") || k.equals("pretaxcost"))
            || have.containsKey(COST) && (have.containsKey(METER_ID) || have.containsKey(METER_CATEGORY) || have.containsKey(CHARGE_TYPE));
    return cost && (have.containsKey(SUBSCRIPTION_ID) || have.containsKey(METER_CATEGORY) || have.containsKey(BILLING_ACCOUNT_ID));
  }
}
