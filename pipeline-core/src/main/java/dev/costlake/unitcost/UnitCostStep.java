package dev.costlake.unitcost;

import dev.costlake.config.PipelineConfig;
import dev.costlake.gold.GoldStep;
import dev.costlake.io.Warehouse;
import dev.costlake.model.Focus;
import dev.costlake.model.Tables;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Gold step writing {@code unit_cost_daily} and {@code unit_cost_monthly} from {@code
 * cost_allocated_daily} (so it runs after the allocation step) and the business metrics.
 */
public final class UnitCostStep implements GoldStep {
  @Override
  public String name() {
    return "unit_cost";
  }

  @Override
  public void validate(PipelineConfig config) {
    if (!UnitCostConfig.from(config).isEmpty()) {
      BusinessMetrics.Source.from(config).require("unit-costs");
    }
  }

  @Override
  public void build(Context ctx) {
    List<UnitCostConfig> defs = UnitCostConfig.from(ctx.config());
    Warehouse wh = ctx.warehouse();
    if (defs.isEmpty() || !wh.exists(Tables.COST_ALLOCATED_DAILY)) {
      return;
    }
    Dataset<Row> metrics = BusinessMetrics.read(ctx.spark(), BusinessMetrics.Source.from(ctx.config()));
    Dataset<Row> allocated = wh.read(Tables.COST_ALLOCATED_DAILY).where(ctx.periodCondition());
    List<String> partition = List.of(Focus.X_BILLING_PERIOD);
    wh.replace(UnitCosts.daily(allocated, metrics, defs), Tables.UNIT_COST_DAILY, ctx.periodCondition(), partition, false);
    Dataset<Row> daily = wh.read(Tables.UNIT_COST_DAILY).where(ctx.periodCondition());
    wh.replace(UnitCosts.monthly(daily), Tables.UNIT_COST_MONTHLY, ctx.periodCondition(), partition, false);
    ctx.progress().accept(name(), defs.size() + " unit cost definitions in " + ctx.periods());
  }
}
