package dev.costlake.commitments;

import dev.costlake.quality.Quarantine;
import dev.costlake.sources.FormatDetector;
import dev.costlake.sources.LandingFiles;
import dev.costlake.sources.RawReader;
import dev.costlake.sources.focus.FocusNormalizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Silver rows for tests: FOCUS CSV text or files through the real reader and normalizer. */
public final class SilverFixtures {
  private SilverFixtures() {}

  /** The valid (silver) rows of the FOCUS CSV files under a folder. */
  public static Dataset<Row> fromFolder(SparkSession spark, Path folder, Map<String, String> defaults) {
    LandingFiles.Listing l = LandingFiles.list(spark, folder.toUri().toString());
    if (l.files().isEmpty()) {
      throw new IllegalArgumentException("no files under " + folder);
    }
    Dataset<Row> raw = RawReader.read(spark, l.files(), FormatDetector.FOCUS);
    Dataset<Row> staged = FocusNormalizer.normalize(raw, "test", "test-run", defaults);
    List<Row> rejected = Quarantine.rejected(staged).select(Quarantine.REASON).collectAsList();
    if (!rejected.isEmpty()) {
      throw new IllegalArgumentException("fixture rows quarantined: " + rejected);
    }
    return Quarantine.valid(staged).cache();
  }

  /** The silver rows of one CSV text (a header line and rows). */
  public static Dataset<Row> fromCsv(SparkSession spark, Path dir, String name, String csv, Map<String, String> defaults)
      throws IOException {
    Path folder = dir.resolve(name);
    Files.createDirectories(folder);
    Files.writeString(folder.resolve(name + ".csv"), csv);
    return fromFolder(spark, folder, defaults);
  }
}
