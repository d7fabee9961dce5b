package dev.costlake.sources;

import java.util.List;

/**
 * A landing file as listed: where, how big, when changed, how it is encoded, and its column
 * names (from the CSV header, the Parquet footer, the Avro schema or the JSON keys).
 */
public record SourceFile(
    String path, long size, long modificationTime, Encoding encoding, List<String> columns) {

  public enum Encoding {
    CSV,
    CSV_GZIP,
    PARQUET,
    /** Avro container files (GCP billing export). */
    AVRO,
    /** Newline-delimited JSON, plain or gzip (GCP billing export). */
    JSON
  }
}
