package dev.costlake.cli;

import dev.costlake.config.PipelineConfig;
import dev.costlake.errors.Errors;
import dev.costlake.io.Warehouse;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "sql",
    mixinStandardHelpOptions = true,
    description = {
      "Run a SQL query against the warehouse. Every table is a view of its own name,",
      "e.g. finops sql \"select * from cost_daily order by ChargeDate limit 10\"."
    })
final class SqlCommand implements Callable<Integer> {
  enum Format {
    table,
    csv,
    json
  }

  @Mixin ConfigOptions configOptions;
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "QUERY", description = "One or more SQL queries, run in order.")
  List<String> queries;

  @Option(names = "--format", description = "table, csv or json (one object per line) (default: ${DEFAULT-VALUE}).", defaultValue = "table")
  Format format;

  @Option(names = "--limit", description = "Most rows printed (default: ${DEFAULT-VALUE}).", defaultValue = "1000")
  int limit;

  @Override
  public Integer call() {
    PipelineConfig config = configOptions.load();
    SparkSession spark = Sessions.get(config);
    new Warehouse(spark, config).registerViews();
    PrintWriter out = spec.commandLine().getOut();
    for (int i = 0; i < queries.size(); i++) {
      if (i > 0) {
        out.println();
      }
      run(spark, queries.get(i), out);
    }
    out.flush();
    return 0;
  }

  private void run(SparkSession spark, String query, PrintWriter out) {
    Dataset<Row> df;
    try {
      df = spark.sql(query);
    } catch (Exception e) {
      if (e instanceof org.apache.spark.sql.AnalysisException ae) {
        throw Errors.usage("The query is not valid: " + ae.getSimpleMessage());
      }
      throw e;
    }
    switch (format) {
      case csv:
        printCsv(df, out);
        break;
      case json:
        for (String line : df.toJSON().takeAsList(limit)) {
          out.println(line);
        }
        break;
      default:
        printTable(df, out);
    }
  }

  private List<String[]> cells(Dataset<Row> df) {
    List<String[]> rows = new ArrayList<>();
    rows.add(df.columns());
    for (Row r : df.takeAsList(limit)) {
      String[] cells = new String[r.size()];
      for (int i = 0; i < r.size(); i++) {
        Object v = r.get(i);
        cells[i] = v == null ? null : v instanceof BigDecimal b ? b.toPlainString() : String.valueOf(v);
      }
      rows.add(cells);
    }
    return rows;
  }

  private void printCsv(Dataset<Row> df, PrintWriter out) {
    for (String[] r : cells(df)) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < r.length; i++) {
        sb.append(i > 0 ? "," : "").append(r[i] == null ? "" : csv(r[i]));
      }
      out.println(sb);
    }
  }

  private void printTable(Dataset<Row> df, PrintWriter out) {
    List<String[]> rows = cells(df);
    int[] w = new int[rows.get(0).length];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        w[i] = Math.max(w[i], r[i] == null ? 4 : r[i].length());
      }
    }
    StringBuilder line = new StringBuilder("+");
    for (int width : w) {
      line.append("-".repeat(width + 2)).append('+');
    }
    out.println(line);
    for (int n = 0; n < rows.size(); n++) {
      StringBuilder sb = new StringBuilder("|");
      for (int i = 0; i < w.length; i++) {
        String v = rows.get(n)[i] == null ? "null" : rows.get(n)[i];
        sb.append(' ').append(v).append(" ".repeat(w[i] - v.length())).append(" |");
      }
      out.println(sb);
      if (n == 0) {
        out.println(line);
      }
    }
    out.println(line);
    out.println((rows.size() - 1) + " row(s)" + (rows.size() - 1 == limit ? " (limit reached; use --limit)" : ""));
  }

  static String csv(String v) {
    if (v.contains(",") || v.contains("\"") || v.contains("\n")) {
      return "\"" + v.replace("\"", "\"\"") + "\"";
    }
    return v;
  }
}
