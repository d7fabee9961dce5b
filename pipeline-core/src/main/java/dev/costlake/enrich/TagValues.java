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

  /** The trimmed, non-blank value of the first key (in alias order) present among the tags. */
  public static Column present(List<String> keys, Column tags) {
    List<Column> found = new ArrayList<>();
    for (String k : keys) {
      String nk = TagKeys.normalize(k);
      Column entries =
          functions.filter(
              functions.map_entries(tags),
              e -> TagKeys.normalize(e.getField("key")).equalTo(lit(nk))
                  .and(functions.length(trim(e.getField("value"))).gt(0)));
      found.add(trim(functions.try_element_at(entries, lit(1)).getField("value")));
    }
    return found.isEmpty() ? lit(null).cast("string") : coalesce(found.toArray(new Column[0]));
  }

  /** The canonical, valid value of dimension {@code dim} by the tag rule, or null. */
  public static Column valid(LoadedRule r, Ownership o, String dim, Column tags) {
    Column raw = present(r.rule().keys().getOrDefault(dim, List.of(dim)), tags);
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
