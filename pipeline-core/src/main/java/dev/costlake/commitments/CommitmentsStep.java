package dev.costlake.commitments;

import dev.costlake.gold.GoldStep;
import dev.costlake.io.Warehouse;
import dev.costlake.model.Focus;
import dev.costlake.model.Tables;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Builds the commitment tables: utilization (daily, monthly) and coverage for the periods of the
 * run, each period replaced in one commit per table; then the inventory, rebuilt whole from every
 * commitment row of silver (it is small, and a commitment spans many periods).
 */
public final class CommitmentsStep implements GoldStep {
  /** Configuration key (under costlake) of an eligibility rules CSV replacing the bundled one. */
  public static final String RULES_KEY = "commitments.eligibility-rules";

  @Override
  public String name() {
    return "commitments";
  }

  /** The eligibility rules a run uses: the configured CSV, or the bundled table. */
  public static EligibilityRules rules(Context ctx) {
    com.typesafe.config.Config raw = ctx.config().raw();
    String path = raw != null && raw.hasPath(RULES_KEY) ? raw.getString(RULES_KEY).trim() : "";
    if (path.isEmpty()) {
      return EligibilityRules.bundled();
    }
    return EligibilityRules.load(path, ctx.spark().sparkContext().hadoopConfiguration());
  }

  @Override
  public void build(Context ctx) {
    Warehouse wh = ctx.warehouse();
    if (!wh.exists(Tables.COST_LINE_ITEMS)) {
      return;
    }
    EligibilityRules rules = rules(ctx);
    String cond = ctx.periodCondition();
    List<String> byPeriod = List.of(Focus.X_BILLING_PERIOD);
    Dataset<Row> silver = wh.read(Tables.COST_LINE_ITEMS).where(cond);
    wh.replace(CommitmentUtilization.daily(silver), Tables.COMMITMENT_UTILIZATION_DAILY, cond, byPeriod, false);
    wh.replace(CommitmentUtilization.monthly(silver), Tables.COMMITMENT_UTILIZATION_MONTHLY, cond, byPeriod, false);
    wh.replace(CommitmentCoverage.daily(silver, rules), Tables.COMMITMENT_COVERAGE_DAILY, cond, byPeriod, false);
    wh.replace(
        CommitmentInventory.compute(wh.read(Tables.COST_LINE_ITEMS)),
        Tables.COMMITMENT_INVENTORY,
        "true",
        List.of(),
        false);
    ctx.progress().accept("gold", "rebuilt commitment utilization and coverage for periods " + ctx.periods()
        + " (eligibility rules: " + rules.origin() + "), and " + Tables.COMMITMENT_INVENTORY);
  }
}
