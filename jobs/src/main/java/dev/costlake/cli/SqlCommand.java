package dev.costlake.cli;

import dev.costlake.config.PipelineConfig;
import dev.costlake.errors.Errors;
import dev.costlake.io.Warehouse;
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

  @Parameters(index = "0", paramLabel = "QUERY", description = "The SQL query.")
  String query;

  @Option(names = "--format", description = "table, csv or json (one object per line) (default: ${DEFAULT-VALUE}).", defaultValue = "table")
  Format format;

  @Option(names = "--limit", description = "Most rows printed (default: ${DEFAULT-VALUE}).", defaultValue = "1000")
  int limit;

  @Override
  public Integer call() {
    PipelineConfig config = configOptions.load();
    SparkSession spark = Sessions.get(config);
    new Warehouse(spark, config).registerViews();
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
        printCsv(df);
        break;
      case json:
        for (String line : df.toJSON().takeAsList(limit)) {
          System.out.println(line);
        }
        break;
      default:
        df.show(limit, false);
    }
    return 0;
  }

  private void printCsv(Dataset<Row> df) {
    System.out.println(String.join(",", List.of(df.columns()).stream().map(SqlCommand::csv).toList()));
    for (Row r : df.takeAsList(limit)) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < r.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        Object v = r.get(i);
        sb.append(v == null ? "" : csv(v instanceof java.math.BigDecimal b ? b.toPlainString() : String.valueOf(v)));
      }
      System.out.println(sb);
    }
  }

  static String csv(String v) {
    if (v.contains(",") || v.contains("\"") || v.contains("\n")) {
      return "\"" + v.replace("\"", "\"\"") + "\"";
    }
    return v;
  }
}
