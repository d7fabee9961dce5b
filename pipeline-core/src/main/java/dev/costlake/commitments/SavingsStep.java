package dev.costlake.commitments;

import dev.costlake.gold.GoldStep;
import dev.costlake.io.Warehouse;
import dev.costlake.model.Focus;
import dev.costlake.model.Tables;
import java.util.List;

/** Builds {@code savings_daily} for the periods of the run, one commit per run. */
public final class SavingsStep implements GoldStep {
  @Override
  public String name() {
    return "savings";
  }

  @Override
  public void build(Context ctx) {
    Warehouse wh = ctx.warehouse();
    if (!wh.exists(Tables.COST_LINE_ITEMS)) {
      return;
    }
    String cond = ctx.periodCondition();
    wh.replace(
        Savings.daily(ctx.summary().rows()),
        Tables.SAVINGS_DAILY,
        cond,
        List.of(Focus.X_BILLING_PERIOD),
        false);
    ctx.progress().accept("gold", "rebuilt " + Tables.SAVINGS_DAILY + " for periods " + ctx.periods());
  }
}
