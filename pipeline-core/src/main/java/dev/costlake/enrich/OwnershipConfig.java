package dev.costlake.enrich;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import dev.costlake.config.ConfigLoader;
import dev.costlake.config.PipelineConfig;
import dev.costlake.errors.Errors;
import java.io.File;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The typed {@code costlake.ownership} block: the ordered rule list, the owner catalogue, how
 * history is computed, and the tag compliance settings. Bound by {@link #from}; any malformed key
 * stops the run with exit code 2 naming the key.
 *
 * @param baseDir folder relative mapping paths resolve against (the configuration file's folder)
 * @param history {@code as-was}: a row takes the mapping valid on its charge date; {@code as-is}:
 *     every row takes each key's latest mapping (the one with the latest valid_from)
 * @param unallocated the x_Team value of rows no rule matched
 * @param owners owner catalogue path (CSV or Delta), or null for none
 */
public record OwnershipConfig(
    String origin,
    String baseDir,
    History history,
    String unallocated,
    String owners,
    List<Rule> rules,
    Compliance compliance) {

  public enum History {
    AS_WAS("as-was"),
    AS_IS("as-is");

    public final String label;

    History(String label) {
      this.label = label;
    }
  }

  /** Rule kinds, in the words x_OwnershipSource records. */
  public enum RuleType {
    TAG("tag"),
    ACCOUNT("account"),
    RESOURCE("resource"),
    SERVICE("service");

    public final String label;

    RuleType(String label) {
      this.label = label;
    }
  }

  /** Owner dimensions as named in configuration and mapping files, with their silver column. */
  public static final Map<String, String> DIMENSIONS;

  static {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("team", dev.costlake.model.Focus.X_TEAM);
    d.put("application", dev.costlake.model.Focus.X_APPLICATION);
    d.put("environment", dev.costlake.model.Focus.X_ENVIRONMENT);
    d.put("product", dev.costlake.model.Focus.X_PRODUCT);
    d.put("cost_center", dev.costlake.model.Focus.X_COST_CENTER);
    DIMENSIONS = java.util.Collections.unmodifiableMap(d);
  }

  public static final String UNALLOCATED_SOURCE = "unallocated";

  /**
   * One rule of the ordered list.
   *
   * @param mapping for account, resource and service rules: the mapping path (CSV or Delta)
   * @param match for account rules: {@code sub-account} (SubAccountId: AWS member account, Azure
   *     subscription, GCP project) or {@code billing-account} (BillingAccountId)
   * @param keys for tag rules: per dimension, the tag keys that mean it (compared ignoring case
   *     and every character but letters and digits)
   * @param values for tag rules: the value alias table path, or null
   * @param allowed for tag rules: per dimension other than team, the only valid values (empty: any
   *     non-blank value); team values are valid when they name a known owner
   */
  public record Rule(
      String id,
      RuleType type,
      String mapping,
      String match,
      Map<String, List<String>> keys,
      String values,
      Map<String, List<String>> allowed) {}

  /**
   * Tag compliance: which tag keys are required, and which lines are taggable.
   *
   * @param requiredTags dimension names of the tag rule (team, environment, ...) or other tag keys
   * @param excludedChargeCategories lines of these charge categories cannot carry tags
   * @param requireResourceId only lines with a ResourceId can carry tags
   */
  public record Compliance(
      List<String> requiredTags, List<String> excludedChargeCategories, boolean requireResourceId) {}

  /** The tag rule (the first one when several are listed), or null. */
  public Rule tagRule() {
    return rules.stream().filter(r -> r.type() == RuleType.TAG).findFirst().orElse(null);
  }

  /** Resolves a mapping path: URIs and absolute paths as they are, others against baseDir. */
  public String resolve(String path) {
    if (path.contains("://") || path.startsWith("/")) {
      return path;
    }
    return new File(baseDir, path).getPath();
  }

  private static final String KEY = ConfigLoader.ROOT + ".ownership";

  /** Binds {@code costlake.ownership} of a loaded configuration. */
  public static OwnershipConfig from(PipelineConfig config) {
    Config all = config.raw();
    String origin = config.origin();
    File originFile = new File(origin);
    String base =
        originFile.isFile()
            ? originFile.getAbsoluteFile().getParent()
            : new File("").getAbsolutePath();
    if (all == null || !all.hasPath("ownership")) {
      return new OwnershipConfig(
          origin,
          base,
          History.AS_WAS,
          "unallocated",
          null,
          List.of(),
          new Compliance(List.of(), List.of("Tax", "Purchase"), true));
    }
    Config c;
    try {
      c = all.getConfig("ownership");
    } catch (ConfigException.WrongType e) {
      throw Errors.config(origin, KEY, "must be a block { history, owners, rules, compliance }");
    }
    String historyText = str(c, "history", "as-was", origin);
    History history = null;
    for (History h : History.values()) {
      if (h.label.equalsIgnoreCase(historyText.trim())) {
        history = h;
      }
    }
    if (history == null) {
      throw Errors.config(origin, KEY + ".history", "is '" + historyText + "'; expected as-was or as-is");
    }
    String unallocated = str(c, "unallocated", "unallocated", origin).trim();
    if (unallocated.isEmpty()) {
      throw Errors.config(origin, KEY + ".unallocated", "is empty");
    }
    String owners = str(c, "owners", "", origin).trim();
    List<Rule> rules = rules(c, origin);
    Compliance compliance = compliance(c, origin, rules);
    return new OwnershipConfig(
        origin, base, history, unallocated, owners.isEmpty() ? null : owners, rules, compliance);
  }

  private static List<Rule> rules(Config c, String origin) {
    if (!c.hasPath("rules")) {
      return List.of();
    }
    List<? extends ConfigObject> list;
    try {
      list = c.getObjectList("rules");
    } catch (ConfigException.WrongType e) {
      throw Errors.config(origin, KEY + ".rules", "must be a list of objects { id, type, ... }");
    }
    List<Rule> out = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      Config r = list.get(i).toConfig();
      String k = KEY + ".rules[" + i + "]";
      String id = str(r, "id", "", origin, k).trim();
      if (!id.matches("[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}")) {
        throw Errors.config(origin, k + ".id", "is '" + id + "'; give each rule an id of letters, digits, '-', '_', '.' or ':'");
      }
      if (id.equalsIgnoreCase(UNALLOCATED_SOURCE) || !ids.add(id.toLowerCase(Locale.ROOT))) {
        throw Errors.config(origin, k + ".id", "'" + id + "' is reserved or used by another rule");
      }
      String typeText = str(r, "type", "", origin, k).trim();
      RuleType type = null;
      for (RuleType t : RuleType.values()) {
        if (t.label.equalsIgnoreCase(typeText)) {
          type = t;
        }
      }
      if (type == null) {
        throw Errors.config(origin, k + ".type", "is '" + typeText + "'; expected tag, account, resource or service");
      }
      String mapping = null;
      String match = null;
      Map<String, List<String>> keys = Map.of();
      Map<String, List<String>> allowed = Map.of();
      String values = null;
      if (type == RuleType.TAG) {
        keys = dimensionLists(r, "keys", origin, k, true);
        allowed = dimensionLists(r, "allowed", origin, k, false);
        if (allowed.containsKey("team")) {
          throw Errors.config(origin, k + ".allowed.team", "is not allowed: valid team values are the owners listed in ownership.owners");
        }
        String v = str(r, "values", "", origin, k).trim();
        values = v.isEmpty() ? null : v;
      } else {
        mapping = str(r, "mapping", "", origin, k).trim();
        if (mapping.isEmpty()) {
          throw Errors.config(origin, k + ".mapping", "is missing: a " + type.label + " rule needs a mapping file (CSV) or Delta table path");
        }
        if (type == RuleType.ACCOUNT) {
          match = str(r, "match", "sub-account", origin, k).trim().toLowerCase(Locale.ROOT);
          if (!match.equals("sub-account") && !match.equals("billing-account")) {
            throw Errors.config(origin, k + ".match", "is '" + match + "'; expected sub-account or billing-account");
          }
        }
      }
      out.add(new Rule(id, type, mapping, match, keys, values, allowed));
    }
    return List.copyOf(out);
  }

  private static Map<String, List<String>> dimensionLists(
      Config r, String name, String origin, String k, boolean defaults) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (r.hasPath(name)) {
      ConfigObject obj;
      try {
        obj = r.getObject(name);
      } catch (ConfigException.WrongType e) {
        throw Errors.config(origin, k + "." + name, "must be a block { team = [...], environment = [...] }");
      }
      for (Map.Entry<String, ConfigValue> e : obj.entrySet()) {
        String dim = dimension(e.getKey());
        if (dim == null) {
          throw Errors.config(origin, k + "." + name + "." + e.getKey(), "is not an owner dimension; use team, application, environment, product or cost_center");
        }
        List<String> values;
        try {
          values = r.getStringList(name + ".\"" + e.getKey() + "\"");
        } catch (ConfigException e2) {
          throw Errors.config(origin, k + "." + name + "." + e.getKey(), "must be a list of strings");
        }
        List<String> trimmed = new ArrayList<>();
        for (String v : values) {
          if (v.trim().isEmpty()) {
            throw Errors.config(origin, k + "." + name + "." + e.getKey(), "holds an empty value");
          }
          trimmed.add(v.trim());
        }
        out.put(dim, List.copyOf(trimmed));
      }
    }
    if (defaults) {
      for (String dim : DIMENSIONS.keySet()) {
        out.putIfAbsent(dim, List.of(dim));
      }
    }
    return java.util.Collections.unmodifiableMap(out);
  }

  /** A dimension name as written in configuration or files (cost-center, costCenter ...) → canonical, or null. */
  public static String dimension(String name) {
    String n = TagKeys.normalize(name);
    for (String d : DIMENSIONS.keySet()) {
      if (TagKeys.normalize(d).equals(n)) {
        return d;
      }
    }
    return null;
  }

  private static Compliance compliance(Config c, String origin, List<Rule> rules) {
    List<String> required = List.of();
    List<String> excluded = List.of("Tax", "Purchase");
    boolean requireResource = true;
    if (c.hasPath("compliance")) {
      Config cc = c.getConfig("compliance");
      String k = KEY + ".compliance";
      try {
        if (cc.hasPath("required-tags")) {
          required = cc.getStringList("required-tags").stream().map(String::trim).toList();
        }
        if (cc.hasPath("exclude-charge-categories")) {
          excluded = cc.getStringList("exclude-charge-categories").stream().map(String::trim).toList();
        }
        if (cc.hasPath("require-resource-id")) {
          requireResource = cc.getBoolean("require-resource-id");
        }
      } catch (ConfigException.WrongType e) {
        throw Errors.config(origin, k, "has the wrong type: " + e.getMessage());
      }
      for (String t : required) {
        if (t.isEmpty()) {
          throw Errors.config(origin, k + ".required-tags", "holds an empty tag key");
        }
      }
    }
    return new Compliance(required, excluded, requireResource);
  }

  private static String str(Config c, String key, String dflt, String origin) {
    return str(c, key, dflt, origin, KEY);
  }

  private static String str(Config c, String key, String dflt, String origin, String prefix) {
    if (!c.hasPath(key)) {
      return dflt;
    }
    try {
      return c.getString(key);
    } catch (ConfigException.WrongType e) {
      throw Errors.config(origin, prefix + "." + key, "must be a single value");
    }
  }
}
