package dev.costlake.sources.azure;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.costlake.errors.Errors;
import dev.costlake.model.Focus;
import dev.costlake.sources.SourceFile;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Cost Management export layout: {@code <export>/<yyyyMMdd-yyyyMMdd>/<runId>/} holds the parts of
 * one run and its {@code manifest.json} ({@code exportConfig.type} ActualCost / AmortizedCost,
 * {@code runInfo.submittedTime}). A month-to-date export writes a new run folder every day, so
 * only the latest run of a period folder is current; files of older runs are superseded. Files in
 * folders without a manifest (older exports, files copied by hand) are all kept.
 */
public final class AzureExports {
  private AzureExports() {}

  public static final String MANIFEST = "manifest.json";

  public static boolean isManifest(String name) {
    return MANIFEST.equalsIgnoreCase(name);
  }

  /** One export run as its manifest describes it. */
  public record Run(String runFolder, String periodFolder, String type, String submitted, String manifest) {}

  public record Selection(List<SourceFile> current, List<String> superseded, List<Run> runs) {}

  public static Selection select(Configuration hadoop, List<SourceFile> files, List<String> manifests) {
    Map<String, Run> latest = new LinkedHashMap<>();
    Map<String, Run> byRunFolder = new HashMap<>();
    for (String m : manifests) {
      Path p = new Path(m);
      if (!isManifest(p.getName()) || p.getParent() == null || p.getParent().getParent() == null) {
        continue;
      }
      Run r = read(hadoop, p);
      if (r == null) {
        continue;
      }
      byRunFolder.put(r.runFolder(), r);
      Run cur = latest.get(r.periodFolder());
      if (cur == null || (r.submitted() + r.runFolder()).compareTo(cur.submitted() + cur.runFolder()) > 0) {
        latest.put(r.periodFolder(), r);
      }
    }
    List<SourceFile> current = new ArrayList<>();
    List<String> superseded = new ArrayList<>();
    for (SourceFile f : files) {
      Run own = runOf(f.path(), byRunFolder);
      if (own == null || latest.get(own.periodFolder()) == own) {
        current.add(f);
      } else {
        superseded.add(f.path());
      }
    }
    return new Selection(current, superseded, new ArrayList<>(latest.values()));
  }

  private static Run runOf(String file, Map<String, Run> byRunFolder) {
    for (Path p = new Path(file).getParent(); p != null; p = p.getParent()) {
      Run r = byRunFolder.get(p.toString());
      if (r != null) {
        return r;
      }
    }
    return null;
  }

  /** The manifest's run, or null when the JSON is not a Cost Management export manifest. */
  static Run read(Configuration hadoop, Path manifest) {
    JsonNode n;
    try {
      FileSystem fs = manifest.getFileSystem(hadoop);
      try (InputStream in = fs.open(manifest)) {
        n = new ObjectMapper().readTree(in);
      }
    } catch (IOException | RuntimeException e) {
      throw Errors.unreadableFile(manifest.toString(), "not a readable Cost Management export manifest (" + e.getMessage() + ")", e);
    }
    if (n == null || !n.has("exportConfig")) {
      return null;
    }
    String type = n.path("exportConfig").path("type").asText("");
    String submitted = n.path("runInfo").path("submittedTime").asText("");
    Path run = manifest.getParent();
    return new Run(run.toString(), run.getParent().toString(), type, submitted, manifest.toString());
  }

  /** The {@code x_SourceFormat} tag of a manifest's dataset type, or null for other types. */
  public static String tagOf(String type) {
    switch (type.toLowerCase(Locale.ROOT)) {
      case "actualcost":
      case "usage":
        return AzureCostNormalizer.ACTUAL_TAG;
      case "amortizedcost":
        return AzureCostNormalizer.AMORTIZED_TAG;
      default:
        return null;
    }
  }

  /**
   * Sets {@code x_SourceFormat} of rows read from files whose folder holds an export manifest to
   * the manifest's dataset ({@value AzureCostNormalizer#ACTUAL_TAG} or {@value
   * AzureCostNormalizer#AMORTIZED_TAG}); other rows keep their tag.
   */
  public static Dataset<Row> tagDatasets(SparkSession spark, List<SourceFile> group, Dataset<Row> part) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    Map<String, String> byFolder = new HashMap<>();
    List<Column> kv = new ArrayList<>();
    for (SourceFile f : group) {
      Path folder = new Path(f.path()).getParent();
      String tag =
          byFolder.computeIfAbsent(
              String.valueOf(folder),
              k -> {
                try {
                  Path m = new Path(folder, MANIFEST);
                  if (!m.getFileSystem(hadoop).exists(m)) {
                    return "";
                  }
                  Run r = read(hadoop, m);
                  String t = r == null ? null : tagOf(r.type());
                  return t == null ? "" : t;
                } catch (IOException e) {
                  throw Errors.unreadableFile(k, "cannot look for its export manifest (" + e.getMessage() + ")", e);
                }
              });
      if (!tag.isEmpty()) {
        kv.add(lit(f.path()));
        kv.add(lit(tag));
      }
    }
    if (kv.isEmpty()) {
      return part;
    }
    Column tags = functions.map(kv.toArray(new Column[0]));
    return part.withColumn(
        Focus.X_SOURCE_FORMAT,
        functions.coalesce(functions.element_at(tags, col(Focus.X_SOURCE_FILE)), col(Focus.X_SOURCE_FORMAT)));
  }
}
