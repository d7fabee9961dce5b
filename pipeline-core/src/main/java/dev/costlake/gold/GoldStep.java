package dev.costlake.gold;

import dev.costlake.config.PipelineConfig;
import dev.costlake.io.Warehouse;
import java.util.Set;
import java.util.function.BiConsumer;
import org.apache.spark.sql.SparkSession;

/**
 * A derived table family built after silver and {@code cost_daily}: it reads the run's {@link
 * SilverSummary} or silver (and earlier steps' tables) for the billing periods the run touched
 * and replaces those periods in its own tables, each table in one commit. Steps run in the
 * order {@link GoldSteps#all} lists them.
 */
public interface GoldStep {
  /** Short name, shown in progress and step timings. */
  String name();

  /**
   * Checks the step's configuration before anything runs; throws a configuration error (exit
   * code 2) naming the key at fault.
   */
  default void validate(PipelineConfig config) {}

  /** Rebuilds this step's tables for {@code ctx.periods()} (never empty). */
  void build(Context ctx);

  /**
   * What a step gets: session, warehouse, configuration, the periods to rebuild, progress, and the
   * summary of silver's rows in those periods (computed once per run, on first use).
   */
  record Context(
      SparkSession spark,
      Warehouse warehouse,
      PipelineConfig config,
      Set<String> periods,
      String runId,
      BiConsumer<String, String> progress,
      SilverSummary summary) {

    /** SQL predicate on {@code x_BillingPeriod} selecting the periods to rebuild. */
    public String periodCondition() {
      StringBuilder sb = new StringBuilder(dev.costlake.model.Focus.X_BILLING_PERIOD + " IN (");
      boolean first = true;
      for (String p : periods) {
        sb.append(first ? "" : ", ").append('\'').append(p.replace("'", "''")).append('\'');
        first = false;
      }
      return sb.append(')').toString();
    }
  }
}
