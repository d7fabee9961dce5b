package dev.costlake.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import dev.costlake.errors.Errors;
import java.io.File;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads HOCON configuration (a file over the built-in defaults, then {@code --set} overrides) and
 * binds it to a validated {@link PipelineConfig}. Any missing or malformed key raises an error
 * naming the key and the file (exit code 2).
 */
public final class ConfigLoader {
  private ConfigLoader() {}

  public static final String ROOT = "costlake";
  public static final Set<String> FORMATS = Set.of("auto", "focus", "aws-cur-legacy", "aws-cur2", "azure-cost", "gcp-billing", "oci-cost");
  private static final Pattern SOURCE_NAME = Pattern.compile("[a-z][a-z0-9_-]{0,62}");
  private static final Pattern SECRET_KEY =
      Pattern.compile("(?i).*(access\\.key|secret\\.key|session\\.token|secretaccesskey|password).*");

  /**
   * @param file a HOCON file, or null for {@code conf/application.conf} when present, else only
   *     the built-in defaults
   * @param overrides {@code key=value} pairs; keys without the {@code costlake.} prefix get it
   */
  public static PipelineConfig load(File file, List<String> overrides) {
    String origin;
    Config base;
    if (file == null) {
      File conventional = new File("conf/application.conf");
      file = conventional.isFile() ? conventional : null;
    }
    if (file != null) {
      if (!file.isFile()) {
        throw Errors.usage("Configuration file " + file + " does not exist or is not a file.");
      }
      origin = file.getPath();
      try {
        base =
            ConfigFactory.parseFile(file, ConfigParseOptions.defaults().setAllowMissing(false));
      } catch (ConfigException e) {
        throw Errors.usage("Configuration file " + origin + " cannot be parsed: " + e.getMessage());
      }
    } else {
      origin = "built-in defaults (reference.conf)";
      base = ConfigFactory.empty();
    }
    Config config = base;
    for (String override : overrides == null ? List.<String>of() : overrides) {
      config = applyOverride(config, override).withFallback(config);
    }
    try {
      config =
          config
              .withFallback(ConfigFactory.defaultReference(ConfigLoader.class.getClassLoader()))
              .resolve();
    } catch (ConfigException e) {
      throw Errors.usage("Configuration " + origin + " cannot be resolved: " + e.getMessage());
    }
    return bind(config, origin);
  }

  private static Config applyOverride(Config config, String override) {
    int eq = override.indexOf('=');
    if (eq <= 0) {
      throw Errors.usage("--set expects key=value, got '" + override + "'");
    }
    String key = override.substring(0, eq).trim();
    String value = override.substring(eq + 1).trim();
    if (!key.startsWith(ROOT + ".")) {
      key = ROOT + "." + key;
    }
    try {
      if (value.startsWith("[") || value.startsWith("{")) {
        return ConfigFactory.parseString(key + " = " + value, ConfigParseOptions.defaults());
      }
      return ConfigFactory.empty().withValue(key, ConfigValueFactory.fromAnyRef(value));
    } catch (ConfigException e) {
      throw Errors.usage("--set " + override + " is not valid: " + e.getMessage());
    }
  }

  static PipelineConfig bind(Config all, String origin) {
    Config c = all.getConfig(ROOT);
    String landing = nonBlank(c, "landing", origin);
    String warehouse = nonBlank(c, "warehouse", origin);
    String master = string(c, "spark.master", origin);
    String appName = nonBlank(c, "spark.app-name", origin);
    Map<String, String> sparkConf = flatStrings(c, "spark.conf", origin);
    Map<String, String> s3 = flatStrings(c, "s3", origin);
    for (Map.Entry<String, String> e : s3.entrySet()) {
      if (!e.getValue().isEmpty()) {
        sparkConf.put("spark.hadoop.fs.s3a." + e.getKey(), e.getValue());
      }
    }
    for (String key : sparkConf.keySet()) {
      if (SECRET_KEY.matcher(key).matches()) {
        throw Errors.config(
            origin,
            key,
            "holds a credential; credentials come only from the AWS provider chain or the"
                + " environment (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY), never from files");
      }
    }
    boolean bronze = bool(c, "bronze.enabled", origin);
    BigDecimal tolerance;
    try {
      tolerance = new BigDecimal(string(c, "reconciliation.cost-tolerance", origin));
    } catch (NumberFormatException e) {
      throw Errors.config(
          origin, ROOT + ".reconciliation.cost-tolerance", "must be a decimal number");
    }
    boolean failOnMismatch = bool(c, "reconciliation.fail-on-mismatch", origin);
    String invoiceTotals = string(c, "reconciliation.invoice-totals", origin).trim();
    List<SourceConfig> sources = sources(c, origin);
    return new PipelineConfig(
        origin,
        landing,
        warehouse,
        master,
        appName,
        sparkConf,
        sources,
        bronze,
        new PipelineConfig.Reconciliation(tolerance, failOnMismatch, invoiceTotals),
        c);
  }

  private static List<SourceConfig> sources(Config c, String origin) {
    String key = ROOT + ".sources";
    List<? extends ConfigObject> list;
    try {
      list = c.getObjectList("sources");
    } catch (ConfigException.Missing e) {
      throw Errors.config(origin, key, "is missing (a list of {name, format, path})");
    } catch (ConfigException.WrongType e) {
      throw Errors.config(origin, key, "must be a list of objects {name, format, path}");
    }
    List<SourceConfig> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      Config s = list.get(i).toConfig();
      String prefix = "sources[" + i + "].";
      String name = nonBlank(s, "name", origin, prefix);
      if (!SOURCE_NAME.matcher(name).matches()) {
        throw Errors.config(
            origin,
            ROOT + "." + prefix + "name",
            "is '" + name + "'; use lower-case letters, digits, '-' or '_' (start with a letter)");
      }
      if (!names.add(name)) {
        throw Errors.config(origin, ROOT + "." + prefix + "name", "repeats source '" + name + "'");
      }
      String format =
          s.hasPath("format")
              ? nonBlank(s, "format", origin, prefix).toLowerCase(Locale.ROOT)
              : SourceConfig.AUTO;
      if (!FORMATS.contains(format)) {
        throw Errors.config(
            origin,
            ROOT + "." + prefix + "format",
            "is '" + format + "'; expected one of " + new TreeMap<>(toMap(FORMATS)).keySet());
      }
      String path = nonBlank(s, "path", origin, prefix);
      Map<String, String> defaults =
          s.hasPath("defaults") ? flatStrings(s, "defaults", origin) : Map.of();
      out.add(new SourceConfig(name, format, path, defaults));
    }
    return out;
  }

  private static Map<String, String> toMap(Set<String> set) {
    Map<String, String> m = new LinkedHashMap<>();
    set.forEach(v -> m.put(v, v));
    return m;
  }

  private static String nonBlank(Config c, String key, String origin) {
    return nonBlank(c, key, origin, "");
  }

  private static String nonBlank(Config c, String key, String origin, String prefix) {
    String v = string(c, key, origin, prefix);
    if (v.isBlank()) {
      throw Errors.config(origin, ROOT + "." + prefix + key, "is empty");
    }
    return v.trim();
  }

  private static String string(Config c, String key, String origin) {
    return string(c, key, origin, "");
  }

  private static String string(Config c, String key, String origin, String prefix) {
    try {
      ConfigValue v = c.getValue(key);
      if (v.valueType() == ConfigValueType.OBJECT || v.valueType() == ConfigValueType.LIST) {
        throw Errors.config(origin, ROOT + "." + prefix + key, "must be a single value");
      }
      return c.getString(key);
    } catch (ConfigException.Missing e) {
      throw Errors.config(origin, ROOT + "." + prefix + key, "is missing");
    } catch (ConfigException.WrongType e) {
      throw Errors.config(origin, ROOT + "." + prefix + key, "has the wrong type: " + e.getMessage());
    }
  }

  private static boolean bool(Config c, String key, String origin) {
    try {
      return c.getBoolean(key);
    } catch (ConfigException.Missing e) {
      throw Errors.config(origin, ROOT + "." + key, "is missing");
    } catch (ConfigException.WrongType e) {
      throw Errors.config(origin, ROOT + "." + key, "must be true or false");
    }
  }

  /** A nested object flattened to dotted keys (quoted keys such as "spark.sql.x" kept whole). */
  private static Map<String, String> flatStrings(Config c, String key, String origin) {
    Map<String, String> out = new TreeMap<>();
    if (!c.hasPathOrNull(key)) {
      return out;
    }
    ConfigObject obj;
    try {
      obj = c.getObject(key);
    } catch (ConfigException.WrongType e) {
      throw Errors.config(origin, ROOT + "." + key, "must be an object of key = value");
    }
    flatten("", obj, out, origin, key);
    return out;
  }

  private static void flatten(
      String prefix, ConfigObject obj, Map<String, String> out, String origin, String key) {
    for (Map.Entry<String, ConfigValue> e : obj.entrySet()) {
      String k = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      ConfigValue v = e.getValue();
      switch (v.valueType()) {
        case OBJECT:
          flatten(k, (ConfigObject) v, out, origin, key);
          break;
        case LIST:
          throw Errors.config(origin, ROOT + "." + key + "." + k, "must be a single value");
        case NULL:
          break;
        default:
          out.put(k, String.valueOf(v.unwrapped()));
      }
    }
  }
}
