package dev.costlake.config;

import java.util.List;
import java.util.Map;

/**
 * The typed, validated configuration of a run. Built only by {@link ConfigLoader}.
 *
 * @param origin the file (or "defaults") the configuration came from, for messages
 * @param landing base of relative source paths (local folder or s3a:// URI)
 * @param warehouse folder or URI holding one folder per Delta table
 * @param sparkMaster master URL for embedded runs; empty leaves it to spark-submit
 * @param sparkConf extra Spark settings (also spark.hadoop.* for Hadoop/S3A)
 * @param bronzeEnabled whether raw rows are copied into a bronze Delta table per source
 * @param raw the whole resolved {@code costlake} block, for feature sections (ownership,
 *     allocation, ...) that bind themselves with their own typed classes
 */
public record PipelineConfig(
    String origin,
    String landing,
    String warehouse,
    String sparkMaster,
    String appName,
    Map<String, String> sparkConf,
    List<SourceConfig> sources,
    boolean bronzeEnabled,
    Reconciliation reconciliation,
    com.typesafe.config.Config raw) {

  /**
   * Tolerances for reconciliation (rows must match exactly), and the optional invoice totals
   * file (empty when none), resolved like a source path.
   */
  public record Reconciliation(
      java.math.BigDecimal costTolerance, boolean failOnMismatch, String invoiceTotals) {}

  /** Resolves a source path against the landing base unless it is absolute or a URI. */
  public String resolveLandingPath(String path) {
    if (path.contains("://") || path.startsWith("/")) {
      return path;
    }
    String base = landing.endsWith("/") ? landing.substring(0, landing.length() - 1) : landing;
    return base + "/" + path;
  }

  /**
   * Resolves a path named in the configuration file (mappings, metrics, reference tables): URIs
   * and absolute paths as they are, relative paths against the folder of the configuration file
   * (the working directory when the configuration is the built-in defaults).
   */
  public String resolveConfigPath(String path) {
    if (path.isEmpty() || path.contains("://") || path.startsWith("/")) {
      return path;
    }
    java.io.File originFile = new java.io.File(origin);
    java.io.File base = originFile.isFile() ? originFile.getAbsoluteFile().getParentFile() : new java.io.File("").getAbsoluteFile();
    return new java.io.File(base, path).getPath();
  }

  public String tablePath(String table) {
    String base =
        warehouse.endsWith("/") ? warehouse.substring(0, warehouse.length() - 1) : warehouse;
    return base + "/" + table;
  }
}
