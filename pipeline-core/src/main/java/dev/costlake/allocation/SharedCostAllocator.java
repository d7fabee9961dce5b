package dev.costlake.allocation;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import dev.costlake.allocation.AllocationConfig.Method;
import dev.costlake.allocation.AllocationConfig.Pool;
import dev.costlake.allocation.AllocationConfig.Selector;
import dev.costlake.allocation.AllocationConfig.UnusedPolicy;
import dev.costlake.gold.CostDaily;
import dev.costlake.model.AllocationColumns;
import dev.costlake.model.Focus;
import dev.costlake.model.UnitCostColumns;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Shared-cost allocation: silver rows (and business metrics for metric-weighted pools) to the
 * rows of {@code cost_allocated_daily}, per billing period, charge day, currency and owner.
 *
 * <ol>
 *   <li>Every countable silver row gets its owner (the configured owner column; null or blank is
 *       the unallocated owner), its kind (direct, or unused_commitment for CommitmentDiscountStatus
 *       Unused) and the first pool, in configuration order, whose selector matches it; rows are
 *       then summed to that grain, so everything after works on a small aggregate.
 *   <li>Unused commitment cost stays with the row's owner (policy purchaser) or is spread over the
 *       owners of the commitment's Used rows of the day in proportion to their EffectiveCost
 *       (policy consumers; a day without Used rows keeps it with the purchaser and says so).
 *   <li>Pools run in {@link PoolGraph} order. A pool gives away what it selected (an owner pool
 *       also what its owners received from earlier pools) and its targets receive it, split by
 *       the method; a day with no base falls back as configured and says so.
 * </ol>
 *
 * Nothing is collected: the rows are aggregated and joined with built-in functions; each pool's
 * received rows are locally checkpointed so the plan stays linear in the number of pools.
 */
public final class SharedCostAllocator {
  private SharedCostAllocator() {}

  private static final String AMT = Focus.EffectiveCost;
  private static final String CLAIM = "_claim";
  private static final String COMMITMENT = "_commitment";
  private static final String TARGET = "_target";
  private static final String WEIGHT = "_weight";
  private static final String PRIMARY = "_primary";
  private static final String PCT = "_pct";
  private static final String TOTAL = "_total";
  private static final String BASE = "_base";

  private static final String PERIOD = Focus.X_BILLING_PERIOD;
  private static final String DATE = AllocationColumns.CHARGE_DATE;
  private static final String CURRENCY = Focus.BillingCurrency;
  private static final String OWNER = AllocationColumns.OWNER;
  private static final String KIND = AllocationColumns.KIND;
  private static final String FALLBACK = AllocationColumns.FALLBACK;
  private static final List<String> DAY = List.of(PERIOD, DATE, CURRENCY);

  /** Columns of {@code cost_allocated_daily}, in order. */
  public static final List<String> COLUMNS =
      List.of(
          PERIOD,
          DATE,
          CURRENCY,
          AllocationColumns.OWNER_COLUMN,
          OWNER,
          KIND,
          AllocationColumns.POOL,
          AllocationColumns.RULE,
          AllocationColumns.RULE_VERSION,
          FALLBACK,
          AMT);

  /**
   * @param silver silver rows (owner columns may be absent: they count as unallocated)
   * @param metrics business metrics (date, metric, dimension, quantity), or null when no pool
   *     uses method metric
   */
  public static Dataset<Row> allocate(Dataset<Row> silver, Dataset<Row> metrics, AllocationConfig cfg) {
    SparkSession spark = silver.sparkSession();
    Column owner = ownerOf(silver, cfg);
    Dataset<Row> base = attributed(silver, owner, cfg);
    List<Dataset<Row>> parts = new ArrayList<>();
    parts.add(
        base.groupBy(col(PERIOD), col(DATE), col(CURRENCY), col(OWNER), col(KIND), col(FALLBACK))
            .agg(sum(col(AMT)).cast(AllocationColumns.AMOUNT).as(AMT))
            .select(
                col(PERIOD),
                col(DATE),
                col(CURRENCY),
                col(OWNER),
                col(KIND),
                lit(null).cast(DataTypes.StringType).as(AllocationColumns.POOL),
                when(
                        col(KIND).equalTo(AllocationColumns.KIND_UNUSED_COMMITMENT),
                        lit("unused commitments: " + cfg.unusedPolicy().name().toLowerCase()))
                    .as(AllocationColumns.RULE),
                lit(null).cast(DataTypes.IntegerType).as(AllocationColumns.RULE_VERSION),
                col(FALLBACK),
                col(AMT)));

    // Direct cost no pool took: the proportional base and the default targets.
    Dataset<Row> unclaimed =
        base.where(col(CLAIM).isNull())
            .groupBy(col(PERIOD), col(DATE), col(CURRENCY), col(OWNER).as(TARGET))
            .agg(sum(col(AMT)).as(BASE));
    Set<String> excluded = new TreeSet<>(cfg.poolSourceOwners());
    excluded.add(cfg.unallocatedOwner());
    Dataset<Row> defaultTargets =
        unclaimed
            .where(col(BASE).notEqual(0).and(functions.not(col(TARGET).isin(excluded.toArray()))))
            .select(col(PERIOD), col(DATE), col(CURRENCY), col(TARGET));

    Dataset<Row> ledger = null; // received so far: period, date, currency, owner, amount
    for (Pool pool : PoolGraph.order(cfg, null)) {
      Dataset<Row> taken = base.where(col(CLAIM).equalTo(pool.name())).select(col(PERIOD), col(DATE), col(CURRENCY), col(OWNER), col(AMT));
      if (pool.selector().byOwner() && ledger != null) {
        taken = taken.unionByName(ledger.where(col(OWNER).isin(pool.selector().owners().toArray())));
      }
      Dataset<Row> given =
          taken.groupBy(col(PERIOD), col(DATE), col(CURRENCY), col(OWNER))
              .agg(sum(col(AMT)).cast(AllocationColumns.AMOUNT).as(AMT));
      Dataset<Row> days = given.groupBy(col(PERIOD), col(DATE), col(CURRENCY)).agg(sum(col(AMT)).as(TOTAL));

      Dataset<Row> cand;
      if (pool.targets().isEmpty()) {
        cand = days.join(defaultTargets, seq(PERIOD, DATE, CURRENCY), "left").withColumn(PCT, lit(null).cast(DataTypes.createDecimalType(30, 12)));
      } else {
        List<Row> t = new ArrayList<>();
        for (String target : pool.targets()) {
          BigDecimal pct = pool.shares().get(target);
          t.add(RowFactory.create(target, pct == null ? null : pct.setScale(12)));
        }
        StructType schema =
            new StructType()
                .add(TARGET, DataTypes.StringType)
                .add(PCT, DataTypes.createDecimalType(30, 12));
        cand = days.crossJoin(spark.createDataFrame(t, schema));
      }
      Column primary;
      switch (pool.method()) {
        case EVEN -> primary = lit(1);
        case FIXED -> primary = col(PCT);
        case PROPORTIONAL -> {
          cand = cand.join(unclaimed, seq(PERIOD, DATE, CURRENCY, TARGET), "left");
          primary = greatest(coalesce(col(BASE), lit(0)), lit(0));
        }
        case METRIC -> {
          Dataset<Row> m =
              metrics
                  .where(col(UnitCostColumns.METRIC_NAME).equalTo(pool.metric()))
                  .groupBy(
                      col(UnitCostColumns.METRIC_DATE).as(DATE),
                      col(UnitCostColumns.METRIC_DIMENSION).as(TARGET))
                  .agg(sum(col(UnitCostColumns.METRIC_QUANTITY)).as(BASE));
          cand = cand.join(m, seq(DATE, TARGET), "left");
          primary = greatest(coalesce(col(BASE), lit(0)), lit(0));
        }
        default -> throw new IllegalStateException(pool.method().toString());
      }
      Column sumPrimary = sum(col(PRIMARY)).over(Window.partitionBy(col(PERIOD), col(DATE), col(CURRENCY)));
      Column noBase = sumPrimary.isNull().or(sumPrimary.leq(0));
      Column fallbackWeight = pool.fallback() == Method.FIXED ? coalesce(col(PCT), lit(1)) : lit(1);
      cand =
          cand.withColumn(PRIMARY, primary.cast(ExactSplit.WEIGHT))
              .withColumn(
                  FALLBACK,
                  when(col(TARGET).isNull(), lit("no target owner with direct cost on the day: kept by " + cfg.unallocatedOwner()))
                      .when(noBase, lit("no " + pool.method().label() + " base on the day: split " + pool.fallback().label())))
              .withColumn(WEIGHT, when(noBase, fallbackWeight).otherwise(col(PRIMARY)))
              .withColumn(TARGET, coalesce(col(TARGET), lit(cfg.unallocatedOwner())));
      Dataset<Row> received =
          ExactSplit.split(cand, DAY, TOTAL, TARGET, WEIGHT, AMT)
              .select(col(PERIOD), col(DATE), col(CURRENCY), col(TARGET).as(OWNER), col(FALLBACK), col(AMT))
              .localCheckpoint();

      Column poolName = lit(pool.name());
      Column rule = lit(pool.rule());
      Column version = lit(pool.version());
      parts.add(
          given.select(
              col(PERIOD), col(DATE), col(CURRENCY), col(OWNER),
              lit(AllocationColumns.KIND_GIVEN).as(KIND), poolName.as(AllocationColumns.POOL),
              rule.as(AllocationColumns.RULE), version.as(AllocationColumns.RULE_VERSION),
              lit(null).cast(DataTypes.StringType).as(FALLBACK),
              functions.negate(col(AMT)).cast(AllocationColumns.AMOUNT).as(AMT)));
      parts.add(
          received.select(
              col(PERIOD), col(DATE), col(CURRENCY), col(OWNER),
              lit(AllocationColumns.KIND_RECEIVED).as(KIND), poolName.as(AllocationColumns.POOL),
              rule.as(AllocationColumns.RULE), version.as(AllocationColumns.RULE_VERSION),
              col(FALLBACK), col(AMT)));
      Dataset<Row> r = received.select(col(PERIOD), col(DATE), col(CURRENCY), col(OWNER), col(AMT));
      ledger = ledger == null ? r : ledger.unionByName(r);
    }
    Dataset<Row> all = parts.get(0);
    for (int i = 1; i < parts.size(); i++) {
      all = all.unionByName(parts.get(i));
    }
    return all.withColumn(AllocationColumns.OWNER_COLUMN, lit(cfg.ownerColumn()))
        .select(COLUMNS.stream().map(c -> col(c)).toArray(Column[]::new));
  }

  /**
   * {@code allocation_conservation}: per pool, billing period, day and currency, Σ given (as a
   * positive amount) and Σ received, their difference and whether it is within the tolerance.
   */
  public static Dataset<Row> conservation(Dataset<Row> allocated, BigDecimal tolerance) {
    Column isGiven = col(KIND).equalTo(AllocationColumns.KIND_GIVEN);
    Column isReceived = col(KIND).equalTo(AllocationColumns.KIND_RECEIVED);
    Column zero = ExactSplit.zero();
    Column given = sum(when(isGiven, functions.negate(col(AMT))).otherwise(zero)).cast(ExactSplit.TOTAL);
    Column received = sum(when(isReceived, col(AMT)).otherwise(zero)).cast(ExactSplit.TOTAL);
    Column tol = lit(tolerance).cast(ExactSplit.TOTAL);
    return allocated
        .where(isGiven.or(isReceived))
        .groupBy(col(AllocationColumns.POOL), col(PERIOD), col(DATE), col(CURRENCY))
        .agg(
            given.as(AllocationColumns.GIVEN),
            received.as(AllocationColumns.RECEIVED),
            countDistinct(when(isGiven, col(OWNER))).as(AllocationColumns.GIVERS),
            countDistinct(when(isReceived, col(OWNER))).as(AllocationColumns.RECEIVERS))
        .withColumn(
            AllocationColumns.DIFFERENCE,
            col(AllocationColumns.RECEIVED).minus(col(AllocationColumns.GIVEN)))
        .withColumn(AllocationColumns.TOLERANCE, tol)
        .withColumn(AllocationColumns.BALANCED, abs(col(AllocationColumns.DIFFERENCE)).leq(tol))
        .select(
            col(PERIOD), col(DATE), col(CURRENCY), col(AllocationColumns.POOL),
            col(AllocationColumns.GIVEN).cast(AllocationColumns.AMOUNT).as(AllocationColumns.GIVEN),
            col(AllocationColumns.RECEIVED).cast(AllocationColumns.AMOUNT).as(AllocationColumns.RECEIVED),
            col(AllocationColumns.DIFFERENCE).cast(AllocationColumns.AMOUNT).as(AllocationColumns.DIFFERENCE),
            col(AllocationColumns.TOLERANCE).cast(AllocationColumns.AMOUNT).as(AllocationColumns.TOLERANCE),
            col(AllocationColumns.BALANCED),
            col(AllocationColumns.GIVERS),
            col(AllocationColumns.RECEIVERS));
  }

  /** The owner of a silver row: the owner column trimmed; null, blank or absent is unallocated. */
  static Column ownerOf(Dataset<Row> silver, AllocationConfig cfg) {
    boolean present = Arrays.asList(silver.columns()).contains(cfg.ownerColumn());
    Column raw = present ? trim(col(cfg.ownerColumn()).cast(DataTypes.StringType)) : lit(null).cast(DataTypes.StringType);
    return when(raw.isNull().or(raw.equalTo("")), lit(cfg.unallocatedOwner())).otherwise(raw);
  }

  /** The first pool (configuration order) whose selector matches a silver row, or null. */
  static Column claim(AllocationConfig cfg, Column owner) {
    Column out = null;
    for (Pool p : cfg.pools()) {
      Column m = matches(p.selector(), owner);
      out = out == null ? when(m, lit(p.name())) : out.when(m, lit(p.name()));
    }
    return out == null ? lit(null).cast(DataTypes.StringType) : out;
  }

  private static Column matches(Selector s, Column owner) {
    if (s.byOwner()) {
      return owner.isin(s.owners().toArray());
    }
    Column m = lit(true);
    if (!s.services().isEmpty()) {
      m = m.and(col(Focus.ServiceName).isin(s.services().toArray()));
    }
    if (!s.accounts().isEmpty()) {
      Object[] a = s.accounts().toArray();
      m = m.and(coalesce(col(Focus.BillingAccountId).isin(a), lit(false)).or(coalesce(col(Focus.SubAccountId).isin(a), lit(false))));
    }
    if (s.tagKey() != null) {
      m = m.and(functions.try_element_at(col(Focus.X_TAGS_MAP), lit(s.tagKey())).isin(s.tagValues().toArray()));
    }
    return coalesce(m, lit(false));
  }

  /**
   * Countable silver rows summed to (period, day, currency, owner, kind, claim), with unused
   * commitment cost attributed by the policy. Columns: period, date, currency, owner, kind, claim,
   * fallback, amount. Locally checkpointed: small, and read once per pool.
   */
  static Dataset<Row> attributed(Dataset<Row> silver, Column owner, AllocationConfig cfg) {
    Column unused = coalesce(col(Focus.CommitmentDiscountStatus).equalTo("Unused"), lit(false));
    Dataset<Row> rows =
        CostDaily.countable(silver)
            .select(
                col(PERIOD),
                col(Focus.X_CHARGE_DATE).as(DATE),
                col(CURRENCY),
                owner.as(OWNER),
                when(unused, lit(AllocationColumns.KIND_UNUSED_COMMITMENT)).otherwise(lit(AllocationColumns.KIND_DIRECT)).as(KIND),
                when(unused, col(Focus.CommitmentDiscountId)).as(COMMITMENT),
                claim(cfg, owner).as(CLAIM),
                coalesce(col(Focus.EffectiveCost), lit(0).cast(Focus.DECIMAL)).as(AMT))
            .groupBy(col(PERIOD), col(DATE), col(CURRENCY), col(OWNER), col(KIND), col(COMMITMENT), col(CLAIM))
            .agg(sum(col(AMT)).cast(AllocationColumns.AMOUNT).as(AMT));
    Column noFallback = lit(null).cast(DataTypes.StringType);
    if (cfg.unusedPolicy() == UnusedPolicy.PURCHASER) {
      return rows.withColumn(FALLBACK, noFallback).drop(COMMITMENT).localCheckpoint();
    }
    Dataset<Row> direct = rows.where(col(KIND).equalTo(AllocationColumns.KIND_DIRECT)).withColumn(FALLBACK, noFallback).drop(COMMITMENT);
    Dataset<Row> consumers =
        CostDaily.countable(silver)
            .where(coalesce(col(Focus.CommitmentDiscountStatus).equalTo("Used"), lit(false)).and(col(Focus.CommitmentDiscountId).isNotNull()))
            .groupBy(col(Focus.X_CHARGE_DATE).as(DATE), col(CURRENCY), col(Focus.CommitmentDiscountId).as(COMMITMENT), owner.as(TARGET))
            .agg(sum(col(Focus.EffectiveCost)).as(WEIGHT))
            .where(col(WEIGHT).gt(0));
    List<String> keys = List.of(PERIOD, DATE, CURRENCY, OWNER, KIND, COMMITMENT, CLAIM);
    Dataset<Row> joined =
        rows.where(col(KIND).equalTo(AllocationColumns.KIND_UNUSED_COMMITMENT))
            .join(consumers, seq(DATE, CURRENCY, COMMITMENT), "left");
    Dataset<Row> kept =
        joined.where(col(TARGET).isNull())
            .withColumn(FALLBACK, lit("no Used rows of the commitment on the day: kept by the purchaser"))
            .select(col(PERIOD), col(DATE), col(CURRENCY), col(OWNER), col(KIND), col(CLAIM), col(AMT), col(FALLBACK));
    Dataset<Row> spread =
        ExactSplit.split(joined.where(col(TARGET).isNotNull()).withColumnRenamed(AMT, TOTAL), keys, TOTAL, TARGET, WEIGHT, AMT)
            .select(col(PERIOD), col(DATE), col(CURRENCY), col(TARGET).as(OWNER), col(KIND), col(CLAIM), col(AMT), noFallback.as(FALLBACK));
    return direct.unionByName(kept).unionByName(spread).localCheckpoint();
  }

  private static scala.collection.immutable.Seq<String> seq(String... cols) {
    return scala.jdk.javaapi.CollectionConverters.asScala(Arrays.asList(cols)).toList();
  }
}
