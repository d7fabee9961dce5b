package dev.costlake.cli;

import dev.costlake.errors.Errors;
import dev.costlake.jobs.Pipeline;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "nightly",
    mixinStandardHelpOptions = true,
    description = {
      "Run the whole pipeline incrementally: find the landing files that changed since the last",
      "run, re-read every (source, billing account, billing period) unit they touch plus the open",
      "and last closed month, atomically replace the units whose content changed in silver",
      "(cost_line_items), quarantine and gold (cost_daily), record period_versions, reconcile",
      "and log the run."
    })
final class NightlyCommand extends PipelineCommand {
  @Option(names = "--full-refresh", description = "Re-read every landing file and rebuild every unit of the configured sources.")
  boolean fullRefresh;

  @Option(names = "--periods", paramLabel = "YYYY-MM[,YYYY-MM...]", split = ",", description = "Reprocess exactly these billing periods (backfill), whether or not their files changed.")
  List<String> periods = new ArrayList<>();

  @Override
  void steps(Pipeline p) {
    Set<String> ps = new TreeSet<>();
    for (String period : periods) {
      if (!period.trim().matches("\\d{4}-\\d{2}")) {
        throw Errors.usage("--periods expects billing periods like 2026-09, got '" + period + "'");
      }
      ps.add(period.trim());
    }
    if (fullRefresh && !ps.isEmpty()) {
      throw Errors.usage("--full-refresh and --periods exclude each other: a full refresh rebuilds every period.");
    }
    p.nightly(p.discover(), new Pipeline.Options(fullRefresh, ps));
  }

  @Override
  List<String> arguments() {
    List<String> args = new ArrayList<>(super.arguments());
    if (fullRefresh) {
      args.add("--full-refresh");
    }
    if (!periods.isEmpty()) {
      args.add("--periods " + String.join(",", periods));
    }
    return args;
  }
}
