package dev.costlake.cli;

import dev.costlake.config.PipelineConfig;
import dev.costlake.jobs.Pipeline;
import dev.costlake.jobs.Progress;
import dev.costlake.jobs.RunContext;
import dev.costlake.jobs.RunLog;
import dev.costlake.io.WarehouseLock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Shared body of nightly, ingest and transform: set up a run, do the steps, log the run. */
abstract class PipelineCommand implements Callable<Integer> {
  @Mixin ConfigOptions configOptions;
  @Spec CommandSpec spec;

  abstract void steps(Pipeline pipeline);

  @Override
  public Integer call() {
    PipelineConfig config = configOptions.load();
    dev.costlake.gold.GoldSteps.all().forEach(step -> step.validate(config));
    Progress progress = new Progress(spec.commandLine().getErr());
    progress.step(spec.name(), "config " + config.origin() + "; landing " + config.landing() + "; warehouse " + config.warehouse());
    RunContext ctx = RunContext.start(config, Sessions.get(config), progress);
    progress.step(spec.name(), "run " + ctx.runId());
    Pipeline pipeline = new Pipeline(ctx);
    Throwable failure = null;
    WarehouseLock.Acquired lock =
        WarehouseLock.acquire(
            ctx.spark().sparkContext().hadoopConfiguration(),
            config.warehouse(),
            ctx.runId(),
            spec.name(),
            Duration.ofMinutes(config.raw().getLong("lock.stale-after-minutes")),
            Duration.ofSeconds(config.raw().getLong("lock.heartbeat-seconds")));
    if (lock.tookOverFrom() != null) {
      progress.step(spec.name(), "took over a stale warehouse lock of run " + lock.tookOverFrom());
    }
    try (WarehouseLock held = lock.lock()) {
      steps(pipeline);
      return 0;
    } catch (Throwable e) { // Spark's SparkException is checked in Java but thrown unchecked
      failure = e;
      throw e;
    } finally {
      RunLog.write(ctx, spec.name(), arguments(), pipeline, failure);
      progress.step(spec.name(), failure == null ? "done" : "FAILED");
    }
  }

  /** Arguments recorded in pipeline_runs. */
  List<String> arguments() {
    return configOptions.describe();
  }
}
