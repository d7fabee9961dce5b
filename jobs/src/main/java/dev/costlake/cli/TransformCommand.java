package dev.costlake.cli;

import dev.costlake.jobs.Pipeline;
import picocli.CommandLine.Command;

@Command(
    name = "transform",
    mixinStandardHelpOptions = true,
    description = {
      "Normalize bronze rows to silver (cost_line_items) and quarantine_line_items, rebuild",
      "cost_daily for the periods touched, and reconcile. Needs a prior 'ingest'."
    })
final class TransformCommand extends PipelineCommand {
  @Override
  void steps(Pipeline p) {
    p.transform(p.discover());
  }
}
