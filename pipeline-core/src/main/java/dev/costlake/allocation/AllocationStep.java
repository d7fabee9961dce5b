package dev.costlake.allocation;

import static org.apache.spark.sql.functions.col;

import dev.costlake.config.PipelineConfig;
import dev.costlake.errors.PipelineException;
import dev.costlake.errors.Errors;
import dev.costlake.gold.GoldStep;
import dev.costlake.io.Warehouse;
import dev.costlake.model.AllocationColumns;
import dev.costlake.model.Focus;
import dev.costlake.model.Tables;
import dev.costlake.unitcost.BusinessMetrics;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Gold step writing {@code cost_allocated_daily} and {@code allocation_conservation} for the
 * periods of the run, then checking that every pool balanced (a pool that did not fails the run).
 */
public final class AllocationStep implements GoldStep {
  @Override
  public String name() {
    return "allocation";
  }

  @Override
  public void validate(PipelineConfig config) {
    AllocationConfig cfg = AllocationConfig.from(config);
    if (cfg.needsMetrics()) {
      BusinessMetrics.Source.from(config).require("allocation pools with method metric");
    }
  }

  @Override
  public void build(Context ctx) {
    AllocationConfig cfg = AllocationConfig.from(ctx.config());
    Warehouse wh = ctx.warehouse();
    if (!wh.exists(Tables.COST_LINE_ITEMS)) {
      return;
    }
    Dataset<Row> silver = wh.read(Tables.COST_LINE_ITEMS).where(ctx.periodCondition());
    Dataset<Row> metrics =
        cfg.needsMetrics() ? BusinessMetrics.read(ctx.spark(), BusinessMetrics.Source.from(ctx.config())) : null;
    Dataset<Row> allocated = SharedCostAllocator.allocate(silver, metrics, cfg);
    List<String> partition = List.of(Focus.X_BILLING_PERIOD);
    wh.replace(allocated, Tables.COST_ALLOCATED_DAILY, ctx.periodCondition(), partition, false);
    Dataset<Row> written = wh.read(Tables.COST_ALLOCATED_DAILY).where(ctx.periodCondition());
    wh.replace(
        SharedCostAllocator.conservation(written, cfg.tolerance()),
        Tables.ALLOCATION_CONSERVATION,
        ctx.periodCondition(),
        partition,
        false);
    Dataset<Row> unbalanced =
        wh.read(Tables.ALLOCATION_CONSERVATION)
            .where(ctx.periodCondition())
            .where(col(AllocationColumns.BALANCED).equalTo(false));
    List<Row> first = unbalanced.orderBy(AllocationColumns.POOL, AllocationColumns.CHARGE_DATE).limit(1).collectAsList();
    ctx.progress().accept(name(), cfg.pools().size() + " pools, " + (first.isEmpty() ? "every pool balanced" : "UNBALANCED") + " in " + ctx.periods());
    if (!first.isEmpty()) {
      Row r = first.get(0);
      throw new PipelineException(
          Errors.EXIT_FAILURE,
          "Allocation conservation failed: pool '" + r.getAs(AllocationColumns.POOL) + "' on "
              + r.getAs(AllocationColumns.CHARGE_DATE) + " (" + r.getAs(Focus.BillingCurrency) + ") gave "
              + r.getAs(AllocationColumns.GIVEN) + " but its targets received " + r.getAs(AllocationColumns.RECEIVED)
              + ". Inspect allocation_conservation; this is a bug, please report it.",
          null);
    }
  }
}
