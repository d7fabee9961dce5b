package dev.costlake.cli;

import dev.costlake.jobs.Pipeline;
import picocli.CommandLine.Command;

@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = {
      "Discover landing files, detect their format and copy their raw rows (all columns as",
      "text, with lineage) to bronze_<source>. Needs bronze.enabled = true."
    })
final class IngestCommand extends PipelineCommand {
  @Override
  void steps(Pipeline p) {
    p.ingest(p.discover());
  }
}
