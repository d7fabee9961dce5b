package dev.costlake.enrich;

import dev.costlake.enrich.Ownership.LoadedRule;
import dev.costlake.enrich.Ownership.Owner;
import dev.costlake.enrich.OwnershipConfig.Rule;
import dev.costlake.enrich.OwnershipConfig.RuleType;
import dev.costlake.errors.Errors;
import io.delta.tables.DeltaTable;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Reads and validates the mapping inputs of the ownership rules: CSV files (local, HDFS or s3a)
 * or Delta tables, all small. Any problem (missing file, malformed line, duplicate key,
 * overlapping date ranges, unknown owner) stops the run with exit code 2 and a message naming the
 * file and line. Mapping tables are small reference data: they are the only thing collected here.
 */
public final class MappingLoader {
  private MappingLoader() {}

  /** Bump when the resolution logic changes meaning, so silver is re-enriched once. */
  static final String LOGIC_VERSION = "ownership-v1";

  public static final String VALID_FROM = "valid_from";
  public static final String VALID_TO = "valid_to";
  public static final String DESCRIPTION = "description";
  /** Service mappings: optional charge category (blank = any); service_name {@code *} = any. */
  public static final String CHARGE_CATEGORY = "charge_category";

  static final String SERVICE_KEY_SEPARATOR = "\u0001";

  /** The key column of each mapping kind. */
  public static final Map<RuleType, String> KEY_COLUMN =
      Map.of(
          RuleType.ACCOUNT, "account_id",
          RuleType.RESOURCE, "pattern",
          RuleType.SERVICE, "service_name");

  /** A mapping input as text: header and numbered lines (or rows). */
  record RawTable(String label, List<String> header, List<RawLine> lines) {}

  record RawLine(String where, List<String> fields) {}

  public static Ownership load(SparkSession spark, OwnershipConfig cfg) {
    StringBuilder canon = new StringBuilder(LOGIC_VERSION).append('\n');
    canon.append("history=").append(cfg.history().label).append('\n');
    canon.append("unallocated=").append(cfg.unallocated()).append('\n');
    Map<String, Owner> owners = new TreeMap<>();
    if (cfg.owners() != null) {
      owners = owners(read(spark, cfg.resolve(cfg.owners())));
      owners.values().forEach(o -> canon.append("owner=").append(o).append('\n'));
    }
    List<LoadedRule> rules = new ArrayList<>();
    for (Rule r : cfg.rules()) {
      canon.append("rule=").append(r.id()).append('|').append(r.type().label).append('|')
          .append(r.match()).append('|').append(r.keys()).append('|').append(r.allowed()).append('\n');
      if (r.type() == RuleType.TAG) {
        Map<String, Map<String, String>> aliases =
            r.values() == null ? Map.of() : aliases(read(spark, cfg.resolve(r.values())), owners);
        canon.append("aliases=").append(new TreeMap<>(aliases)).append('\n');
        rules.add(new LoadedRule(r, List.of(), aliases));
      } else {
        List<MappingRow> rows = mapping(read(spark, cfg.resolve(r.mapping())), r.type(), owners);
        rows.forEach(m -> canon.append(m.key()).append('|').append(m.from()).append('|')
            .append(m.to()).append('|').append(m.assignment()).append('\n'));
        rules.add(new LoadedRule(r, rows, Map.of()));
      }
    }
    return new Ownership(cfg, Collections.unmodifiableMap(owners), List.copyOf(rules), sha256(canon.toString()));
  }

  // ---------------------------------------------------------------------------------------
  // Validation of each kind of input.

  static Map<String, Owner> owners(RawTable t) {
    Map<String, Integer> cols = header(t, List.of("team"), List.of("cost_center", DESCRIPTION));
    Map<String, Owner> out = new TreeMap<>();
    Map<String, String> seenAt = new TreeMap<>();
    for (RawLine l : t.lines()) {
      String team = field(t, l, cols, "team", true);
      String key = team.toLowerCase(Locale.ROOT);
      if (seenAt.containsKey(key)) {
        throw Errors.mapping(t.label(), l.where(), "duplicate key: team '" + team + "' is also listed on " + seenAt.get(key));
      }
      seenAt.put(key, l.where());
      out.put(key, new Owner(team, field(t, l, cols, "cost_center", false)));
    }
    return out;
  }

  static Map<String, Map<String, String>> aliases(RawTable t, Map<String, Owner> owners) {
    Map<String, Integer> cols = header(t, List.of("dimension", "value", "canonical"), List.of(DESCRIPTION));
    Map<String, Map<String, String>> out = new TreeMap<>();
    Map<String, String> seenAt = new TreeMap<>();
    for (RawLine l : t.lines()) {
      String dimText = field(t, l, cols, "dimension", true);
      String dim = OwnershipConfig.dimension(dimText);
      if (dim == null) {
        throw Errors.mapping(t.label(), l.where(), "malformed row: dimension '" + dimText + "' is not one of " + OwnershipConfig.DIMENSIONS.keySet());
      }
      String value = field(t, l, cols, "value", true);
      String canonical = field(t, l, cols, "canonical", true);
      String key = dim + "|" + value.toLowerCase(Locale.ROOT);
      if (seenAt.containsKey(key)) {
        throw Errors.mapping(t.label(), l.where(), "duplicate key: " + dim + " value '" + value + "' is also mapped on " + seenAt.get(key));
      }
      seenAt.put(key, l.where());
      if (dim.equals("team")) {
        canonical = knownTeam(t, l, canonical, owners);
      }
      out.computeIfAbsent(dim, x -> new TreeMap<>()).put(value.toLowerCase(Locale.ROOT), canonical);
    }
    return out;
  }

  static List<MappingRow> mapping(RawTable t, RuleType type, Map<String, Owner> owners) {
    String keyCol = KEY_COLUMN.get(type);
    List<String> optional = new ArrayList<>(List.of("application", "environment", "product", "cost_center"));
    if (type == RuleType.SERVICE) {
      optional.add(CHARGE_CATEGORY);
    }
    optional.addAll(List.of(VALID_FROM, VALID_TO, DESCRIPTION));
    Map<String, Integer> cols = header(t, List.of(keyCol, "team"), optional);
    List<MappingRow> out = new ArrayList<>();
    Map<String, List<MappingRow>> byKey = new LinkedHashMap<>();
    for (RawLine l : t.lines()) {
      String raw = field(t, l, cols, keyCol, true);
      String key = type == RuleType.RESOURCE ? raw : raw.toLowerCase(Locale.ROOT);
      if (type == RuleType.SERVICE) {
        String cat = field(t, l, cols, CHARGE_CATEGORY, false);
        key = key + SERVICE_KEY_SEPARATOR + (cat == null ? "" : cat.toLowerCase(Locale.ROOT));
        raw = raw + (cat == null ? "" : " / " + cat);
      }
      if (type == RuleType.RESOURCE) {
        try {
          Pattern.compile(raw);
        } catch (PatternSyntaxException e) {
          throw Errors.mapping(t.label(), l.where(), "malformed row: pattern '" + raw + "' is not a valid regular expression (" + e.getDescription() + ")");
        }
      }
      String team = knownTeam(t, l, field(t, l, cols, "team", true), owners);
      LocalDate from = date(t, l, cols, VALID_FROM);
      LocalDate to = date(t, l, cols, VALID_TO);
      if (from != null && to != null && !to.isAfter(from)) {
        throw Errors.mapping(t.label(), l.where(), "malformed row: valid_to " + to + " is not after valid_from " + from + " (valid_to is exclusive)");
      }
      MappingRow row =
          new MappingRow(
              key,
              from,
              to,
              new Assignment(
                  team,
                  field(t, l, cols, "application", false),
                  field(t, l, cols, "environment", false),
                  field(t, l, cols, "product", false),
                  field(t, l, cols, "cost_center", false)),
              l.where());
      for (MappingRow other : byKey.getOrDefault(key, List.of())) {
        if (java.util.Objects.equals(other.from(), from)) {
          throw Errors.mapping(t.label(), l.where(), "duplicate key: " + keyCol + " '" + raw + "' with valid_from " + (from == null ? "(empty)" : from) + " is also on " + other.where());
        }
        if (other.overlaps(row)) {
          throw Errors.mapping(t.label(), l.where(), "overlapping date ranges: " + keyCol + " '" + raw + "' " + row.range() + " overlaps " + other.range() + " on " + other.where() + "; end one range where the next begins");
        }
      }
      byKey.computeIfAbsent(key, x -> new ArrayList<>()).add(row);
      out.add(row);
    }
    return List.copyOf(out);
  }

  private static String knownTeam(RawTable t, RawLine l, String team, Map<String, Owner> owners) {
    if (owners.isEmpty()) {
      return team;
    }
    Owner o = owners.get(team.toLowerCase(Locale.ROOT));
    if (o == null) {
      throw Errors.mapping(t.label(), l.where(), "unknown owner: team '" + team + "' is not in the owners file; add it there or correct the name");
    }
    return o.team();
  }

  private static LocalDate date(RawTable t, RawLine l, Map<String, Integer> cols, String col) {
    String v = field(t, l, cols, col, false);
    if (v == null) {
      return null;
    }
    try {
      return LocalDate.parse(v);
    } catch (DateTimeParseException e) {
      throw Errors.mapping(t.label(), l.where(), "malformed row: " + col + " '" + v + "' is not a date (yyyy-MM-dd)");
    }
  }

  /** Checks the header: required columns present, no unknown or repeated ones. Column → index. */
  private static Map<String, Integer> header(RawTable t, List<String> required, List<String> optional) {
    Map<String, Integer> cols = new LinkedHashMap<>();
    String where = t.label().endsWith(".csv") ? "line 1 (header)" : "columns";
    for (int i = 0; i < t.header().size(); i++) {
      String h = t.header().get(i).trim().toLowerCase(Locale.ROOT);
      if (!required.contains(h) && !optional.contains(h)) {
        throw Errors.mapping(t.label(), where, "malformed header: unknown column '" + t.header().get(i) + "'; expected " + required + " and optionally " + optional);
      }
      if (cols.put(h, i) != null) {
        throw Errors.mapping(t.label(), where, "malformed header: column '" + h + "' appears twice");
      }
    }
    for (String r : required) {
      if (!cols.containsKey(r)) {
        throw Errors.mapping(t.label(), where, "malformed header: required column '" + r + "' is missing; expected " + required + " and optionally " + optional);
      }
    }
    for (RawLine l : t.lines()) {
      if (l.fields().size() != t.header().size()) {
        throw Errors.mapping(t.label(), l.where(), "malformed row: " + l.fields().size() + " fields where the header has " + t.header().size());
      }
    }
    return cols;
  }

  /** A field trimmed, null when blank; a blank required field stops the run. */
  private static String field(RawTable t, RawLine l, Map<String, Integer> cols, String col, boolean required) {
    Integer i = cols.get(col);
    String v = i == null || l.fields().get(i) == null ? null : l.fields().get(i).trim();
    if (v != null && v.isEmpty()) {
      v = null;
    }
    if (v == null && required) {
      throw Errors.mapping(t.label(), l.where(), "malformed row: " + col + " is empty");
    }
    return v;
  }

  // ---------------------------------------------------------------------------------------
  // Reading: CSV text through Hadoop (local, HDFS, s3a), or a Delta table.

  static RawTable read(SparkSession spark, String path) {
    if (!path.toLowerCase(Locale.ROOT).endsWith(".csv")) {
      boolean delta;
      try {
        delta = DeltaTable.isDeltaTable(spark, path);
      } catch (Exception e) {
        delta = false;
      }
      if (delta) {
        return readDelta(spark, path);
      }
    }
    return readCsv(spark, path);
  }

  private static RawTable readDelta(SparkSession spark, String path) {
    Dataset<Row> df = spark.read().format("delta").load(path);
    List<String> header = List.of(df.columns());
    Dataset<Row> text =
        df.select(header.stream().map(c -> functions.col("`" + c + "`").cast(DataTypes.StringType)).toArray(org.apache.spark.sql.Column[]::new));
    List<Row> rows = text.orderBy(header.stream().map(c -> functions.col("`" + c + "`").asc_nulls_first()).toArray(org.apache.spark.sql.Column[]::new)).collectAsList();
    List<RawLine> lines = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      List<String> f = new ArrayList<>();
      Map<String, String> shown = new LinkedHashMap<>();
      for (int j = 0; j < header.size(); j++) {
        f.add(rows.get(i).isNullAt(j) ? null : rows.get(i).getString(j));
        shown.put(header.get(j), f.get(j));
      }
      lines.add(new RawLine("row " + (i + 1) + " of " + rows.size() + " " + shown, f));
    }
    return new RawTable(path, header, lines);
  }

  private static RawTable readCsv(SparkSession spark, String path) {
    Path p = new Path(path);
    List<String> header = null;
    List<RawLine> lines = new ArrayList<>();
    try {
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(p) || !fs.getFileStatus(p).isFile()) {
        throw Errors.mapping(path, "", "the file does not exist (relative mapping paths resolve against the configuration file's folder)");
      }
      try (FSDataInputStream in = fs.open(p);
          BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        int n = 0;
        while ((line = r.readLine()) != null) {
          n++;
          if (n == 1 && line.startsWith("\uFEFF")) {
            line = line.substring(1);
          }
          String trimmed = line.trim();
          if (trimmed.isEmpty() || trimmed.startsWith("#")) {
            continue;
          }
          List<String> fields = dev.costlake.sources.LandingFiles.splitCsv(line);
          if (fields == null) {
            throw Errors.mapping(path, "line " + n, "malformed row: unterminated quote");
          }
          if (header == null) {
            header = fields;
          } else {
            lines.add(new RawLine("line " + n, fields));
          }
        }
      }
    } catch (IOException e) {
      throw Errors.mapping(path, "", "cannot be read (" + e.getMessage() + ")");
    }
    if (header == null) {
      throw Errors.mapping(path, "line 1", "malformed header: the file is empty");
    }
    return new RawTable(path, header, lines);
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

}
