package dev.costlake.sources.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlake.sources.FormatDetector;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Header recognition: every spelling maps to its field, and what is missing is named. */
class AzureColumnsTest {

  @Test
  void headerVariantsMapToOneField() {
    assertEquals(AzureColumns.COST, AzureColumns.canonical("Cost"));
    assertEquals(AzureColumns.COST, AzureColumns.canonical("CostInBillingCurrency"));
    assertEquals(AzureColumns.COST, AzureColumns.canonical("costInBillingCurrency"));
    assertEquals(AzureColumns.COST, AzureColumns.canonical("PreTaxCost (PreTaxCost)"));
    assertEquals(AzureColumns.SUBSCRIPTION_ID, AzureColumns.canonical("\uFEFFSubscriptionGuid"));
    assertEquals(AzureColumns.SUBSCRIPTION_ID, AzureColumns.canonical("Abonnement-GUID (SubscriptionGuid)"));
    assertEquals(AzureColumns.UNIT_OF_MEASURE, AzureColumns.canonical("Maßeinheit (UnitOfMeasure)"));
    assertEquals(AzureColumns.DATE, AzureColumns.canonical("UsageDateTime (UsageDateTime)"));
    assertEquals(AzureColumns.BILLING_CURRENCY, AzureColumns.canonical("BillingCurrencyCode"));
    assertEquals(AzureColumns.RESOURCE_GROUP, AzureColumns.canonical("resourceGroupName"));
    assertEquals(AzureColumns.BENEFIT_ID, AzureColumns.canonical("benefitId"));
    assertNull(AzureColumns.canonical("Dienstinformation 1 (ServiceInfo1)"));
  }

  @Test
  void moreSpecificAliasWinsWhenBothArePresent() {
    var resolved = AzureColumns.resolve(List.of("location", "resourceLocation", "Cost", "CostInBillingCurrency"));
    assertEquals(List.of("CostInBillingCurrency", "Cost"), resolved.get(AzureColumns.COST));
    assertEquals(List.of("resourceLocation"), resolved.get(AzureColumns.RESOURCE_LOCATION));
  }

  @Test
  void missingGroupsAreNamedWithTheirSpellings() {
    List<String> missing = AzureColumns.missing(List.of("SubscriptionGuid", "MeterCategory", "PreTaxCost"));
    assertEquals(1, missing.size());
    assertTrue(missing.get(0).startsWith("Date (date/usagedatetime/usagedate)"), missing.toString());
    assertEquals(List.of(), AzureColumns.missing(List.of("SubscriptionGuid", "UsageDateTime", "PreTaxCost")));
    List<String> none = AzureColumns.missing(List.of("MeterCategory"));
    assertEquals(3, none.size(), none.toString());
  }

  @Test
  void detectorTellsAzureFromFocusAndOthers() {
    // EA (FinOps toolkit), PAYG and an Azure FOCUS export's first columns.
    assertEquals(FormatDetector.AZURE_COST, FormatDetector.detect(List.of("BillingAccountId", "Date", "MeterId", "Cost", "SubscriptionId", "ChargeType")));
    assertEquals(FormatDetector.AZURE_COST, FormatDetector.detect(List.of("SubscriptionGuid", "UsageDateTime", "MeterCategory", "PreTaxCost")));
    assertEquals(FormatDetector.AZURE_COST, FormatDetector.detect(List.of("Abonnement-GUID (SubscriptionGuid)", "UsageDateTime (UsageDateTime)", "PreTaxCost (PreTaxCost)")));
    assertEquals(
        FormatDetector.FOCUS,
        FormatDetector.detect(List.of("AvailabilityZone", "BilledCost", "BillingAccountId", "ChargePeriodStart", "EffectiveCost", "x_CostAllocationRuleName", "x_CostCenter", "x_SkuMeterCategory")));
    // A GCP-like "cost" alone is not Azure.
    assertFalse(AzureColumns.looksLikeAzure(List.of("cost", "credits", "invoice", "service")));
  }
}
