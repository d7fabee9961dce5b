package dev.costlake.gold;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.costlake.enrich.MappingLoader;
import dev.costlake.enrich.Ownership;
import dev.costlake.enrich.OwnershipConfig;
import dev.costlake.enrich.TagValues;
import dev.costlake.model.Focus;
import dev.costlake.model.Tables;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Gold {@code tag_compliance}: for each required tag key (ownership.compliance.required-tags), per
 * billing period, provider, billing account and currency: the EffectiveCost of taggable lines and
 * of those carrying the key with a valid value, and compliance = compliant / taggable.
 *
 * <p>A required key that is a dimension of the tag rule (team, environment, ...) is found under
 * any of its key aliases and is valid when the tag rule accepts its value (team: a known owner
 * after the value alias table; others: the allowed list when configured). Any other key is
 * matched ignoring case and punctuation and is valid when not blank. Taggable lines: not of the
 * excluded charge categories (default Tax and Purchase: taxes and commitment purchases cannot
 * carry resource tags) and, by default, with a ResourceId; split cost allocation rows are left
 * out as in cost_daily. The definition used is written in the {@code taggable_definition}
 * column.
 */
public final class TagCompliance implements GoldStep {
  public static final String TAG_KEY = "tag_key";
  public static final String BASIS = "basis";
  public static final String TOTAL = "total_cost";
  public static final String TAGGABLE = "taggable_cost";
  public static final String COMPLIANT = "compliant_cost";
  public static final String INVALID = "invalid_value_cost";
  public static final String MISSING = "missing_cost";
  public static final String COMPLIANCE = "tag_compliance";
  public static final String TAGGABLE_LINES = "taggable_line_items";
  public static final String COMPLIANT_LINES = "compliant_line_items";
  public static final String DEFINITION = "taggable_definition";

  public static final List<String> KEYS =
      List.of(Focus.X_BILLING_PERIOD, Focus.ServiceProviderName, Focus.BillingAccountId, Focus.BillingCurrency, TAG_KEY);

  @Override
  public String name() {
    return Tables.TAG_COMPLIANCE;
  }

  @Override
  public void build(Context ctx) {
    Ownership o = MappingLoader.load(ctx.spark(), OwnershipConfig.from(ctx.config()));
    String cond = ctx.periodCondition();
    ctx.warehouse().replace(compute(ctx.summary().rows(), o), Tables.TAG_COMPLIANCE, cond, List.of(Focus.X_BILLING_PERIOD), false);
    ctx.progress().accept(
        "gold",
        "rebuilt " + Tables.TAG_COMPLIANCE + " for periods " + ctx.periods() + ", required tags "
            + o.config().compliance().requiredTags());
  }

  /** Which lines can carry tags, as a column and in words. */
  static Column taggable(OwnershipConfig.Compliance c) {
    Column t = lit(true);
    if (!c.excludedChargeCategories().isEmpty()) {
      t = t.and(functions.coalesce(functions.not(col(Focus.ChargeCategory).isin(c.excludedChargeCategories().toArray())), lit(true)));
    }
    if (c.requireResourceId()) {
      t = t.and(functions.not(col(SilverSummary.RESOURCE_ID_NULL)));
    }
    return t;
  }

  public static String definition(OwnershipConfig.Compliance c) {
    List<String> parts = new ArrayList<>();
    if (!c.excludedChargeCategories().isEmpty()) {
      parts.add("ChargeCategory not in " + c.excludedChargeCategories());
    }
    if (c.requireResourceId()) {
      parts.add("ResourceId present");
    }
    parts.add("split cost allocation rows excluded");
    return String.join("; ", parts);
  }

  private static final String TAG_ENTRIES = "_tagEntries";

  /** Compliance from silver rows or from their {@link SilverSummary}. */
  public static Dataset<Row> compute(Dataset<Row> silver, Ownership o) {
    OwnershipConfig.Compliance c = o.config().compliance();
    Ownership.LoadedRule tagRule =
        o.rules().stream().filter(r -> r.rule().type() == OwnershipConfig.RuleType.TAG).findFirst().orElse(null);
    Column tags = col(TAG_ENTRIES); // the tags prepared once per row (TagValues.entries)
    // Each row's presence and validity per required key, as flag columns.
    List<Column> flags = new ArrayList<>();
    List<Column> checks = new ArrayList<>();
    int i = 0;
    for (String key : c.requiredTags()) {
      String dim = OwnershipConfig.dimension(key);
      Column present;
      Column valid;
      if (dim != null && tagRule != null) {
        present = TagValues.present(tagRule.rule().keys().getOrDefault(dim, List.of(dim)), tags);
        valid = TagValues.validate(tagRule, o, dim, present);
      } else if (dim != null) {
        present = TagValues.present(List.of(key), tags);
        valid = TagValues.validate(null, o, dim, present);
      } else {
        present = TagValues.present(List.of(key), tags);
        valid = present;
      }
      flags.add(present.isNotNull().as("_p" + i));
      flags.add(valid.isNotNull().as("_v" + i));
      checks.add(functions.struct(lit(key).as(TAG_KEY), col("_p" + i).as("present"), col("_v" + i).as("valid")));
      i++;
    }
    List<Column> groupKeys = new ArrayList<>();
    for (String k : KEYS) {
      if (!k.equals(TAG_KEY)) {
        groupKeys.add(col(k));
      }
    }
    Dataset<Row> lines = SilverSummary.withTagDimensions(CostDaily.countable(silver));
    List<Column> select = new ArrayList<>(groupKeys);
    select.add(taggable(c).as("_taggable"));
    select.addAll(flags);
    select.add(col(Focus.EffectiveCost));
    select.add(SilverSummary.lines(lines).as("_n"));
    Dataset<Row> flagged =
        lines.withColumn(TAG_ENTRIES, TagValues.entriesOf(col(SilverSummary.TAG_ENTRIES)))
            .select(select.toArray(new Column[0]));
    // Rows are summed by (keys, taggable, flags) first, so the per-key explode and the money sums
    // run over groups, not over every row times the number of keys.
    List<Column> byFlags = new ArrayList<>(groupKeys);
    byFlags.add(col("_taggable"));
    for (int k = 0; k < i; k++) {
      byFlags.add(col("_p" + k));
      byFlags.add(col("_v" + k));
    }
    Dataset<Row> grouped =
        flagged.groupBy(byFlags.toArray(new Column[0]))
            .agg(sum(col(Focus.EffectiveCost)).as("_cost"), sum(col("_n")).as("_lines"));
    Column zero = lit(0).cast(Focus.DECIMAL);
    Column cost = col("_cost");
    Column isTaggable = col("_taggable");
    Column valid = isTaggable.and(col("_check.valid"));
    Column noLines = lit(0L);
    Dataset<Row> rows =
        grouped
            .withColumn(
                "_check",
                functions.explode(
                    checks.isEmpty()
                        ? functions.array().cast("array<struct<tag_key:string,present:boolean,valid:boolean>>")
                        : functions.array(checks.toArray(new Column[0]))))
            .withColumn(TAG_KEY, col("_check." + TAG_KEY));
    Dataset<Row> g =
        rows.groupBy(KEYS.stream().map(k -> col(k)).toArray(Column[]::new))
            .agg(
                sum(cost).as(TOTAL),
                sum(when(isTaggable, cost).otherwise(zero)).as(TAGGABLE),
                sum(when(valid, cost).otherwise(zero)).as(COMPLIANT),
                sum(when(isTaggable.and(col("_check.present")).and(functions.not(col("_check.valid"))), cost).otherwise(zero)).as(INVALID),
                sum(when(isTaggable.and(functions.not(col("_check.present"))), cost).otherwise(zero)).as(MISSING),
                sum(when(isTaggable, col("_lines")).otherwise(noLines)).as(TAGGABLE_LINES),
                sum(when(valid, col("_lines")).otherwise(noLines)).as(COMPLIANT_LINES));
    return g.withColumn(BASIS, lit(Focus.EffectiveCost))
        .withColumn(COMPLIANCE, when(col(TAGGABLE).gt(0), AllocationCoverage.ratio(col(COMPLIANT), col(TAGGABLE))))
        .withColumn(DEFINITION, lit(definition(c)));
  }
}
