package dev.costlake.generate;

/** Placeholder until the generator lands. */
public final class FocusSampleGenerator {
  public record Options(long rows, int months, long seed, String out, java.time.YearMonth lastMonth) {}
  public record Result(long rowsWritten, long badRows, java.util.List<String> files,
      java.util.Map<String, java.math.BigDecimal> billedCostByCurrency,
      java.util.Map<String, java.math.BigDecimal> effectiveCostByCurrency,
      java.util.Map<String, Long> goodRowsByPeriod) {}
  public static Result generate(org.apache.spark.sql.SparkSession spark, Options o) throws java.io.IOException {
    throw new UnsupportedOperationException();
  }
}
