package dev.costlake.model;

import java.util.List;
import java.util.Map;

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
  public static final String COST_ALLOCATED_DAILY = "cost_allocated_daily";
  public static final String ALLOCATION_CONSERVATION = "allocation_conservation";
  public static final String UNIT_COST_DAILY = "unit_cost_daily";
  public static final String UNIT_COST_MONTHLY = "unit_cost_monthly";

  /** Tables every nightly run produces, in the order the run writes them. */
  public static final List<String> CORE =
      List.of(
          INGESTION_LOG, COST_LINE_ITEMS, QUARANTINE_LINE_ITEMS, COST_DAILY, PERIOD_VERSIONS,
          RECONCILIATION, PIPELINE_RUNS);

  /**
   * Delta table properties set when a table is created ({@code Warehouse.replace}). Silver collects file statistics (min, max,
   * null count, used to skip files) only for the columns its readers filter on, rather than for
   * its first 32 columns: Delta computes them for every row it writes, and long descriptions,
   * JSON and 30-digit decimals are costly to compare and skip nothing.
   */
  public static Map<String, String> creationProperties(String table) {
    if (COST_LINE_ITEMS.equals(table)) {
      return Map.of("delta.dataSkippingStatsColumns", String.join(",", SILVER_STATS_COLUMNS));
    }
    return Map.of();
  }

  /** Silver's statistics columns (besides its partition columns, which need none). */
  public static final List<String> SILVER_STATS_COLUMNS =
      List.of(
          Focus.BillingAccountId,
          Focus.SubAccountId,
          Focus.ChargePeriodStart,
          Focus.ChargePeriodEnd,
          Focus.X_CHARGE_DATE,
          Focus.ServiceName,
          Focus.ResourceId,
          Focus.X_TEAM);

  public static String bronze(String sourceName) {
    return BRONZE_PREFIX + sourceName.replaceAll("[^A-Za-z0-9_]", "_").toLowerCase();
  }
}
