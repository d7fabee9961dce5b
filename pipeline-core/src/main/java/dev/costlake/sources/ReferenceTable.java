package dev.costlake.sources;

import static org.apache.spark.sql.functions.lit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;

/**
 * A two-column lookup bundled in the jar ({@code key,value} CSV with a header, {@code #}
 * comments), as a Spark map literal. Keys are matched as written.
 */
public final class ReferenceTable {
  private ReferenceTable() {}

  private static final Map<String, Column> CACHE = new HashMap<>();

  public static synchronized Column map(String resource) {
    return CACHE.computeIfAbsent(
        resource,
        r -> {
          List<Column> kv = new ArrayList<>();
          load(r).forEach((k, v) -> { kv.add(lit(k)); kv.add(lit(v)); });
          return functions.map(kv.toArray(new Column[0]));
        });
  }

  /** The table's rows in file order (the first of repeated keys wins). */
  public static Map<String, String> load(String resource) {
    Map<String, String> out = new LinkedHashMap<>();
    try (InputStream in = ReferenceTable.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the jar");
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line;
      boolean header = true;
      while ((line = r.readLine()) != null) {
        if (line.startsWith("#") || line.isBlank()) {
          continue;
        }
        if (header) {
          header = false;
          continue;
        }
        String[] p = line.split(",", 2);
        out.putIfAbsent(p[0].trim(), p[1].trim());
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + resource, e);
    }
    return out;
  }
}
