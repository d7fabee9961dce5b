package dev.costlake.cli;

import dev.costlake.jobs.Pipeline;
import picocli.CommandLine.Command;

@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = {
      "Discover landing files, detect their format, copy raw rows to bronze_<source> and",
      "record every file in ingestion_log."
    })
final class IngestCommand extends PipelineCommand {
  @Override
  void steps(Pipeline p) {
    p.ingest(p.discover());
  }
}
