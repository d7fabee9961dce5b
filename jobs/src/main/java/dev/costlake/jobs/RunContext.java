package dev.costlake.jobs;

import dev.costlake.config.PipelineConfig;
import dev.costlake.io.Warehouse;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import org.apache.spark.sql.SparkSession;

/** What a run carries: its id, start time, configuration, session, warehouse and progress. */
public record RunContext(
    String runId,
    Instant started,
    PipelineConfig config,
    SparkSession spark,
    Warehouse warehouse,
    Progress progress) {

  public static RunContext start(PipelineConfig config, SparkSession spark, Progress progress) {
    Instant now = Instant.now();
    String id =
        DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(now)
            + "-"
            + UUID.randomUUID().toString().substring(0, 8);
    return new RunContext(id, now, config, spark, new Warehouse(spark, config), progress);
  }
}
