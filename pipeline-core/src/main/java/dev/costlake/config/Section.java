package dev.costlake.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.costlake.errors.Errors;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A typed view of one block of the configuration for feature sections (allocation, unit costs):
 * every getter names the full key ({@code costlake.allocation.pools[1].method}) and the file when
 * the value is missing or malformed.
 */
public final class Section {
  private final Config c;
  private final String origin;
  private final String path;

  public Section(Config c, String origin, String path) {
    this.c = c;
    this.origin = origin;
    this.path = path;
  }

  /** The {@code costlake} block of a run's configuration. */
  public static Section root(PipelineConfig config) {
    return new Section(config.raw(), config.origin(), ConfigLoader.ROOT);
  }

  public String key(String k) {
    return path + "." + k;
  }

  public String origin() {
    return origin;
  }

  public RuntimeException error(String k, String problem) {
    return Errors.config(origin, key(k), problem);
  }

  public boolean has(String k) {
    return c.hasPath(k);
  }

  public String string(String k, String dflt) {
    if (!c.hasPath(k)) {
      if (dflt == null) {
        throw error(k, "is missing");
      }
      return dflt;
    }
    ConfigValue v = c.getValue(k);
    if (v.valueType() == ConfigValueType.OBJECT || v.valueType() == ConfigValueType.LIST) {
      throw error(k, "must be a single value");
    }
    return c.getString(k).trim();
  }

  public String nonBlank(String k) {
    String v = string(k, null);
    if (v.isEmpty()) {
      throw error(k, "is empty");
    }
    return v;
  }

  public int integer(String k, int dflt) {
    if (!c.hasPath(k)) {
      return dflt;
    }
    try {
      return c.getInt(k);
    } catch (ConfigException.WrongType e) {
      throw error(k, "must be a whole number");
    }
  }

  public BigDecimal decimal(String k, String dflt) {
    String s = string(k, dflt);
    try {
      return new BigDecimal(s);
    } catch (NumberFormatException e) {
      throw error(k, "is '" + s + "', not a decimal number");
    }
  }

  /** A list of strings; a single string counts as a list of one. Absent gives an empty list. */
  public List<String> strings(String k) {
    if (!c.hasPath(k)) {
      return List.of();
    }
    ConfigValue v = c.getValue(k);
    if (v.valueType() != ConfigValueType.LIST) {
      return List.of(string(k, null));
    }
    List<String> out = new ArrayList<>();
    try {
      for (String s : c.getStringList(k)) {
        if (s.isBlank()) {
          throw error(k, "holds an empty value");
        }
        out.add(s.trim());
      }
    } catch (ConfigException.WrongType e) {
      throw error(k, "must be a list of strings");
    }
    return out;
  }

  /** A list of objects, each as its own section ({@code key[i]}). Absent gives an empty list. */
  public List<Section> objects(String k) {
    if (!c.hasPath(k)) {
      return List.of();
    }
    List<? extends ConfigObject> list;
    try {
      list = c.getObjectList(k);
    } catch (ConfigException.WrongType e) {
      throw error(k, "must be a list of objects { ... }");
    }
    List<Section> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      out.add(new Section(list.get(i).toConfig(), origin, key(k) + "[" + i + "]"));
    }
    return out;
  }

  /** A nested object as a section; absent gives null. */
  public Section object(String k) {
    if (!c.hasPath(k)) {
      return null;
    }
    try {
      return new Section(c.getObject(k).toConfig(), origin, key(k));
    } catch (ConfigException.WrongType e) {
      throw error(k, "must be an object { ... }");
    }
  }

  /**
   * A flat object of name = number (names may be quoted to hold dots), in file order of keys as
   * HOCON gives them (sorted by the caller when order matters).
   */
  public Map<String, BigDecimal> numbers(String k) {
    Map<String, BigDecimal> out = new LinkedHashMap<>();
    if (!c.hasPath(k)) {
      return out;
    }
    ConfigObject obj;
    try {
      obj = c.getObject(k);
    } catch (ConfigException.WrongType e) {
      throw error(k, "must be an object of name = number");
    }
    for (Map.Entry<String, ConfigValue> e : obj.entrySet()) {
      Object raw = e.getValue().unwrapped();
      if (e.getValue().valueType() == ConfigValueType.OBJECT
          || e.getValue().valueType() == ConfigValueType.LIST) {
        throw error(
            k + "." + e.getKey(),
            "must be a number (quote names holding dots: \"" + e.getKey() + ".x\" = 10)");
      }
      try {
        out.put(e.getKey(), new BigDecimal(String.valueOf(raw).trim()));
      } catch (NumberFormatException ex) {
        throw error(k + "." + e.getKey(), "is '" + raw + "', not a number");
      }
    }
    return out;
  }

  /** Keys present in this section (top level), to reject unknown ones. */
  public java.util.Set<String> keys() {
    return c.root().keySet();
  }
}
