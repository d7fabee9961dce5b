package dev.costlake.testing;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A deliberately simple RFC 4180 reader for tests, independent of Spark's CSV reader: computes
 * expected row counts and totals straight from fixture files. Blank lines are skipped.
 */
public final class Csv {
  private Csv() {}

  public static List<Map<String, String>> read(InputStream in) throws IOException {
    String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
      text = text.substring(1);
    }
    List<List<String>> records = parse(text);
    List<String> header = records.get(0);
    List<Map<String, String>> out = new ArrayList<>();
    for (List<String> r : records.subList(1, records.size())) {
      Map<String, String> m = new LinkedHashMap<>();
      for (int i = 0; i < header.size() && i < r.size(); i++) {
        m.put(header.get(i), r.get(i));
      }
      out.add(m);
    }
    return out;
  }

  private static List<List<String>> parse(String s) {
    List<List<String>> records = new ArrayList<>();
    List<String> cur = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    boolean any = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < s.length() && s.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          field.append(c);
        }
      } else if (c == '"') {
        quoted = true;
        any = true;
      } else if (c == ',') {
        cur.add(field.toString());
        field.setLength(0);
        any = true;
      } else if (c == '\n' || c == '\r') {
        if (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') {
          i++;
        }
        if (any || field.length() > 0) {
          cur.add(field.toString());
          records.add(cur);
        }
        cur = new ArrayList<>();
        field.setLength(0);
        any = false;
      } else {
        field.append(c);
        any = true;
      }
    }
    if (any || field.length() > 0) {
      cur.add(field.toString());
      records.add(cur);
    }
    return records;
  }

  /** Σ of a column over rows, treating NULL/null/empty as absent. */
  public static BigDecimal sum(List<Map<String, String>> rows, String column) {
    BigDecimal total = BigDecimal.ZERO;
    for (Map<String, String> r : rows) {
      String v = r.get(column);
      if (v != null && !v.isBlank() && !v.equalsIgnoreCase("null")) {
        total = total.add(new BigDecimal(v.trim()));
      }
    }
    return total;
  }
}
