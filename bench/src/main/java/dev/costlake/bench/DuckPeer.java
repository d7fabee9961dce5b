package dev.costlake.bench;

import dev.costlake.sources.ReferenceTable;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The single-node peer of the benchmark: DuckDB (in-process, JDBC) reads the same AWS CUR 2.0
 * Parquet files as {@code finops nightly}, writes the same silver rows (FOCUS columns the AWS
 * mapping fills, lineage, recurring fees as two rows, amortized EffectiveCost) as Parquet
 * partitioned by billing period, then reads them back and writes the same daily gold as {@code
 * gold/CostDaily} (same keys, split rows left out, commitment purchases out of List and
 * Contracted cost). Money is DECIMAL(30,12) as in silver; sums widen to DECIMAL(38,12).
 *
 * <p>It is a yardstick, not a second implementation: it covers the CUR 2.0 columns the sample
 * generator writes (payer/usage account names, product map, tags map), and no quarantine
 * beyond dropping rows that lack a required column. The benchmark checks its totals against
 * our {@code cost_daily}, so a divergence shows up as a failed check, not as a fast number.
 */
public final class DuckPeer {
  private DuckPeer() {}

  /** Per period and currency: gold rows, line items and the four cost sums. */
  public record Total(
      String period,
      String currency,
      long goldRows,
      long lineItems,
      BigDecimal effective,
      BigDecimal billed,
      BigDecimal list,
      BigDecimal contracted) {}

  public record Result(
      long silverRows, long droppedRows, long silverMillis, long goldMillis, long totalMillis, List<Total> totals) {}

  /**
   * @param input folder holding CUR 2.0 Parquet files (searched recursively)
   * @param out folder for {@code silver/} and {@code gold/} Parquet (replaced)
   * @param threads DuckDB threads (0: DuckDB's default, all cores)
   * @param memoryLimit DuckDB memory_limit (e.g. "4GB"), null for DuckDB's default
   */
  public static Result run(Path input, Path out, int threads, String memoryLimit) throws SQLException, IOException {
    long t0 = System.currentTimeMillis();
    deleteRecursively(out);
    Files.createDirectories(out);
    Path silver = out.resolve("silver");
    Path gold = out.resolve("gold");
    try (Connection conn = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = conn.createStatement()) {
      if (threads > 0) {
        st.execute("SET threads = " + threads);
      }
      if (memoryLimit != null) {
        st.execute("SET memory_limit = '" + memoryLimit + "'");
      }
      st.execute("SET preserve_insertion_order = false");
      st.execute("SET TimeZone = 'UTC'");
      st.execute(
          "CREATE MACRO cl(x) AS CASE WHEN x IS NULL OR lower(trim(x)) IN ('', 'null', 'none', 'n/a') THEN NULL ELSE trim(x) END");
      st.execute("CREATE MACRO num(x) AS TRY_CAST(cl(x) AS DECIMAL(30,12))");
      st.execute("CREATE MACRO ts(x) AS TRY_CAST(TRY_CAST(cl(x) AS TIMESTAMPTZ) AS TIMESTAMP)");
      st.execute("CREATE TABLE service_category AS SELECT * FROM (VALUES " + serviceCategories() + ") t(code, category)");

      String glob = sql(input.toAbsolutePath() + "/**/*.parquet");
      String files = "read_parquet('" + glob + "', union_by_name = true, filename = true, file_row_number = true)";
      // Columns an export lacks (net columns outside EDP months, optional maps) read as null.
      List<String> present = new ArrayList<>();
      try (ResultSet r = st.executeQuery("DESCRIBE SELECT * FROM " + files)) {
        while (r.next()) {
          present.add(r.getString(1));
        }
      }
      StringBuilder missing = new StringBuilder();
      for (String c : USED_COLUMNS) {
        if (!present.contains(c)) {
          missing.append(", NULL::").append(c.equals("product") || c.equals("resource_tags") ? "MAP(VARCHAR, VARCHAR)" : "VARCHAR")
              .append(" AS ").append(c);
        }
      }
      st.execute("CREATE VIEW raw AS SELECT *" + missing + " FROM " + files);
      st.execute(typedView());
      st.execute(silverView());

      long s0 = System.currentTimeMillis();
      st.execute(
          "COPY (SELECT * FROM silver_rows WHERE _valid) TO '" + sql(silver.toString())
              + "' (FORMAT parquet, COMPRESSION snappy, PARTITION_BY (x_BillingPeriod))");
      long silverMillis = System.currentTimeMillis() - s0;

      long g0 = System.currentTimeMillis();
      String silverGlob = sql(silver + "/**/*.parquet");
      st.execute(
          "COPY (SELECT x_BillingPeriod, x_ChargeDate AS ChargeDate, ServiceProviderName, BillingAccountId,"
              + " BillingAccountName, SubAccountId, SubAccountName, ServiceCategory, ServiceName, RegionId, BillingCurrency,"
              + " sum(EffectiveCost) AS EffectiveCost, sum(BilledCost) AS BilledCost,"
              + " sum(CASE WHEN ChargeCategory = 'Purchase' AND CommitmentDiscountId IS NOT NULL THEN 0 ELSE ListCost END) AS ListCost,"
              + " sum(CASE WHEN ChargeCategory = 'Purchase' AND CommitmentDiscountId IS NOT NULL THEN 0 ELSE ContractedCost END) AS ContractedCost,"
              + " count(*) AS LineItems"
              + " FROM read_parquet('" + silverGlob + "', hive_partitioning = true)"
              + " WHERE AllocatedMethodId IS NULL GROUP BY ALL) TO '" + sql(gold.toString())
              + "' (FORMAT parquet, COMPRESSION snappy, PARTITION_BY (x_BillingPeriod))");
      long goldMillis = System.currentTimeMillis() - g0;

      long silverRows;
      long dropped;
      try (ResultSet r = st.executeQuery("SELECT count(*) FILTER (WHERE _valid), count(*) FILTER (WHERE NOT _valid) FROM silver_rows")) {
        r.next();
        silverRows = r.getLong(1);
        dropped = r.getLong(2);
      }
      List<Total> totals = new ArrayList<>();
      try (ResultSet r =
          st.executeQuery(
              "SELECT x_BillingPeriod, BillingCurrency, count(*), sum(LineItems), sum(EffectiveCost), sum(BilledCost),"
                  + " sum(ListCost), sum(ContractedCost) FROM read_parquet('" + sql(gold + "/**/*.parquet")
                  + "', hive_partitioning = true) GROUP BY ALL ORDER BY ALL")) {
        while (r.next()) {
          totals.add(new Total(r.getString(1), r.getString(2), r.getLong(3), r.getLong(4), r.getBigDecimal(5),
              r.getBigDecimal(6), r.getBigDecimal(7), r.getBigDecimal(8)));
        }
      }
      return new Result(silverRows, dropped, silverMillis, goldMillis, System.currentTimeMillis() - t0, totals);
    }
  }

  /** The CUR 2.0 columns the peer reads. */
  static final List<String> USED_COLUMNS =
      List.of("line_item_line_item_type", "line_item_unblended_cost", "line_item_net_unblended_cost",
          "savings_plan_savings_plan_a_r_n", "reservation_reservation_a_r_n", "line_item_operation", "line_item_usage_type",
          "line_item_product_code", "savings_plan_savings_plan_effective_cost", "savings_plan_net_savings_plan_effective_cost",
          "savings_plan_total_commitment_to_date", "savings_plan_used_commitment",
          "savings_plan_net_amortized_upfront_commitment_for_billing_period",
          "savings_plan_net_recurring_commitment_for_billing_period", "reservation_effective_cost",
          "reservation_net_effective_cost", "reservation_unused_amortized_upfront_fee_for_billing_period",
          "reservation_net_unused_amortized_upfront_fee_for_billing_period", "reservation_unused_recurring_fee",
          "reservation_net_unused_recurring_fee", "reservation_unused_quantity", "pricing_public_on_demand_cost",
          "pricing_public_on_demand_rate", "line_item_unblended_rate", "line_item_usage_amount", "pricing_unit", "pricing_term",
          "bill_billing_entity", "line_item_legal_entity", "bill_bill_type", "line_item_currency_code", "bill_payer_account_id",
          "bill_payer_account_name", "line_item_usage_account_id", "line_item_usage_account_name",
          "bill_billing_period_start_date", "bill_billing_period_end_date", "line_item_usage_start_date",
          "line_item_usage_end_date", "line_item_line_item_description", "line_item_resource_id",
          "line_item_availability_zone", "pricing_rate_id", "bill_invoice_id", "bill_invoicing_entity",
          "split_line_item_parent_resource_id", "product", "resource_tags", "cost_category");

  /** Typed CUR 2.0 columns (names as the generator and CurColumns spell them). */
  private static String typedView() {
    return """
        CREATE VIEW typed AS SELECT
          filename AS x_SourceFile, file_row_number + 1 AS x_SourceRow,
          cl(line_item_line_item_type) AS t,
          num(line_item_unblended_cost) AS unblended,
          num(line_item_net_unblended_cost) AS net_unblended,
          cl(savings_plan_savings_plan_a_r_n) AS sp_arn,
          cl(reservation_reservation_a_r_n) AS ri_arn,
          cl(line_item_operation) AS op,
          cl(line_item_usage_type) AS usage_type,
          cl(line_item_product_code) AS product_code,
          num(savings_plan_savings_plan_effective_cost) AS sp_eff,
          num(savings_plan_net_savings_plan_effective_cost) AS sp_net_eff,
          num(savings_plan_total_commitment_to_date) AS sp_total,
          num(savings_plan_used_commitment) AS sp_used,
          num(savings_plan_net_amortized_upfront_commitment_for_billing_period) AS sp_net_upfront,
          num(savings_plan_net_recurring_commitment_for_billing_period) AS sp_net_recurring,
          num(reservation_effective_cost) AS ri_eff,
          num(reservation_net_effective_cost) AS ri_net_eff,
          num(reservation_unused_amortized_upfront_fee_for_billing_period) AS ri_unused_upfront,
          num(reservation_net_unused_amortized_upfront_fee_for_billing_period) AS ri_net_unused_upfront,
          num(reservation_unused_recurring_fee) AS ri_unused_recurring,
          num(reservation_net_unused_recurring_fee) AS ri_net_unused_recurring,
          num(reservation_unused_quantity) AS ri_unused_qty,
          num(pricing_public_on_demand_cost) AS public_cost,
          num(pricing_public_on_demand_rate) AS public_rate,
          num(line_item_unblended_rate) AS unblended_rate,
          num(line_item_usage_amount) AS usage_qty,
          cl(pricing_unit) AS pricing_unit,
          cl(pricing_term) AS pricing_term,
          cl(bill_billing_entity) AS billing_entity,
          cl(line_item_legal_entity) AS legal_entity,
          cl(bill_bill_type) AS bill_type,
          cl(line_item_currency_code) AS currency,
          cl(bill_payer_account_id) AS payer, cl(bill_payer_account_name) AS payer_name,
          cl(line_item_usage_account_id) AS usage_account, cl(line_item_usage_account_name) AS usage_account_name,
          ts(bill_billing_period_start_date) AS bps, ts(bill_billing_period_end_date) AS bpe,
          ts(line_item_usage_start_date) AS cps, ts(line_item_usage_end_date) AS cpe,
          cl(line_item_line_item_description) AS description,
          cl(line_item_resource_id) AS resource_id,
          cl(line_item_availability_zone) AS zone,
          cl(pricing_rate_id) AS rate_id,
          cl(bill_invoice_id) AS invoice_id, cl(bill_invoicing_entity) AS invoicing_entity,
          cl(split_line_item_parent_resource_id) AS split_parent,
          cl(product['region_code']) AS p_region_code, cl(product['region']) AS p_region,
          cl(product['location']) AS p_location, cl(product['servicename']) AS p_servicename,
          cl(product['product_name']) AS p_product_name, cl(product['sku']) AS p_sku,
          resource_tags, cost_category
        FROM raw""";
  }

  /** Silver rows: the AWS mapping of sources/aws/AwsCurNormalizer, recurring fees as two parts. */
  private static String silverView() {
    String amortized =
        """
        CASE WHEN t = 'SavingsPlanCoveredUsage' THEN coalesce(%s, 0)
             WHEN t = 'SavingsPlanRecurringFee' THEN %s - coalesce(sp_used, 0)
             WHEN t IN ('SavingsPlanNegation', 'SavingsPlanUpfrontFee') THEN 0
             WHEN t = 'DiscountedUsage' THEN coalesce(%s, 0)
             WHEN t = 'RIFee' THEN coalesce(%s, 0) + coalesce(%s, 0)
             WHEN t = 'Fee' AND ri_arn IS NOT NULL THEN 0
             WHEN t = 'Refund' AND sp_arn IS NOT NULL THEN 0
             %s
             ELSE %s END""";
    String gross = amortized.formatted("sp_eff", "coalesce(sp_total, 0)", "ri_eff", "ri_unused_upfront",
        "ri_unused_recurring", "", "unblended");
    String net = amortized.formatted("coalesce(sp_net_eff, sp_eff)",
        "CASE WHEN sp_net_upfront IS NULL AND sp_net_recurring IS NULL THEN coalesce(sp_total, 0)"
            + " ELSE coalesce(sp_net_upfront, 0) + coalesce(sp_net_recurring, 0) END",
        "coalesce(ri_net_eff, ri_eff)", "coalesce(ri_net_unused_upfront, ri_unused_upfront)",
        "coalesce(ri_net_unused_recurring, ri_unused_recurring)",
        "WHEN t IN ('EdpDiscount', 'PrivateRateDiscount', 'BundledDiscount', 'Discount', 'DistributorDiscount') THEN 0",
        "coalesce(net_unblended, unblended)");
    return """
        CREATE VIEW silver_rows AS
        WITH parts AS (
          SELECT typed.*, sc.category AS svc_category, part,
            part = 1 AS p1,
            t IN ('SavingsPlanRecurringFee', 'RIFee') AS recurring,
            t LIKE 'SavingsPlan%%' OR (t = 'Refund' AND sp_arn IS NOT NULL) AS is_sp,
            t IN ('DiscountedUsage', 'RIFee') OR (t = 'Fee' AND ri_arn IS NOT NULL) AS is_ri,
            t IN ('SavingsPlanCoveredUsage', 'DiscountedUsage') AS covered,
            op IN ('EKSPod-EC2', 'ECSTask-EC2') AS split,
            billing_entity = 'AWS Marketplace' AS marketplace,
            CAST((%s) AS DECIMAL(30,12)) AS amortized,
            CAST((%s) AS DECIMAL(30,12)) AS net_amortized
          FROM typed LEFT JOIN service_category sc ON sc.code = typed.product_code
          CROSS JOIN unnest(CASE WHEN t IN ('SavingsPlanRecurringFee', 'RIFee') THEN [0, 1] ELSE [0] END) AS u(part)
        ), mapped AS (
          SELECT *,
            CASE WHEN is_sp THEN sp_arn WHEN is_ri THEN ri_arn END AS commitment_id,
            CASE WHEN p1 THEN 'Usage'
                 WHEN t IN ('SavingsPlanUpfrontFee', 'Fee') OR (recurring AND part = 0) THEN 'Purchase'
                 WHEN t = 'Tax' THEN 'Tax'
                 WHEN t IN ('Credit', 'Refund', 'EdpDiscount', 'PrivateRateDiscount', 'BundledDiscount', 'Discount', 'DistributorDiscount') THEN 'Credit'
                 ELSE 'Usage' END AS category
          FROM parts
        )
        SELECT
          CAST(CASE WHEN p1 THEN 0 ELSE unblended END AS DECIMAL(30,12)) AS BilledCost,
          CAST(CASE WHEN p1 THEN amortized WHEN recurring THEN 0 ELSE amortized END AS DECIMAL(30,12)) AS EffectiveCost,
          CAST(CASE WHEN p1 OR t = 'SavingsPlanNegation' THEN 0 ELSE coalesce(public_cost, unblended) END AS DECIMAL(30,12)) AS ListCost,
          CAST(CASE WHEN p1 OR t = 'SavingsPlanNegation' THEN 0 ELSE unblended END AS DECIMAL(30,12)) AS ContractedCost,
          payer AS BillingAccountId, payer_name AS BillingAccountName,
          usage_account AS SubAccountId, usage_account_name AS SubAccountName,
          currency AS BillingCurrency,
          bps AS BillingPeriodStart, bpe AS BillingPeriodEnd, cps AS ChargePeriodStart, cpe AS ChargePeriodEnd,
          category AS ChargeCategory,
          CASE WHEN t = 'Refund' OR bill_type = 'Refund' THEN 'Correction' END AS ChargeClass,
          CASE WHEN p1 THEN 'Usage-Based' WHEN recurring THEN 'Recurring'
               WHEN t IN ('SavingsPlanUpfrontFee', 'Fee', 'Tax', 'Credit', 'Refund') THEN 'One-Time'
               ELSE 'Usage-Based' END AS ChargeFrequency,
          description AS ChargeDescription,
          commitment_id AS CommitmentDiscountId,
          CASE WHEN is_sp THEN 'Savings Plan' WHEN is_ri THEN 'Reserved Instance' END AS CommitmentDiscountType,
          CASE WHEN is_sp THEN 'Spend' WHEN is_ri THEN 'Usage' END AS CommitmentDiscountCategory,
          CASE WHEN p1 THEN 'Unused' WHEN covered THEN 'Used' END AS CommitmentDiscountStatus,
          CAST(CASE WHEN t = 'DiscountedUsage' THEN usage_qty WHEN t = 'RIFee' AND p1 THEN ri_unused_qty
               WHEN t = 'SavingsPlanCoveredUsage' THEN sp_eff WHEN t = 'SavingsPlanRecurringFee' AND p1 THEN amortized END
               AS DECIMAL(30,12)) AS CommitmentDiscountQuantity,
          CASE WHEN is_ri AND (covered OR p1) THEN 'Hours' WHEN is_sp AND (covered OR p1) THEN currency END AS CommitmentDiscountUnit,
          CASE WHEN covered OR p1 THEN 'Committed'
               WHEN category = 'Usage' AND (usage_type LIKE '%%SpotUsage%%' OR pricing_term = 'Spot') THEN 'Dynamic'
               WHEN category = 'Usage' THEN 'Standard' END AS PricingCategory,
          CASE WHEN category = 'Usage' AND NOT p1 THEN usage_qty END AS ConsumedQuantity,
          CASE WHEN category = 'Usage' AND NOT p1 THEN pricing_unit END AS ConsumedUnit,
          CASE WHEN NOT p1 THEN usage_qty END AS PricingQuantity,
          CASE WHEN NOT p1 THEN pricing_unit END AS PricingUnit,
          public_rate AS ListUnitPrice, unblended_rate AS ContractedUnitPrice,
          CASE WHEN p1 THEN commitment_id ELSE resource_id END AS ResourceId,
          coalesce(p_region_code, p_region) AS RegionId, p_location AS RegionName, zone AS AvailabilityZone,
          coalesce(p_servicename, p_product_name, product_code) AS ServiceName,
          coalesce(svc_category, 'Other') AS ServiceCategory,
          p_sku AS SkuId, rate_id AS SkuPriceId, invoice_id AS InvoiceId,
          coalesce(invoicing_entity, 'Amazon Web Services, Inc.') AS InvoiceIssuerName,
          'AWS' AS ProviderName, 'AWS' AS HostProviderName,
          CASE WHEN marketplace THEN coalesce(legal_entity, p_product_name) ELSE 'AWS' END AS ServiceProviderName,
          coalesce(legal_entity, 'Amazon Web Services, Inc.') AS PublisherName,
          to_json(map_from_entries(list_transform(list_filter(map_entries(resource_tags), e -> cl(e.value) IS NOT NULL),
              e -> {'key': regexp_replace(e.key, '^user[:_]', ''), 'value': e.value}))) AS Tags,
          CASE WHEN split THEN op END AS AllocatedMethodId,
          CASE WHEN split THEN resource_id END AS AllocatedResourceId,
          'aws-cur2' AS x_SourceName, 'aws-cur2' AS x_SourceFormat, x_SourceFile, x_SourceRow,
          part AS x_SourceRowPart,
          strftime(bps, '%%Y-%%m') AS x_BillingPeriod,
          CAST(cps AS DATE) AS x_ChargeDate,
          map_from_entries(list_filter([
            {'key': 'x_LineItemType', 'value': t},
            {'key': 'x_BillType', 'value': bill_type},
            {'key': 'x_UsageType', 'value': usage_type},
            {'key': 'x_Operation', 'value': op},
            {'key': 'x_ProductCode', 'value': product_code},
            {'key': 'x_UnblendedCost', 'value': CASE WHEN NOT p1 THEN CAST(unblended AS VARCHAR) END},
            {'key': 'x_AmortizedCost', 'value': CAST(CASE WHEN p1 THEN amortized WHEN recurring THEN 0 ELSE amortized END AS VARCHAR)},
            {'key': 'x_NetUnblendedCost', 'value': CASE WHEN NOT p1 THEN CAST(coalesce(net_unblended, unblended) AS VARCHAR) END},
            {'key': 'x_NetAmortizedCost', 'value': CAST(CASE WHEN p1 THEN net_amortized WHEN recurring THEN 0 ELSE net_amortized END AS VARCHAR)},
            {'key': 'x_PublicOnDemandCost', 'value': CASE WHEN NOT p1 THEN CAST(public_cost AS VARCHAR) END},
            {'key': 'x_Marketplace', 'value': CASE WHEN marketplace THEN 'true' END},
            {'key': 'x_SplitCostAllocation', 'value': CASE WHEN split THEN 'true' END},
            {'key': 'x_SplitParentResourceId', 'value': split_parent},
            {'key': 'x_CostCategory', 'value': CAST(cost_category AS VARCHAR)}
          ], e -> e.value IS NOT NULL)) AS x_Extensions,
          payer IS NOT NULL AND currency IS NOT NULL AND bps IS NOT NULL AND cps IS NOT NULL AND t IS NOT NULL
            AND unblended IS NOT NULL AS _valid
        FROM mapped""".formatted(gross, net);
  }

  /** The bundled product code → ServiceCategory table, as SQL VALUES. */
  static String serviceCategories() {
    List<String> rows = new ArrayList<>();
    ReferenceTable.load("/reference/aws_service_category.csv")
        .forEach((code, category) -> rows.add("('" + sql(code) + "', '" + sql(category) + "')"));
    return String.join(", ", rows);
  }

  private static String sql(String s) {
    return s.replace("'", "''");
  }

  static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (var walk = Files.walk(p)) {
      for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }

  /** Totals as JSON-ready maps (for the results file). */
  public static List<Map<String, Object>> asMaps(List<Total> totals) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Total t : totals) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("period", t.period());
      m.put("currency", t.currency());
      m.put("gold_rows", t.goldRows());
      m.put("line_items", t.lineItems());
      m.put("effective_cost", t.effective().toPlainString());
      m.put("billed_cost", t.billed().toPlainString());
      m.put("list_cost", t.list().toPlainString());
      m.put("contracted_cost", t.contracted().toPlainString());
      out.add(m);
    }
    return out;
  }

  /**
   * Command line: {@code DuckPeer INPUT OUT [threads] [memoryLimit]}; prints one JSON object
   * (timings, rows, totals) on stdout.
   */
  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: DuckPeer INPUT_DIR OUT_DIR [threads] [memory_limit]");
      System.exit(2);
    }
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 0;
    String mem = args.length > 3 ? args[3] : null;
    Result r = run(Path.of(args[0]), Path.of(args[1]), threads, mem);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("silver_rows", r.silverRows());
    m.put("dropped_rows", r.droppedRows());
    m.put("silver_ms", r.silverMillis());
    m.put("gold_ms", r.goldMillis());
    m.put("total_ms", r.totalMillis());
    m.put("totals", asMaps(r.totals()));
    System.out.println(Json.write(m));
  }

  /** Totals keyed by "period|currency". */
  public static Map<String, Total> byKey(List<Total> totals) {
    Map<String, Total> out = new TreeMap<>();
    totals.forEach(t -> out.put(t.period() + "|" + t.currency(), t));
    return out;
  }
}
