package dev.costlake.cli;

import dev.costlake.config.PipelineConfig;
import dev.costlake.io.Warehouse;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "tables",
    mixinStandardHelpOptions = true,
    description = "List the warehouse's tables with row counts and Delta versions.")
final class TablesCommand implements Callable<Integer> {
  @Mixin ConfigOptions configOptions;
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PipelineConfig config = configOptions.load();
    Warehouse wh = new Warehouse(Sessions.get(config), config);
    java.io.PrintWriter out = spec.commandLine().getOut();
    List<String> tables = wh.tables();
    if (tables.isEmpty()) {
      out.println("No tables in " + config.warehouse() + " yet: run 'finops nightly' first.");
      return 0;
    }
    out.printf("%-28s %12s %8s  %s%n", "table", "rows", "version", "path");
    for (String t : tables) {
      long[] cv = wh.countAndVersion(t);
      out.printf("%-28s %12d %8d  %s%n", t, cv[0], cv[1], wh.path(t));
    }
    out.flush();
    return 0;
  }
}
