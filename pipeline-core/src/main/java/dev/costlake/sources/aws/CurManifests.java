package dev.costlake.sources.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.costlake.errors.Errors;
import dev.costlake.sources.SourceFile;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Legacy CUR layout: {@code <prefix>/<report>/<yyyymmdd-yyyymmdd>/<report>-Manifest.json} names
 * the current assembly of a billing period; AWS rewrites a period as a new assembly folder, and
 * only the assembly in the period's manifest is valid. Files of other assemblies are superseded.
 * Files in folders without a manifest (a plain export copied by hand) are all kept.
 */
public final class CurManifests {
  private CurManifests() {}

  private static final Pattern PERIOD_FOLDER = Pattern.compile("\\d{8}-\\d{8}");

  /** The current assembly of one billing period folder. */
  public record Assembly(String periodFolder, String assemblyId, List<String> reportKeys, String manifest) {}

  public record Selection(List<SourceFile> current, List<String> superseded, List<Assembly> assemblies) {}

  public static boolean isManifest(String name) {
    return name.endsWith("-Manifest.json");
  }

  public static Selection select(Configuration hadoop, List<SourceFile> files, List<String> manifests) {
    Map<String, Assembly> byPeriod = new LinkedHashMap<>();
    for (String m : manifests) {
      Path p = new Path(m);
      Path parent = p.getParent();
      if (parent == null || !PERIOD_FOLDER.matcher(parent.getName()).matches()) {
        continue; // copies inside assembly folders describe old assemblies
      }
      byPeriod.put(parent.toString(), read(hadoop, p));
    }
    List<SourceFile> current = new ArrayList<>();
    List<String> superseded = new ArrayList<>();
    for (SourceFile f : files) {
      Assembly a = periodOf(f.path(), byPeriod);
      if (a == null || belongs(f.path(), a)) {
        current.add(f);
      } else {
        superseded.add(f.path());
      }
    }
    return new Selection(current, superseded, new ArrayList<>(byPeriod.values()));
  }

  private static Assembly periodOf(String file, Map<String, Assembly> byPeriod) {
    for (Path p = new Path(file).getParent(); p != null; p = p.getParent()) {
      Assembly a = byPeriod.get(p.toString());
      if (a != null) {
        return a;
      }
    }
    return null;
  }

  private static boolean belongs(String file, Assembly a) {
    if (!a.reportKeys().isEmpty()) {
      String path = new Path(file).toUri().getPath();
      for (String key : a.reportKeys()) {
        if (path.endsWith("/" + key) || path.endsWith(key)) {
          return true;
        }
      }
      return false;
    }
    String rel = file.substring(a.periodFolder().length() + 1);
    return a.assemblyId() == null || a.assemblyId().isEmpty() ? !rel.contains("/") : rel.startsWith(a.assemblyId() + "/");
  }

  private static Assembly read(Configuration hadoop, Path manifest) {
    try {
      FileSystem fs = manifest.getFileSystem(hadoop);
      JsonNode n;
      try (InputStream in = fs.open(manifest)) {
        n = new ObjectMapper().readTree(in);
      }
      List<String> keys = new ArrayList<>();
      if (n.has("reportKeys")) {
        n.get("reportKeys").forEach(k -> keys.add(k.asText()));
      }
      String assembly = n.has("assemblyId") ? n.get("assemblyId").asText() : null;
      return new Assembly(manifest.getParent().toString(), assembly, keys, manifest.toString());
    } catch (IOException | RuntimeException e) {
      throw Errors.unreadableFile(manifest.toString(), "not a readable CUR manifest (" + e.getMessage() + ")", e);
    }
  }
}
