package dev.costlake.sources;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Tells the export format of a file from its column names. */
public final class FormatDetector {
  private FormatDetector() {}

  public static final String FOCUS = "focus";
  public static final String AWS_CUR_LEGACY = "aws-cur-legacy";
  public static final String AWS_CUR2 = "aws-cur2";
  public static final String AZURE_COST = "azure-cost";
  public static final String GCP_BILLING = "gcp-billing";
  public static final String OCI_COST = "oci-cost";

  /** Returns the detected format, or null when the columns match none. */
  public static String detect(List<String> columns) {
    Set<String> c = new HashSet<>();
    for (String col : columns) {
      c.add(col.trim().toLowerCase(Locale.ROOT));
    }
    if (c.contains("billedcost") && c.contains("chargeperiodstart")) {
      return FOCUS;
    }
    if (c.contains("lineitem/unblendedcost") || c.contains("identity/lineitemid")) {
      return AWS_CUR_LEGACY;
    }
    if (c.contains("line_item_unblended_cost")) {
      return c.contains("product") || c.contains("resource_tags") ? AWS_CUR2 : AWS_CUR_LEGACY;
    }
    if (dev.costlake.sources.azure.AzureColumns.looksLikeAzure(columns)) {
      return AZURE_COST;
    }
    if (c.contains("cost") && c.contains("credits") && c.contains("invoice")) {
      return GCP_BILLING;
    }
    if (c.contains("cost/mycost") || c.contains("lineitem/referenceno")) {
      return OCI_COST;
    }
    return null;
  }

  /**
   * The FOCUS version a column set corresponds to: the newest version whose new columns appear.
   */
  public static String focusVersion(List<String> columns) {
    Set<String> c = new HashSet<>();
    for (String col : columns) {
      c.add(col.trim().toLowerCase(Locale.ROOT));
    }
    if (c.contains("serviceprovidername")
        || c.contains("hostprovidername")
        || c.contains("allocatedmethodid")
        || c.contains("contractapplied")) {
      return "focus-1.3";
    }
    if (c.contains("invoiceid")
        || c.contains("billingaccounttype")
        || c.contains("pricingcurrency")
        || c.contains("subaccounttype")) {
      return "focus-1.2";
    }
    if (c.contains("capacityreservationid")
        || c.contains("commitmentdiscountquantity")
        || c.contains("servicesubcategory")
        || c.contains("skumeter")) {
      return "focus-1.1";
    }
    return "focus-1.0";
  }
}
