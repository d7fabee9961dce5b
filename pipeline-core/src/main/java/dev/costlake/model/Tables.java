package dev.costlake.model;

import java.util.List;

/** Names of the warehouse tables. Each is a Delta table in a folder of that name. */
public final class Tables {
  private Tables() {}

  public static final String BRONZE_PREFIX = "bronze_";
  public static final String COST_LINE_ITEMS = "cost_line_items";
  public static final String QUARANTINE_LINE_ITEMS = "quarantine_line_items";
  public static final String COST_DAILY = "cost_daily";
  public static final String INGESTION_LOG = "ingestion_log";
  public static final String RECONCILIATION = "reconciliation";
  public static final String PIPELINE_RUNS = "pipeline_runs";
  public static final String PERIOD_VERSIONS = "period_versions";
  /** Ownership fingerprints silver was enriched with, one row per change (enrich/). */
  public static final String OWNERSHIP_VERSIONS = "ownership_versions";
  public static final String ALLOCATION_COVERAGE = "allocation_coverage";
  public static final String TAG_COMPLIANCE = "tag_compliance";
  public static final String COMMITMENT_INVENTORY = "commitment_inventory";
  public static final String COMMITMENT_UTILIZATION_DAILY = "commitment_utilization_daily";
  public static final String COMMITMENT_UTILIZATION_MONTHLY = "commitment_utilization_monthly";
  public static final String COMMITMENT_COVERAGE_DAILY = "commitment_coverage_daily";
  public static final String SAVINGS_DAILY = "savings_daily";

  /** Tables every nightly run produces, in the order the run writes them. */
  public static final List<String> CORE =
      List.of(
          INGESTION_LOG, COST_LINE_ITEMS, QUARANTINE_LINE_ITEMS, COST_DAILY, PERIOD_VERSIONS,
          RECONCILIATION, PIPELINE_RUNS);

  public static String bronze(String sourceName) {
    return BRONZE_PREFIX + sourceName.replaceAll("[^A-Za-z0-9_]", "_").toLowerCase();
  }
}
