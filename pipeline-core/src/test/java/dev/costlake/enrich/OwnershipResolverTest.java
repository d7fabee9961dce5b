package dev.costlake.enrich;

import static dev.costlake.testing.Frames.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.costlake.config.ConfigLoader;
import dev.costlake.config.PipelineConfig;
import dev.costlake.model.Focus;
import dev.costlake.testing.Frames;
import dev.costlake.testing.TestSpark;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each rule kind, precedence, filling of the other dimensions, effective dates across a reorg
 * (as-was and as-is) and the unallocated owner, on a handful of rows whose owners were worked out
 * by hand from the mapping files below.
 */
class OwnershipResolverTest {
  private final SparkSession spark = TestSpark.get();
  @TempDir Path dir;

  static final String OWNERS =
      "team,cost_center,description\n"
          + "platform,CC-100,Platform engineering\n"
          + "data,CC-200,\n"
          + "payments,CC-300,\n"
          + "search,,\n"
          + "finance,CC-900,\n";
  static final String TAG_VALUES =
      "dimension,value,canonical\n"
          + "team,Plat,platform\n"
          + "environment,production,prod\n"
          + "environment,prd,prod\n";
  // Account 111 moves from payments to search on 2026-09-15 (a reorg).
  static final String ACCOUNTS =
      "account_id,team,application,environment,product,cost_center,valid_from,valid_to\n"
          + "111,payments,checkout,prod,shop,,2026-01-01,2026-09-15\n"
          + "111,search,,prod,,,2026-09-15,\n"
          + "# a comment line, skipped\n"
          + "222,data,,,,CC-222,,\n";
  static final String RESOURCES =
      "pattern,team,application,valid_from,valid_to,description\n"
          + "\"^arn:aws:s3:::logs-\",platform,logging,,,log buckets\n"
          + "\"/resourceGroups/rg-(checkout|cart)/\",payments,checkout,,,\"Azure RGs, shop\"\n";
  static final String SERVICES =
      "service_name,charge_category,team,product\n" + "AWS Support,,platform,support\n" + "*,tax,finance,\n";
  static final String BILLING =
      "account_id,team\n" + "payer-1,finance\n";

  @BeforeEach
  void files() throws IOException {
    Files.createDirectories(dir.resolve("mappings"));
    Files.writeString(dir.resolve("mappings/owners.csv"), OWNERS);
    Files.writeString(dir.resolve("mappings/tag_values.csv"), TAG_VALUES);
    Files.writeString(dir.resolve("mappings/accounts.csv"), ACCOUNTS);
    Files.writeString(dir.resolve("mappings/resources.csv"), RESOURCES);
    Files.writeString(dir.resolve("mappings/services.csv"), SERVICES);
    Files.writeString(dir.resolve("mappings/billing.csv"), BILLING);
  }

  static final String TAG_RULE =
      "{ id = tags, type = tag, values = mappings/tag_values.csv,"
          + " keys { team = [team, owner-team], environment = [env, environment], application = [application, app] } }";
  static final String ACCOUNT_RULE = "{ id = accounts, type = account, mapping = mappings/accounts.csv }";
  static final String RESOURCE_RULE = "{ id = resources, type = resource, mapping = mappings/resources.csv }";
  static final String SERVICE_RULE = "{ id = services, type = service, mapping = mappings/services.csv }";
  static final String BILLING_RULE =
      "{ id = payers, type = account, match = billing-account, mapping = mappings/billing.csv }";

  Ownership load(String history, String... rules) throws IOException {
    Path conf = dir.resolve("test.conf");
    Files.writeString(
        conf,
        "costlake.ownership {\n  history = " + history + "\n  owners = mappings/owners.csv\n  rules = [\n    "
            + String.join("\n    ", rules) + "\n  ]\n}\n");
    PipelineConfig pc = ConfigLoader.load(conf.toFile(), List.of());
    return MappingLoader.load(spark, OwnershipConfig.from(pc));
  }

  static final StructType SCHEMA =
      new StructType()
          .add("id", DataTypes.StringType)
          .add(Focus.BillingAccountId, DataTypes.StringType)
          .add(Focus.SubAccountId, DataTypes.StringType)
          .add(Focus.ServiceName, DataTypes.StringType)
          .add(Focus.ResourceId, DataTypes.StringType)
          .add(Focus.X_CHARGE_DATE, DataTypes.DateType)
          .add(Focus.X_TAGS_MAP, DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType))
          .add(Focus.EffectiveCost, Focus.DECIMAL)
          .add(Focus.X_TEAM, DataTypes.StringType)
          .add(Focus.ChargeCategory, DataTypes.StringType);

  static Row line(String id, String sub, String service, String resource, String day, Map<String, String> tags) {
    return line(id, "payer-0", sub, service, resource, day, tags);
  }

  static Row line(String id, String payer, String sub, String service, String resource, String day, Map<String, String> tags) {
    return RowFactory.create(id, payer, sub, service, resource, Date.valueOf(day), tags, new BigDecimal("1.25"), null,
        id.equals("r11") ? "Tax" : "Usage");
  }

  Dataset<Row> rows() {
    List<Row> r = new ArrayList<>();
    r.add(line("r1", "111", "Amazon EC2", null, "2026-09-10", Map.of("Owner_Team", " Plat ", "ENV", "production")));
    r.add(line("r2", "111", "Amazon EC2", null, "2026-09-20", Map.of("team", "unknown-team")));
    r.add(line("r3", "111", "Amazon EC2", null, "2026-09-10", null));
    r.add(line("r4", "999", "Amazon S3", "arn:aws:s3:::logs-prod", "2026-09-10", Map.of()));
    r.add(line("r5", "999", "Storage", "/subscriptions/x/resourceGroups/rg-cart/providers/Microsoft.Storage/a", "2026-09-10", null));
    r.add(line("r6", null, "aws support", null, "2026-09-10", null));
    r.add(line("r7", "999", "Amazon EBS", "vol-123", "2026-09-10", Map.of("team", "  ", "environment", "dev")));
    r.add(line("r8", "222 ", "Amazon EC2", null, "2026-09-10", null));
    r.add(line("r9", "111", "Amazon S3", "arn:aws:s3:::logs-x", "2026-09-20", null));
    r.add(line("r10", "999", "Amazon EC2", null, "2026-09-10", Map.of("team", "search", "owner-team", "data", "app", "Portal")));
    r.add(line("r11", "999", "Amazon EC2", null, "2026-09-10", null)); // a Tax line
    r.add(line("r12", "999", "AWS Support (Business)", null, "2026-09-10", null)); // not "AWS Support"
    return spark.createDataFrame(r, SCHEMA);
  }

  private static List<Object> owner(String id, String team, String app, String env, String product, String cc, String source, String rule) {
    return row(id, team, app, env, product, cc, source, rule);
  }

  private Dataset<Row> owners(Dataset<Row> out) {
    return out.select("id", Focus.X_TEAM, Focus.X_APPLICATION, Focus.X_ENVIRONMENT, Focus.X_PRODUCT, Focus.X_COST_CENTER, Focus.X_OWNERSHIP_SOURCE, Focus.X_OWNERSHIP_RULE_ID);
  }

  @Test
  void eachRuleKindInOrderAsWas() throws IOException {
    Ownership o = load("as-was", TAG_RULE, ACCOUNT_RULE, RESOURCE_RULE, SERVICE_RULE);
    Dataset<Row> in = rows();
    Dataset<Row> out = OwnershipResolver.resolve(in, o);
    Frames.assertSameRows(
        List.of(
            // tag key "Owner_Team" = alias owner-team; " Plat " trimmed, aliased to platform;
            // ENV=production aliased to prod; account 111's application and product belong to
            // payments and are not mixed in; cost center from the owner catalogue.
            owner("r1", "platform", null, "prod", null, "CC-100", "tag", "tags"),
            // unknown team tag: not valid, falls through to account 111, search since 09-15.
            owner("r2", "search", null, "prod", null, null, "account", "accounts"),
            // before the reorg: payments.
            owner("r3", "payments", "checkout", "prod", "shop", "CC-300", "account", "accounts"),
            owner("r4", "platform", "logging", null, null, "CC-100", "resource", "resources"),
            owner("r5", "payments", "checkout", null, null, "CC-300", "resource", "resources"),
            // service name matched ignoring case.
            owner("r6", "platform", null, null, "support", "CC-100", "service", "services"),
            // blank team tag, no mapping: unallocated; the environment tag still fills.
            owner("r7", "unallocated", null, "dev", null, null, "unallocated", "unallocated"),
            // key trimmed; the mapping's cost center wins over the catalogue's.
            owner("r8", "data", null, null, null, "CC-222", "account", "accounts"),
            // accounts come before resources: search, not platform.
            owner("r9", "search", null, "prod", null, null, "account", "accounts"),
            // first key alias in order wins (team before owner-team); app value lower-cased.
            owner("r10", "search", "portal", null, null, null, "tag", "tags"),
            // service "*" with charge category Tax (compared ignoring case).
            owner("r11", "finance", null, null, null, "CC-900", "service", "services"),
            // service names compare whole, not as prefixes.
            owner("r12", "unallocated", null, null, null, null, "unallocated", "unallocated")),
        owners(out));
    // Nothing else changes: same rows, same columns in the same order, same cost.
    assertEquals(in.count(), out.count());
    assertEquals(Arrays.asList(in.columns()).subList(0, in.columns().length), Arrays.asList(out.columns()).subList(0, in.columns().length));
    Frames.assertMoney(Frames.sum(in, Focus.EffectiveCost), Frames.sum(out, Focus.EffectiveCost), "EffectiveCost");
  }

  @Test
  void asIsTakesEachKeysLatestMappingForAllDates() throws IOException {
    Ownership o = load("as-is", TAG_RULE, ACCOUNT_RULE, RESOURCE_RULE, SERVICE_RULE);
    Dataset<Row> out = owners(OwnershipResolver.resolve(rows(), o)).where("id IN ('r1', 'r2', 'r3')");
    Frames.assertSameRows(
        List.of(
            // account 111 is search today: history is restated, application/product go with it.
            owner("r1", "platform", null, "prod", null, "CC-100", "tag", "tags"),
            owner("r2", "search", null, "prod", null, null, "account", "accounts"),
            owner("r3", "search", null, "prod", null, null, "account", "accounts")),
        out);
    assertNotEquals(load("as-was", TAG_RULE, ACCOUNT_RULE).fingerprint(), load("as-is", TAG_RULE, ACCOUNT_RULE).fingerprint());
  }

  @Test
  void orderDecidesPrecedence() throws IOException {
    Ownership o = load("as-was", RESOURCE_RULE, SERVICE_RULE, ACCOUNT_RULE, TAG_RULE);
    Dataset<Row> out = owners(OwnershipResolver.resolve(rows(), o)).where("id IN ('r1', 'r9', 'r10')");
    Frames.assertSameRows(
        List.of(
            // account before tags now: payments, with the tag's environment not overriding
            // the winner's prod.
            owner("r1", "payments", "checkout", "prod", "shop", "CC-300", "account", "accounts"),
            // resources before accounts: the log bucket pattern wins; account 111's prod is not
            // mixed in.
            owner("r9", "platform", "logging", null, null, "CC-100", "resource", "resources"),
            owner("r10", "search", "portal", null, null, null, "tag", "tags")),
        out);
  }

  @Test
  void billingAccountMatchAndNoRulesMeansUnallocated() throws IOException {
    Ownership o = load("as-was", BILLING_RULE);
    List<Row> r = List.of(
        line("a", "payer-1", "111", "x", null, "2026-09-10", null),
        line("b", "PAYER-1", null, "x", null, "2026-09-10", null),
        line("c", "payer-2", "111", "x", null, "2026-09-10", null));
    Dataset<Row> out = owners(OwnershipResolver.resolve(spark.createDataFrame(r, SCHEMA), o));
    Frames.assertSameRows(
        List.of(
            owner("a", "finance", null, null, null, "CC-900", "account", "payers"),
            owner("b", "finance", null, null, null, "CC-900", "account", "payers"),
            owner("c", "unallocated", null, null, null, null, "unallocated", "unallocated")),
        out);
    Ownership none = load("as-was");
    Frames.assertSameRows(
        List.of(
            owner("a", "unallocated", null, null, null, null, "unallocated", "unallocated"),
            owner("b", "unallocated", null, null, null, null, "unallocated", "unallocated"),
            owner("c", "unallocated", null, null, null, null, "unallocated", "unallocated")),
        owners(OwnershipResolver.resolve(spark.createDataFrame(r, SCHEMA), none)));
  }

  @Test
  void fingerprintFollowsMappingContent() throws IOException {
    String before = load("as-was", TAG_RULE, ACCOUNT_RULE).fingerprint();
    assertEquals(before, load("as-was", TAG_RULE, ACCOUNT_RULE).fingerprint());
    Files.writeString(dir.resolve("mappings/accounts.csv"), ACCOUNTS.replace("222,data", "222,payments"));
    assertNotEquals(before, load("as-was", TAG_RULE, ACCOUNT_RULE).fingerprint());
  }

  @Test
  void resourcePatternsWithASubstringPreTestMatchExactlyWhatTheRegularExpressionMatches() {
    List<String> patterns =
        List.of(
            "(?i)/resourceGroups/rg-checkout/", "/resourceGroups/rg-checkout/", "rg-ingest", "(?i)RG-INGEST",
            "(?i)/resourcegroups/rg-(web|api)/", "^i-0[0-9a-f]+$", "(?i)kubernetes", "a b");
    List<String> ids =
        Arrays.asList(
            "/subscriptions/1/resourceGroups/rg-checkout/providers/x", "/subscriptions/1/RESOURCEGROUPS/RG-CHECKOUT/p",
            "/subscriptions/1/resourcegroups/rg-checkout", "arn:aws:ec2:eu-west-1:1:instance/i-0abc", "i-0abc12",
            "/x/resourceGroups/rg-web/y", "/x/resourcegroups/rg-api/y", "rg-ingest-2", "RG-Ingest", "\u212Aubernetes",
            "ḱubernetes KUBERNETES", "İrg-ingest", "a b", "A B", "", null);
    StructType schema = new StructType().add(Focus.ResourceId, DataTypes.StringType);
    List<Row> rows = new ArrayList<>();
    ids.forEach(i -> rows.add(RowFactory.create(i)));
    Dataset<Row> df = spark.createDataFrame(rows, schema);
    for (String p : patterns) {
      org.apache.spark.sql.Column id = org.apache.spark.sql.functions.col(Focus.ResourceId);
      Dataset<Row> both = df.select(id, id.rlike(p).as("regex"), OwnershipResolver.patternFound(id, p).as("fast"));
      long matched = 0;
      for (Row r : both.collectAsList()) {
        assertEquals(r.get(1), r.get(2), p + " on " + r.get(0));
        matched += Boolean.TRUE.equals(r.get(1)) ? 1 : 0;
      }
      org.junit.jupiter.api.Assertions.assertTrue(matched >= 1, p + " matched nothing: the case is not exercised");
    }
  }
}
