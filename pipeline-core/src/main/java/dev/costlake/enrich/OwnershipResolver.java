package dev.costlake.enrich;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import dev.costlake.enrich.Ownership.LoadedRule;
import dev.costlake.enrich.OwnershipConfig.History;
import dev.costlake.enrich.OwnershipConfig.RuleType;
import dev.costlake.model.Focus;
import java.sql.Date;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Decides each row's owner with the ordered rule list and fills the ownership columns.
 *
 * <p>The owner ({@code x_Team}) comes from the first rule that matches; that rule's kind and id
 * go to {@code x_OwnershipSource} and {@code x_OwnershipRuleId}. A tag rule matches when a team
 * tag holds a known owner; a mapping rule matches when one of its lines applies (key and, in
 * {@code as-was} history, the row's charge date). Each other dimension takes the winning rule's
 * value, else the row's own valid tag value (tags describe the resource itself, so an environment
 * tag still fills x_Environment when the account mapping decided the team; values of losing
 * mapping lines, which belong to another owner, are never mixed in); x_CostCenter finally falls
 * back to the owner's cost center in the owner catalogue. Rows no rule matches get the
 * unallocated owner.
 *
 * <p>Built-in functions only: account mappings (the large ones) are broadcast left joins (at most
 * one line applies per key and day, which validation guarantees, so rows are never duplicated);
 * resource patterns and service lines are one CASE expression each, in file order (first line
 * that applies wins); value aliases are map literals.
 * No I/O.
 */
public final class OwnershipResolver {
  private OwnershipResolver() {}

  static final List<String> DIMS = List.copyOf(OwnershipConfig.DIMENSIONS.keySet());

  static final StructType ASSIGNMENT =
      new StructType()
          .add("team", DataTypes.StringType)
          .add("application", DataTypes.StringType)
          .add("environment", DataTypes.StringType)
          .add("product", DataTypes.StringType)
          .add("cost_center", DataTypes.StringType);

  /**
   * Returns the rows with the ownership columns filled (replaced in place when present, else
   * appended), all other columns unchanged and in the same order, and the same number of rows.
   */
  public static Dataset<Row> resolve(Dataset<Row> rows, Ownership ownership) {
    OwnershipConfig cfg = ownership.config();
    boolean asWas = cfg.history() == History.AS_WAS;
    Column date = col(Focus.X_CHARGE_DATE);
    Dataset<Row> df = rows;
    List<String> temp = new ArrayList<>();
    List<Column> candidates = new ArrayList<>();
    if (ownership.rules().stream().anyMatch(r -> r.rule().type() == RuleType.TAG)) {
      // Its own column: computed once per row, read by every tag rule's dimensions.
      df = df.withColumn(TAG_ENTRIES, TagValues.entries(col(Focus.X_TAGS_MAP)));
      temp.add(TAG_ENTRIES);
    }
    int i = 0;
    for (LoadedRule r : ownership.rules()) {
      String name = "_own" + i++;
      temp.add(name);
      switch (r.rule().type()) {
        case TAG -> df = df.withColumn(name, tagCandidate(r, ownership));
        case RESOURCE -> df = df.withColumn(name, resourceCandidate(r, asWas, date));
        case ACCOUNT -> {
          Column key =
              col("billing-account".equals(r.rule().match()) ? Focus.BillingAccountId : Focus.SubAccountId);
          df = joinCandidate(df, r, name, key, asWas, date);
        }
        case SERVICE -> df = df.withColumn(name, serviceCandidate(r, asWas, date));
        default -> throw new IllegalStateException("rule type " + r.rule().type());
      }
      candidates.add(col(name));
    }

    // Winner: the first candidate with a team.
    Column winner = null;
    Column source = null;
    Column ruleId = null;
    for (int k = 0; k < candidates.size(); k++) {
      Column c = candidates.get(k);
      Column has = c.getField("team").isNotNull();
      LoadedRule r = ownership.rules().get(k);
      winner = winner == null ? when(has, c) : winner.when(has, c);
      source = source == null ? when(has, lit(r.rule().type().label)) : source.when(has, lit(r.rule().type().label));
      ruleId = ruleId == null ? when(has, lit(r.rule().id())) : ruleId.when(has, lit(r.rule().id()));
    }
    Column unallocated = lit(OwnershipConfig.UNALLOCATED_SOURCE);
    source = source == null ? unallocated : source.otherwise(unallocated);
    ruleId = ruleId == null ? unallocated : ruleId.otherwise(unallocated);
    df = df.withColumn("_ownWinner", winner == null ? lit(null).cast(ASSIGNMENT) : winner);
    temp.add("_ownWinner");

    Map<String, Column> out = new LinkedHashMap<>();
    Column team = coalesce(col("_ownWinner.team"), lit(cfg.unallocated()));
    out.put(Focus.X_TEAM, team);
    for (String d : DIMS.subList(1, DIMS.size())) {
      List<Column> chain = new ArrayList<>();
      chain.add(col("_ownWinner." + d));
      for (int k = 0; k < candidates.size(); k++) {
        if (ownership.rules().get(k).rule().type() == RuleType.TAG) {
          chain.add(candidates.get(k).getField(d));
        }
      }
      if (d.equals("cost_center")) {
        Map<String, String> cc = new TreeMap<>();
        ownership.owners().forEach((k, o) -> { if (o.costCenter() != null) cc.put(k, o.costCenter()); });
        chain.add(functions.try_element_at(stringMap(cc), lower(team)));
      }
      out.put(OwnershipConfig.DIMENSIONS.get(d), coalesce(chain.toArray(new Column[0])));
    }
    out.put(Focus.X_OWNERSHIP_SOURCE, source);
    out.put(Focus.X_OWNERSHIP_RULE_ID, ruleId);

    List<Column> select = new ArrayList<>();
    Set<String> original = Set.of(rows.columns());
    for (String c : rows.columns()) {
      select.add(out.containsKey(c) ? out.get(c).cast(DataTypes.StringType).as(c) : col("`" + c + "`"));
    }
    out.forEach((c, e) -> { if (!original.contains(c)) select.add(e.cast(DataTypes.StringType).as(c)); });
    return df.select(select.toArray(new Column[0]));
  }

  // ---------------------------------------------------------------------------------------
  // Tags.

  private static final String TAG_ENTRIES = "_ownTagEntries";

  /** The struct a tag rule gives: each dimension's valid, canonical value (or null), from the {@code TAG_ENTRIES} column. */
  static Column tagCandidate(LoadedRule r, Ownership o) {
    List<Column> fields = new ArrayList<>();
    for (String d : DIMS) {
      fields.add(TagValues.valid(r, o, d, col(TAG_ENTRIES)).as(d));
    }
    return functions.struct(fields.toArray(new Column[0]));
  }

  // ---------------------------------------------------------------------------------------
  // Mappings.

  /** Lines that apply: all of them (as-was) or each key's latest line (as-is). */
  static List<MappingRow> applicable(LoadedRule r, boolean asWas) {
    if (asWas) {
      return r.rows();
    }
    Map<String, MappingRow> latest = new LinkedHashMap<>();
    for (MappingRow m : r.rows()) {
      MappingRow prev = latest.get(m.key());
      if (prev == null || (m.from() != null && (prev.from() == null || m.from().isAfter(prev.from())))) {
        latest.put(m.key(), m);
      }
    }
    List<MappingRow> out = new ArrayList<>();
    for (MappingRow m : r.rows()) {
      if (latest.get(m.key()) == m) {
        out.add(m);
      }
    }
    return out;
  }

  private static Column inRange(MappingRow m, Column date, boolean asWas) {
    Column c = lit(true);
    if (asWas && m.from() != null) {
      c = c.and(date.geq(lit(Date.valueOf(m.from()))));
    }
    if (asWas && m.to() != null) {
      c = c.and(date.lt(lit(Date.valueOf(m.to()))));
    }
    return c;
  }

  /** Resource patterns: one CASE in file order; the first pattern found in ResourceId wins. */
  static Column resourceCandidate(LoadedRule r, boolean asWas, Column date) {
    Column id = col(Focus.ResourceId);
    Column c = null;
    for (MappingRow m : applicable(r, asWas)) {
      Column cond = patternFound(id, m.key()).and(inRange(m, date, asWas));
      Column v = literal(m.assignment());
      c = c == null ? when(cond, v) : c.when(cond, v);
    }
    return c == null ? lit(null).cast(ASSIGNMENT) : c;
  }

  /** Characters with a meaning in a Java regular expression. */
  private static final String REGEX_META = "\\^$.|?*+()[]{}";

  /**
   * {@code id.rlike(pattern)}, preceded by a substring test when the pattern is a plain ASCII
   * string, optionally case-insensitive ({@code (?i)/resourceGroups/rg-web/}): the test is
   * necessary for a match and far cheaper than a regular expression search, so most rows (ids
   * that hold no such substring) skip the search. The search still decides, so the result is the
   * pattern's.
   */
  static Column patternFound(Column id, String pattern) {
    boolean ignoreCase = pattern.startsWith("(?i)");
    String body = ignoreCase ? pattern.substring(4) : pattern;
    boolean plain =
        !body.isEmpty() && body.chars().allMatch(ch -> ch >= 0x20 && ch < 0x7f && REGEX_META.indexOf(ch) < 0);
    if (!plain) {
      return id.rlike(pattern);
    }
    // ASCII only: (?i) then folds ASCII letters only, so a match is an ASCII run of the id whose
    // lower case is the body's.
    Column found = ignoreCase ? lower(id).contains(body.toLowerCase(Locale.ROOT)) : id.contains(body);
    return found.and(id.rlike(pattern));
  }

  /**
   * Service rules: one CASE in file order on ServiceName ({@code *} = any service) and the optional
   * charge category, both compared trimmed and ignoring case; the first line that applies wins.
   */
  static Column serviceCandidate(LoadedRule r, boolean asWas, Column date) {
    Column service = lower(trim(col(Focus.ServiceName)));
    Column category = lower(trim(col(Focus.ChargeCategory)));
    Column c = null;
    for (MappingRow m : applicable(r, asWas)) {
      String[] k = m.key().split(MappingLoader.SERVICE_KEY_SEPARATOR, -1);
      Column cond = k[0].equals("*") ? lit(true) : service.equalTo(lit(k[0]));
      if (!k[1].isEmpty()) {
        cond = cond.and(category.equalTo(lit(k[1])));
      }
      cond = functions.coalesce(cond, lit(false)).and(inRange(m, date, asWas));
      Column v = literal(m.assignment());
      c = c == null ? when(cond, v) : c.when(cond, v);
    }
    return c == null ? lit(null).cast(ASSIGNMENT) : c;
  }

  /** Account mappings: a broadcast left join on the trimmed, lower-cased key. */
  static Dataset<Row> joinCandidate(
      Dataset<Row> df, LoadedRule r, String name, Column key, boolean asWas, Column date) {
    StructType schema =
        new StructType()
            .add(name + "_k", DataTypes.StringType)
            .add(name + "_from", DataTypes.DateType)
            .add(name + "_to", DataTypes.DateType)
            .add(name, ASSIGNMENT);
    List<Row> rows = new ArrayList<>();
    for (MappingRow m : applicable(r, asWas)) {
      Assignment a = m.assignment();
      rows.add(
          RowFactory.create(
              m.key(),
              asWas && m.from() != null ? Date.valueOf(m.from()) : null,
              asWas && m.to() != null ? Date.valueOf(m.to()) : null,
              RowFactory.create(a.team(), a.application(), a.environment(), a.product(), a.costCenter())));
    }
    Dataset<Row> map = df.sparkSession().createDataFrame(rows, schema);
    Column from = col(name + "_from");
    Column to = col(name + "_to");
    Column cond =
        lower(trim(key)).equalTo(col(name + "_k"))
            .and(from.isNull().or(date.geq(from)))
            .and(to.isNull().or(date.lt(to)));
    return df.join(broadcast(map), cond, "left").drop(name + "_k", name + "_from", name + "_to");
  }

  static Column literal(Assignment a) {
    List<Column> f = new ArrayList<>();
    List<String> v = a.values();
    for (int k = 0; k < DIMS.size(); k++) {
      f.add(lit(v.get(k)).cast(DataTypes.StringType).as(DIMS.get(k)));
    }
    return functions.struct(f.toArray(new Column[0]));
  }

  /** A MAP<STRING,STRING> literal (null when empty, so lookups give null). */
  static Column stringMap(Map<String, String> m) {
    if (m.isEmpty()) {
      return lit(null).cast(DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType));
    }
    List<Column> kv = new ArrayList<>();
    m.forEach((k, v) -> {
      kv.add(lit(k.toLowerCase(Locale.ROOT)));
      kv.add(lit(v));
    });
    return functions.map(kv.toArray(new Column[0]));
  }
}
