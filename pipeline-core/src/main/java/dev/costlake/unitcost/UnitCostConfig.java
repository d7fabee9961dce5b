package dev.costlake.unitcost;

import dev.costlake.config.PipelineConfig;
import dev.costlake.config.Section;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code unit-costs} list: each definition divides allocated EffectiveCost of a cost scope by
 * a business metric.
 *
 * @param name the unit cost's name (a row key of the unit cost tables)
 * @param metric business metric name in the metrics file
 * @param scale cost per {@code scale} units (1000 gives cost per 1,000 requests)
 * @param perOwner true: one row per owner, divided by the metric rows whose dimension is that
 *     owner; false: the owners' cost summed, divided by the metric rows of {@code dimension}
 * @param owners owners in scope; empty means all
 * @param dimension metric dimension for {@code perOwner = false} (default {@code all})
 */
public record UnitCostConfig(
    String name, String metric, BigDecimal scale, boolean perOwner, List<String> owners, String dimension) {

  private static final Set<String> KEYS = Set.of("name", "metric", "scale", "per", "owners", "dimension");

  public static List<UnitCostConfig> from(PipelineConfig config) {
    List<UnitCostConfig> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (Section s : Section.root(config).objects("unit-costs")) {
      for (String k : s.keys()) {
        if (!KEYS.contains(k)) {
          throw s.error(k, "is not a unit cost setting; expected one of " + new TreeSet<>(KEYS));
        }
      }
      String name = s.nonBlank("name");
      if (!names.add(name)) {
        throw s.error("name", "repeats unit cost '" + name + "'");
      }
      String metric = s.nonBlank("metric");
      BigDecimal scale = s.decimal("scale", "1");
      if (scale.signum() <= 0
          || scale.stripTrailingZeros().scale() > 0
          || scale.compareTo(new BigDecimal("1000000000")) > 0) {
        throw s.error("scale", "is " + scale.toPlainString() + "; use a whole number from 1 to 1000000000 (e.g. 1000 for cost per 1,000 units)");
      }
      String per = s.string("per", "total").toLowerCase(Locale.ROOT);
      if (!per.equals("owner") && !per.equals("total")) {
        throw s.error("per", "is '" + per + "'; expected owner or total");
      }
      boolean perOwner = per.equals("owner");
      if (perOwner && s.has("dimension")) {
        throw s.error("dimension", "is only used with per = total (per = owner divides by each owner's own metric rows)");
      }
      String dimension = s.string("dimension", BusinessMetrics.ALL);
      out.add(new UnitCostConfig(name, metric, scale, perOwner, s.strings("owners"), dimension));
    }
    return out;
  }
}
