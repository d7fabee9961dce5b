package dev.costlake.sources;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.costlake.model.Focus;
import dev.costlake.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How landing Parquet files are read: lineage, and read partitions that never mix folders. */
class RawReaderTest {
  private final SparkSession spark = TestSpark.get();

  /** Writes {@code files} Parquet files of {@code rows} rows each into {@code dir}; returns them. */
  private List<SourceFile> parquetFiles(Path dir, String period, int files, int rows) throws IOException {
    List<SourceFile> out = new ArrayList<>();
    for (int f = 0; f < files; f++) {
      Path tmp = dir.resolveSibling(dir.getFileName() + "-tmp" + f);
      spark
          .range(rows)
          .select(
              functions.lit(period).as("bill_billing_period_start_date"),
              functions.col("id").cast("string").as("line_item_usage_amount"))
          .coalesce(1)
          .write()
          .parquet(tmp.toString());
      Files.createDirectories(dir);
      try (Stream<Path> s = Files.list(tmp)) {
        Path part = s.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
        Path target = dir.resolve("part-" + f + ".parquet");
        Files.move(part, target);
        out.add(
            new SourceFile(
                "file:" + target,
                Files.size(target),
                0L,
                SourceFile.Encoding.PARQUET,
                List.of("bill_billing_period_start_date", "line_item_usage_amount")));
      }
    }
    return out;
  }

  @Test
  void eachReadPartitionHoldsOneFolderAndLineageNamesFilesAsListed(@TempDir Path tmp) throws IOException {
    // Small files: one scan over all of them would pack both folders into one read partition.
    // The second folder's name needs URI encoding, which Spark applies to the paths it reports.
    List<SourceFile> files = new ArrayList<>(parquetFiles(tmp.resolve("BILLING_PERIOD=2025-01"), "2025-01", 3, 5));
    files.addAll(parquetFiles(tmp.resolve("cost reports").resolve("BILLING_PERIOD=2025-02"), "2025-02", 2, 4));

    Dataset<Row> raw = RawReader.read(spark, files, FormatDetector.AWS_CUR2);
    // Settings under which one scan of these files makes a single read partition.
    Map<String, String> packAll =
        Map.of("spark.sql.files.openCostInBytes", "1", "spark.sql.files.minPartitionNum", "1", "spark.sql.files.maxPartitionBytes", "1g");
    Map<String, String> before = new TreeMap<>();
    packAll.forEach((k, v) -> before.put(k, spark.conf().get(k, null)));
    List<Row> perPartition;
    try {
      packAll.forEach(spark.conf()::set);
      perPartition =
          raw.groupBy(functions.spark_partition_id().as("p"))
              .agg(
                  functions.countDistinct(functions.col("bill_billing_period_start_date")).as("periods"),
                  functions.count(functions.lit(1)).as("rows"))
              .collectAsList();
    } finally {
      before.forEach((k, v) -> {
        if (v == null) {
          spark.conf().unset(k);
        } else {
          spark.conf().set(k, v);
        }
      });
    }
    long rows = 0;
    for (Row r : perPartition) {
      assertEquals(1L, r.getLong(1), "read partition " + r.get(0) + " mixes folders");
      rows += r.getLong(2);
    }
    assertEquals(3 * 5 + 2 * 4, rows);

    // Lineage: every row names its file exactly as the listing does, with 1-based row numbers.
    Map<String, Long> rowsByFile = new TreeMap<>();
    for (Row r :
        raw.groupBy(Focus.X_SOURCE_FILE)
            .agg(functions.count(functions.lit(1)), functions.max(Focus.X_SOURCE_ROW))
            .collectAsList()) {
      rowsByFile.put(r.getString(0), r.getLong(1));
      assertEquals(r.getLong(1), r.getLong(2), "row numbers of " + r.getString(0));
    }
    Map<String, Long> expected = new TreeMap<>();
    for (SourceFile f : files) {
      expected.put(f.path(), f.path().contains("2025-01") ? 5L : 4L);
    }
    assertEquals(expected, rowsByFile);
  }
}
