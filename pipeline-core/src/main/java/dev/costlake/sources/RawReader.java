package dev.costlake.sources;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.costlake.errors.Errors;
import dev.costlake.model.Focus;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reads landing files as raw text: every column a string exactly as exported (CUR 2.0 Parquet's
 * string maps excepted, see {@link #read}), plus lineage
 * ({@code x_SourceFile}, {@code x_SourceRow}: the 1-based data row in the file) and
 * {@value #CORRUPT} holding the raw line of CSV rows whose field count does not match the header.
 * Files with the same column list (Parquet files: and folder) are read together; groups are unioned by name.
 */
public final class RawReader {
  private RawReader() {}

  public static final String CORRUPT = "_corrupt_record";

  public static Dataset<Row> read(SparkSession spark, List<SourceFile> files, String formatTag) {
    Map<List<String>, List<SourceFile>> groups = new LinkedHashMap<>();
    for (SourceFile f : files) {
      String enc =
          f.encoding() == SourceFile.Encoding.CSV_GZIP ? "csv" : f.encoding().name().toLowerCase(Locale.ROOT);
      List<String> key = new ArrayList<>(f.columns());
      key.add(0, enc);
      if (f.encoding() == SourceFile.Encoding.PARQUET) {
        // One scan per folder: Spark packs a scan's files into read partitions by size, so one
        // scan over all folders mixes billing periods (exports keep one period per folder) in
        // a partition, and the partitioned writes then sort every row by period first (on a
        // 1 GB heap that sort spilled gigabytes). Per folder, a partition holds one period and
        // the write streams it into one file.
        key.add(1, String.valueOf(new org.apache.hadoop.fs.Path(f.path()).getParent()));
      }
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(f);
    }
    // CUR 2.0 Parquet holds product and resource_tags as string maps. When every file is Parquet
    // they stay maps (the AWS mapping reads them as maps) instead of a JSON round trip per row.
    boolean keepMaps =
        FormatDetector.AWS_CUR2.equals(formatTag)
            && files.stream().allMatch(f -> f.encoding() == SourceFile.Encoding.PARQUET);
    Dataset<Row> out = null;
    for (Map.Entry<List<String>, List<SourceFile>> g : groups.entrySet()) {
      List<SourceFile> group = g.getValue();
      SourceFile.Encoding encoding = group.get(0).encoding();
      Dataset<Row> part =
          encoding == SourceFile.Encoding.PARQUET
              ? readParquet(spark, group, keepMaps)
              : encoding == SourceFile.Encoding.AVRO || encoding == SourceFile.Encoding.JSON
                  ? readNested(spark, group, encoding)
                  : readCsv(spark, group);
      String tag =
          FormatDetector.FOCUS.equals(formatTag)
              ? FormatDetector.focusVersion(group.get(0).columns())
              : formatTag;
      part = part.withColumn(Focus.X_SOURCE_FORMAT, lit(tag));
      if (FormatDetector.AZURE_COST.equals(formatTag)) {
        part = dev.costlake.sources.azure.AzureExports.tagDatasets(spark, group, part);
      }
      out = out == null ? part : out.unionByName(part, true);
    }
    return out;
  }

  private static Dataset<Row> readCsv(SparkSession spark, List<SourceFile> group) {
    List<String> header = group.get(0).columns();
    Set<String> seen = new HashSet<>();
    StructType schema = new StructType();
    for (int i = 0; i < header.size(); i++) {
      String name = header.get(i);
      if (name.isEmpty() || !seen.add(name.toLowerCase(Locale.ROOT))) {
        throw Errors.unreadableFile(
            group.get(0).path(),
            "header column " + (i + 1) + " ('" + name + "') is empty or repeated",
            null);
      }
      schema = schema.add(name, DataTypes.StringType, true);
    }
    schema = schema.add(CORRUPT, DataTypes.StringType, true);
    Dataset<Row> df =
        spark
            .read()
            .schema(schema)
            .option("header", "true")
            .option("enforceSchema", "true")
            .option("mode", "PERMISSIVE")
            .option("columnNameOfCorruptRecord", CORRUPT)
            .option("escape", "\"")
            .option("multiLine", "true")
            .option("encoding", "UTF-8")
            .csv(paths(group));
    // multiLine keeps each file in one partition, so read order is file order.
    df =
        df.withColumn(Focus.X_SOURCE_FILE, listingPath(group))
            .withColumn("_order", functions.monotonically_increasing_id());
    return df.withColumn(
            Focus.X_SOURCE_ROW,
            functions
                .row_number()
                .over(Window.partitionBy(Focus.X_SOURCE_FILE).orderBy("_order"))
                .cast(DataTypes.LongType))
        .drop("_order");
  }

  private static Dataset<Row> readParquet(SparkSession spark, List<SourceFile> group, boolean keepMaps) {
    Dataset<Row> df = spark.read().parquet(paths(group));
    List<Column> cols = asText(df, keepMaps);
    cols.add(lit(null).cast(DataTypes.StringType).as(CORRUPT));
    cols.add(listingPath(group).as(Focus.X_SOURCE_FILE));
    cols.add(col("_metadata.row_index").plus(1).as(Focus.X_SOURCE_ROW));
    return df.select(cols.toArray(new Column[0]));
  }

  /**
   * Avro and newline-delimited JSON (how a BigQuery table is exported): nested columns become
   * JSON text like Parquet's. JSON is read with every leaf as text ({@code primitivesAsString}),
   * so numbers keep their exported digits; a line that is not JSON fills {@value #CORRUPT}.
   */
  private static Dataset<Row> readNested(
      SparkSession spark, List<SourceFile> group, SourceFile.Encoding encoding) {
    Dataset<Row> df = nestedReader(spark, encoding).load(paths(group));
    if (!List.of(df.columns()).contains(CORRUPT)) {
      df = df.withColumn(CORRUPT, lit(null).cast(DataTypes.StringType));
    }
    List<Column> cols = asText(df.drop(CORRUPT), false);
    cols.add(col(CORRUPT));
    cols.add(listingPath(group).as(Focus.X_SOURCE_FILE));
    // Row numbers in file order, as for CSV: partitions of one file are in offset order.
    cols.add(functions.monotonically_increasing_id().as("_order"));
    return df.select(cols.toArray(new Column[0]))
        .withColumn(
            Focus.X_SOURCE_ROW,
            functions
                .row_number()
                .over(Window.partitionBy(Focus.X_SOURCE_FILE).orderBy("_order"))
                .cast(DataTypes.LongType))
        .drop("_order");
  }

  private static org.apache.spark.sql.DataFrameReader nestedReader(
      SparkSession spark, SourceFile.Encoding encoding) {
    if (encoding == SourceFile.Encoding.AVRO) {
      return spark.read().format("avro");
    }
    return spark
        .read()
        .format("json")
        .option("primitivesAsString", "true")
        .option("mode", "PERMISSIVE")
        .option("columnNameOfCorruptRecord", CORRUPT);
  }

  /** Top-level column names of an Avro or JSON file (JSON: the union of its records' keys). */
  public static List<String> nestedColumns(SparkSession spark, String path, SourceFile.Encoding encoding) {
    try {
      List<String> cols = new ArrayList<>();
      for (StructField f : nestedReader(spark, encoding).load(path).schema().fields()) {
        if (!f.name().equals(CORRUPT)) {
          cols.add(f.name());
        }
      }
      return cols;
    } catch (RuntimeException e) {
      throw Errors.unreadableFile(
          path, "not a readable " + encoding.name().toLowerCase(Locale.ROOT) + " file (" + e.getMessage() + ")", e);
    }
  }

  /**
   * Every column as text: nested values as JSON, timestamps as ISO-8601 UTC, the rest cast; with
   * {@code keepMaps}, string-to-string maps stay maps.
   */
  private static List<Column> asText(Dataset<Row> df, boolean keepMaps) {
    List<Column> cols = new ArrayList<>();
    for (StructField f : df.schema().fields()) {
      Column c = col("`" + f.name() + "`");
      if (keepMaps && isStringMap(f.dataType())) {
        cols.add(c);
        continue;
      }
      Column text =
          f.dataType() instanceof StructType
                  || f.dataType() instanceof org.apache.spark.sql.types.MapType
                  || f.dataType() instanceof org.apache.spark.sql.types.ArrayType
              ? functions.to_json(c)
              : f.dataType() instanceof org.apache.spark.sql.types.TimestampType
                  ? functions.date_format(c, "yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
                  : c.cast(DataTypes.StringType);
      cols.add(text.as(f.name()));
    }
    return cols;
  }

  /** A map with string keys and string values. */
  public static boolean isStringMap(org.apache.spark.sql.types.DataType t) {
    return t instanceof org.apache.spark.sql.types.MapType m
        && m.keyType() instanceof org.apache.spark.sql.types.StringType
        && m.valueType() instanceof org.apache.spark.sql.types.StringType;
  }

  /**
   * The file's path as the landing listing spells it (Spark reports paths URI-encoded), so that
   * lineage, the ingestion log and quarantine all name a file the same way.
   */
  private static Column listingPath(List<SourceFile> group) {
    List<Column> kv = new ArrayList<>();
    for (SourceFile f : group) {
      String reported = new org.apache.hadoop.fs.Path(f.path()).toUri().toString();
      if (!reported.equals(f.path())) { // only paths that need it: a map lookup per row scans its keys
        kv.add(lit(reported));
        kv.add(lit(f.path()));
      }
    }
    Column spark = col("_metadata.file_path");
    return kv.isEmpty()
        ? spark
        : functions.coalesce(functions.element_at(functions.map(kv.toArray(new Column[0])), spark), spark);
  }

  private static String[] paths(List<SourceFile> group) {
    return group.stream().map(SourceFile::path).toArray(String[]::new);
  }
}
