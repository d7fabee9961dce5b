package dev.costlake.sources;

import dev.costlake.errors.Errors;
import dev.costlake.sources.aws.AwsCurNormalizer;
import dev.costlake.sources.azure.AzureColumns;
import dev.costlake.sources.azure.AzureCostNormalizer;
import dev.costlake.sources.focus.FocusNormalizer;
import dev.costlake.sources.gcp.GcpBillingNormalizer;
import dev.costlake.sources.oci.OciCostNormalizer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The formats this version reads, and the normalizer of each. */
public final class Normalizers {
  private Normalizers() {}

  public static final Set<String> SUPPORTED =
      Set.of(
          FormatDetector.FOCUS,
          FormatDetector.AWS_CUR_LEGACY,
          FormatDetector.AWS_CUR2,
          FormatDetector.AZURE_COST,
          FormatDetector.GCP_BILLING,
          FormatDetector.OCI_COST);

  /** Columns a file must have (or have defaults for) to be read, by format. */
  public static List<String> required(String format) {
    if (FormatDetector.FOCUS.equals(format)) {
      return FocusNormalizer.REQUIRED;
    }
    return List.of();
  }

  /**
   * Checks a file's header beyond plain required names (formats whose columns have several
   * spellings); throws an error naming the file and the missing columns.
   */
  public static void validate(String format, String source, SourceFile file) {
    if (FormatDetector.AZURE_COST.equals(format)) {
      List<String> missing = AzureColumns.missing(file.columns());
      if (!missing.isEmpty()) {
        throw Errors.missingColumns(source, file.path(), missing);
      }
    }
  }

  public static Dataset<Row> normalize(
      String format, Dataset<Row> raw, String source, String runId, Map<String, String> defaults) {
    switch (format) {
      case FormatDetector.FOCUS:
        return FocusNormalizer.normalize(raw, source, runId, defaults);
      case FormatDetector.AWS_CUR_LEGACY:
      case FormatDetector.AWS_CUR2:
        return AwsCurNormalizer.normalize(raw, source, runId, defaults);
      case FormatDetector.GCP_BILLING:
        return GcpBillingNormalizer.normalize(raw, source, runId, defaults);
      case FormatDetector.OCI_COST:
        return OciCostNormalizer.normalize(raw, source, runId, defaults);
      case FormatDetector.AZURE_COST:
        return AzureCostNormalizer.normalize(raw, source, runId, defaults);
      default:
        throw new IllegalArgumentException("no normalizer for " + format);
    }
  }
}
