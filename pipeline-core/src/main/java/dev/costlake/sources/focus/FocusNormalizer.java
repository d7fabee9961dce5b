package dev.costlake.sources.focus;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import dev.costlake.model.Focus;
import dev.costlake.quality.Quarantine;
import dev.costlake.sources.RawReader;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.TimestampType;

/**
 * Raw FOCUS text rows (any version 1.0–1.3, columns matched ignoring case) to canonical FOCUS
 * 1.3 rows. Placeholders become real nulls; decimals (E-notation included) and timestamps are
 * parsed exactly (UTC); enumerations take their canonical spelling; columns the export lacks are
 * null (or the source's configured default); provider columns not in FOCUS are kept in {@code
 * x_Extensions}. Each row carries {@value Quarantine#REASONS}: empty when valid, else why not.
 * No I/O.
 */
public final class FocusNormalizer {
  private FocusNormalizer() {}

  /** Strings exports use for "no value". */
  public static final List<String> PLACEHOLDERS = List.of("", "null", "none", "n/a");

  /** Columns that must hold a value for a row to enter silver. */
  public static final List<String> REQUIRED =
      List.of(
          Focus.BillingAccountId,
          Focus.BillingCurrency,
          Focus.BillingPeriodStart,
          Focus.ChargePeriodStart,
          Focus.ChargeCategory,
          Focus.BilledCost,
          Focus.EffectiveCost);

  static final MapType TAGS_TYPE = DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType);

  /** Optional input column: reasons found by a provider mapping before FOCUS parsing. */
  public static final String PRE_REASONS = "x__PreReasons";
  /** Optional input column: the provider's raw row (a struct), kept for quarantine. */
  public static final String RAW = "x__Raw";
  /** Optional input column: the tags as a map, when a provider mapping built one (Tags is its JSON). */
  public static final String TAGS_MAP = "x__TagsMap";

  private static final Set<String> LINEAGE =
      Set.of(
          Focus.X_SOURCE_FILE,
          Focus.X_SOURCE_ROW,
          Focus.X_SOURCE_ROW_PART,
          Focus.X_SOURCE_FORMAT,
          Focus.X_PAIRED_SOURCE_FILE,
          Focus.X_PAIRED_SOURCE_ROW,
          RawReader.CORRUPT,
          PRE_REASONS,
          RAW,
          TAGS_MAP);

  /**
   * @param raw text rows from {@link RawReader}
   * @param sourceName configured source name (lineage and replace unit)
   * @param runId this run's id
   * @param defaults values for columns absent or empty in the export, by FOCUS column name
   */
  public static Dataset<Row> normalize(
      Dataset<Row> raw, String sourceName, String runId, Map<String, String> defaults) {
    Map<String, String> byLower = new HashMap<>();
    List<String> extras = new ArrayList<>();
    Set<String> canonicalLower =
        Focus.columns().keySet().stream()
            .map(n -> n.toLowerCase(Locale.ROOT))
            .collect(Collectors.toSet());
    for (String c : raw.columns()) {
      if (LINEAGE.contains(c)) {
        continue;
      }
      String lower = c.toLowerCase(Locale.ROOT);
      if (canonicalLower.contains(lower)) {
        byLower.putIfAbsent(lower, c);
      } else {
        extras.add(c);
      }
    }
    Map<String, String> defaultsByLower = new HashMap<>();
    defaults.forEach((k, v) -> defaultsByLower.put(k.toLowerCase(Locale.ROOT), v));

    List<Column> out = new ArrayList<>();
    List<Column> reasons = new ArrayList<>();
    reasons.add(when(col(RawReader.CORRUPT).isNotNull(), lit(Quarantine.MALFORMED_ROW)));
    Set<String> present = Set.of(raw.columns());

    Map<String, Column> parsed = new LinkedHashMap<>();
    for (Map.Entry<String, Focus.Kind> e : Focus.columns().entrySet()) {
      String name = e.getKey();
      String lower = name.toLowerCase(Locale.ROOT);
      Column text = lit(null).cast(DataTypes.StringType);
      String input = byLower.get(lower);
      DataType inputType = input == null ? null : raw.schema().apply(input).dataType();
      String dflt = defaultsByLower.get(lower);
      if (typedInput(e.getValue(), inputType)) {
        // A provider mapping computed this value with its type (AWS amounts are decimals): no
        // text round trip. A decimal wider than DECIMAL(30,12) is quarantined as unparsable.
        DataType target = e.getValue() == Focus.Kind.DECIMAL ? Focus.DECIMAL : DataTypes.TimestampType;
        Column in = col("`" + input + "`");
        Column value = in.try_cast(target);
        Column given = in.isNotNull();
        if (dflt != null) {
          value = coalesce(value, lit(dflt).try_cast(target));
          given = lit(true);
        }
        String code = e.getValue() == Focus.Kind.DECIMAL ? Quarantine.UNPARSABLE_NUMBER : Quarantine.UNPARSABLE_TIMESTAMP;
        reasons.add(when(given.and(value.isNull()), lit(code + ":" + name)));
        parsed.put(name, value);
        continue;
      }
      if (input != null) {
        text = clean(col("`" + input + "`"));
      }
      if (dflt != null) {
        text = coalesce(text, lit(dflt));
      }
      Column value;
      switch (e.getValue()) {
        case DECIMAL:
          value = text.try_cast(Focus.DECIMAL);
          reasons.add(
              when(text.isNotNull().and(value.isNull()), lit(Quarantine.UNPARSABLE_NUMBER + ":" + name)));
          break;
        case TIMESTAMP:
          value = text.try_cast(DataTypes.TimestampType);
          reasons.add(
              when(text.isNotNull().and(value.isNull()), lit(Quarantine.UNPARSABLE_TIMESTAMP + ":" + name)));
          break;
        default:
          value = Focus.ENUMS.containsKey(name) ? canonicalEnum(text, Focus.ENUMS.get(name)) : text;
      }
      parsed.put(name, value);
    }
    // FOCUS 1.3 renamed ProviderName/PublisherName; fill old and new from each other.
    parsed.put(
        Focus.ServiceProviderName,
        coalesce(parsed.get(Focus.ServiceProviderName), parsed.get(Focus.ProviderName)));
    parsed.put(
        Focus.ProviderName,
        coalesce(parsed.get(Focus.ProviderName), parsed.get(Focus.ServiceProviderName)));
    parsed.put(
        Focus.PublisherName,
        coalesce(parsed.get(Focus.PublisherName), parsed.get(Focus.ServiceProviderName)));

    for (String req : REQUIRED) {
      reasons.add(when(parsed.get(req).isNull(), lit(Quarantine.MISSING_REQUIRED + ":" + req)));
    }
    Column currency = parsed.get(Focus.BillingCurrency);
    reasons.add(
        when(
            currency.isNotNull().and(functions.not(currency.isin(isoCurrencies()))),
            lit(Quarantine.UNKNOWN_CURRENCY)));
    Column tagsMap;
    if (present.contains(TAGS_MAP)) {
      tagsMap = col(TAGS_MAP); // Tags was written from this map: no need to parse it back
    } else {
      tagsMap = from_json(parsed.get(Focus.Tags), TAGS_TYPE, Map.of("mode", "PERMISSIVE"));
      reasons.add(
          when(
              parsed.get(Focus.Tags).isNotNull().and(tagsMap.isNull()),
              lit(Quarantine.INVALID_JSON + ":" + Focus.Tags)));
    }

    parsed.forEach((name, value) -> out.add(value.as(name)));
    out.add(lit(sourceName).as(Focus.X_SOURCE_NAME));
    out.add(col(Focus.X_SOURCE_FORMAT));
    out.add(col(Focus.X_SOURCE_FILE));
    out.add(col(Focus.X_SOURCE_ROW));
    out.add(
        (present.contains(Focus.X_SOURCE_ROW_PART) ? col(Focus.X_SOURCE_ROW_PART) : lit(0))
            .cast(DataTypes.IntegerType)
            .as(Focus.X_SOURCE_ROW_PART));
    out.add((present.contains(Focus.X_PAIRED_SOURCE_FILE) ? col(Focus.X_PAIRED_SOURCE_FILE) : lit(null)).cast(DataTypes.StringType).as(Focus.X_PAIRED_SOURCE_FILE));
    out.add((present.contains(Focus.X_PAIRED_SOURCE_ROW) ? col(Focus.X_PAIRED_SOURCE_ROW) : lit(null)).cast(DataTypes.LongType).as(Focus.X_PAIRED_SOURCE_ROW));
    out.add(lit(runId).as(Focus.X_INGESTION_RUN_ID));
    out.add(date_format(parsed.get(Focus.BillingPeriodStart), "yyyy-MM").as(Focus.X_BILLING_PERIOD));
    out.add(to_date(parsed.get(Focus.ChargePeriodStart)).as(Focus.X_CHARGE_DATE));
    out.add(tagsMap.as(Focus.X_TAGS_MAP));
    for (String owner : Focus.OWNER_COLUMNS) {
      out.add(lit(null).cast(DataTypes.StringType).as(owner));
    }
    out.add(extensions(extras).as(Focus.X_EXTENSIONS));
    // Text that was not valid UTF-8 decodes to U+FFFD: quarantine rather than keep mangled values.
    reasons.add(when(rawText(raw, present).contains("\uFFFD"), lit(Quarantine.INVALID_ENCODING)));
    Column reasonList = compactReasons(reasons);
    if (present.contains(PRE_REASONS)) {
      reasonList = functions.concat(col(PRE_REASONS), reasonList);
    }
    out.add(reasonList.as(Quarantine.REASONS));
    out.add(
        when(
                functions.size(reasonList).gt(0),
                present.contains(RAW) ? functions.to_json(col(RAW)) : Quarantine.rawRecord(raw.columns()))
            .as(Quarantine.RAW_RECORD));
    return raw.select(out.toArray(new Column[0]));
  }

  /**
   * The non-null entries of {@code reasons} (each {@code when(condition, code)}), in order, as an
   * array. Built with {@code concat} of one-element or empty arrays rather than {@code
   * array_compact}: that is a higher-order function, which Spark cannot compile, so every reason
   * condition under it (dozens of parses per row) would be evaluated interpreted, row by row.
   */
  public static Column compactReasons(List<Column> reasons) {
    Column none = array().cast(DataTypes.createArrayType(DataTypes.StringType));
    Column[] parts = new Column[reasons.size()];
    for (int i = 0; i < parts.length; i++) {
      Column r = reasons.get(i);
      parts[i] = when(r.isNotNull(), array(r)).otherwise(none);
    }
    return parts.length == 0 ? none : functions.concat(parts);
  }

  private static Column rawText(Dataset<Row> raw, Set<String> present) {
    if (present.contains(RAW)) {
      // The raw struct's text fields joined: the same characters as its JSON, without building JSON
      // for every row.
      List<Column> fields = new ArrayList<>();
      for (org.apache.spark.sql.types.StructField f : ((org.apache.spark.sql.types.StructType) raw.schema().apply(RAW).dataType()).fields()) {
        if (f.dataType() instanceof org.apache.spark.sql.types.StringType) {
          fields.add(col(RAW).getField(f.name()));
        } else if (RawReader.isStringMap(f.dataType())) { // a map kept as a map: its keys and values
          fields.add(functions.map_keys(col(RAW).getField(f.name())));
          fields.add(functions.map_values(col(RAW).getField(f.name())));
        }
      }
      return fields.isEmpty() ? lit("") : functions.concat_ws("\u0001", fields.toArray(new Column[0]));
    }
    List<Column> cols = new ArrayList<>();
    for (org.apache.spark.sql.types.StructField f : raw.schema().fields()) {
      if (f.dataType() instanceof org.apache.spark.sql.types.StringType && !LINEAGE.contains(f.name())) {
        cols.add(col("`" + f.name() + "`"));
      }
    }
    return cols.isEmpty() ? lit("") : functions.concat_ws("\u0001", cols.toArray(new Column[0]));
  }

  /** A DECIMAL column given as a decimal, or a TIMESTAMP column as a timestamp: used as it is. */
  private static boolean typedInput(Focus.Kind kind, DataType type) {
    return (kind == Focus.Kind.DECIMAL && type instanceof DecimalType)
        || (kind == Focus.Kind.TIMESTAMP && type instanceof TimestampType);
  }

  /** Longest placeholder: longer text is never one, so it is not lower-cased to be compared. */
  private static final int PLACEHOLDER_MAX = PLACEHOLDERS.stream().mapToInt(String::length).max().orElse(0);

  /** Trims and turns placeholder strings into null. */
  public static Column clean(Column c) {
    Column t = trim(c);
    // The byte length first (O(1); placeholders are ASCII, so a longer value is none): AND
    // short-circuits, so most values skip counting characters and the lower-casing copy.
    Column placeholder = functions.octet_length(t).leq(PLACEHOLDER_MAX).and(lower(t).isin(PLACEHOLDERS.toArray()));
    return when(t.isNull().or(placeholder), lit(null)).otherwise(t);
  }

  /** Maps a value to its canonical spelling ignoring case, spaces, '-' and '_'. */
  static Column canonicalEnum(Column text, List<String> values) {
    Column key = lower(functions.translate(text, "-_ ", "")); // translate: no regex per row
    Column result = null;
    for (String v : values) {
      String k = v.toLowerCase(Locale.ROOT).replaceAll("[-_ ]", "");
      result = result == null ? when(key.equalTo(k), lit(v)) : result.when(key.equalTo(k), lit(v));
    }
    return result.otherwise(text);
  }

  private static Column extensions(List<String> extras) {
    if (extras.isEmpty()) {
      return lit(null).cast(TAGS_TYPE);
    }
    List<Column> entries = new ArrayList<>();
    for (String e : extras) {
      entries.add(clean(col("`" + e + "`")));
    }
    return nonNullEntries(extras.stream().map(functions::lit).toList(), entries);
  }

  /**
   * A map of the entries whose value is not null, or null when none is. Built from {@code concat}
   * of one-entry-or-empty arrays and {@code map_from_entries}, which Spark compiles, rather than
   * {@code map_filter}: a higher-order function, evaluated interpreted row by row together with
   * every expression under it.
   */
  public static Column nonNullEntries(List<Column> keys, List<Column> values) {
    org.apache.spark.sql.types.ArrayType entryArray =
        DataTypes.createArrayType(
            DataTypes.createStructType(
                List.of(
                    DataTypes.createStructField("key", DataTypes.StringType, false),
                    DataTypes.createStructField("value", DataTypes.StringType, true))));
    Column none = array().cast(entryArray);
    Column[] parts = new Column[keys.size()];
    for (int i = 0; i < parts.length; i++) {
      Column v = values.get(i);
      parts[i] = when(v.isNotNull(), array(functions.struct(keys.get(i).as("key"), v.as("value")))).otherwise(none);
    }
    Column all = parts.length == 1 ? parts[0] : functions.concat(parts);
    return when(functions.size(all).gt(0), functions.map_from_entries(all));
  }

  private static Object[] isoCurrencies() {
    Set<String> codes = new TreeSet<>();
    for (Currency c : Currency.getAvailableCurrencies()) {
      codes.add(c.getCurrencyCode());
    }
    return codes.toArray();
  }
}
