package dev.costlake.commitments;

import dev.costlake.gold.GoldStep;
import dev.costlake.io.Warehouse;
import dev.costlake.model.Focus;
import dev.costlake.model.Tables;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

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
    // A commitment's rows of every period, read once (few): utilization for the run's periods,
    // the inventory from all of them. Coverage needs all usage rows: from the run's summary.
    Dataset<Row> committed =
        CommitmentRows.committed(wh.read(Tables.COST_LINE_ITEMS)).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Dataset<Row> inPeriods = committed.where(cond);
      wh.replace(CommitmentUtilization.daily(inPeriods), Tables.COMMITMENT_UTILIZATION_DAILY, cond, byPeriod, false);
      wh.replace(CommitmentUtilization.monthly(inPeriods), Tables.COMMITMENT_UTILIZATION_MONTHLY, cond, byPeriod, false);
      wh.replace(CommitmentCoverage.daily(ctx.summary().rows(), rules), Tables.COMMITMENT_COVERAGE_DAILY, cond, byPeriod, false);
      wh.replace(CommitmentInventory.compute(committed), Tables.COMMITMENT_INVENTORY, "true", List.of(), false);
    } finally {
      committed.unpersist(false);
    }
    ctx.progress().accept("gold", "rebuilt commitment utilization and coverage for periods " + ctx.periods()
        + " (eligibility rules: " + rules.origin() + "), and " + Tables.COMMITMENT_INVENTORY);
  }
}
