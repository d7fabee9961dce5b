package dev.costlake.allocation;

import dev.costlake.config.PipelineConfig;
import dev.costlake.config.Section;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The {@code allocation} block: owner dimension, unused-commitment policy and shared-cost pools,
 * validated when bound (every problem names its key; exit code 2).
 *
 * @param ownerColumn silver column holding the owner the pools allocate between (x_Team, ...)
 * @param unallocatedOwner owner given to rows whose owner column is null or blank
 * @param tolerance largest |received - given| per pool, day and currency the conservation check
 *     accepts (0 by default: the rounding residue makes the sums equal at full scale)
 * @param unusedPolicy where unused commitment cost goes
 * @param pools in configuration order (which is also the claim order of overlapping selectors)
 */
public record AllocationConfig(
    String ownerColumn,
    String unallocatedOwner,
    BigDecimal tolerance,
    UnusedPolicy unusedPolicy,
    List<Pool> pools) {

  public static final Set<String> OWNER_COLUMNS =
      Set.of("x_Team", "x_Application", "x_Environment", "x_Product", "x_CostCenter");

  /** Attribution of unused commitment cost (silver rows with CommitmentDiscountStatus Unused). */
  public enum UnusedPolicy {
    /** Stays with the row's owner: the purchasing account's owner. */
    PURCHASER,
    /** Spread over the owners of the commitment's Used rows of the day, by their EffectiveCost. */
    CONSUMERS
  }

  public enum Method {
    EVEN,
    PROPORTIONAL,
    FIXED,
    METRIC;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * What a pool takes. Criteria combine with AND, values of one criterion with OR. An {@code
   * owner} selector stands alone: it takes everything the owners hold, including shared cost
   * they received from pools run before it (the cascade).
   */
  public record Selector(
      List<String> owners,
      List<String> services,
      List<String> accounts,
      String tagKey,
      List<String> tagValues) {
    public boolean byOwner() {
      return !owners.isEmpty();
    }
  }

  /**
   * A shared-cost pool.
   *
   * @param targets explicit receiving owners; empty means every owner with direct cost on the day
   *     that is neither the source of an owner pool nor the unallocated owner
   * @param shares fixed percentages per target (method fixed, or fallback fixed)
   * @param fallback method used on days the primary method has no base (EVEN or FIXED)
   */
  public record Pool(
      String name,
      int version,
      Selector selector,
      Method method,
      List<String> targets,
      Map<String, BigDecimal> shares,
      String metric,
      Method fallback) {

    /** Human-readable rule recorded on every allocated row of the pool. */
    public String rule() {
      StringBuilder sb = new StringBuilder(method.label());
      if (method == Method.FIXED) {
        sb.append(' ').append(new TreeMap<>(shares));
      } else if (method == Method.METRIC) {
        sb.append(" by ").append(metric);
      }
      sb.append(targets.isEmpty() ? " over owners with direct cost" : " over " + targets);
      return sb.toString();
    }
  }

  public boolean needsMetrics() {
    return pools.stream().anyMatch(p -> p.method() == Method.METRIC);
  }

  /** Owners that are the source of an owner pool: never default targets. */
  public Set<String> poolSourceOwners() {
    Set<String> out = new TreeSet<>();
    pools.forEach(p -> out.addAll(p.selector().owners()));
    return out;
  }

  public static AllocationConfig from(PipelineConfig config) {
    Section root = Section.root(config);
    Section a = root.object("allocation");
    if (a == null) {
      a = new Section(com.typesafe.config.ConfigFactory.empty(), config.origin(), root.key("allocation"));
    }
    return from(a);
  }

  static AllocationConfig from(Section a) {
    String owner = a.string("owner-column", "x_Team");
    if (!OWNER_COLUMNS.contains(owner)) {
      throw a.error("owner-column", "is '" + owner + "'; expected one of " + new TreeSet<>(OWNER_COLUMNS));
    }
    String unallocated = a.string("unallocated-owner", "unallocated");
    if (unallocated.isEmpty()) {
      throw a.error("unallocated-owner", "is empty");
    }
    BigDecimal tolerance = a.decimal("conservation-tolerance", "0");
    if (tolerance.signum() < 0) {
      throw a.error("conservation-tolerance", "is negative");
    }
    String policy = a.string("unused-commitments", "purchaser").toLowerCase(Locale.ROOT);
    UnusedPolicy unused;
    switch (policy) {
      case "purchaser" -> unused = UnusedPolicy.PURCHASER;
      case "consumers" -> unused = UnusedPolicy.CONSUMERS;
      default -> throw a.error("unused-commitments", "is '" + policy + "'; expected purchaser or consumers");
    }
    List<Pool> pools = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (Section p : a.objects("pools")) {
      Pool pool = pool(p);
      if (!names.add(pool.name())) {
        throw p.error("name", "repeats pool '" + pool.name() + "'");
      }
      pools.add(pool);
    }
    AllocationConfig out = new AllocationConfig(owner, unallocated, tolerance, unused, List.copyOf(pools));
    // Rejects cycles now, naming them, so a bad configuration never reaches the tables.
    PoolGraph.order(out, a);
    return out;
  }

  private static final Set<String> POOL_KEYS =
      Set.of("name", "version", "select", "method", "targets", "shares", "metric", "fallback");
  private static final Set<String> SELECT_KEYS = Set.of("owner", "service", "account", "tag");

  private static Pool pool(Section p) {
    for (String k : p.keys()) {
      if (!POOL_KEYS.contains(k)) {
        throw p.error(k, "is not a pool setting; expected one of " + new TreeSet<>(POOL_KEYS));
      }
    }
    String name = p.nonBlank("name");
    if (!name.matches("[A-Za-z0-9_.-]{1,64}")) {
      throw p.error("name", "is '" + name + "'; use letters, digits, '.', '-' or '_'");
    }
    int version = p.integer("version", 1);
    Section s = p.object("select");
    if (s == null) {
      throw p.error("select", "is missing: say which cost the pool takes (owner, service, account or tag)");
    }
    for (String k : s.keys()) {
      if (!SELECT_KEYS.contains(k)) {
        throw s.error(k, "is not a selector; expected one of " + new TreeSet<>(SELECT_KEYS));
      }
    }
    String tagKey = null;
    List<String> tagValues = List.of();
    Section tag = s.object("tag");
    if (tag != null) {
      tagKey = tag.nonBlank("key");
      tagValues = tag.strings("values");
      if (tagValues.isEmpty()) {
        throw tag.error("values", "is missing or empty (the tag values the pool takes)");
      }
    }
    Selector sel =
        new Selector(s.strings("owner"), s.strings("service"), s.strings("account"), tagKey, tagValues);
    if (sel.owners().isEmpty() && sel.services().isEmpty() && sel.accounts().isEmpty() && tagKey == null) {
      throw p.error("select", "selects nothing; give owner, service, account or tag");
    }
    if (sel.byOwner() && (!sel.services().isEmpty() || !sel.accounts().isEmpty() || tagKey != null)) {
      throw s.error("owner", "cannot be combined with service, account or tag (an owner pool takes all the owner holds)");
    }
    Method method = method(p, "method", null);
    Method fallback = method(p, "fallback", "even");
    if (fallback != Method.EVEN && fallback != Method.FIXED) {
      throw p.error("fallback", "is '" + fallback.label() + "'; expected even or fixed");
    }
    List<String> targets = new ArrayList<>(new LinkedHashSet<>(p.strings("targets")));
    Map<String, BigDecimal> shares = new TreeMap<>(p.numbers("shares"));
    if (method == Method.FIXED || fallback == Method.FIXED) {
      String why = method == Method.FIXED ? "method fixed" : "fallback fixed";
      if (shares.isEmpty()) {
        throw p.error("shares", "is missing: " + why + " needs shares { owner = percent, ... } summing to 100");
      }
      BigDecimal total = BigDecimal.ZERO;
      for (Map.Entry<String, BigDecimal> e : shares.entrySet()) {
        if (e.getValue().signum() <= 0) {
          throw p.error("shares." + e.getKey(), "is " + e.getValue().toPlainString() + "; percentages must be positive");
        }
        total = total.add(e.getValue());
      }
      if (total.compareTo(BigDecimal.valueOf(100)) != 0) {
        throw p.error("shares", "sums to " + total.toPlainString() + "; percentages must sum to exactly 100");
      }
      if (targets.isEmpty()) {
        targets = new ArrayList<>(shares.keySet());
      } else if (!new TreeSet<>(targets).equals(shares.keySet())) {
        throw p.error("targets", "lists " + new TreeSet<>(targets) + " but shares name " + shares.keySet() + "; they must be the same owners");
      }
    } else if (!shares.isEmpty()) {
      throw p.error("shares", "is only used by method fixed (or fallback fixed)");
    }
    String metric = p.has("metric") ? p.nonBlank("metric") : null;
    if (method == Method.METRIC && metric == null) {
      throw p.error("metric", "is missing: method metric needs the business metric that weighs the targets");
    }
    if (method != Method.METRIC && metric != null) {
      throw p.error("metric", "is only used by method metric");
    }
    for (String o : sel.owners()) {
      if (targets.contains(o)) {
        throw p.error("targets", "includes '" + o + "', which the pool itself takes from (cycle: " + name + " -> " + name + ")");
      }
    }
    return new Pool(name, version, sel, method, List.copyOf(targets), shares, metric, fallback);
  }

  private static Method method(Section p, String key, String dflt) {
    String m = p.string(key, dflt).toLowerCase(Locale.ROOT);
    for (Method x : Method.values()) {
      if (x.label().equals(m)) {
        return x;
      }
    }
    throw p.error(key, "is '" + m + "'; expected even, proportional, fixed or metric");
  }
}
