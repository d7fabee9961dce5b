package dev.costlake.cli;

import dev.costlake.config.PipelineConfig;
import dev.costlake.jobs.Pipeline;
import dev.costlake.jobs.Progress;
import dev.costlake.jobs.RunContext;
import dev.costlake.jobs.RunLog;
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
    Progress progress = new Progress(spec.commandLine().getErr());
    progress.step(spec.name(), "config " + config.origin() + "; landing " + config.landing() + "; warehouse " + config.warehouse());
    RunContext ctx = RunContext.start(config, Sessions.get(config), progress);
    progress.step(spec.name(), "run " + ctx.runId());
    Pipeline pipeline = new Pipeline(ctx);
    Throwable failure = null;
    try {
      steps(pipeline);
      return 0;
    } catch (RuntimeException e) {
      failure = e;
      throw e;
    } finally {
      RunLog.write(ctx, spec.name(), configOptions.describe(), pipeline, failure);
      progress.step(spec.name(), failure == null ? "done" : "FAILED");
    }
  }

  List<Pipeline.Landed> discover(Pipeline p) {
    return p.discover();
  }
}
