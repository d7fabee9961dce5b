package dev.costlake.commitments;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;

import dev.costlake.errors.Errors;
import dev.costlake.model.Focus;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;

/**
 * Which usage rows commitment discounts can cover: reference data, one rule per provider,
 * commitment type and service (see {@code reference/commitment_eligibility.csv}). The bundled
 * table is replaced as a whole by the CSV named in {@code costlake.commitments.eligibility-rules}.
 */
public final class EligibilityRules {
  public static final String BUNDLED = "/reference/commitment_eligibility.csv";
  public static final List<String> HEADER =
      List.of(
          "provider",
          "commitment_type",
          "service_category",
          "service_name",
          "pricing_unit_regex",
          "excluded_pricing_categories");
  public static final String ANY = "*";

  /** One row of the table. */
  public record Rule(
      String provider,
      String commitmentType,
      String serviceCategory,
      String serviceName,
      String pricingUnitRegex,
      List<String> excludedPricingCategories) {}

  private final String origin;
  private final List<Rule> rules;

  private EligibilityRules(String origin, List<Rule> rules) {
    this.origin = origin;
    this.rules = List.copyOf(rules);
  }

  public String origin() {
    return origin;
  }

  public List<Rule> rules() {
    return rules;
  }

  /** The rules bundled with the library. */
  public static EligibilityRules bundled() {
    try (InputStream in = EligibilityRules.class.getResourceAsStream(BUNDLED)) {
      if (in == null) {
        throw new IllegalStateException(BUNDLED + " is missing from the jar");
      }
      return parse("bundled " + BUNDLED, in);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + BUNDLED, e);
    }
  }

  /** The rules of a CSV file (local path or any Hadoop URI, e.g. s3a://). */
  public static EligibilityRules load(String path, Configuration hadoop) {
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(hadoop);
      if (!fs.exists(p)) {
        throw Errors.usage(
            "Commitment eligibility rules file "
                + path
                + " (costlake.commitments.eligibility-rules) does not exist. Point the key at a CSV"
                + " with the columns "
                + HEADER
                + ", or set it to \"\" for the bundled rules.");
      }
      try (InputStream in = fs.open(p)) {
        return parse(path, in);
      }
    } catch (IOException e) {
      throw Errors.unreadableFile(path, "cannot read the commitment eligibility rules", e);
    }
  }

  /** Parses the CSV; '#' lines and blank lines are comments. Errors name the file and line. */
  public static EligibilityRules parse(String origin, InputStream in) throws IOException {
    List<Rule> out = new ArrayList<>();
    BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    String line;
    int n = 0;
    boolean header = true;
    while ((line = r.readLine()) != null) {
      n++;
      if (n == 1 && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
        line = line.substring(1);
      }
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      List<String> f = split(line);
      if (header) {
        List<String> got = new ArrayList<>();
        f.forEach(x -> got.add(x.trim().toLowerCase(Locale.ROOT)));
        if (!got.equals(HEADER)) {
          throw bad(origin, n, "the header must be " + String.join(",", HEADER) + ", found " + line);
        }
        header = false;
        continue;
      }
      if (f.size() != HEADER.size()) {
        throw bad(origin, n, "expected " + HEADER.size() + " fields, found " + f.size());
      }
      for (int i = 0; i < 4; i++) {
        if (f.get(i).isBlank()) {
          throw bad(origin, n, HEADER.get(i) + " is empty (use * for any)");
        }
      }
      String regex = f.get(4).trim();
      if (!regex.isEmpty()) {
        try {
          Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
          throw bad(origin, n, "pricing_unit_regex '" + regex + "' is not a valid regular expression");
        }
      }
      List<String> excluded = new ArrayList<>();
      for (String x : f.get(5).split("\\|")) {
        if (!x.isBlank()) {
          excluded.add(x.trim());
        }
      }
      out.add(new Rule(f.get(0).trim(), f.get(1).trim(), f.get(2).trim(), f.get(3).trim(), regex, excluded));
    }
    if (header) {
      throw bad(origin, n, "no header line " + String.join(",", HEADER));
    }
    return new EligibilityRules(origin, out);
  }

  private static RuntimeException bad(String origin, int line, String why) {
    return Errors.usage(
        "Commitment eligibility rules " + origin + ", line " + line + ": " + why
            + ". Fix the file (README, \"Commitments\").");
  }

  /** Splits one CSV line; fields may be double-quoted with "" escapes. */
  static List<String> split(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cur.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cur.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString());
    return out;
  }

  /**
   * True for rows some rule matches (provider by ProviderName or ServiceProviderName ignoring
   * case; category and name exactly or *; PricingUnit by the regex ignoring case; PricingCategory
   * not excluded). Built-in functions only.
   */
  public Column eligible() {
    Map<String, List<Rule>> byProvider = new LinkedHashMap<>();
    rules.forEach(
        x -> byProvider.computeIfAbsent(x.provider().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(x));
    Column provider1 = lower(coalesce(col(Focus.ProviderName), lit("")));
    Column provider2 = lower(coalesce(col(Focus.ServiceProviderName), lit("")));
    Column category = coalesce(col(Focus.ServiceCategory), lit(""));
    Column name = coalesce(col(Focus.ServiceName), lit(""));
    Column unit = coalesce(col(Focus.PricingUnit), lit(""));
    Column pricing = coalesce(col(Focus.PricingCategory), lit(""));
    Column any = lit(false);
    for (Map.Entry<String, List<Rule>> e : byProvider.entrySet()) {
      Column ofProvider = lit(false);
      for (Rule x : e.getValue()) {
        Column m = lit(true);
        if (!ANY.equals(x.serviceCategory())) {
          m = m.and(category.equalTo(x.serviceCategory()));
        }
        if (!ANY.equals(x.serviceName())) {
          m = m.and(name.equalTo(x.serviceName()));
        }
        if (!x.pricingUnitRegex().isEmpty()) {
          m = m.and(unit.rlike("(?i)" + x.pricingUnitRegex()));
        }
        if (!x.excludedPricingCategories().isEmpty()) {
          m = m.and(functions.not(pricing.isin(x.excludedPricingCategories().toArray())));
        }
        ofProvider = ofProvider.or(m);
      }
      any = any.or(provider1.equalTo(e.getKey()).or(provider2.equalTo(e.getKey())).and(ofProvider));
    }
    return any;
  }
}
