package dev.costlake.jobs;

import dev.costlake.model.Tables;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Appends one row per run to {@code pipeline_runs}: what ran, how long each step took, outcome. */
public final class RunLog {
  private RunLog() {}

  static final StructType SCHEMA =
      new StructType()
          .add("run_id", DataTypes.StringType)
          .add("job", DataTypes.StringType)
          .add("arguments", DataTypes.StringType)
          .add("started_at", DataTypes.TimestampType)
          .add("ended_at", DataTypes.TimestampType)
          .add("duration_ms", DataTypes.LongType)
          .add("outcome", DataTypes.StringType)
          .add("error", DataTypes.StringType)
          .add("step_ms", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType))
          .add("counters", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType));

  public static void write(
      RunContext ctx, String job, List<String> args, Pipeline p, Throwable error) {
    Instant end = Instant.now();
    Row row =
        RowFactory.create(
            ctx.runId(),
            job,
            String.join(" ", args),
            new Timestamp(ctx.started().toEpochMilli()),
            new Timestamp(end.toEpochMilli()),
            end.toEpochMilli() - ctx.started().toEpochMilli(),
            error == null ? "SUCCEEDED" : "FAILED",
            error == null ? null : String.valueOf(error.getMessage()),
            scalaMap(p == null ? Map.of() : p.stepMillis()),
            scalaMap(p == null ? Map.of() : p.counters()));
    try {
      ctx.warehouse()
          .append(ctx.spark().createDataFrame(List.of(row), SCHEMA), Tables.PIPELINE_RUNS, false);
    } catch (Exception e) { // also SparkException (checked in Java, thrown unchecked), e.g. after the session died
      ctx.progress().step("run-log", "could not write " + Tables.PIPELINE_RUNS + ": " + e.getMessage());
    }
  }

  private static Map<String, Long> scalaMap(Map<String, Long> m) {
    return new java.util.LinkedHashMap<>(m);
  }
}
