package dev.costlake.cli;

import dev.costlake.config.PipelineConfig;
import dev.costlake.spark.SparkSessions;
import org.apache.spark.sql.SparkSession;

/** The CLI's SparkSession; stopped at exit only when this process created it. */
final class Sessions {
  private static SparkSession owned;

  private Sessions() {}

  static synchronized SparkSession get(PipelineConfig config) {
    boolean existed =
        SparkSession.getActiveSession().isDefined() || SparkSession.getDefaultSession().isDefined();
    SparkSession s = SparkSessions.getOrCreate(config);
    if (!existed) {
      owned = s;
    }
    return s;
  }

  static synchronized void stopIfOwned() {
    if (owned != null) {
      owned.stop();
      owned = null;
    }
  }
}
