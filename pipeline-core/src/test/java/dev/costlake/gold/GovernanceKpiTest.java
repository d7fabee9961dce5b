package dev.costlake.gold;

import static dev.costlake.testing.Frames.row;

import dev.costlake.config.ConfigLoader;
import dev.costlake.enrich.MappingLoader;
import dev.costlake.enrich.Ownership;
import dev.costlake.enrich.OwnershipConfig;
import dev.costlake.model.Focus;
import dev.costlake.testing.Frames;
import dev.costlake.testing.TestSpark;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** allocation_coverage and tag_compliance on a few rows summed by hand. */
class GovernanceKpiTest {
  private final SparkSession spark = TestSpark.get();
  @TempDir Path dir;

  static final StructType SCHEMA =
      new StructType()
          .add(Focus.X_BILLING_PERIOD, DataTypes.StringType)
          .add(Focus.ServiceProviderName, DataTypes.StringType)
          .add(Focus.BillingAccountId, DataTypes.StringType)
          .add(Focus.BillingCurrency, DataTypes.StringType)
          .add(Focus.ChargeCategory, DataTypes.StringType)
          .add(Focus.ResourceId, DataTypes.StringType)
          .add(Focus.X_TAGS_MAP, DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType))
          .add(Focus.EffectiveCost, Focus.DECIMAL)
          .add(Focus.X_OWNERSHIP_SOURCE, DataTypes.StringType)
          .add(Focus.AllocatedMethodId, DataTypes.StringType);

  static Row r(String period, String account, String cur, String cat, String res, Map<String, String> tags, String cost, String source, String split) {
    return RowFactory.create(period, "AWS", account, cur, cat, res, tags, new BigDecimal(cost), source, split);
  }

  static BigDecimal d(String v) {
    return new BigDecimal(v);
  }

  static BigDecimal ratio(String a, String b) {
    return d(a).divide(d(b), 6, RoundingMode.HALF_UP);
  }

  @Test
  void allocationCoverageSumsAllocatedAndUnallocatedEffectiveCost() {
    List<Row> in = new ArrayList<>();
    in.add(r("2026-09", "A", "USD", "Usage", "i-1", null, "10.50", "tag", null));
    in.add(r("2026-09", "A", "USD", "Usage", "i-2", null, "4.25", "account", null));
    in.add(r("2026-09", "A", "USD", "Usage", "i-3", null, "3.00", "unallocated", null));
    in.add(r("2026-09", "A", "USD", "Tax", null, null, "2.00", null, null)); // never enriched
    in.add(r("2026-09", "A", "USD", "Usage", "pod-1", null, "5.00", "tag", "EKSPod-EC2")); // split row: out
    in.add(r("2026-09", "A", "EUR", "Usage", "vm-1", null, "7.00", "resource", null));
    in.add(r("2026-09", "B", "USD", "Credit", null, null, "-1.00", "unallocated", null));
    in.add(r("2026-10", "A", "USD", "Usage", "i-1", null, "0.00", "service", null));
    Dataset<Row> out =
        AllocationCoverage.compute(spark.createDataFrame(in, SCHEMA))
            .select(Focus.X_BILLING_PERIOD, Focus.BillingAccountId, Focus.BillingCurrency, AllocationCoverage.BASIS,
                AllocationCoverage.TOTAL, AllocationCoverage.ALLOCATED, AllocationCoverage.UNALLOCATED,
                "tag_cost", "account_cost", "resource_cost", "service_cost",
                AllocationCoverage.LINE_ITEMS, AllocationCoverage.UNALLOCATED_LINE_ITEMS,
                AllocationCoverage.COVERAGE, AllocationCoverage.UNALLOCATED_SHARE, AllocationCoverage.NOTE);
    BigDecimal z = BigDecimal.ZERO;
    Frames.assertSameRows(
        List.of(
            // 10.50 + 4.25 allocated; 3.00 + 2.00 unallocated; the split row left out.
            row("2026-09", "A", "USD", "EffectiveCost", d("19.75"), d("14.75"), d("5.00"), d("10.50"), d("4.25"), z, z, 4L, 2L,
                ratio("14.75", "19.75"), ratio("5.00", "19.75"), null),
            row("2026-09", "A", "EUR", "EffectiveCost", d("7"), d("7"), z, z, z, d("7"), z, 1L, 0L, d("1.000000"), d("0.000000"), null),
            row("2026-09", "B", "USD", "EffectiveCost", d("-1"), z, d("-1"), z, z, z, z, 1L, 1L, null, null,
                "total cost is negative (credits exceed charges)"),
            row("2026-10", "A", "USD", "EffectiveCost", z, z, z, z, z, z, z, 1L, 0L, null, null, "total cost is zero")),
        out);
  }

  @Test
  void tagCompliancePerRequiredKeyOverTaggableCost() throws IOException {
    Files.writeString(dir.resolve("owners.csv"), "team\nplatform\ndata\n");
    Files.writeString(dir.resolve("values.csv"), "dimension,value,canonical\nenvironment,production,prod\n");
    Path conf = dir.resolve("c.conf");
    Files.writeString(
        conf,
        "costlake.ownership {\n owners = owners.csv\n rules = [ { id = tags, type = tag, values = values.csv,\n"
            + "   keys { team = [team, owner-team], environment = [env, environment] },\n"
            + "   allowed { environment = [prod, staging, dev] } } ]\n"
            + " compliance { required-tags = [team, environment, project] }\n}\n");
    Ownership o = MappingLoader.load(spark, OwnershipConfig.from(ConfigLoader.load(conf.toFile(), List.of())));
    List<Row> in = new ArrayList<>();
    in.add(r("2026-09", "A", "USD", "Usage", "r1", Map.of("team", "platform", "env", "production"), "10", "tag", null));
    in.add(r("2026-09", "A", "USD", "Usage", "r2", Map.of("Owner-Team", "Data ", "environment", "qa"), "6", "tag", null));
    in.add(r("2026-09", "A", "USD", "Usage", "r3", Map.of("team", "marketing", "Project", "x"), "3", "unallocated", null));
    in.add(r("2026-09", "A", "USD", "Usage", null, Map.of("team", "platform"), "100", "tag", null)); // no resource
    in.add(r("2026-09", "A", "USD", "Tax", "r5", null, "8", "unallocated", null)); // tax
    in.add(r("2026-09", "A", "USD", "Usage", "r6", null, "1.5", "unallocated", null));
    in.add(r("2026-09", "A", "USD", "Usage", "r7", Map.of("team", "platform"), "50", "tag", "split")); // split row
    Dataset<Row> out =
        TagCompliance.compute(spark.createDataFrame(in, SCHEMA), o)
            .select(TagCompliance.TAG_KEY, TagCompliance.BASIS, TagCompliance.TOTAL, TagCompliance.TAGGABLE,
                TagCompliance.COMPLIANT, TagCompliance.INVALID, TagCompliance.MISSING,
                TagCompliance.TAGGABLE_LINES, TagCompliance.COMPLIANT_LINES, TagCompliance.COMPLIANCE);
    // Taggable: r1, r2, r3, r6 = 10 + 6 + 3 + 1.5 = 20.5 of 128.5.
    Frames.assertSameRows(
        List.of(
            // team: r1 platform, r2 "Data " (owner-team alias, trimmed) valid; marketing unknown.
            row("team", "EffectiveCost", d("128.5"), d("20.5"), d("16"), d("3"), d("1.5"), 4L, 2L, ratio("16", "20.5")),
            // environment: production -> prod valid; qa not allowed; r3, r6 missing.
            row("environment", "EffectiveCost", d("128.5"), d("20.5"), d("10"), d("6"), d("4.5"), 4L, 1L, ratio("10", "20.5")),
            // project (not a dimension): present and non-blank on r3 only.
            row("project", "EffectiveCost", d("128.5"), d("20.5"), d("3"), d("0"), d("17.5"), 4L, 1L, ratio("3", "20.5"))),
        out);
  }
}
