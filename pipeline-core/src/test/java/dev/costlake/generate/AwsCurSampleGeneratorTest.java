package dev.costlake.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.costlake.generate.AwsCurSampleGenerator.CommitmentTotals;
import dev.costlake.generate.AwsCurSampleGenerator.PeriodTotals;
import dev.costlake.generate.AwsCurSampleGenerator.Result;
import dev.costlake.model.Focus;
import dev.costlake.quality.Quarantine;
import dev.costlake.sources.FormatDetector;
import dev.costlake.sources.LandingFiles;
import dev.costlake.sources.RawReader;
import dev.costlake.sources.aws.AwsCurNormalizer;
import dev.costlake.sources.aws.CurColumns;
import dev.costlake.sources.aws.CurManifests;
import dev.costlake.testing.Csv;
import dev.costlake.testing.TestSpark;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks the AWS CUR generator independently: the files are re-read (gunzip and a hand-written
 * CSV split for the legacy CSV, Spark for Parquet), every figure of the {@link Result} is
 * recomputed from the file contents with the amortization table of the reference, and the
 * identity Σ unblended − split rows = amortized + true-up + upfront fees is checked per payer and
 * period. Finally the pipeline's own discovery and normalizer read the same files.
 */
class AwsCurSampleGeneratorTest {
  private static final YearMonth LAST = YearMonth.of(2026, 9);
  private static final ObjectMapper JSON = new ObjectMapper();
  private final SparkSession spark = TestSpark.get();

  /** The snake-case columns the brief lists, in order. */
  private static final List<String> SNAKE =
      List.of(
          "identity_line_item_id", "identity_time_interval", "bill_invoice_id",
          "bill_invoicing_entity", "bill_billing_entity", "bill_bill_type",
          "bill_payer_account_id", "bill_billing_period_start_date",
          "bill_billing_period_end_date", "line_item_usage_account_id",
          "line_item_line_item_type", "line_item_usage_start_date", "line_item_usage_end_date",
          "line_item_product_code", "line_item_usage_type", "line_item_operation",
          "line_item_availability_zone", "line_item_resource_id", "line_item_usage_amount",
          "line_item_currency_code", "line_item_unblended_rate", "line_item_unblended_cost",
          "line_item_line_item_description", "line_item_legal_entity", "product_product_name",
          "product_region_code", "product_location", "product_servicecode", "product_sku",
          "pricing_public_on_demand_cost", "pricing_public_on_demand_rate", "pricing_term",
          "pricing_unit", "pricing_rate_id", "reservation_reservation_a_r_n",
          "reservation_effective_cost", "reservation_amortized_upfront_fee_for_billing_period",
          "reservation_unused_amortized_upfront_fee_for_billing_period",
          "reservation_unused_recurring_fee", "reservation_unused_quantity",
          "reservation_recurring_fee_for_usage", "reservation_amortized_upfront_cost_for_usage",
          "reservation_total_reserved_units", "savings_plan_savings_plan_a_r_n",
          "savings_plan_savings_plan_effective_cost", "savings_plan_total_commitment_to_date",
          "savings_plan_used_commitment",
          "savings_plan_amortized_upfront_commitment_for_billing_period",
          "savings_plan_recurring_commitment_for_billing_period", "savings_plan_savings_plan_rate",
          "split_line_item_parent_resource_id", "split_line_item_split_cost");

  private static final List<String> NET =
      List.of(
          "line_item_net_unblended_cost", "savings_plan_net_savings_plan_effective_cost",
          "savings_plan_net_amortized_upfront_commitment_for_billing_period",
          "savings_plan_net_recurring_commitment_for_billing_period",
          "reservation_net_effective_cost",
          "reservation_net_unused_amortized_upfront_fee_for_billing_period",
          "reservation_net_unused_recurring_fee");

  private static final Set<String> EVERY_MONTH =
      Set.of("Usage", "SavingsPlanCoveredUsage", "SavingsPlanNegation",
          "SavingsPlanRecurringFee", "DiscountedUsage", "RIFee", "Credit", "Tax", "Refund");

  private Result run(Path dir, long rows, int months, long seed) throws IOException {
    return AwsCurSampleGenerator.generate(
        spark, new AwsCurSampleGenerator.Options(rows, months, seed, dir.toString(), LAST));
  }

  @Test
  void columnNamesAreTheCurSnakeCaseNames() {
    assertEquals(SNAKE, AwsCurSampleGenerator.BASE_COLUMNS);
    assertEquals(NET, AwsCurSampleGenerator.NET_COLUMNS);
    List<String> snaked = new ArrayList<>();
    for (String h : AwsCurSampleGenerator.csvHeaders(true)) {
      assertTrue(h.contains("/"), h);
      snaked.add(CurColumns.snake(h));
    }
    List<String> expected = new ArrayList<>(SNAKE);
    expected.addAll(NET);
    expected.add("resource_tags_user_team");
    expected.add("resource_tags_user_env");
    assertEquals(expected, snaked);
    assertEquals("team", CurColumns.tagKey("resourceTags/user:team"));
  }

  @Test
  void sameSeedSameCsvBytesAndEveryFigureReconciles(@TempDir Path tmp) throws IOException {
    Result a = run(tmp.resolve("a"), 3000, 3, 42);
    Result b = run(tmp.resolve("b"), 3000, 3, 42);

    // Determinism: the legacy CSV tree (data and manifests) is byte for byte the same.
    Map<String, byte[]> ta = tree(tmp.resolve("a/aws-cur/legacy-csv"));
    Map<String, byte[]> tb = tree(tmp.resolve("b/aws-cur/legacy-csv"));
    assertEquals(ta.keySet(), tb.keySet());
    assertEquals(4 + 7, ta.size(), ta.keySet().toString()); // 4 csv, 3 + 4 manifests
    ta.forEach((k, v) -> assertArrayEquals(v, tb.get(k), k));
    assertEquals(a.periods(), b.periods());
    assertEquals(a.commitments(), b.commitments());
    assertEquals(a.rowsWritten(), b.rowsWritten());
    assertTrue(a.rowsWritten() > 2500 && a.rowsWritten() < 3800, "rows " + a.rowsWritten());

    checkEverything(tmp.resolve("a"), a, 3);
    checkPipelineReads(tmp.resolve("a"), a);
  }

  @Test
  void smallRunStillHasEverything(@TempDir Path tmp) throws IOException {
    Result r = run(tmp, 300, 2, 5);
    assertTrue(r.rowsWritten() < 600, "rows " + r.rowsWritten());
    checkEverything(tmp, r, 2);
  }

  // ---------------------------------------------------------------------------------------

  private void checkEverything(Path root, Result r, int months) throws IOException {
    YearMonth first = LAST.minusMonths(months - 1L);
    for (String f : r.files()) assertTrue(Files.exists(Path.of(f)), f);
    assertEquals(3 * months, r.periods().size());

    // Layouts on disk: legacy CSV with manifests and the restated last month.
    Path csvRoot = single(root.resolve("aws-cur/legacy-csv"));
    Map<String, List<Map<String, String>>> byKey = new LinkedHashMap<>();
    List<Map<String, String>> oldRows = null;
    for (int m = 0; m < months; m++) {
      YearMonth ym = first.plusMonths(m);
      Path period = csvRoot.resolve(AwsCurSampleGenerator.periodName(ym));
      JsonNode manifest = json(period.resolve(csvRoot.getFileName() + "-Manifest.json"));
      String assembly = manifest.get("assemblyId").asText();
      assertEquals("GZIP", manifest.get("compression").asText());
      assertEquals("text/csv", manifest.get("contentType").asText());
      assertEquals(csvRoot.getFileName().toString(), manifest.get("reportName").asText());
      assertEquals(ym.atDay(1).toString().replace("-", "") + "T000000.000Z",
          manifest.get("billingPeriod").get("start").asText());
      assertEquals(1, manifest.get("reportKeys").size());
      String key = manifest.get("reportKeys").get(0).asText();
      assertTrue(key.startsWith("aws-cur/legacy-csv/") && key.contains("/" + assembly + "/"), key);
      Path file = root.resolve(key);
      assertTrue(Files.exists(file), key);
      assertEquals(assembly, json(file.getParent().resolve(csvRoot.getFileName()
          + "-Manifest.json")).get("assemblyId").asText());
      byKey.put(AwsCurSampleGenerator.LEGACY_CSV + "|" + ym, readCsv(file));
      List<Path> assemblies = dirs(period);
      if (ym.equals(LAST)) {
        assertEquals(period.toString(), Path.of(r.restatedPeriodFolder()).toString());
        assertEquals(assembly, r.currentAssemblyId());
        assertNotEquals(assembly, r.oldAssemblyId());
        assertEquals(2, assemblies.size());
        Path oldDir = period.resolve(r.oldAssemblyId());
        assertEquals(r.oldAssemblyId(),
            json(oldDir.resolve(csvRoot.getFileName() + "-Manifest.json")).get("assemblyId").asText());
        Path oldFile = oldDir.resolve(csvRoot.getFileName() + "-00001.csv.gz");
        assertTrue(Files.exists(oldFile));
        oldRows = readCsv(oldFile);
      } else {
        assertEquals(1, assemblies.size());
      }
    }
    Path parquetRoot = single(root.resolve("aws-cur/legacy-parquet"));
    Path cur2Root = single(root.resolve("aws-cur2"));
    for (int m = 0; m < months; m++) {
      YearMonth ym = first.plusMonths(m);
      byKey.put(AwsCurSampleGenerator.LEGACY_PARQUET + "|" + ym, readParquet(parquetRoot
          .resolve("year=" + ym.getYear() + "/month=" + ym.getMonthValue())));
      byKey.put(AwsCurSampleGenerator.CUR2 + "|" + ym,
          readParquet(cur2Root.resolve("data/BILLING_PERIOD=" + ym)));
      JsonNode meta = json(cur2Root.resolve("metadata/BILLING_PERIOD=" + ym + "/"
          + cur2Root.getFileName() + "-Manifest.json"));
      assertEquals(ym.toString(), meta.get("billingPeriod").asText());
      assertTrue(meta.get("dataFiles").size() >= 1);
    }

    // Every figure, recomputed from the files.
    Set<String> payers = new HashSet<>();
    long total = 0;
    for (PeriodTotals p : r.periods()) {
      String where = p.layout() + " " + p.period();
      List<Map<String, String>> rows = byKey.get(p.layout() + "|" + p.period());
      assertNotNull(rows, where);
      total += rows.size();
      payers.add(p.payer());
      for (Map<String, String> row : rows) assertEquals(p.payer(), row.get("bill_payer_account_id"));
      Figures fig = figures(rows);
      assertEquals(p.rows(), rows.size(), where);
      money(p.unblended(), fig.unblended, where + " unblended");
      money(p.amortized(), fig.amortized, where + " amortized");
      money(p.trueUp(), fig.trueUp, where + " trueUp");
      money(p.upfrontFees(), fig.upfront, where + " upfront fees");
      money(p.splitRowsUnblended(), fig.splitUnblended, where + " split rows");
      assertEquals(p.splitRows(), fig.splitRows, where);
      assertEquals(p.recurringFeeRows(), fig.recurringFeeRows, where);
      // The identity of the reference, per payer and period.
      money(fig.unblended.subtract(fig.splitUnblended),
          fig.amortized.add(fig.trueUp).add(fig.upfront), where + " identity");
      money(p.unblended().subtract(p.splitRowsUnblended()),
          p.amortized().add(p.trueUp()).add(p.upfrontFees()), where + " identity (result)");

      YearMonth ym = YearMonth.parse(p.period());
      boolean net = switch (p.layout()) {
        case AwsCurSampleGenerator.LEGACY_CSV -> ym.equals(LAST);
        case AwsCurSampleGenerator.CUR2 -> true;
        default -> false;
      };
      checkContent(rows, p.layout(), ym, first, LAST, net, where);
      if (!net) money(p.amortized(), p.netAmortized(), where + " net without discount");
      if (net) money(fig.netAmortized, p.netAmortized(), where + " net amortized");
    }
    assertEquals(3, payers.size(), "one payer per layout");

    // The older assembly has its own, different, figures.
    PeriodTotals old = r.oldAssemblyTotals();
    Figures of = figures(oldRows);
    assertEquals(old.rows(), oldRows.size());
    money(old.unblended(), of.unblended, "old unblended");
    money(of.unblended.subtract(of.splitUnblended), of.amortized.add(of.trueUp).add(of.upfront),
        "old identity");
    PeriodTotals current = r.periods().stream().filter(p -> p.layout()
        .equals(AwsCurSampleGenerator.LEGACY_CSV) && p.period().equals(LAST.toString()))
        .findFirst().orElseThrow();
    assertTrue(old.rows() < current.rows());
    assertNotEquals(0, old.unblended().compareTo(current.unblended()));
    assertEquals(total + oldRows.size(), r.rowsWritten());

    // Commitments: Σ Used + Σ Unused = the amortized commitment, per commitment and period.
    assertEquals(2 * 3 * months, r.commitments().size());
    for (CommitmentTotals c : r.commitments()) {
      String layout = r.periods().stream().filter(p -> p.payer().equals(c.payer()))
          .findFirst().orElseThrow().layout();
      List<Map<String, String>> rows = byKey.get(layout + "|" + c.period());
      BigDecimal used = BigDecimal.ZERO;
      BigDecimal unused = BigDecimal.ZERO;
      for (Map<String, String> row : rows) {
        String type = row.get("line_item_line_item_type");
        if ("SP".equals(c.kind()) && c.commitmentArn().equals(row.get("savings_plan_savings_plan_a_r_n"))) {
          if (type.equals("SavingsPlanCoveredUsage")) used = used.add(num(row, "savings_plan_savings_plan_effective_cost"));
          if (type.equals("SavingsPlanRecurringFee")) {
            unused = unused.add(num(row, "savings_plan_total_commitment_to_date")
                .subtract(num(row, "savings_plan_used_commitment")));
          }
        }
        if ("RI".equals(c.kind()) && c.commitmentArn().equals(row.get("reservation_reservation_a_r_n"))) {
          if (type.equals("DiscountedUsage")) used = used.add(num(row, "reservation_effective_cost"));
          if (type.equals("RIFee")) {
            unused = unused.add(num(row, "reservation_unused_amortized_upfront_fee_for_billing_period"))
                .add(num(row, "reservation_unused_recurring_fee"));
          }
        }
      }
      money(c.amortizedCommitment(), used.add(unused), c.kind() + " " + c.period() + " " + layout);
      assertTrue(used.signum() > 0, "commitment used at all: " + c);
    }
  }

  /** Line item types, SP days, split rows, net columns, marketplace: what each file must hold. */
  private static void checkContent(List<Map<String, String>> rows, String layout, YearMonth ym,
      YearMonth first, YearMonth last, boolean net, String where) {
    Set<String> types = new HashSet<>();
    boolean spot = false;
    boolean marketplace = false;
    boolean spRefund = false;
    Map<String, BigDecimal> coveredByDay = new TreeMap<>();
    Map<String, BigDecimal> usedByDay = new TreeMap<>();
    Map<String, BigDecimal> parents = new HashMap<>();
    Map<String, BigDecimal> splitByParent = new HashMap<>();
    Map<String, BigDecimal> coveredOd = new HashMap<>();
    BigDecimal negations = BigDecimal.ZERO;
    for (Map<String, String> row : rows) {
      String type = row.get("line_item_line_item_type");
      types.add(type);
      assertEquals("USD", row.get("line_item_currency_code"));
      assertEquals(ym.atDay(1) + "T00:00:00Z", row.get("bill_billing_period_start_date"));
      assertEquals(net, row.containsKey("line_item_net_unblended_cost"), where + " net column");
      String day = row.get("line_item_usage_start_date");
      if ("Spot".equals(row.get("pricing_term"))) {
        spot = true;
        assertTrue(row.get("line_item_usage_type").contains("SpotUsage"));
        assertTrue(num(row, "pricing_public_on_demand_cost").compareTo(num(row, "line_item_unblended_cost")) > 0);
      }
      if ("AWS Marketplace".equals(row.get("bill_billing_entity"))) {
        marketplace = true;
        assertNotEquals("Amazon Web Services, Inc.", row.get("line_item_legal_entity"));
      }
      if (type.equals("Refund")) {
        assertEquals("Refund", row.get("bill_bill_type"));
        assertTrue(num(row, "line_item_unblended_cost").signum() < 0);
        spRefund |= row.get("savings_plan_savings_plan_a_r_n") != null;
      }
      if (type.equals("Credit") || type.equals("EdpDiscount")) {
        assertTrue(num(row, "line_item_unblended_cost").signum() < 0, where + " " + type);
      }
      if (type.equals("SavingsPlanUpfrontFee") || type.equals("Fee")) {
        assertEquals("Purchase", row.get("bill_bill_type"));
      }
      if (type.equals("SavingsPlanCoveredUsage")) {
        coveredByDay.merge(day, num(row, "savings_plan_savings_plan_effective_cost"), BigDecimal::add);
        coveredOd.merge(day, num(row, "line_item_unblended_cost"), BigDecimal::add);
      }
      if (type.equals("SavingsPlanNegation")) {
        coveredOd.merge(day, num(row, "line_item_unblended_cost"), BigDecimal::add);
        negations = negations.add(BigDecimal.ONE);
      }
      if (type.equals("SavingsPlanRecurringFee")) {
        assertNull(usedByDay.put(day, num(row, "savings_plan_used_commitment")), where + " one fee row a day");
        BigDecimal total = num(row, "savings_plan_total_commitment_to_date");
        money(total, num(row, "savings_plan_amortized_upfront_commitment_for_billing_period")
            .add(num(row, "savings_plan_recurring_commitment_for_billing_period")), where + " SP total");
        assertTrue(num(row, "savings_plan_used_commitment").compareTo(total) <= 0);
        money(num(row, "line_item_unblended_cost"),
            num(row, "savings_plan_recurring_commitment_for_billing_period"), where + " SP fee");
      }
      if ("EKSPod-EC2".equals(row.get("line_item_operation"))) {
        String parent = row.get("split_line_item_parent_resource_id");
        assertNotNull(parent);
        money(num(row, "line_item_unblended_cost"), num(row, "split_line_item_split_cost"), "split cost");
        splitByParent.merge(parent + "|" + day, num(row, "line_item_unblended_cost"), BigDecimal::add);
      } else if (type.equals("Usage") && row.get("line_item_resource_id") != null) {
        parents.merge(row.get("line_item_resource_id") + "|" + day,
            num(row, "line_item_unblended_cost"), BigDecimal::add);
      }
    }
    Set<String> expected = new HashSet<>(EVERY_MONTH);
    if (ym.equals(first)) {
      expected.add("Fee");
      if (!layout.equals(AwsCurSampleGenerator.CUR2)) expected.add("SavingsPlanUpfrontFee");
    }
    if (net) expected.add("EdpDiscount");
    assertEquals(expected, types, where);
    assertTrue(spot, where + " spot");
    assertTrue(marketplace, where + " marketplace");
    YearMonth refundMonth = first.equals(last) ? first : first.plusMonths(1);
    assertEquals(!layout.equals(AwsCurSampleGenerator.CUR2) && ym.equals(refundMonth), spRefund,
        where + " SP fee refund");
    // Σ covered SP cost of a day = that day's used commitment, exactly; negations cancel.
    assertEquals(usedByDay.size(), ym.lengthOfMonth(), where + " one SP fee row per day");
    for (Map.Entry<String, BigDecimal> e : usedByDay.entrySet()) {
      money(e.getValue(), coveredByDay.getOrDefault(e.getKey(), BigDecimal.ZERO), where + " used " + e.getKey());
      money(BigDecimal.ZERO, coveredOd.getOrDefault(e.getKey(), BigDecimal.ZERO), where + " negation " + e.getKey());
    }
    assertTrue(negations.signum() > 0);
    // Split rows re-express their instance's cost of the day, exactly.
    assertFalse(splitByParent.isEmpty(), where + " split rows");
    splitByParent.forEach((k, v) -> money(parents.get(k), v, where + " split of " + k));
  }

  // ---------------------------------------------------------------------------------------
  // The pipeline's discovery and normalizer read what was written.

  private void checkPipelineReads(Path root, Result r) {
    Map<String, PeriodTotals> expected = new HashMap<>();
    for (PeriodTotals p : r.periods()) expected.put(p.payer() + "|" + p.period(), p);
    int seen = 0;
    // One source per layout: a source mixing legacy CSV and legacy Parquet is not read today
    // (the normalizer resolves each snake name to one raw column, the CSV header).
    for (String sub : List.of("aws-cur/legacy-csv", "aws-cur/legacy-parquet", "aws-cur2")) {
      LandingFiles.Listing listing = LandingFiles.list(spark, root.resolve(sub).toUri().toString());
      CurManifests.Selection sel = CurManifests.select(
          spark.sparkContext().hadoopConfiguration(), listing.files(), listing.manifests());
      if (sub.equals("aws-cur/legacy-csv")) {
        assertEquals(1, sel.superseded().size(), sel.superseded().toString());
        assertTrue(sel.superseded().get(0).contains("/" + r.oldAssemblyId() + "/"));
      } else {
        assertTrue(sel.superseded().isEmpty());
      }
      String format = FormatDetector.detect(sel.current().get(0).columns());
      assertEquals(sub.startsWith("aws-cur/") ? FormatDetector.AWS_CUR_LEGACY : FormatDetector.AWS_CUR2, format);
      Dataset<Row> n = AwsCurNormalizer.normalize(
          RawReader.read(spark, sel.current(), format), "aws", "test", Map.of());
      List<Row> sums = n.groupBy(Focus.BillingAccountId, Focus.X_BILLING_PERIOD)
          .agg(functions.sum(Focus.BilledCost),
              functions.sum(functions.when(functions.col(Focus.AllocatedMethodId).isNull(),
                  functions.col(Focus.EffectiveCost))),
              functions.sum(functions.when(functions.size(functions.col(Quarantine.REASONS)).gt(0), 1)
                  .otherwise(0)),
              functions.count(functions.lit(1)))
          .collectAsList();
      for (Row s : sums) {
        PeriodTotals p = expected.get(s.getString(0) + "|" + s.getString(1));
        assertNotNull(p, s.toString());
        String where = "pipeline " + p.layout() + " " + p.period();
        assertEquals(0L, s.getLong(4), where + " quarantined rows");
        assertEquals(p.rows() + p.recurringFeeRows(), s.getLong(5), where + " rows");
        money(p.unblended(), s.getDecimal(2), where + " billed");
        money(p.amortized(), s.getDecimal(3), where + " effective");
        seen++;
      }
    }
    assertEquals(r.periods().size(), seen);
  }

  // ---------------------------------------------------------------------------------------
  // Independent recomputation (the reference's amortization table).

  private record Figures(BigDecimal unblended, BigDecimal amortized, BigDecimal netAmortized,
      BigDecimal trueUp, BigDecimal upfront, BigDecimal splitUnblended, long splitRows,
      long recurringFeeRows) {}

  private static Figures figures(List<Map<String, String>> rows) {
    BigDecimal unblended = BigDecimal.ZERO;
    BigDecimal amortized = BigDecimal.ZERO;
    BigDecimal netAmortized = BigDecimal.ZERO;
    BigDecimal trueUp = BigDecimal.ZERO;
    BigDecimal upfront = BigDecimal.ZERO;
    BigDecimal split = BigDecimal.ZERO;
    long splitRows = 0;
    long fees = 0;
    for (Map<String, String> row : rows) {
      String type = row.get("line_item_line_item_type");
      BigDecimal u = num(row, "line_item_unblended_cost");
      unblended = unblended.add(u);
      boolean sp = row.get("savings_plan_savings_plan_a_r_n") != null;
      boolean ri = row.get("reservation_reservation_a_r_n") != null;
      if ("EKSPod-EC2".equals(row.get("line_item_operation"))) {
        split = split.add(u);
        splitRows++;
        continue;
      }
      amortized = amortized.add(amortized(row, type, u, sp, ri, false));
      netAmortized = netAmortized.add(amortized(row, type, u, sp, ri, true));
      if (type.equals("SavingsPlanRecurringFee")) {
        fees++;
        trueUp = trueUp.subtract(num(row, "savings_plan_amortized_upfront_commitment_for_billing_period"));
      } else if (type.equals("RIFee")) {
        fees++;
        trueUp = trueUp.subtract(num(row, "reservation_amortized_upfront_fee_for_billing_period"));
      } else if (type.equals("SavingsPlanUpfrontFee") || (type.equals("Fee") && ri)
          || (type.equals("Refund") && sp)) {
        upfront = upfront.add(u);
      }
    }
    return new Figures(unblended, amortized, netAmortized, trueUp, upfront, split, splitRows, fees);
  }

  private static BigDecimal amortized(Map<String, String> row, String type, BigDecimal u,
      boolean sp, boolean ri, boolean net) {
    return switch (type) {
      case "SavingsPlanCoveredUsage" -> pick(row, "savings_plan_savings_plan_effective_cost",
          "savings_plan_net_savings_plan_effective_cost", net);
      case "SavingsPlanRecurringFee" -> (net
          ? pick(row, "savings_plan_amortized_upfront_commitment_for_billing_period",
              "savings_plan_net_amortized_upfront_commitment_for_billing_period", true)
              .add(pick(row, "savings_plan_recurring_commitment_for_billing_period",
                  "savings_plan_net_recurring_commitment_for_billing_period", true))
          : num(row, "savings_plan_total_commitment_to_date"))
          .subtract(num(row, "savings_plan_used_commitment"));
      case "SavingsPlanNegation", "SavingsPlanUpfrontFee" -> BigDecimal.ZERO;
      case "DiscountedUsage" -> pick(row, "reservation_effective_cost",
          "reservation_net_effective_cost", net);
      case "RIFee" -> pick(row, "reservation_unused_amortized_upfront_fee_for_billing_period",
          "reservation_net_unused_amortized_upfront_fee_for_billing_period", net)
          .add(pick(row, "reservation_unused_recurring_fee",
              "reservation_net_unused_recurring_fee", net));
      case "Fee" -> ri ? BigDecimal.ZERO : u;
      case "Refund" -> sp ? BigDecimal.ZERO : u;
      case "EdpDiscount" -> net ? BigDecimal.ZERO : u;
      default -> net ? pick(row, "line_item_unblended_cost", "line_item_net_unblended_cost", true) : u;
    };
  }

  private static BigDecimal pick(Map<String, String> row, String gross, String netCol, boolean net) {
    return net && row.get(netCol) != null ? num(row, netCol) : num(row, gross);
  }

  private static BigDecimal num(Map<String, String> row, String col) {
    String v = row.get(col);
    return v == null ? BigDecimal.ZERO : new BigDecimal(v);
  }

  private static void money(BigDecimal expected, BigDecimal actual, String what) {
    assertNotNull(expected, what);
    assertNotNull(actual, what);
    assertEquals(0, expected.compareTo(actual), what + ": expected " + expected + " but was " + actual);
  }

  // ---------------------------------------------------------------------------------------
  // Reading the files back: rows as snake-case column → text, empty cells absent.

  private static List<Map<String, String>> readCsv(Path file) throws IOException {
    List<Map<String, String>> out = new ArrayList<>();
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
      for (Map<String, String> raw : Csv.read(in)) {
        Map<String, String> row = new HashMap<>();
        raw.forEach((k, v) -> {
          if (!v.isEmpty()) row.put(CurColumns.snake(k), v);
        });
        out.add(row);
      }
    }
    return out;
  }

  private List<Map<String, String>> readParquet(Path dir) {
    assertTrue(Files.isDirectory(dir), dir.toString());
    Dataset<Row> df = spark.read().parquet(dir.toString());
    StructField[] fields = df.schema().fields();
    List<Map<String, String>> out = new ArrayList<>();
    for (Row r : df.collectAsList()) {
      Map<String, String> row = new HashMap<>();
      for (int i = 0; i < fields.length; i++) {
        if (r.isNullAt(i)) continue;
        String name = fields[i].name();
        if (fields[i].dataType() instanceof MapType) {
          Map<String, String> m = r.getJavaMap(i);
          if (name.equals("product")) m.forEach((k, v) -> row.put("product_" + k, v));
          if (name.equals("resource_tags")) m.forEach((k, v) -> row.put("resource_tags_" + k, v));
          continue;
        }
        row.put(name, r.getString(i));
      }
      out.add(row);
    }
    return out;
  }

  private static JsonNode json(Path p) throws IOException {
    assertTrue(Files.exists(p), p.toString());
    return JSON.readTree(p.toFile());
  }

  private static Path single(Path dir) throws IOException {
    List<Path> d = dirs(dir);
    assertEquals(1, d.size(), d.toString());
    return d.get(0);
  }

  private static List<Path> dirs(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isDirectory).sorted().toList();
    }
  }

  private static Map<String, byte[]> tree(Path root) throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString()
          .startsWith(".")).toList()) {
        out.put(root.relativize(p).toString(), Files.readAllBytes(p));
      }
    }
    return out;
  }
}
