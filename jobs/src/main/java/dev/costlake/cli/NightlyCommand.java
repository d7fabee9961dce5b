package dev.costlake.cli;

import dev.costlake.jobs.Pipeline;
import picocli.CommandLine.Command;

@Command(
    name = "nightly",
    mixinStandardHelpOptions = true,
    description = {
      "Run the whole pipeline: discover landing files, ingest to bronze, normalize to silver",
      "(cost_line_items) and quarantine, rebuild gold (cost_daily), reconcile, log the run."
    })
final class NightlyCommand extends PipelineCommand {
  @Override
  void steps(Pipeline p) {
    var landed = p.discover();
    p.ingest(landed);
    p.transform(landed);
  }
}
