package dev.costlake.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;

/**
 * The canonical FOCUS 1.3 column set of silver {@code cost_line_items}: names, kinds and types.
 * Column names live here and nowhere else.
 */
public final class Focus {
  private Focus() {}

  /**
   * One decimal type for every money, price and quantity column: 18 integer digits and 12
   * decimal places. Sums widen to DECIMAL(38,12). See README "Money and precision".
   */
  public static final DecimalType DECIMAL = DataTypes.createDecimalType(30, 12);

  /** How a column's raw text is parsed. */
  public enum Kind {
    STRING,
    DECIMAL,
    TIMESTAMP,
    JSON
  }

  // Cost and usage columns (FOCUS 1.3).
  public static final String AllocatedMethodDetails = "AllocatedMethodDetails";
  public static final String AllocatedMethodId = "AllocatedMethodId";
  public static final String AllocatedResourceId = "AllocatedResourceId";
  public static final String AllocatedResourceName = "AllocatedResourceName";
  public static final String AllocatedTags = "AllocatedTags";
  public static final String AvailabilityZone = "AvailabilityZone";
  public static final String BilledCost = "BilledCost";
  public static final String BillingAccountId = "BillingAccountId";
  public static final String BillingAccountName = "BillingAccountName";
  public static final String BillingAccountType = "BillingAccountType";
  public static final String BillingCurrency = "BillingCurrency";
  public static final String BillingPeriodEnd = "BillingPeriodEnd";
  public static final String BillingPeriodStart = "BillingPeriodStart";
  public static final String CapacityReservationId = "CapacityReservationId";
  public static final String CapacityReservationStatus = "CapacityReservationStatus";
  public static final String ChargeCategory = "ChargeCategory";
  public static final String ChargeClass = "ChargeClass";
  public static final String ChargeDescription = "ChargeDescription";
  public static final String ChargeFrequency = "ChargeFrequency";
  public static final String ChargePeriodEnd = "ChargePeriodEnd";
  public static final String ChargePeriodStart = "ChargePeriodStart";
  public static final String CommitmentDiscountCategory = "CommitmentDiscountCategory";
  public static final String CommitmentDiscountId = "CommitmentDiscountId";
  public static final String CommitmentDiscountName = "CommitmentDiscountName";
  public static final String CommitmentDiscountQuantity = "CommitmentDiscountQuantity";
  public static final String CommitmentDiscountStatus = "CommitmentDiscountStatus";
  public static final String CommitmentDiscountType = "CommitmentDiscountType";
  public static final String CommitmentDiscountUnit = "CommitmentDiscountUnit";
  public static final String ConsumedQuantity = "ConsumedQuantity";
  public static final String ConsumedUnit = "ConsumedUnit";
  public static final String ContractApplied = "ContractApplied";
  public static final String ContractedCost = "ContractedCost";
  public static final String ContractedUnitPrice = "ContractedUnitPrice";
  public static final String EffectiveCost = "EffectiveCost";
  public static final String HostProviderName = "HostProviderName";
  public static final String InvoiceId = "InvoiceId";
  public static final String InvoiceIssuerName = "InvoiceIssuerName";
  public static final String ListCost = "ListCost";
  public static final String ListUnitPrice = "ListUnitPrice";
  public static final String PricingCategory = "PricingCategory";
  public static final String PricingCurrency = "PricingCurrency";
  public static final String PricingCurrencyContractedUnitPrice =
      "PricingCurrencyContractedUnitPrice";
  public static final String PricingCurrencyEffectiveCost = "PricingCurrencyEffectiveCost";
  public static final String PricingCurrencyListUnitPrice = "PricingCurrencyListUnitPrice";
  public static final String PricingQuantity = "PricingQuantity";
  public static final String PricingUnit = "PricingUnit";
  public static final String ProviderName = "ProviderName";
  public static final String PublisherName = "PublisherName";
  public static final String RegionId = "RegionId";
  public static final String RegionName = "RegionName";
  public static final String ResourceId = "ResourceId";
  public static final String ResourceName = "ResourceName";
  public static final String ResourceType = "ResourceType";
  public static final String ServiceCategory = "ServiceCategory";
  public static final String ServiceName = "ServiceName";
  public static final String ServiceProviderName = "ServiceProviderName";
  public static final String ServiceSubcategory = "ServiceSubcategory";
  public static final String SkuId = "SkuId";
  public static final String SkuMeter = "SkuMeter";
  public static final String SkuPriceDetails = "SkuPriceDetails";
  public static final String SkuPriceId = "SkuPriceId";
  public static final String SubAccountId = "SubAccountId";
  public static final String SubAccountName = "SubAccountName";
  public static final String SubAccountType = "SubAccountType";
  public static final String Tags = "Tags";

  // Extensions (x_): lineage, derived keys, ownership.
  public static final String X_SOURCE_NAME = "x_SourceName";
  public static final String X_SOURCE_FORMAT = "x_SourceFormat";
  public static final String X_SOURCE_FILE = "x_SourceFile";
  public static final String X_SOURCE_ROW = "x_SourceRow";
  /**
   * 0 for the row as exported; 1 for a second canonical row derived from the same raw row (the
   * Unused part of an AWS recurring commitment fee). Raw row counts count part 0 only.
   */
  public static final String X_SOURCE_ROW_PART = "x_SourceRowPart";
  /**
   * The second raw row a canonical row stands for, when two exported rows were merged into one
   * (an Azure amortized row and the same charge in the actual dataset); null otherwise. Raw row
   * counts count such a row twice.
   */
  public static final String X_PAIRED_SOURCE_FILE = "x_PairedSourceFile";
  public static final String X_PAIRED_SOURCE_ROW = "x_PairedSourceRow";
  public static final String X_INGESTION_RUN_ID = "x_IngestionRunId";
  public static final String X_BILLING_PERIOD = "x_BillingPeriod";
  public static final String X_CHARGE_DATE = "x_ChargeDate";
  public static final String X_TAGS_MAP = "x_TagsMap";
  public static final String X_EXTENSIONS = "x_Extensions";

  // Ownership (filled by enrich/OwnershipResolver before rows reach silver).
  public static final String X_TEAM = "x_Team";
  public static final String X_APPLICATION = "x_Application";
  public static final String X_ENVIRONMENT = "x_Environment";
  public static final String X_PRODUCT = "x_Product";
  public static final String X_COST_CENTER = "x_CostCenter";
  /** Which kind of rule decided the owner: tag | account | resource | service | unallocated. */
  public static final String X_OWNERSHIP_SOURCE = "x_OwnershipSource";
  /** The id of the rule that decided the owner (its {@code id} in the configuration). */
  public static final String X_OWNERSHIP_RULE_ID = "x_OwnershipRuleId";

  /** The five owner dimensions, in the order rules list them. */
  public static final List<String> OWNER_DIMENSIONS =
      List.of(X_TEAM, X_APPLICATION, X_ENVIRONMENT, X_PRODUCT, X_COST_CENTER);

  /** Ownership columns; filled by enrichment (null in rows that have not been enriched). */
  public static final List<String> OWNER_COLUMNS =
      List.of(
          X_TEAM,
          X_APPLICATION,
          X_ENVIRONMENT,
          X_PRODUCT,
          X_COST_CENTER,
          X_OWNERSHIP_SOURCE,
          X_OWNERSHIP_RULE_ID);

  private static final Map<String, Kind> COLUMNS = new LinkedHashMap<>();

  static {
    str(AllocatedMethodDetails, AllocatedMethodId, AllocatedResourceId, AllocatedResourceName);
    json(AllocatedTags);
    str(AvailabilityZone);
    dec(BilledCost);
    str(BillingAccountId, BillingAccountName, BillingAccountType, BillingCurrency);
    ts(BillingPeriodEnd, BillingPeriodStart);
    str(
        CapacityReservationId,
        CapacityReservationStatus,
        ChargeCategory,
        ChargeClass,
        ChargeDescription,
        ChargeFrequency);
    ts(ChargePeriodEnd, ChargePeriodStart);
    str(CommitmentDiscountCategory, CommitmentDiscountId, CommitmentDiscountName);
    dec(CommitmentDiscountQuantity);
    str(CommitmentDiscountStatus, CommitmentDiscountType, CommitmentDiscountUnit);
    dec(ConsumedQuantity);
    str(ConsumedUnit);
    str(ContractApplied);
    dec(ContractedCost, ContractedUnitPrice, EffectiveCost);
    str(HostProviderName, InvoiceId, InvoiceIssuerName);
    dec(ListCost, ListUnitPrice);
    str(PricingCategory, PricingCurrency);
    dec(
        PricingCurrencyContractedUnitPrice,
        PricingCurrencyEffectiveCost,
        PricingCurrencyListUnitPrice,
        PricingQuantity);
    str(
        PricingUnit,
        ProviderName,
        PublisherName,
        RegionId,
        RegionName,
        ResourceId,
        ResourceName,
        ResourceType,
        ServiceCategory,
        ServiceName,
        ServiceProviderName,
        ServiceSubcategory,
        SkuId,
        SkuMeter,
        SkuPriceDetails,
        SkuPriceId,
        SubAccountId,
        SubAccountName,
        SubAccountType);
    json(Tags);
  }

  private static void str(String... names) {
    for (String n : names) COLUMNS.put(n, Kind.STRING);
  }

  private static void dec(String... names) {
    for (String n : names) COLUMNS.put(n, Kind.DECIMAL);
  }

  private static void ts(String... names) {
    for (String n : names) COLUMNS.put(n, Kind.TIMESTAMP);
  }

  private static void json(String... names) {
    for (String n : names) COLUMNS.put(n, Kind.JSON);
  }

  /** FOCUS 1.3 columns in a stable order, with their parse kind. */
  public static Map<String, Kind> columns() {
    return Collections.unmodifiableMap(COLUMNS);
  }

  public static List<String> columnNames() {
    return new ArrayList<>(COLUMNS.keySet());
  }

  public static DataType sparkType(Kind kind) {
    switch (kind) {
      case DECIMAL:
        return DECIMAL;
      case TIMESTAMP:
        return DataTypes.TimestampType;
      default:
        return DataTypes.StringType;
    }
  }

  /** Money columns summed in gold tables and reconciliation. */
  public static final List<String> COST_COLUMNS =
      List.of(BilledCost, EffectiveCost, ListCost, ContractedCost);

  /**
   * Canonical spelling of enumerated values, keyed by column; input is matched ignoring case,
   * spaces, hyphens and underscores (so {@code Usage-based} becomes {@code Usage-Based}).
   */
  public static final Map<String, List<String>> ENUMS =
      Map.of(
          ChargeCategory, List.of("Usage", "Purchase", "Tax", "Credit", "Adjustment"),
          ChargeClass, List.of("Correction"),
          ChargeFrequency, List.of("One-Time", "Recurring", "Usage-Based"),
          CommitmentDiscountStatus, List.of("Used", "Unused"),
          CapacityReservationStatus, List.of("Used", "Unused"),
          CommitmentDiscountCategory, List.of("Spend", "Usage"),
          PricingCategory, List.of("Standard", "Dynamic", "Committed", "Other"));
}
