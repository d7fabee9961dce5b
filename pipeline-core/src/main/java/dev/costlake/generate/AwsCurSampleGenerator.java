package dev.costlake.generate;

import dev.costlake.sources.aws.CurColumns;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Seeded, deterministic generator of AWS cost and usage reports in the three layouts the
 * pipeline reads, each for its own payer account so they never double count:
 *
 * <ul>
 *   <li>{@code legacy-csv}: legacy CUR gzip CSV ({@code category/Name} headers) in assembly
 *       folders under {@code <out>/aws-cur/legacy-csv/<report>/<yyyyMMdd-yyyyMMdd>/}, with the
 *       period manifest naming the current assembly; the last month is restated (an older
 *       assembly stays next to the current one);
 *   <li>{@code legacy-parquet}: legacy CUR Parquet (snake case, tags as flat columns) under
 *       {@code <out>/aws-cur/legacy-parquet/<report>/year=YYYY/month=M/};
 *   <li>{@code cur2}: CUR 2.0 Parquet ({@code product}, {@code resource_tags}, {@code
 *       cost_category}, {@code discount} maps, account names) under {@code
 *       <out>/aws-cur2/<export>/data/BILLING_PERIOD=YYYY-MM/}.
 * </ul>
 *
 * <p>Every month of every layout holds on-demand and Spot usage, a Savings Plan (covered usage,
 * negation, daily recurring fee; upfront fee in the purchase month), a partial-upfront Reserved
 * Instance (discounted usage, monthly RIFee; upfront Fee in the purchase month), credit, tax, a
 * refund, a marketplace charge and EKS split cost allocation rows; months with an EDP discount
 * carry the {@code *_net_*} columns and EdpDiscount rows. The {@link Result} holds figures
 * computed in plain Java while generating (BigDecimal, exact): Σ unblended, Σ amortized by the
 * line item type table of the reference, true-up and upfront fees per payer and period, so that
 * Σ unblended − split rows = amortized + true-up + upfront fees holds to the last decimal.
 */
public final class AwsCurSampleGenerator {
  private AwsCurSampleGenerator() {}

  /**
   * @param layouts which of {@link #LAYOUTS} to write; the row budget is shared among them
   */
  public record Options(long rows, int months, long seed, String out, YearMonth lastMonth,
      List<String> layouts) {
    public Options {
      layouts = List.copyOf(layouts);
      if (layouts.isEmpty() || !LAYOUTS.containsAll(layouts)) {
        throw new IllegalArgumentException("layouts must be some of " + LAYOUTS + ", got " + layouts);
      }
    }

    /** All three layouts. */
    public Options(long rows, int months, long seed, String out, YearMonth lastMonth) {
      this(rows, months, seed, out, lastMonth, LAYOUTS);
    }
  }

  /** Independent expected figures, computed in plain Java while generating (BigDecimal, exact). */
  public record PeriodTotals(
      String payer,
      String period,
      String layout,
      long rows,
      BigDecimal unblended,
      BigDecimal amortized,
      BigDecimal netAmortized,
      BigDecimal trueUp,
      BigDecimal upfrontFees,
      BigDecimal splitRowsUnblended,
      long splitRows,
      long recurringFeeRows) {}

  public record CommitmentTotals(
      String payer,
      String period,
      String commitmentArn,
      String kind /* SP|RI */,
      BigDecimal amortizedCommitment /* Σ EffectiveCost of its Used + Unused usage rows */) {}

  public record Result(
      long rowsWritten,
      List<String> files,
      List<PeriodTotals> periods,
      List<CommitmentTotals> commitments,
      /* legacy CSV restatement: */ String restatedPeriodFolder,
      String currentAssemblyId,
      String oldAssemblyId,
      PeriodTotals oldAssemblyTotals) {}

  public static final String LEGACY_CSV = "legacy-csv";
  public static final String LEGACY_PARQUET = "legacy-parquet";
  public static final String CUR2 = "cur2";
  public static final List<String> LAYOUTS = List.of(LEGACY_CSV, LEGACY_PARQUET, CUR2);

  /** EDP discount rate of the months that carry net columns. */
  static final BigDecimal EDP_RATE = new BigDecimal("0.05");

  // ---------------------------------------------------------------------------------------
  // Columns: legacy CSV headers; the snake-case names of Parquet and CUR 2.0 derive from them.

  private static final String[] LEGACY_HEADERS = {
    "identity/LineItemId", "identity/TimeInterval",
    "bill/InvoiceId", "bill/InvoicingEntity", "bill/BillingEntity", "bill/BillType",
    "bill/PayerAccountId", "bill/BillingPeriodStartDate", "bill/BillingPeriodEndDate",
    "lineItem/UsageAccountId", "lineItem/LineItemType", "lineItem/UsageStartDate",
    "lineItem/UsageEndDate", "lineItem/ProductCode", "lineItem/UsageType", "lineItem/Operation",
    "lineItem/AvailabilityZone", "lineItem/ResourceId", "lineItem/UsageAmount",
    "lineItem/CurrencyCode", "lineItem/UnblendedRate", "lineItem/UnblendedCost",
    "lineItem/LineItemDescription", "lineItem/LegalEntity",
    "product/ProductName", "product/regionCode", "product/location", "product/servicecode",
    "product/sku",
    "pricing/publicOnDemandCost", "pricing/publicOnDemandRate", "pricing/term", "pricing/unit",
    "pricing/RateId",
    "reservation/ReservationARN", "reservation/EffectiveCost",
    "reservation/AmortizedUpfrontFeeForBillingPeriod",
    "reservation/UnusedAmortizedUpfrontFeeForBillingPeriod", "reservation/UnusedRecurringFee",
    "reservation/UnusedQuantity", "reservation/RecurringFeeForUsage",
    "reservation/AmortizedUpfrontCostForUsage", "reservation/TotalReservedUnits",
    "savingsPlan/SavingsPlanARN", "savingsPlan/SavingsPlanEffectiveCost",
    "savingsPlan/TotalCommitmentToDate", "savingsPlan/UsedCommitment",
    "savingsPlan/AmortizedUpfrontCommitmentForBillingPeriod",
    "savingsPlan/RecurringCommitmentForBillingPeriod", "savingsPlan/SavingsPlanRate",
    "splitLineItem/ParentResourceId", "splitLineItem/SplitCost"
  };

  private static final String[] NET_HEADERS = {
    "lineItem/NetUnblendedCost", "savingsPlan/NetSavingsPlanEffectiveCost",
    "savingsPlan/NetAmortizedUpfrontCommitmentForBillingPeriod",
    "savingsPlan/NetRecurringCommitmentForBillingPeriod", "reservation/NetEffectiveCost",
    "reservation/NetUnusedAmortizedUpfrontFeeForBillingPeriod",
    "reservation/NetUnusedRecurringFee"
  };

  /** Snake-case names of the columns every layout writes (CUR 2.0: product ones in the map). */
  static final List<String> BASE_COLUMNS = snakeOf(LEGACY_HEADERS);
  /** Snake-case names of the net columns, written in months with an EDP discount. */
  static final List<String> NET_COLUMNS = snakeOf(NET_HEADERS);
  /** Flat product columns of the legacy layouts; CUR 2.0 holds them in the product map. */
  static final Map<String, String> PRODUCT_MAP_KEYS = productKeys();

  static final List<String> TAG_KEYS = List.of("team", "env");
  private static final String PAYER_NAME = "bill_payer_account_name";
  private static final String USAGE_ACCOUNT_NAME = "line_item_usage_account_name";

  private static final List<String> ALL = allColumns();
  private static final Map<String, Integer> INDEX = indexOf(ALL);

  private static List<String> snakeOf(String[] headers) {
    List<String> out = new ArrayList<>();
    for (String h : headers) out.add(CurColumns.snake(h));
    return List.copyOf(out);
  }

  private static Map<String, String> productKeys() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("product_product_name", "product_name");
    m.put("product_region_code", "region_code");
    m.put("product_location", "location");
    m.put("product_servicecode", "servicecode");
    m.put("product_sku", "sku");
    return Collections.unmodifiableMap(m);
  }

  private static List<String> allColumns() {
    List<String> all = new ArrayList<>(BASE_COLUMNS);
    all.addAll(NET_COLUMNS);
    all.add(PAYER_NAME);
    all.add(USAGE_ACCOUNT_NAME);
    return List.copyOf(all);
  }

  private static Map<String, Integer> indexOf(List<String> columns) {
    Map<String, Integer> m = new HashMap<>();
    for (int i = 0; i < columns.size(); i++) m.put(columns.get(i), i);
    return m;
  }

  // Column names used by the builders.
  private static final String TYPE = "line_item_line_item_type";
  private static final String UNBLENDED = "line_item_unblended_cost";
  private static final String NET_UNBLENDED = "line_item_net_unblended_cost";
  private static final String SP_ARN = "savings_plan_savings_plan_a_r_n";
  private static final String SP_EFFECTIVE = "savings_plan_savings_plan_effective_cost";
  private static final String SP_NET_EFFECTIVE = "savings_plan_net_savings_plan_effective_cost";
  private static final String SP_TOTAL = "savings_plan_total_commitment_to_date";
  private static final String SP_USED = "savings_plan_used_commitment";
  private static final String SP_UPFRONT = "savings_plan_amortized_upfront_commitment_for_billing_period";
  private static final String SP_NET_UPFRONT =
      "savings_plan_net_amortized_upfront_commitment_for_billing_period";
  private static final String SP_RECURRING = "savings_plan_recurring_commitment_for_billing_period";
  private static final String SP_NET_RECURRING =
      "savings_plan_net_recurring_commitment_for_billing_period";
  private static final String RI_ARN = "reservation_reservation_a_r_n";
  private static final String RI_EFFECTIVE = "reservation_effective_cost";
  private static final String RI_NET_EFFECTIVE = "reservation_net_effective_cost";
  private static final String RI_UPFRONT = "reservation_amortized_upfront_fee_for_billing_period";
  private static final String RI_UNUSED_UPFRONT =
      "reservation_unused_amortized_upfront_fee_for_billing_period";
  private static final String RI_NET_UNUSED_UPFRONT =
      "reservation_net_unused_amortized_upfront_fee_for_billing_period";
  private static final String RI_UNUSED_RECURRING = "reservation_unused_recurring_fee";
  private static final String RI_NET_UNUSED_RECURRING = "reservation_net_unused_recurring_fee";

  /** Discount line item types: amortized = unblended, net amortized = 0. */
  private static final Set<String> DISCOUNT_TYPES =
      Set.of("EdpDiscount", "PrivateRateDiscount", "BundledDiscount", "Discount");

  // ---------------------------------------------------------------------------------------
  // Catalog.

  private record Region(String code, String location, String prefix) {}

  private static final List<Region> REGIONS =
      List.of(new Region("us-east-1", "US East (N. Virginia)", "USE1"),
          new Region("eu-west-1", "Europe (Ireland)", "EU"),
          new Region("us-west-2", "US West (Oregon)", "USW2"));

  private record Service(
      String code,
      String productName,
      String usageType, // after the region prefix
      String operation,
      String unit,
      BigDecimal rate,
      double qtyMin,
      double qtyMax,
      int weight,
      String sku,
      String instanceType, // EC2 only
      String resourceKind) {}

  private static Service svc(String code, String name, String usageType, String op, String unit,
      String rate, double min, double max, int weight, String sku, String instanceType,
      String kind) {
    return new Service(code, name, usageType, op, unit, new BigDecimal(rate), min, max, weight,
        sku, instanceType, kind);
  }

  private static final String EC2 = "Amazon Elastic Compute Cloud";

  private static final List<Service> SERVICES =
      List.of(
          svc("AmazonEC2", EC2, "BoxUsage:m5.large", "RunInstances", "Hrs", "0.096", 1, 24, 10,
              "8KTQAHWA58GUHDGC", "m5.large", "instance"),
          svc("AmazonEC2", EC2, "BoxUsage:m5.xlarge", "RunInstances", "Hrs", "0.192", 1, 24, 8,
              "F7XCNBBYFKX42QF3", "m5.xlarge", "instance"),
          svc("AmazonEC2", EC2, "BoxUsage:c6i.2xlarge", "RunInstances", "Hrs", "0.34", 1, 24, 6,
              "QG5G45WKDWDDHTFV", "c6i.2xlarge", "instance"),
          svc("AmazonS3", "Amazon Simple Storage Service", "TimedStorage-ByteHrs",
              "StandardStorage", "GB-Mo", "0.023", 0.01, 40, 12, "WP9ANXZGBYYSGJEA", null,
              "bucket"),
          svc("AmazonRDS", "Amazon Relational Database Service", "InstanceUsage:db.r6g.large",
              "CreateDBInstance:0014", "Hrs", "0.225", 1, 24, 8, "ZPCXK3BSMBRH2GXK", null, "db"),
          svc("AWSLambda", "AWS Lambda", "Lambda-GB-Second", "Invoke", "Lambda-GB-Second",
              "0.0000166667", 5, 400_000, 8, "TG3M4CAGBA3NYQBH", null, "function"),
          svc("AmazonDynamoDB", "Amazon DynamoDB", "WriteRequestUnits",
              "PayPerRequestThroughput", "WriteRequestUnits", "0.00000125", 100, 5_000_000, 6,
              "V9ARKEJSUDRVB8GB", null, "table"),
          svc("AmazonCloudFront", "Amazon CloudFront", "DataTransfer-Out-Bytes", "GET", "GB",
              "0.085", 0.01, 300, 6, "RFCEF5C4ZWG4DWHK", null, "distribution"));

  private static final int[] SERVICE_WEIGHTS =
      SERVICES.stream().mapToInt(Service::weight).toArray();
  /** EC2 instance types the Savings Plan covers. */
  private static final List<Service> COMPUTE =
      SERVICES.stream().filter(s -> s.instanceType() != null).toList();
  private static final BigDecimal SP_DISCOUNT = new BigDecimal("0.72");

  private static final String[] TEAMS = {"platform", "data", "payments", "search", "ml-infra"};
  private static final String[] ENVS = {"prod", "staging", "dev"};
  private static final String[] SELLERS = {"Datadog, Inc.", "Snowflake Inc.", "Elastic N.V."};
  private static final String[] MARKETPLACE_PRODUCTS = {"Datadog Pro", "Snowflake On Demand",
      "Elastic Cloud"};

  private record Account(String id, String name) {}

  private record Resource(Service service, Account account, Region region, String id,
      String zone, String team, String env) {}

  /** One layout's payer, accounts, fleet and commitments (stable across months). */
  private static final class Fleet {
    final String layout;
    final String report;
    final Account payer;
    final List<Account> accounts = new ArrayList<>();
    final List<Resource> resources = new ArrayList<>();
    final List<List<Resource>> pools = new ArrayList<>();
    final Resource eksNode;
    final String cluster;
    final String spArn;
    final String spOption; // All Upfront | Partial Upfront | No Upfront
    final BigDecimal spUpfrontShare;
    BigDecimal spHourly;
    final String riArn;
    final int riCount = 2;
    final Service riService = SERVICES.get(0); // m5.large
    final BigDecimal riUpfrontHourly = new BigDecimal("0.0280");
    final BigDecimal riRecurringHourly = new BigDecimal("0.0290");
    final boolean netEveryMonth;
    final boolean netLastMonth;

    Fleet(SplittableRandom r, String layout, String payerId, String payerName, String report,
        String spOption, BigDecimal upfrontShare, boolean netEveryMonth, boolean netLastMonth) {
      this.layout = layout;
      this.report = report;
      this.payer = new Account(payerId, payerName);
      this.spOption = spOption;
      this.spUpfrontShare = upfrontShare;
      this.netEveryMonth = netEveryMonth;
      this.netLastMonth = netLastMonth;
      String[] names = {"prod", "data", "sandbox"};
      for (String n : names) {
        accounts.add(new Account(String.valueOf(100_000_000_000L + r.nextLong(900_000_000_000L)),
            payerName.toLowerCase().replace(' ', '-') + "-" + n));
      }
      for (Service s : SERVICES) {
        List<Resource> pool = new ArrayList<>();
        int n = 2 + r.nextInt(4);
        for (int i = 0; i < n; i++) {
          Resource res = resource(r, s, i);
          pool.add(res);
          resources.add(res);
        }
        pools.add(pool);
      }
      this.eksNode = resource(r, SERVICES.get(1), 99);
      this.cluster = "eks-" + TEAMS[r.nextInt(TEAMS.length)] + "-" + hex(r, 4);
      this.spArn = "arn:aws:savingsplans::" + payerId + ":savingsplan/" + uuid(r);
      this.riArn = "arn:aws:ec2:us-east-1:" + payerId + ":reserved-instances/" + uuid(r);
    }

    private Resource resource(SplittableRandom r, Service s, int i) {
      Account acct = accounts.get(r.nextInt(accounts.size()));
      Region region = s.instanceType() != null && i == 99 ? REGIONS.get(0)
          : REGIONS.get(r.nextInt(REGIONS.size()));
      String name = TEAMS[r.nextInt(TEAMS.length)] + "-" + s.resourceKind() + "-" + (i + 1);
      String zone = null;
      String id = switch (s.resourceKind()) {
        case "instance" -> {
          zone = region.code() + (char) ('a' + r.nextInt(3));
          yield "i-0" + hex(r, 16);
        }
        case "bucket" -> name + "-" + hex(r, 6);
        case "db" -> "arn:aws:rds:" + region.code() + ":" + acct.id() + ":db:" + name;
        case "function" -> "arn:aws:lambda:" + region.code() + ":" + acct.id() + ":function:"
            + name;
        case "table" -> "arn:aws:dynamodb:" + region.code() + ":" + acct.id() + ":table/" + name;
        default -> "arn:aws:cloudfront::" + acct.id() + ":distribution/E" + hex(r, 12)
            .toUpperCase();
      };
      boolean tagged = r.nextDouble() < 0.8;
      String team = tagged ? TEAMS[r.nextInt(TEAMS.length)] : null;
      String env = tagged && r.nextDouble() < 0.85 ? ENVS[r.nextInt(ENVS.length)] : null;
      return new Resource(s, acct, region, id, zone, team, env);
    }

    boolean net(YearMonth ym, YearMonth last) {
      return netEveryMonth || (netLastMonth && ym.equals(last));
    }
  }

  // ---------------------------------------------------------------------------------------
  // One output line: values by column (BigDecimal, String or null), plus tags and maps.

  private static final class Line {
    final Object[] v = new Object[ALL.size()];
    String team;
    String env;
    String costCategory;
    boolean split;

    Line set(String col, Object value) {
      Integer i = INDEX.get(col);
      if (i == null) throw new IllegalArgumentException("unknown column " + col);
      v[i] = value;
      return this;
    }

    Object get(String col) {
      return v[INDEX.get(col)];
    }

    BigDecimal num(String col) {
      return (BigDecimal) get(col);
    }

    String type() {
      return (String) get(TYPE);
    }
  }

  // ---------------------------------------------------------------------------------------
  // Expected figures, computed from the lines as they are written.

  private static final class Totals {
    final String payer;
    final String period;
    final String layout;
    final boolean net;
    long rows;
    long splitRows;
    long recurringFeeRows;
    BigDecimal unblended = BigDecimal.ZERO;
    BigDecimal amortized = BigDecimal.ZERO;
    BigDecimal netAmortized = BigDecimal.ZERO;
    BigDecimal trueUp = BigDecimal.ZERO;
    BigDecimal upfrontFees = BigDecimal.ZERO;
    BigDecimal splitUnblended = BigDecimal.ZERO;
    final Map<String, BigDecimal> commitments = new LinkedHashMap<>();
    final Map<String, String> kinds = new LinkedHashMap<>();

    Totals(String payer, String period, String layout, boolean net) {
      this.payer = payer;
      this.period = period;
      this.layout = layout;
      this.net = net;
    }

    void add(Line l) {
      rows++;
      BigDecimal u = l.num(UNBLENDED);
      unblended = unblended.add(u);
      if (l.split) {
        splitRows++;
        splitUnblended = splitUnblended.add(u);
      } else {
        BigDecimal gross = amortizedOf(l, false);
        amortized = amortized.add(gross);
        netAmortized = netAmortized.add(net ? amortizedOf(l, true) : gross);
      }
      String type = l.type();
      switch (type) {
        case "SavingsPlanRecurringFee" -> {
          recurringFeeRows++;
          trueUp = trueUp.subtract(nz(l.num(SP_UPFRONT)));
          commit((String) l.get(SP_ARN), "SP", nz(l.num(SP_TOTAL)));
        }
        case "RIFee" -> {
          recurringFeeRows++;
          trueUp = trueUp.subtract(nz(l.num(RI_UPFRONT)));
          commit((String) l.get(RI_ARN), "RI", nz(l.num(RI_UPFRONT)).add(u));
        }
        case "SavingsPlanUpfrontFee" -> upfrontFees = upfrontFees.add(u);
        case "Fee" -> {
          if (l.get(RI_ARN) != null) upfrontFees = upfrontFees.add(u);
        }
        case "Refund" -> {
          if (l.get(SP_ARN) != null) upfrontFees = upfrontFees.add(u);
        }
        default -> {}
      }
    }

    private void commit(String arn, String kind, BigDecimal amount) {
      commitments.merge(arn, amount, BigDecimal::add);
      kinds.put(arn, kind);
    }

    PeriodTotals toRecord() {
      return new PeriodTotals(payer, period, layout, rows, unblended, amortized, netAmortized,
          trueUp, upfrontFees, splitUnblended, splitRows, recurringFeeRows);
    }
  }

  /**
   * Amortized cost of a line by its type (reference table), gross or net. A net value a line
   * lacks falls back to its gross value.
   */
  private static BigDecimal amortizedOf(Line l, boolean net) {
    String type = l.type();
    switch (type) {
      case "SavingsPlanCoveredUsage":
        return nz(pick(l, SP_EFFECTIVE, SP_NET_EFFECTIVE, net));
      case "SavingsPlanRecurringFee": {
        BigDecimal total = net
            ? nz(pick(l, SP_UPFRONT, SP_NET_UPFRONT, true))
                .add(nz(pick(l, SP_RECURRING, SP_NET_RECURRING, true)))
            : nz(l.num(SP_TOTAL));
        return total.subtract(nz(l.num(SP_USED)));
      }
      case "SavingsPlanNegation":
      case "SavingsPlanUpfrontFee":
        return BigDecimal.ZERO;
      case "DiscountedUsage":
        return nz(pick(l, RI_EFFECTIVE, RI_NET_EFFECTIVE, net));
      case "RIFee":
        return nz(pick(l, RI_UNUSED_UPFRONT, RI_NET_UNUSED_UPFRONT, net))
            .add(nz(pick(l, RI_UNUSED_RECURRING, RI_NET_UNUSED_RECURRING, net)));
      case "Fee":
        if (l.get(RI_ARN) != null) return BigDecimal.ZERO;
        break;
      case "Refund":
        if (l.get(SP_ARN) != null) return BigDecimal.ZERO;
        break;
      default:
        break;
    }
    if (net && DISCOUNT_TYPES.contains(type)) return BigDecimal.ZERO;
    return net ? nz(pick(l, UNBLENDED, NET_UNBLENDED, true)) : l.num(UNBLENDED);
  }

  private static BigDecimal pick(Line l, String gross, String netCol, boolean net) {
    BigDecimal n = net ? l.num(netCol) : null;
    return n != null ? n : l.num(gross);
  }

  private static BigDecimal nz(BigDecimal v) {
    return v == null ? BigDecimal.ZERO : v;
  }

  // ---------------------------------------------------------------------------------------
  // Run state and sinks.

  private static final class Run {
    final SparkSession spark;
    final FileSystem fs;
    final String out;
    final List<String> files = new ArrayList<>();
    long rows;

    Run(SparkSession spark, FileSystem fs, String out) {
      this.spark = spark;
      this.fs = fs;
      this.out = out;
    }
  }

  private interface Sink {
    void write(Line l) throws IOException;

    void close() throws IOException;
  }

  /** Legacy CSV: {@code category/Name} headers, empty cells for nulls, RFC 4180 quoting. */
  private static final class CsvSink implements Sink {
    final Writer w;
    final int[] idx;

    CsvSink(Run run, String path, boolean net) throws IOException {
      OutputStream os = new GZIPOutputStream(run.fs.create(new Path(path), true), 1 << 16);
      this.w = new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8), 1 << 16);
      run.files.add(path);
      List<String> headers = csvHeaders(net);
      List<String> flat = new ArrayList<>(BASE_COLUMNS);
      if (net) flat.addAll(NET_COLUMNS);
      this.idx = flat.stream().mapToInt(INDEX::get).toArray();
      w.write(String.join(",", headers) + "\n");
    }

    @Override
    public void write(Line l) throws IOException {
      StringBuilder sb = new StringBuilder(1024);
      for (int i = 0; i < idx.length; i++) {
        if (i > 0) sb.append(',');
        sb.append(field(text(l.v[idx[i]])));
      }
      sb.append(',').append(field(l.team)).append(',').append(field(l.env)).append('\n');
      w.write(sb.toString());
    }

    @Override
    public void close() throws IOException {
      w.close();
    }
  }

  static List<String> csvHeaders(boolean net) {
    List<String> h = new ArrayList<>(List.of(LEGACY_HEADERS));
    if (net) h.addAll(List.of(NET_HEADERS));
    for (String k : TAG_KEYS) h.add("resourceTags/user:" + k);
    return h;
  }

  private static final int PARQUET_CHUNK = 50_000;
  private static final org.apache.spark.sql.types.MapType MAP =
      DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType);

  /** Parquet via Spark in bounded chunks: legacy (flat, tags as columns) or CUR 2.0 (maps). */
  private static final class ParquetSink implements Sink {
    final Run run;
    final String dir;
    final boolean cur2;
    final List<String> flat = new ArrayList<>();
    final StructType schema;
    final List<Row> buffer = new ArrayList<>();
    boolean written;

    ParquetSink(Run run, String dir, boolean cur2, boolean net) {
      this.run = run;
      this.dir = dir;
      this.cur2 = cur2;
      run.files.add(dir);
      for (String c : BASE_COLUMNS) {
        if (!cur2 || !PRODUCT_MAP_KEYS.containsKey(c)) flat.add(c);
      }
      if (cur2) {
        flat.add(flat.indexOf("bill_payer_account_id") + 1, PAYER_NAME);
        flat.add(flat.indexOf("line_item_usage_account_id") + 1, USAGE_ACCOUNT_NAME);
      }
      if (net) flat.addAll(NET_COLUMNS);
      StructType t = new StructType();
      for (String c : flat) t = t.add(c, DataTypes.StringType, true);
      if (cur2) {
        t = t.add("product", MAP, true).add("resource_tags", MAP, true)
            .add("cost_category", MAP, true).add("discount", MAP, true);
      } else {
        for (String k : TAG_KEYS) t = t.add(CurColumns.PARQUET_TAG_PREFIX + "user_" + k,
            DataTypes.StringType, true);
      }
      this.schema = t;
    }

    @Override
    public void write(Line l) {
      Object[] values = new Object[schema.size()];
      int i = 0;
      for (String c : flat) {
        Object v = l.get(c);
        values[i++] = v == null ? null : text(v);
      }
      if (cur2) {
        Map<String, String> product = new TreeMap<>();
        PRODUCT_MAP_KEYS.forEach((c, key) -> {
          Object v = l.get(c);
          if (v != null) product.put(key, (String) v);
        });
        Map<String, String> tags = new TreeMap<>();
        if (l.team != null) tags.put("user_team", l.team);
        if (l.env != null) tags.put("user_env", l.env);
        Map<String, String> costCategory = new TreeMap<>();
        if (l.costCategory != null) costCategory.put("business_unit", l.costCategory);
        Map<String, String> discount = new TreeMap<>();
        BigDecimal gross = l.num(UNBLENDED);
        BigDecimal net = l.num(NET_UNBLENDED);
        if (net != null && !"EdpDiscount".equals(l.type()) && net.compareTo(gross) != 0) {
          discount.put("edp_discount", text(net.subtract(gross)));
          discount.put("total_discount", text(net.subtract(gross)));
        }
        values[i++] = product;
        values[i++] = tags;
        values[i++] = costCategory;
        values[i] = discount;
      } else {
        values[i++] = l.team;
        values[i] = l.env;
      }
      buffer.add(RowFactory.create(values));
      if (buffer.size() >= PARQUET_CHUNK) flush();
    }

    private void flush() {
      if (buffer.isEmpty() && written) return;
      run.spark
          .createDataFrame(buffer, schema)
          .coalesce(1)
          .write()
          .mode(written ? SaveMode.Append : SaveMode.Overwrite)
          .parquet(dir);
      written = true;
      buffer.clear();
    }

    @Override
    public void close() {
      flush();
    }
  }

  // ---------------------------------------------------------------------------------------
  // Entry point.

  public static Result generate(SparkSession spark, Options o) throws IOException {
    if (o.rows() < 1 || o.months() < 1) {
      throw new IllegalArgumentException("rows and months must be at least 1");
    }
    String out = o.out().endsWith("/") ? o.out().substring(0, o.out().length() - 1) : o.out();
    FileSystem fs = new Path(out).getFileSystem(spark.sparkContext().hadoopConfiguration());
    Run run = new Run(spark, fs, out);

    SplittableRandom master = new SplittableRandom(o.seed());
    List<Fleet> allFleets = List.of(
        new Fleet(master.split(), LEGACY_CSV, "582916304718", "Acme Retail", "costlake-cur",
            "All Upfront", BigDecimal.ONE, false, true),
        new Fleet(master.split(), LEGACY_PARQUET, "694027315829", "Acme Media",
            "costlake-cur-parquet", "Partial Upfront", new BigDecimal("0.5"), false, false),
        new Fleet(master.split(), CUR2, "705138426930", "Acme Labs", "costlake-cur2",
            "No Upfront", BigDecimal.ZERO, true, false));
    // Fleets are always built (the seed splits stay the same), then filtered to the layouts asked.
    List<Fleet> fleets = allFleets.stream().filter(f -> o.layouts().contains(f.layout)).toList();
    YearMonth first = o.lastMonth().minusMonths(o.months() - 1L);
    YearMonth last = o.lastMonth();
    int slots = o.months() * fleets.size();

    List<PeriodTotals> periods = new ArrayList<>();
    List<CommitmentTotals> commitments = new ArrayList<>();
    String restated = null;
    String currentAssembly = null;
    String oldAssembly = null;
    PeriodTotals oldTotals = null;

    for (int li = 0; li < fleets.size(); li++) {
      Fleet f = fleets.get(li);
      for (int m = 0; m < o.months(); m++) {
        YearMonth ym = first.plusMonths(m);
        int k = li * o.months() + m;
        long budget = o.rows() / slots + (k < o.rows() % slots ? 1 : 0);
        boolean isFirst = m == 0;
        boolean net = f.net(ym, last);
        Plan plan = Plan.of(f, budget, ym.lengthOfMonth(), isFirst, net);
        if (isFirst) f.spHourly = plan.spHourly();
        SplittableRandom r = master.split();
        Totals t = new Totals(f.payer.id(), ym.toString(), f.layout, net);
        switch (f.layout) {
          case LEGACY_CSV -> {
            String periodFolder = out + "/aws-cur/legacy-csv/" + f.report + "/" + periodName(ym);
            String assembly = uuid(r);
            if (ym.equals(last)) {
              // An older assembly of the same period: fewer days, other amounts.
              SplittableRandom ro = r.split();
              String old = uuid(ro);
              int oldDays = Math.max(1, ym.lengthOfMonth() - 7);
              Plan oldPlan = Plan.of(f, Math.max(1, budget * 3 / 4), oldDays, isFirst, net);
              Totals ot = new Totals(f.payer.id(), ym.toString(), f.layout, net);
              writeCsvAssembly(run, f, ym, first, last, net, oldDays, oldPlan, ro, ot,
                  periodFolder, old, false);
              restated = periodFolder;
              oldAssembly = old;
              currentAssembly = assembly;
              oldTotals = ot.toRecord();
            }
            writeCsvAssembly(run, f, ym, first, last, net, ym.lengthOfMonth(), plan, r, t,
                periodFolder, assembly, true);
          }
          case LEGACY_PARQUET -> {
            String dir = out + "/aws-cur/legacy-parquet/" + f.report + "/year=" + ym.getYear()
                + "/month=" + ym.getMonthValue();
            ParquetSink sink = new ParquetSink(run, dir, false, net);
            try (Month w = new Month(run, f, ym, first, last, net, ym.lengthOfMonth(), r, sink,
                t)) {
              w.write(plan);
            }
          }
          default -> {
            String exportRoot = out + "/aws-cur2/" + f.report;
            String dir = exportRoot + "/data/BILLING_PERIOD=" + ym;
            ParquetSink sink = new ParquetSink(run, dir, true, net);
            String execution = uuid(r);
            try (Month w = new Month(run, f, ym, first, last, net, ym.lengthOfMonth(), r, sink,
                t)) {
              w.write(plan);
            }
            writeCur2Manifest(run, f, ym, exportRoot, dir, execution);
          }
        }
        periods.add(t.toRecord());
        t.commitments.forEach((arn, amount) -> commitments.add(
            new CommitmentTotals(t.payer, t.period, arn, t.kinds.get(arn), amount)));
      }
    }
    return new Result(run.rows, List.copyOf(run.files), List.copyOf(periods),
        List.copyOf(commitments), restated, currentAssembly, oldAssembly, oldTotals);
  }

  private static void writeCsvAssembly(Run run, Fleet f, YearMonth ym, YearMonth first,
      YearMonth last, boolean net, int days, Plan plan, SplittableRandom r, Totals t,
      String periodFolder, String assembly, boolean current) throws IOException {
    String file = f.report + "-00001.csv.gz";
    String path = periodFolder + "/" + assembly + "/" + file;
    CsvSink sink = new CsvSink(run, path, net);
    try (Month w = new Month(run, f, ym, first, last, net, days, r, sink, t)) {
      w.write(plan);
    }
    String key = path.substring(run.out.length() + 1);
    String manifest = legacyManifest(f, ym, assembly, key, net);
    writeText(run, periodFolder + "/" + assembly + "/" + f.report + "-Manifest.json", manifest);
    if (current) writeText(run, periodFolder + "/" + f.report + "-Manifest.json", manifest);
  }

  private static String legacyManifest(Fleet f, YearMonth ym, String assembly, String key,
      boolean net) {
    DateTimeFormatter fmt = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'.000Z'");
    StringBuilder columns = new StringBuilder();
    for (String h : csvHeaders(net)) {
      String[] p = h.split("/", 2);
      if (columns.length() > 0) columns.append(",\n    ");
      columns.append("{\"category\": \"").append(p[0]).append("\", \"name\": \"").append(p[1])
          .append("\"}");
    }
    return "{\n"
        + "  \"assemblyId\": \"" + assembly + "\",\n"
        + "  \"account\": \"" + f.payer.id() + "\",\n"
        + "  \"columns\": [\n    " + columns + "\n  ],\n"
        + "  \"charset\": \"UTF-8\",\n"
        + "  \"compression\": \"GZIP\",\n"
        + "  \"contentType\": \"text/csv\",\n"
        + "  \"reportId\": \"" + f.report + "\",\n"
        + "  \"reportName\": \"" + f.report + "\",\n"
        + "  \"billingPeriod\": {\"start\": \"" + ym.atDay(1).atStartOfDay().format(fmt)
        + "\", \"end\": \"" + ym.plusMonths(1).atDay(1).atStartOfDay().format(fmt) + "\"},\n"
        + "  \"reportKeys\": [\"" + key + "\"]\n"
        + "}\n";
  }

  private static void writeCur2Manifest(Run run, Fleet f, YearMonth ym, String exportRoot,
      String dataDir, String execution) throws IOException {
    List<String> keys = new ArrayList<>();
    Path dir = new Path(dataDir);
    if (run.fs.exists(dir)) {
      for (FileStatus st : run.fs.listStatus(dir)) {
        String n = st.getPath().getName();
        if (n.endsWith(".parquet")) {
          keys.add("\"" + dataDir.substring(run.out.length() + 1) + "/" + n + "\"");
        }
      }
    }
    Collections.sort(keys);
    String text = "{\n"
        + "  \"executionId\": \"" + execution + "\",\n"
        + "  \"exportName\": \"" + f.report + "\",\n"
        + "  \"billingPeriod\": \"" + ym + "\",\n"
        + "  \"dataFiles\": [" + String.join(", ", keys) + "]\n"
        + "}\n";
    writeText(run, exportRoot + "/metadata/BILLING_PERIOD=" + ym + "/" + f.report
        + "-Manifest.json", text);
  }

  private static void writeText(Run run, String path, String text) throws IOException {
    try (OutputStream os = run.fs.create(new Path(path), true)) {
      os.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  static String periodName(YearMonth ym) {
    DateTimeFormatter f = DateTimeFormatter.BASIC_ISO_DATE;
    return ym.atDay(1).format(f) + "-" + ym.plusMonths(1).atDay(1).format(f);
  }

  // ---------------------------------------------------------------------------------------
  // Row budget of one layout-month.

  /**
   * How the budget of one file is spent: fixed rows (one recurring fee row per day, RIFee,
   * purchases, credit, tax, refund, marketplace, EDP), then split days (an instance row and 2-3
   * pod rows), covered rows (each with its negation), discounted usage rows and plain usage.
   */
  private record Plan(int splitDays, long covered, long discounted, long usage,
      BigDecimal spHourly) {
    static Plan of(Fleet f, long budget, int days, boolean first, boolean net) {
      long fixed = days + 1L + (first ? 2 : 0) + 4 + (net ? 6 : 0);
      long rest = Math.max(0, budget - fixed);
      int splitDays = (int) Math.max(1, Math.min(days, Math.round(rest * 0.12 / 3.5)));
      long covered = Math.max(1, Math.min(days * 6L, Math.round(rest * 0.25 / 2)));
      long discounted = Math.max(1, Math.min((long) days * f.riCount, Math.round(rest * 0.08)));
      long usage = Math.max(3, rest - Math.round(splitDays * 3.5) - 2 * covered - discounted);
      // ~90% utilization of the commitment on an average day with covered rows.
      double meanRate = COMPUTE.stream()
          .mapToDouble(s -> s.rate().doubleValue() * SP_DISCOUNT.doubleValue()).average()
          .orElse(0.1);
      double perDay = (double) covered / days * meanRate * 12.5;
      double hourly = Math.max(0.01, perDay / 0.9 / 24);
      return new Plan(splitDays, covered, discounted, usage,
          BigDecimal.valueOf(Math.round(hourly * 10_000), 4));
    }
  }

  /** n items spread over days as evenly as possible, earlier days first. */
  private static long spread(long n, int days, int d) {
    return n / days + (d < n % days ? 1 : 0);
  }

  // ---------------------------------------------------------------------------------------
  // One layout-month (one assembly for the legacy CSV).

  private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'");
  private static final int SCALE = 10;

  private static final class Month implements AutoCloseable {
    final Run run;
    final Fleet f;
    final YearMonth ym;
    final boolean first;
    final boolean net;
    final int days;
    final SplittableRandom r;
    final Sink sink;
    final Totals t;
    final Instant start;
    final Instant end;
    final String invoiceId;
    final String marketplaceInvoiceId;
    final boolean spRefundMonth;
    BigDecimal usageSubtotal = BigDecimal.ZERO;
    final TreeMap<String, BigDecimal> discountedGross = new TreeMap<>();

    Month(Run run, Fleet f, YearMonth ym, YearMonth firstMonth, YearMonth last, boolean net,
        int days, SplittableRandom r, Sink sink, Totals t) {
      this.run = run;
      this.f = f;
      this.ym = ym;
      this.first = ym.equals(firstMonth);
      this.net = net;
      this.days = days;
      this.r = r;
      this.sink = sink;
      this.t = t;
      this.start = ym.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
      this.end = ym.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
      boolean open = ym.equals(last);
      this.invoiceId = open ? null : String.valueOf(1_000_000_000L + r.nextLong(9_000_000_000L));
      this.marketplaceInvoiceId = open ? null : String.valueOf(1_000_000_000L
          + r.nextLong(9_000_000_000L));
      // The SP one-time fee is partly refunded the month after the purchase (or in it).
      YearMonth refundMonth = firstMonth.equals(last) ? firstMonth : firstMonth.plusMonths(1);
      this.spRefundMonth = f.spUpfrontShare.signum() > 0 && ym.equals(refundMonth);
    }

    void write(Plan p) throws IOException {
      BigDecimal spTotal = f.spHourly.multiply(BigDecimal.valueOf(24));
      BigDecimal spUpfrontDaily = spTotal.multiply(f.spUpfrontShare);
      BigDecimal spRecurringDaily = spTotal.subtract(spUpfrontDaily);

      if (first) {
        if (f.spUpfrontShare.signum() > 0) emit(spUpfrontFee());
        emit(riUpfrontFee());
      }
      // Reserved Instance usage is planned first: the RIFee row of the 1st carries its unused part.
      List<List<BigDecimal>> riHours = new ArrayList<>();
      BigDecimal riUsed = BigDecimal.ZERO;
      for (int d = 0; d < days; d++) {
        List<BigDecimal> today = new ArrayList<>();
        long n = Math.min(f.riCount, spread(p.discounted(), days, d));
        for (long i = 0; i < n; i++) {
          BigDecimal h = BigDecimal.valueOf(4 + r.nextInt(21));
          today.add(h);
          riUsed = riUsed.add(h);
        }
        riHours.add(today);
      }
      emit(riFee(riUsed));

      for (int d = 0; d < days; d++) {
        Instant from = start.plus(d, ChronoUnit.DAYS);
        Instant to = from.plus(1, ChronoUnit.DAYS);
        // Savings Plan: covered rows while they fit in the day's commitment, then the fee row.
        BigDecimal used = BigDecimal.ZERO;
        long covered = spread(p.covered(), days, d);
        for (long i = 0; i < covered; i++) {
          Line c = coveredUsage(from, to, spTotal.subtract(used));
          if (c == null) {
            emit(usage(from, to, false));
            continue;
          }
          used = used.add(c.num(SP_EFFECTIVE));
          emit(c);
          emit(negation(c));
        }
        emit(spRecurringFee(from, to, spTotal, spUpfrontDaily, spRecurringDaily, used));
        for (BigDecimal h : riHours.get(d)) emit(discountedUsage(from, to, h));
        if ((long) d * p.splitDays() / days != (long) (d + 1) * p.splitDays() / days) {
          Line node = eksNode(from, to);
          emit(node);
          for (Line pod : pods(node)) emit(pod);
        }
        long usage = spread(p.usage(), days, d);
        for (long i = 0; i < usage; i++) emit(usage(from, to, d == 0 && i == 0));
      }
      emit(marketplace());
      emit(spRefundMonth ? spRefund() : refund());
      emit(credit());
      emit(tax());
      if (net) {
        for (Map.Entry<String, BigDecimal> e : discountedGross.entrySet()) {
          BigDecimal amount = scaled(e.getValue().multiply(EDP_RATE)).negate();
          if (amount.signum() != 0) emit(edpDiscount(e.getKey(), amount));
        }
      }
    }

    void emit(Line l) throws IOException {
      applyNet(l);
      t.add(l);
      run.rows++;
      sink.write(l);
    }

    /** Rows the EDP discount applies to: AWS charges except tax, credits, refunds, marketplace. */
    private boolean discounted(Line l) {
      String type = l.type();
      return !l.split && "AWS".equals(l.get("bill_billing_entity"))
          && !Set.of("Tax", "Credit", "Refund", "EdpDiscount").contains(type);
    }

    private void applyNet(Line l) {
      boolean disc = discounted(l);
      if ("Usage".equals(l.type()) && !l.split
          && "AWS".equals(l.get("bill_billing_entity"))) {
        usageSubtotal = usageSubtotal.add(l.num(UNBLENDED));
      }
      if (disc && net) {
        discountedGross.merge((String) l.get("line_item_product_code"), l.num(UNBLENDED),
            BigDecimal::add);
      }
      if (!net) return;
      BigDecimal u = l.num(UNBLENDED);
      if ("EdpDiscount".equals(l.type())) {
        l.set(NET_UNBLENDED, BigDecimal.ZERO);
      } else {
        l.set(NET_UNBLENDED, disc || l.split ? netOf(u) : u);
      }
      netPair(l, SP_EFFECTIVE, SP_NET_EFFECTIVE);
      netPair(l, SP_UPFRONT, SP_NET_UPFRONT);
      netPair(l, SP_RECURRING, SP_NET_RECURRING);
      netPair(l, RI_EFFECTIVE, RI_NET_EFFECTIVE);
      netPair(l, RI_UNUSED_UPFRONT, RI_NET_UNUSED_UPFRONT);
      netPair(l, RI_UNUSED_RECURRING, RI_NET_UNUSED_RECURRING);
    }

    private void netPair(Line l, String gross, String netCol) {
      BigDecimal g = l.num(gross);
      if (g != null) l.set(netCol, netOf(g));
    }

    @Override
    public void close() throws IOException {
      sink.close();
    }

    // --- line builders -------------------------------------------------------------------

    private Line base(Account acct, Instant from, Instant to, String type) {
      Line l = new Line();
      l.set("identity_line_item_id", base32(r, 52))
          .set("identity_time_interval", iso(from) + "/" + iso(to))
          .set("bill_invoice_id", invoiceId)
          .set("bill_invoicing_entity", "Amazon Web Services, Inc.")
          .set("bill_billing_entity", "AWS")
          .set("bill_bill_type", "Anniversary")
          .set("bill_payer_account_id", f.payer.id())
          .set(PAYER_NAME, f.payer.name())
          .set("bill_billing_period_start_date", iso(start))
          .set("bill_billing_period_end_date", iso(end))
          .set("line_item_usage_account_id", acct.id())
          .set(USAGE_ACCOUNT_NAME, acct.name())
          .set(TYPE, type)
          .set("line_item_usage_start_date", iso(from))
          .set("line_item_usage_end_date", iso(to))
          .set("line_item_currency_code", "USD")
          .set("line_item_legal_entity", "Amazon Web Services, Inc.");
      return l;
    }

    private void product(Line l, Service s, Region region) {
      l.set("line_item_product_code", s.code())
          .set("product_product_name", s.productName())
          .set("product_servicecode", s.code())
          .set("product_sku", s.sku());
      if (region != null) {
        l.set("product_region_code", region.code()).set("product_location", region.location());
      }
    }

    private Line resourceLine(Resource res, Instant from, Instant to, String type) {
      Service s = res.service();
      Line l = base(res.account(), from, to, type);
      product(l, s, res.region());
      l.set("line_item_usage_type", (s.code().equals("AmazonCloudFront") ? "US"
              : res.region().prefix()) + "-" + s.usageType())
          .set("line_item_operation", s.operation())
          .set("line_item_availability_zone", res.zone())
          .set("line_item_resource_id", res.id())
          .set("pricing_unit", s.unit())
          .set("pricing_rate_id", String.valueOf(100_000_000 + Math.floorMod(
              (s.sku() + res.region().code()).hashCode(), 900_000_000)));
      l.team = res.team();
      l.env = res.env();
      if (res.team() != null) l.costCategory = res.team().equals("data") ? "analytics" : "core";
      return l;
    }

    private Line usage(Instant from, Instant to, boolean forceSpot) {
      int si = weighted(r, SERVICE_WEIGHTS);
      Service s = SERVICES.get(si);
      boolean spot = forceSpot || (s.instanceType() != null && r.nextDouble() < 0.08);
      if (forceSpot) s = COMPUTE.get(r.nextInt(COMPUTE.size()));
      List<Resource> pool = f.pools.get(SERVICES.indexOf(s));
      Resource res = pool.get(r.nextInt(pool.size()));
      BigDecimal qty = quantity(r, s.qtyMin(), s.qtyMax());
      Line l = resourceLine(res, from, to, "Usage");
      BigDecimal rate = s.rate();
      BigDecimal onDemand = scaled(rate.multiply(qty));
      if (spot) {
        BigDecimal spotRate = rate.multiply(BigDecimal.valueOf(30 + r.nextInt(16), 2))
            .stripTrailingZeros();
        l.set("line_item_usage_type", res.region().prefix() + "-SpotUsage:" + s.instanceType())
            .set("pricing_term", "Spot")
            .set("line_item_unblended_rate", spotRate)
            .set(UNBLENDED, scaled(spotRate.multiply(qty)))
            .set("line_item_line_item_description", "$" + plain(spotRate) + " per Spot Linux "
                + s.instanceType() + " instance-hour");
      } else {
        l.set("pricing_term", "OnDemand")
            .set("line_item_unblended_rate", rate)
            .set(UNBLENDED, onDemand)
            .set("line_item_line_item_description", "$" + plain(rate) + " per " + s.unit()
                + " for " + s.usageType() + " (" + s.productName() + ")");
      }
      l.set("line_item_usage_amount", qty)
          .set("pricing_public_on_demand_rate", rate)
          .set("pricing_public_on_demand_cost", onDemand);
      return l;
    }

    /** A covered EC2 row whose SP cost fits in {@code left}; null when nothing fits. */
    private Line coveredUsage(Instant from, Instant to, BigDecimal left) {
      Service s = COMPUTE.get(r.nextInt(COMPUTE.size()));
      List<Resource> pool = f.pools.get(SERVICES.indexOf(s));
      Resource res = pool.get(r.nextInt(pool.size()));
      BigDecimal spRate = s.rate().multiply(SP_DISCOUNT).stripTrailingZeros();
      BigDecimal hours = BigDecimal.valueOf(1 + r.nextInt(24));
      if (spRate.multiply(hours).compareTo(left) > 0) {
        hours = left.divide(spRate, 2, RoundingMode.DOWN);
      }
      if (hours.signum() <= 0) return null;
      BigDecimal onDemand = s.rate().multiply(hours);
      Line l = resourceLine(res, from, to, "SavingsPlanCoveredUsage");
      l.set("line_item_usage_amount", hours)
          .set("pricing_term", "OnDemand")
          .set("line_item_unblended_rate", s.rate())
          .set(UNBLENDED, onDemand)
          .set("pricing_public_on_demand_rate", s.rate())
          .set("pricing_public_on_demand_cost", onDemand)
          .set(SP_ARN, f.spArn)
          .set("savings_plan_savings_plan_rate", spRate)
          .set(SP_EFFECTIVE, spRate.multiply(hours))
          .set("line_item_line_item_description", "$" + plain(spRate) + " per On Demand Linux "
              + s.instanceType() + " Instance Hour covered by Savings Plan");
      return l;
    }

    private Line negation(Line covered) {
      Line l = new Line();
      System.arraycopy(covered.v, 0, l.v, 0, l.v.length);
      l.team = covered.team;
      l.env = covered.env;
      l.costCategory = covered.costCategory;
      BigDecimal od = covered.num(UNBLENDED);
      l.set("identity_line_item_id", base32(r, 52))
          .set(TYPE, "SavingsPlanNegation")
          .set(UNBLENDED, od.negate())
          .set("line_item_unblended_rate", covered.num("line_item_unblended_rate").negate())
          .set(SP_EFFECTIVE, null)
          .set("pricing_public_on_demand_cost", null)
          .set("pricing_public_on_demand_rate", null)
          .set("line_item_line_item_description", "SavingsPlanNegation used by AccountId : "
              + covered.get("line_item_usage_account_id") + " and UsageSku : "
              + covered.get("product_sku"));
      return l;
    }

    private Line spLine(Instant from, Instant to, String type) {
      Line l = base(f.accounts.get(0), from, to, type);
      l.set("line_item_product_code", "ComputeSavingsPlans")
          .set("product_product_name", "Savings Plans for AWS Compute usage")
          .set("product_servicecode", "ComputeSavingsPlans")
          .set("line_item_usage_type", "ComputeSP:1yr" + f.spOption.replace(" ", ""))
          .set("line_item_resource_id", f.spArn)
          .set(SP_ARN, f.spArn);
      return l;
    }

    private Line spUpfrontFee() {
      BigDecimal fee = f.spHourly.multiply(BigDecimal.valueOf(8760)).multiply(f.spUpfrontShare);
      Line l = spLine(start, start.plus(1, ChronoUnit.DAYS), "SavingsPlanUpfrontFee");
      l.set("bill_bill_type", "Purchase")
          .set("line_item_usage_amount", BigDecimal.ONE)
          .set("line_item_unblended_rate", fee)
          .set(UNBLENDED, fee)
          .set("line_item_line_item_description", "1 year " + f.spOption
              + " Compute Savings Plan, upfront fee");
      return l;
    }

    private Line spRecurringFee(Instant from, Instant to, BigDecimal total, BigDecimal upfront,
        BigDecimal recurring, BigDecimal used) {
      Line l = spLine(from, to, "SavingsPlanRecurringFee");
      l.set("line_item_usage_amount", BigDecimal.valueOf(24))
          .set("line_item_unblended_rate", f.spHourly.multiply(BigDecimal.ONE
              .subtract(f.spUpfrontShare)))
          .set(UNBLENDED, recurring)
          .set(SP_TOTAL, total)
          .set(SP_USED, used)
          .set(SP_UPFRONT, upfront)
          .set(SP_RECURRING, recurring)
          .set("line_item_line_item_description", "1 year " + f.spOption
              + " Compute Savings Plan, $" + plain(f.spHourly) + " hourly commitment");
      return l;
    }

    /** A refund of part of the Savings Plan's one-time fee. */
    private Line spRefund() {
      BigDecimal fee = f.spHourly.multiply(BigDecimal.valueOf(8760)).multiply(f.spUpfrontShare);
      BigDecimal amount = scaled(fee.multiply(new BigDecimal("0.1"))).negate();
      Line l = spLine(start.plus(2, ChronoUnit.DAYS), start.plus(3, ChronoUnit.DAYS), "Refund");
      l.set("bill_bill_type", "Refund")
          .set("line_item_usage_amount", BigDecimal.ONE)
          .set(UNBLENDED, amount)
          .set("line_item_line_item_description",
              "Refund of Savings Plan upfront fee (partial, support case 1827)");
      return l;
    }

    private Line riLine(Instant from, Instant to, String type) {
      Service s = f.riService;
      Region region = REGIONS.get(0);
      Line l = base(f.accounts.get(0), from, to, type);
      product(l, s, region);
      l.set("line_item_usage_type", region.prefix() + "-HeavyUsage:" + s.instanceType())
          .set("line_item_operation", "RunInstances")
          .set("pricing_unit", "Hrs")
          .set("pricing_term", "Reserved")
          .set(RI_ARN, f.riArn);
      return l;
    }

    private Line riUpfrontFee() {
      BigDecimal fee = f.riUpfrontHourly.multiply(BigDecimal.valueOf(8760L * f.riCount));
      Line l = riLine(start, start.plus(1, ChronoUnit.DAYS), "Fee");
      l.set("bill_bill_type", "Purchase")
          .set("line_item_usage_amount", BigDecimal.valueOf(f.riCount))
          .set("line_item_unblended_rate", fee.divide(BigDecimal.valueOf(f.riCount)))
          .set(UNBLENDED, fee)
          .set("line_item_line_item_description", "Sign up charge for subscription: "
              + f.riArn.substring(f.riArn.lastIndexOf('/') + 1) + ", planId: 2, "
              + f.riCount + " x " + f.riService.instanceType() + " Partial Upfront");
      return l;
    }

    private Line riFee(BigDecimal usedHours) {
      BigDecimal reserved = BigDecimal.valueOf((long) ym.lengthOfMonth() * 24 * f.riCount);
      BigDecimal unused = reserved.subtract(usedHours);
      BigDecimal upfront = reserved.multiply(f.riUpfrontHourly);
      BigDecimal recurring = reserved.multiply(f.riRecurringHourly);
      Line l = riLine(start, start.plus(1, ChronoUnit.DAYS), "RIFee");
      l.set("line_item_usage_amount", reserved)
          .set("line_item_unblended_rate", f.riRecurringHourly)
          .set(UNBLENDED, recurring)
          .set(RI_UPFRONT, upfront)
          .set(RI_UNUSED_UPFRONT, unused.multiply(f.riUpfrontHourly))
          .set(RI_UNUSED_RECURRING, unused.multiply(f.riRecurringHourly))
          .set("reservation_unused_quantity", unused)
          .set("reservation_total_reserved_units", reserved)
          .set("line_item_line_item_description", "USD " + plain(f.riRecurringHourly)
              + " hourly fee per Linux/UNIX (Amazon VPC), " + f.riService.instanceType()
              + " instance");
      return l;
    }

    private Line discountedUsage(Instant from, Instant to, BigDecimal hours) {
      Line l = riLine(from, to, "DiscountedUsage");
      List<Resource> pool = f.pools.get(0);
      Resource res = pool.get(r.nextInt(pool.size()));
      BigDecimal upfront = hours.multiply(f.riUpfrontHourly);
      BigDecimal recurring = hours.multiply(f.riRecurringHourly);
      l.set("line_item_usage_account_id", res.account().id())
          .set(USAGE_ACCOUNT_NAME, res.account().name())
          .set("line_item_availability_zone", "us-east-1a")
          .set("line_item_resource_id", res.id())
          .set("line_item_usage_amount", hours)
          .set("line_item_unblended_rate", BigDecimal.ZERO)
          .set(UNBLENDED, BigDecimal.ZERO)
          .set("pricing_public_on_demand_rate", f.riService.rate())
          .set("pricing_public_on_demand_cost", f.riService.rate().multiply(hours))
          .set(RI_EFFECTIVE, upfront.add(recurring))
          .set("reservation_amortized_upfront_cost_for_usage", upfront)
          .set("reservation_recurring_fee_for_usage", recurring)
          .set("line_item_line_item_description", "Linux/UNIX (Amazon VPC), "
              + f.riService.instanceType() + " reserved instance applied");
      l.team = res.team();
      l.env = res.env();
      return l;
    }

    /** The EKS node's on-demand row of the day. */
    private Line eksNode(Instant from, Instant to) {
      Resource res = f.eksNode;
      Service s = res.service();
      Line l = resourceLine(res, from, to, "Usage");
      BigDecimal hours = BigDecimal.valueOf(24);
      BigDecimal cost = s.rate().multiply(hours);
      l.set("line_item_usage_amount", hours)
          .set("pricing_term", "OnDemand")
          .set("line_item_unblended_rate", s.rate())
          .set(UNBLENDED, cost)
          .set("pricing_public_on_demand_rate", s.rate())
          .set("pricing_public_on_demand_cost", cost)
          .set("line_item_line_item_description", "$" + plain(s.rate())
              + " per On Demand Linux " + s.instanceType() + " Instance Hour");
      l.team = "platform";
      l.env = "prod";
      return l;
    }

    /** 2-3 split cost allocation rows re-expressing the node's cost per pod, exactly. */
    private List<Line> pods(Line node) {
      int n = 2 + r.nextInt(2);
      int[] w = new int[n];
      int sum = 0;
      for (int i = 0; i < n; i++) sum += (w[i] = 1 + r.nextInt(9));
      BigDecimal cost = node.num(UNBLENDED);
      BigDecimal hours = node.num("line_item_usage_amount");
      BigDecimal left = cost;
      List<Line> out = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        BigDecimal share = BigDecimal.valueOf(w[i]).divide(BigDecimal.valueOf(sum), 6,
            RoundingMode.DOWN);
        BigDecimal part = i == n - 1 ? left : scaled(cost.multiply(share));
        left = left.subtract(part);
        String ns = TEAMS[r.nextInt(TEAMS.length)];
        String pod = "arn:aws:eks:us-east-1:" + f.eksNode.account().id() + ":pod/" + f.cluster
            + "/" + ns + "/" + ns + "-" + hex(r, 9) + "-" + hex(r, 5) + "/" + uuid(r);
        Line l = new Line();
        System.arraycopy(node.v, 0, l.v, 0, l.v.length);
        l.split = true;
        l.team = ns;
        l.env = "prod";
        l.costCategory = node.costCategory;
        l.set("identity_line_item_id", base32(r, 52))
            .set("line_item_operation", "EKSPod-EC2")
            .set("line_item_resource_id", pod)
            .set("line_item_usage_amount", scaled(hours.multiply(share)).stripTrailingZeros())
            .set(UNBLENDED, part)
            .set("pricing_public_on_demand_cost", part)
            .set("split_line_item_parent_resource_id", node.get("line_item_resource_id"))
            .set("split_line_item_split_cost", part)
            .set("line_item_line_item_description", "EKS pod share of "
                + node.get("line_item_resource_id"));
        out.add(l);
      }
      return out;
    }

    private Line marketplace() {
      int i = r.nextInt(SELLERS.length);
      Instant from = start.plus(r.nextInt(days), ChronoUnit.DAYS);
      BigDecimal amount = BigDecimal.valueOf(1000 + r.nextInt(19_000), 2);
      Line l = base(f.accounts.get(1), from, from.plus(1, ChronoUnit.DAYS), "Usage");
      l.set("bill_billing_entity", "AWS Marketplace")
          .set("bill_invoice_id", marketplaceInvoiceId)
          .set("line_item_legal_entity", SELLERS[i])
          .set("line_item_product_code", "prod-" + hex(r, 12))
          .set("product_product_name", MARKETPLACE_PRODUCTS[i])
          .set("line_item_usage_type", "MP:SoftwareUsage")
          .set("line_item_operation", "Usage")
          .set("line_item_usage_amount", BigDecimal.ONE)
          .set("line_item_unblended_rate", amount)
          .set(UNBLENDED, amount)
          .set("pricing_unit", "Units")
          .set("pricing_term", "OnDemand")
          .set("line_item_line_item_description", MARKETPLACE_PRODUCTS[i] + " subscription");
      return l;
    }

    private Line refund() {
      Resource res = f.pools.get(0).get(0);
      BigDecimal hours = BigDecimal.valueOf(2 + r.nextInt(20));
      BigDecimal amount = res.service().rate().multiply(hours).negate();
      Instant from = start.plus(Math.min(1, days - 1), ChronoUnit.DAYS);
      Line l = resourceLine(res, from, from.plus(1, ChronoUnit.DAYS), "Refund");
      l.set("bill_bill_type", "Refund")
          .set("line_item_usage_amount", hours.negate())
          .set("line_item_unblended_rate", res.service().rate())
          .set(UNBLENDED, amount)
          .set("line_item_line_item_description", "Refund of over-billed "
              + res.service().instanceType() + " hours (support case 1742)");
      return l;
    }

    private Line credit() {
      BigDecimal share = BigDecimal.valueOf(1 + r.nextInt(5), 2);
      BigDecimal amount = usageSubtotal.multiply(share).setScale(2, RoundingMode.HALF_UP)
          .max(new BigDecimal("0.01")).negate();
      Line l = base(f.accounts.get(0), start, end, "Credit");
      product(l, SERVICES.get(0), null);
      l.set(UNBLENDED, amount)
          .set("line_item_line_item_description", "AWS Activate credit");
      return l;
    }

    private Line tax() {
      BigDecimal amount = usageSubtotal.multiply(new BigDecimal("0.0725"))
          .setScale(2, RoundingMode.HALF_UP).max(new BigDecimal("0.01"));
      Line l = base(f.accounts.get(0), start, end, "Tax");
      product(l, SERVICES.get(0), null);
      l.set(UNBLENDED, amount)
          .set("line_item_line_item_description", "Tax for product code AmazonEC2");
      return l;
    }

    private Line edpDiscount(String productCode, BigDecimal amount) {
      Line l = base(f.accounts.get(0), start, end, "EdpDiscount");
      l.set("line_item_product_code", productCode)
          .set(UNBLENDED, amount)
          .set("line_item_line_item_description", "Enterprise Program Discount ("
              + EDP_RATE.movePointRight(2).stripTrailingZeros().toPlainString() + "%)");
      return l;
    }
  }

  // ---------------------------------------------------------------------------------------
  // Small helpers.

  private static BigDecimal netOf(BigDecimal gross) {
    return scaled(gross.multiply(BigDecimal.ONE.subtract(EDP_RATE)));
  }

  private static BigDecimal scaled(BigDecimal v) {
    return v.setScale(SCALE, RoundingMode.HALF_UP);
  }

  private static String plain(BigDecimal v) {
    return v.stripTrailingZeros().toPlainString();
  }

  private static String text(Object v) {
    if (v == null) return "";
    if (v instanceof BigDecimal d) return d.signum() == 0 ? "0" : plain(d);
    return (String) v;
  }

  private static String iso(Instant t) {
    return LocalDateTime.ofInstant(t, ZoneOffset.UTC).format(ISO);
  }

  private static String field(String s) {
    if (s == null) return "";
    boolean needs = s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0
        || s.indexOf('\r') >= 0;
    return needs ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }

  /** Log-uniform quantities: many small, a few large, six decimals at most. */
  private static BigDecimal quantity(SplittableRandom r, double min, double max) {
    double x = Math.exp(Math.log(min) + r.nextDouble() * (Math.log(max) - Math.log(min)));
    long micros = Math.max(1, Math.round(x * 1_000_000));
    return BigDecimal.valueOf(micros, 6).stripTrailingZeros();
  }

  private static int weighted(SplittableRandom r, int[] weights) {
    int total = 0;
    for (int w : weights) total += w;
    int x = r.nextInt(total);
    for (int i = 0; i < weights.length; i++) {
      x -= weights[i];
      if (x < 0) return i;
    }
    return weights.length - 1;
  }

  private static String hex(SplittableRandom r, int n) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) sb.append(Character.forDigit(r.nextInt(16), 16));
    return sb.toString();
  }

  private static final String BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

  private static String base32(SplittableRandom r, int n) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) sb.append(BASE32.charAt(r.nextInt(32)));
    return sb.toString();
  }

  private static String uuid(SplittableRandom r) {
    return hex(r, 8) + "-" + hex(r, 4) + "-4" + hex(r, 3) + "-a" + hex(r, 3) + "-" + hex(r, 12);
  }
}
