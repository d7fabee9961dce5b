package dev.costlake.model;

/** Columns of business metrics and of gold {@code unit_cost_daily} / {@code unit_cost_monthly}. */
public final class UnitCostColumns {
  private UnitCostColumns() {}

  // Business metrics (file header / Delta columns).
  public static final String METRIC_DATE = "date";
  public static final String METRIC_NAME = "metric";
  public static final String METRIC_DIMENSION = "dimension";
  public static final String METRIC_QUANTITY = "quantity";

  // unit_cost_daily / unit_cost_monthly.
  public static final String DATE = "Date";
  public static final String UNIT_COST = "UnitCostName";
  public static final String METRIC = "Metric";
  public static final String DIMENSION = "Dimension";
  public static final String COST = "AllocatedEffectiveCost";
  public static final String QUANTITY = "Quantity";
  public static final String SCALE = "Scale";
  public static final String COST_PER_UNIT = "CostPerUnit";
  public static final String NULL_REASON = "NullReason";
  public static final String DAYS_WITH_COST = "DaysWithCost";
  public static final String DAYS_WITHOUT_QUANTITY = "DaysWithoutQuantity";
}
