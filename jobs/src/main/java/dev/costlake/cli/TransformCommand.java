package dev.costlake.cli;

import dev.costlake.jobs.Pipeline;
import picocli.CommandLine.Command;

@Command(
    name = "transform",
    mixinStandardHelpOptions = true,
    description = {
      "Rebuild silver (cost_line_items), quarantine_line_items and cost_daily of the configured",
      "sources from their bronze tables, and reconcile. Needs a prior 'ingest' (bronze.enabled)."
    })
final class TransformCommand extends PipelineCommand {
  @Override
  void steps(Pipeline p) {
    p.transform(p.discover());
  }
}
