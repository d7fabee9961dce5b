package dev.costlake.model;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;

/** Columns of gold {@code cost_allocated_daily} and {@code allocation_conservation}. */
public final class AllocationColumns {
  private AllocationColumns() {}

  /** Money in allocation tables: sums of {@link Focus#DECIMAL}, same 12 decimal places. */
  public static final DecimalType AMOUNT = DataTypes.createDecimalType(38, 12);

  public static final String CHARGE_DATE = "ChargeDate";
  /** Value of the configured owner column (allocation.owner-column), or the unallocated owner. */
  public static final String OWNER = "Owner";
  /** Which silver column {@link #OWNER} comes from (x_Team, x_Product, ...). */
  public static final String OWNER_COLUMN = "OwnerColumn";
  public static final String KIND = "x_AllocationKind";
  public static final String POOL = "AllocationPool";
  public static final String RULE = "AllocationRule";
  public static final String RULE_VERSION = "AllocationRuleVersion";
  /** Why a row was not allocated by the primary rule (no base on the day, no consumers...). */
  public static final String FALLBACK = "AllocationFallback";

  // x_AllocationKind values.
  public static final String KIND_DIRECT = "direct";
  public static final String KIND_UNUSED_COMMITMENT = "unused_commitment";
  public static final String KIND_GIVEN = "shared_given";
  public static final String KIND_RECEIVED = "shared_received";

  // allocation_conservation.
  public static final String GIVEN = "Given";
  public static final String RECEIVED = "Received";
  public static final String DIFFERENCE = "Difference";
  public static final String TOLERANCE = "Tolerance";
  public static final String BALANCED = "Balanced";
  public static final String GIVERS = "Givers";
  public static final String RECEIVERS = "Receivers";
  public static final String RUN_ID = "RunId";

  /** The owner columns silver carries (filled by ownership enrichment, null before it). */
  public static final String X_TEAM = "x_Team";
}
