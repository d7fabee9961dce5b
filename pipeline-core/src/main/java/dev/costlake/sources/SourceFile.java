package dev.costlake.sources;

import java.util.List;

/**
 * A landing file as listed: where, how big, when changed, how it is encoded, and its column
 * names (from the CSV header or the Parquet footer).
 */
public record SourceFile(
    String path, long size, long modificationTime, Encoding encoding, List<String> columns) {

  public enum Encoding {
    CSV,
    CSV_GZIP,
    PARQUET
  }
}
