package dev.costlake.enrich;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import dev.costlake.enrich.Ownership.LoadedRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;

/**
 * Tag values as column expressions (shared by enrichment and tag compliance): the value of a
 * dimension's tag under any of its key aliases, trimmed, mapped through the alias table, and
 * checked (team: a known owner; other dimensions: the allowed list when one is configured).
 * Values compare ignoring case; the canonical spelling is the alias table's, else the owner
 * catalogue's or allowed list's, else the value in lower case.
 */
public final class TagValues {
  private TagValues() {}

  /**
   * A line's tags prepared once for {@link #present}: the entries with a non-blank value, in map
   * order, each as its normalized key and trimmed value. Give it its own column
   * ({@code withColumn}) so that it is computed once per row: it is the only part that runs
   * interpreted (higher-order functions) and applies the key normalization's regular expression;
   * the lookups in {@link #present} are compiled array searches.
   */
  public static Column entries(Column tags) {
    return entriesOf(functions.map_entries(tags));
  }

  /** {@link #entries} of a tag map given as its {@code map_entries} (key/value structs). */
  public static Column entriesOf(Column mapEntries) {
    Column normalized =
        functions.transform(
            mapEntries,
            e -> functions.struct(TagKeys.normalize(e.getField("key")).as(KEY), trim(e.getField("value")).as(VALUE)));
    return functions.filter(normalized, e -> functions.length(e.getField(VALUE)).gt(0));
  }

  private static final String KEY = "k";
  private static final String VALUE = "v";

  /**
   * The trimmed, non-blank value of the first key (in alias order) present among the tags, from
   * their {@link #entries}; among entries whose keys normalize alike, the first in map order.
   */
  public static Column present(List<String> keys, Column entries) {
    List<Column> found = new ArrayList<>();
    Column entryKeys = entries.getField(KEY);
    Column entryValues = entries.getField(VALUE);
    for (String k : keys) {
      Column at = functions.array_position(entryKeys, lit(TagKeys.normalize(k)));
      found.add(when(at.gt(0), functions.element_at(entryValues, at.cast("int"))));
    }
    return found.isEmpty() ? lit(null).cast("string") : coalesce(found.toArray(new Column[0]));
  }

  /** The canonical, valid value of dimension {@code dim} by the tag rule, or null ({@link #entries}). */
  public static Column valid(LoadedRule r, Ownership o, String dim, Column entries) {
    Column raw = present(r.rule().keys().getOrDefault(dim, List.of(dim)), entries);
    return validate(r, o, dim, raw);
  }

  /** Canonical and valid form of a present value, or null when absent or invalid. */
  public static Column validate(LoadedRule r, Ownership o, String dim, Column raw) {
    Column l = lower(raw);
    Map<String, String> aliases = r == null ? Map.of() : r.aliases().getOrDefault(dim, Map.of());
    Column aliased = coalesce(functions.try_element_at(OwnershipResolver.stringMap(aliases), l), raw);
    Column la = lower(aliased);
    if (dim.equals("team")) {
      if (o.owners().isEmpty()) {
        return when(raw.isNotNull(), coalesce(functions.try_element_at(OwnershipResolver.stringMap(aliases), l), la));
      }
      Map<String, String> known = new TreeMap<>();
      o.owners().forEach((k, v) -> known.put(k, v.team()));
      return functions.try_element_at(OwnershipResolver.stringMap(known), la);
    }
    List<String> allowed = r == null ? List.of() : r.rule().allowed().getOrDefault(dim, List.of());
    Column canon = coalesce(functions.try_element_at(OwnershipResolver.stringMap(aliases), l), la);
    if (allowed.isEmpty()) {
      return when(raw.isNotNull(), canon);
    }
    Map<String, String> ok = new TreeMap<>();
    allowed.forEach(a -> ok.put(a.toLowerCase(Locale.ROOT), a));
    return functions.try_element_at(OwnershipResolver.stringMap(ok), la);
  }
}
