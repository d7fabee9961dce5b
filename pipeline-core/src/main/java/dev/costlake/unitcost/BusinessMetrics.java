package dev.costlake.unitcost;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import dev.costlake.config.PipelineConfig;
import dev.costlake.config.Section;
import dev.costlake.errors.Errors;
import dev.costlake.model.Focus;
import dev.costlake.model.UnitCostColumns;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Business metrics (date, metric, dimension, quantity) from CSV files or a Delta table, checked
 * row by row: a malformed row stops the run with an error naming the file and line. Output
 * columns: {@code date} (DATE), {@code metric}, {@code dimension} (blank becomes {@code all}),
 * {@code quantity} (DECIMAL(30,12), null when the file leaves it empty).
 */
public final class BusinessMetrics {
  private BusinessMetrics() {}

  public static final String ALL = "all";
  private static final List<String> HEADER =
      List.of(
          UnitCostColumns.METRIC_DATE,
          UnitCostColumns.METRIC_NAME,
          UnitCostColumns.METRIC_DIMENSION,
          UnitCostColumns.METRIC_QUANTITY);

  /** The {@code metrics} block: where the metrics are and in which format. */
  public record Source(String path, String format, Section section) {
    public static Source from(PipelineConfig config) {
      Section root = Section.root(config);
      Section m = root.object("metrics");
      if (m == null) {
        return new Source("", "csv", root);
      }
      String format = m.string("format", "csv").toLowerCase(Locale.ROOT);
      if (!format.equals("csv") && !format.equals("delta")) {
        throw m.error("format", "is '" + format + "'; expected csv or delta");
      }
      return new Source(config.resolveConfigPath(m.string("path", "")), format, root);
    }

    /** Fails with a configuration error when no metrics are configured but {@code who} needs them. */
    public void require(String who) {
      if (path.isEmpty()) {
        throw section.error(
            "metrics.path",
            "is empty, but " + who + " need business metrics; point it at a CSV file, folder or Delta table");
      }
    }
  }

  public static StructType schema() {
    return new StructType()
        .add(UnitCostColumns.METRIC_DATE, DataTypes.DateType)
        .add(UnitCostColumns.METRIC_NAME, DataTypes.StringType)
        .add(UnitCostColumns.METRIC_DIMENSION, DataTypes.StringType)
        .add(UnitCostColumns.METRIC_QUANTITY, Focus.DECIMAL);
  }

  public static Dataset<Row> read(SparkSession spark, Source source) {
    source.require("unit costs or metric pools");
    return "delta".equals(source.format()) ? readDelta(spark, source.path()) : readCsv(spark, source.path());
  }

  private static final String FILE = "_file";
  private static final String LINE = "_line";
  private static final String TEXT = "_text";
  private static final String PROBLEM = "_problem";

  /** CSV file or folder of .csv files; header {@code date,metric,dimension,quantity} (any order). */
  public static Dataset<Row> readCsv(SparkSession spark, String path) {
    List<String> files = files(spark, path);
    Dataset<Row> out = null;
    StructType lineSchema =
        new StructType().add(FILE, DataTypes.StringType).add(LINE, DataTypes.LongType).add(TEXT, DataTypes.StringType);
    for (String file : files) {
      JavaRDD<Row> lines =
          spark.read().textFile(file).javaRDD().zipWithIndex()
              .map(t -> RowFactory.create(file, t._2() + 1, t._1()));
      Dataset<Row> df = spark.createDataFrame(lines, lineSchema);
      List<Row> head = df.where(col(LINE).equalTo(1)).select(TEXT).collectAsList();
      if (head.isEmpty()) {
        continue; // empty file
      }
      List<String> header = new ArrayList<>();
      for (String h : head.get(0).getString(0).split(",", -1)) {
        header.add(unquote(h).toLowerCase(Locale.ROOT));
      }
      for (String need : HEADER) {
        if (!header.contains(need)) {
          throw Errors.badInputLine(
              "Business metrics file", file, "line 1",
              "the header " + header + " lacks column '" + need + "' (expected " + String.join(",", HEADER) + ")");
        }
      }
      Column fields = split(col(TEXT), ",", -1);
      Column date = field(fields, header.indexOf(UnitCostColumns.METRIC_DATE));
      Column metric = field(fields, header.indexOf(UnitCostColumns.METRIC_NAME));
      Column dim = field(fields, header.indexOf(UnitCostColumns.METRIC_DIMENSION));
      Column qty = field(fields, header.indexOf(UnitCostColumns.METRIC_QUANTITY));
      Dataset<Row> parsed =
          df.where(col(LINE).gt(1).and(trim(col(TEXT)).notEqual("")))
              .select(
                  col(FILE), col(LINE), size(fields).as("_n"), date.as("_d"), metric.as("_m"), dim.as("_dim"), qty.as("_q"))
              .withColumn("_date", expr("try_to_timestamp(_d, 'yyyy-MM-dd')"))
              .withColumn("_qty", expr("try_cast(_q AS DECIMAL(30,12))"))
              .withColumn(
                  PROBLEM,
                  when(col("_n").notEqual(header.size()),
                          message("expected " + header.size() + " fields, found ", col("_n").cast("string")))
                      .when(notTrue(col("_d").rlike("^[0-9]{4}-[0-9]{2}-[0-9]{2}$")).or(col("_date").isNull()),
                          message("date '", col("_d"), "' is not a date yyyy-MM-dd"))
                      .when(col("_m").equalTo(""), lit("metric is empty"))
                      .when(col("_q").notEqual("").and(col("_qty").isNull()),
                          message("quantity '", col("_q"), "' is not a number"))
                      .when(col("_qty").lt(0), message("quantity ", col("_q"), " is negative")));
      check(parsed, "line ");
      Dataset<Row> good =
          parsed.select(
              to_date(col("_date")).as(UnitCostColumns.METRIC_DATE),
              col("_m").as(UnitCostColumns.METRIC_NAME),
              when(col("_dim").equalTo(""), lit(ALL)).otherwise(col("_dim")).as(UnitCostColumns.METRIC_DIMENSION),
              col("_qty").as(UnitCostColumns.METRIC_QUANTITY));
      out = out == null ? good : out.unionByName(good);
    }
    return out == null ? spark.createDataFrame(List.of(), schema()) : out;
  }

  /** A Delta table with columns date, metric, dimension, quantity (date may be text). */
  public static Dataset<Row> readDelta(SparkSession spark, String path) {
    Dataset<Row> t;
    try {
      t = spark.read().format("delta").load(path);
    } catch (Exception e) { // Spark throws AnalysisException unchecked here
      throw Errors.unreadableFile(path, "not a Delta table of business metrics (" + e.getMessage() + ")", e);
    }
    List<String> cols = Arrays.asList(t.columns());
    for (String need : HEADER) {
      if (!cols.contains(need)) {
        throw Errors.badInputLine("Business metrics table", path, "schema", "lacks column '" + need + "' (has " + cols + ")");
      }
    }
    Dataset<Row> parsed =
        t.select(
                message("row ", functions.to_json(functions.struct(HEADER.stream().map(c -> col(c)).toArray(Column[]::new)))).as(LINE),
                lit(path).as(FILE),
                col(UnitCostColumns.METRIC_DATE).cast("string").as("_d"),
                coalesce(trim(col(UnitCostColumns.METRIC_NAME)), lit("")).as("_m"),
                coalesce(trim(col(UnitCostColumns.METRIC_DIMENSION)), lit("")).as("_dim"),
                col(UnitCostColumns.METRIC_QUANTITY).cast("string").as("_q"))
            .withColumn("_date", expr("try_to_timestamp(_d, 'yyyy-MM-dd')"))
            .withColumn("_qty", expr("try_cast(_q AS DECIMAL(30,12))"))
            .withColumn(
                PROBLEM,
                when(col("_date").isNull(), message("date '", coalesce(col("_d"), lit("")), "' is not a date yyyy-MM-dd"))
                    .when(col("_m").equalTo(""), lit("metric is empty"))
                    .when(col("_q").isNotNull().and(col("_qty").isNull()), message("quantity '", col("_q"), "' is not a number"))
                    .when(col("_qty").lt(0), message("quantity ", col("_q"), " is negative")));
    check(parsed, "");
    return parsed.select(
        to_date(col("_date")).as(UnitCostColumns.METRIC_DATE),
        col("_m").as(UnitCostColumns.METRIC_NAME),
        when(col("_dim").equalTo(""), lit(ALL)).otherwise(col("_dim")).as(UnitCostColumns.METRIC_DIMENSION),
        col("_qty").as(UnitCostColumns.METRIC_QUANTITY));
  }

  /** Throws naming the first bad row (one row collected at most). */
  private static void check(Dataset<Row> parsed, String linePrefix) {
    List<Row> bad =
        parsed.where(col(PROBLEM).isNotNull()).orderBy(col(FILE), col(LINE)).select(FILE, LINE, PROBLEM).limit(1).collectAsList();
    if (!bad.isEmpty()) {
      Row r = bad.get(0);
      throw Errors.badInputLine(
          "Business metrics " + (linePrefix.isEmpty() ? "table" : "file"), r.getString(0), linePrefix + r.get(1), r.getString(2));
    }
  }

  private static Column field(Column fields, int i) {
    return coalesce(regexp_replace(trim(functions.get(fields, lit(i))), "^\"|\"$", ""), lit(""));
  }

  private static String unquote(String s) {
    String t = s.trim();
    if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
      t = t.substring(1, t.length() - 1);
    }
    return t.replace("\uFEFF", "").trim();
  }

  /** Concatenates literal text and columns into an error message column. */
  private static Column message(Object... parts) {
    Column[] cols = new Column[parts.length];
    for (int i = 0; i < parts.length; i++) {
      cols[i] = parts[i] instanceof Column c ? c : lit(parts[i]);
    }
    return functions.concat(cols);
  }

  /** NOT c, with null counting as true (a null field never matches a pattern). */
  private static Column notTrue(Column c) {
    return coalesce(functions.not(c), lit(true));
  }

  private static List<String> files(SparkSession spark, String path) {
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(p)) {
        throw Errors.unreadableFile(path, "the business metrics file or folder does not exist (metrics.path)", null);
      }
      List<String> out = new ArrayList<>();
      if (fs.getFileStatus(p).isDirectory()) {
        for (FileStatus st : fs.listStatus(p)) {
          if (st.isFile() && st.getPath().getName().toLowerCase(Locale.ROOT).endsWith(".csv")) {
            out.add(st.getPath().toString());
          }
        }
      } else {
        out.add(fs.getFileStatus(p).getPath().toString());
      }
      out.sort(String::compareTo);
      return out;
    } catch (IOException e) {
      throw Errors.unreadableFile(path, "cannot list business metrics: " + e.getMessage(), e);
    }
  }


}
