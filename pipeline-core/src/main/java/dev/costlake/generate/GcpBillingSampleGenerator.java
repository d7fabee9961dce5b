package dev.costlake.generate;

import dev.costlake.sources.gcp.GcpBillingNormalizer;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Seeded, deterministic generator of GCP Cloud Billing exports (the BigQuery export schema:
 * nested {@code service}, {@code sku}, {@code project}, {@code labels}, {@code location}, {@code
 * usage}, {@code credits}, {@code invoice}, ...), one billing account per file format so they
 * never double count, under {@code <out>/gcp-billing/}:
 *
 * <ul>
 *   <li>{@code parquet/} account {@value #ACCOUNT_OLD}, an older account: a resource-based CUD
 *       (COMMITTED_USAGE_DISCOUNT credits) and a spend-based CUD on the legacy credit model
 *       (DOLLAR_BASE credits) until {@link GcpBillingNormalizer#NEW_MODEL_FOR_ALL}, then on the
 *       new model (discounted usage marked by {@code consumption_model}, fee offset by
 *       FEE_UTILIZATION_OFFSET credits);
 *   <li>{@code avro/} account {@value #ACCOUNT_NEW}, created after 2025-07-15: a resource-based
 *       CUD and a spend-based CUD on the new model from the start;
 *   <li>{@code json/} account {@value #ACCOUNT_JSON}: newline JSON as BigQuery writes it
 *       (timestamps {@code 2026-09-01 07:00:00 UTC}, numbers as text), a resource-based CUD and
 *       one row per month without an invoice month (deliberately bad).
 * </ul>
 *
 * <p>Every month of every account has usage over several services, projects and regions with
 * labels (and inherited project labels), sustained-use, promotion and free-tier credits, tax, a
 * late adjustment of the previous month, a rounding error and usage in the last Pacific hours
 * of the month (a UTC date of the next month, invoiced in this one). Days are Pacific days; the
 * invoice month is the Pacific month. Commitments are under-used on some days. The {@link
 * Result} holds figures computed in plain Java while generating (BigDecimal): Σ cost and Σ
 * credits per account and invoice month, and per commitment and month its fees and the fee
 * share its covered usage used.
 */
public final class GcpBillingSampleGenerator {
  private GcpBillingSampleGenerator() {}

  public record Options(long rows, int months, long seed, String out, YearMonth lastMonth) {}

  public record PeriodTotals(
      String account,
      String period,
      String layout,
      long rows,
      long creditCount,
      BigDecimal cost,
      BigDecimal credits,
      long badRows,
      BigDecimal badCost,
      BigDecimal badCredits) {}

  public record CommitmentTotals(
      String account, String commitmentId, String period, String model, BigDecimal fees, BigDecimal used) {}

  public record Result(long rowsWritten, List<String> files, List<PeriodTotals> periods, List<CommitmentTotals> commitments) {}

  public static final String ACCOUNT_OLD = "01A2B3-C4D5E6-F70812";
  public static final String ACCOUNT_NEW = "02B3C4-D5E6F7-081923";
  public static final String ACCOUNT_JSON = "03C4D5-E6F708-192A34";
  public static final String PARQUET = "parquet";
  public static final String AVRO = "avro";
  public static final String JSON = "json";

  static final ZoneId PACIFIC = ZoneId.of(GcpBillingNormalizer.INVOICE_TIME_ZONE);
  static final Instant NEW_MODEL_FOR_ALL = Instant.parse(GcpBillingNormalizer.NEW_MODEL_FOR_ALL);
  static final String CONSUMPTION_MODEL_ID = "5A5E-CUD-FLEX";
  static final String CONSUMPTION_MODEL = "Compute Flexible CUD";

  record Credit(String name, BigDecimal amount, String fullName, String id, String type) {}

  /** One export row. */
  static final class Line {
    String account;
    String serviceId;
    String service;
    String skuId;
    String sku;
    Instant start;
    Instant end;
    String project;
    Map<String, String> labels = new TreeMap<>();
    String region;
    String zone;
    String resourceName;
    String resourceGlobal;
    BigDecimal cost;
    BigDecimal costAtList;
    BigDecimal amount;
    String unit;
    BigDecimal pricingAmount;
    String pricingUnit;
    List<Credit> credits = new ArrayList<>();
    String invoiceMonth;
    String costType = "regular";
    String adjustmentMode;
    String consumptionModelId = "default";
    String consumptionModel = "Default";
    String subscription;
    String currency;
  }

  record Service(String id, String name, String skuId, String sku, String unit, String pricingUnit, BigDecimal rate) {}

  static final List<Service> SERVICES =
      List.of(
          new Service("6F81-5844-456A", "Compute Engine", "CP-COMPUTEENGINE-VMIMAGE-N2-CORE", "N2 Instance Core running in Americas", "seconds", "hour", new BigDecimal("0.031611")),
          new Service("95FF-2EF5-5EA1", "Cloud Storage", "E5F0-6A5D-7BAD", "Standard Storage US Multi-region", "byte-seconds", "gibibyte month", new BigDecimal("0.026000")),
          new Service("24E6-581D-38E5", "BigQuery", "3362-E469-6BEF", "Analysis", "bytes", "tebibyte", new BigDecimal("6.250000")),
          new Service("9662-B51E-5089", "Cloud SQL", "9C7F-8A2C-6E61", "Cloud SQL for PostgreSQL: Zonal - vCPU", "seconds", "hour", new BigDecimal("0.041300")),
          new Service("E505-1604-58F8", "Networking", "9DE9-9092-B3BC", "Network Internet Egress from Americas to Americas", "bytes", "gibibyte", new BigDecimal("0.120000")),
          new Service("152E-C115-5142", "Cloud Run", "B1AB-D5AC-B8DD", "CPU Allocation Time", "seconds", "vCPU-second", new BigDecimal("0.000024")));

  static final Map<String, Map<String, String>> PROJECTS = new LinkedHashMap<>();

  static {
    PROJECTS.put("alpha-prod", Map.of("team", "payments", "env", "prod"));
    PROJECTS.put("beta-app", Map.of("team", "search", "env", "prod"));
    PROJECTS.put("gamma-data", Map.of("team", "analytics", "env", "dev"));
  }

  static final String[] REGIONS = {"us-central1", "europe-west1", "us-east1"};

  /** Per account: formats, resource CUD, spend model. */
  record Account(String id, String layout, String project, String region, boolean spend, Instant switchAt) {
    String resourceCud() {
      return "projects/" + project + "/regions/" + region + "/commitments/cud-cpu-" + id.substring(0, 6).toLowerCase();
    }

    String spendCud() {
      return "billingAccounts/" + id + "/commitments/flex-spend-1y";
    }

    String newPool() {
      return id + "/" + CONSUMPTION_MODEL_ID;
    }
  }

  static final List<Account> ACCOUNTS =
      List.of(
          new Account(ACCOUNT_OLD, PARQUET, "alpha-prod", "us-central1", true, NEW_MODEL_FOR_ALL),
          new Account(ACCOUNT_NEW, AVRO, "beta-app", "europe-west1", true, Instant.parse("2025-08-01T07:00:00Z")),
          new Account(ACCOUNT_JSON, JSON, "gamma-data", "us-east1", false, null));

  /** Resource CUD: committed vCPU-hours a day and the commitment's hourly rate per vCPU. */
  static final BigDecimal RESOURCE_CAPACITY = new BigDecimal("240");
  static final BigDecimal RESOURCE_RATE = new BigDecimal("0.021811");
  /** Spend CUD: daily fee; legacy capacity is the on-demand equivalent (discount 28%). */
  static final BigDecimal SPEND_FEE = new BigDecimal("36.000000");
  static final BigDecimal SPEND_CAPACITY = new BigDecimal("50.000000");
  static final BigDecimal NEW_MODEL_DISCOUNT = new BigDecimal("0.72");

  public static Result generate(SparkSession spark, Options o) throws IOException {
    if (o.rows() < 1 || o.months() < 1) {
      throw new IllegalArgumentException("rows and months must be at least 1");
    }
    String out = (o.out().endsWith("/") ? o.out().substring(0, o.out().length() - 1) : o.out()) + "/gcp-billing";
    FileSystem fs = new Path(out).getFileSystem(spark.sparkContext().hadoopConfiguration());
    SplittableRandom rnd = new SplittableRandom(o.seed());
    List<String> files = new ArrayList<>();
    List<PeriodTotals> periods = new ArrayList<>();
    List<CommitmentTotals> commitments = new ArrayList<>();
    long written = 0;
    YearMonth first = o.lastMonth().minusMonths(o.months() - 1);
    long perAccountMonth = Math.max(40, o.rows() / (ACCOUNTS.size() * (long) o.months()));
    for (Account a : ACCOUNTS) {
      for (YearMonth ym = first; !ym.isAfter(o.lastMonth()); ym = ym.plusMonths(1)) {
        Month m = month(a, ym, perAccountMonth, rnd.split());
        String period = ym.toString();
        BigDecimal cost = BigDecimal.ZERO;
        BigDecimal credits = BigDecimal.ZERO;
        long creditCount = 0;
        long bad = 0;
        BigDecimal badCost = BigDecimal.ZERO;
        BigDecimal badCredits = BigDecimal.ZERO;
        for (Line l : m.lines) {
          BigDecimal c = l.credits.stream().map(Credit::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
          if (l.invoiceMonth == null) {
            bad++;
            badCost = badCost.add(l.cost);
            badCredits = badCredits.add(c);
          } else {
            cost = cost.add(l.cost);
            credits = credits.add(c);
            creditCount += l.credits.size();
          }
        }
        periods.add(new PeriodTotals(a.id, period, a.layout, m.lines.size() - bad, creditCount, cost, credits, bad, badCost, badCredits));
        m.commitments.forEach((id, t) -> commitments.add(new CommitmentTotals(a.id, id, period, t.model, t.fees, t.used)));
        String dir = out + "/" + a.layout + "/invoice_month=" + ym.format(DateTimeFormatter.ofPattern("yyyyMM"));
        if (a.layout.equals(JSON)) {
          String file = dir + "/billing_export-000000000000.json";
          try (OutputStream os = fs.create(new Path(file), true)) {
            for (Line l : m.lines) {
              os.write(json(l).getBytes(StandardCharsets.UTF_8));
              os.write('\n');
            }
          }
          files.add(file);
        } else {
          List<Row> rows = new ArrayList<>();
          m.lines.forEach(l -> rows.add(row(l)));
          var w = spark.createDataFrame(rows, SCHEMA).coalesce(1).write().mode(SaveMode.Overwrite);
          if (a.layout.equals(PARQUET)) {
            w.parquet(dir);
          } else {
            w.format("avro").save(dir);
          }
          files.add(dir);
        }
        written += m.lines.size();
      }
    }
    return new Result(written, files, periods, commitments);
  }

  static final class CommitmentTally {
    final String model;
    BigDecimal fees = BigDecimal.ZERO;
    BigDecimal used = BigDecimal.ZERO;

    CommitmentTally(String model) {
      this.model = model;
    }
  }

  static final class Month {
    final List<Line> lines = new ArrayList<>();
    final Map<String, CommitmentTally> commitments = new TreeMap<>();

    CommitmentTally tally(String id, String model) {
      return commitments.computeIfAbsent(id, k -> new CommitmentTally(model));
    }
  }

  private static Month month(Account a, YearMonth ym, long target, SplittableRandom rnd) {
    Month m = new Month();
    String invoice = ym.format(DateTimeFormatter.ofPattern("yyyyMM"));
    int days = ym.lengthOfMonth();
    int perDay = (int) Math.max(3, target / days - 6);
    List<String> projects = new ArrayList<>(PROJECTS.keySet());
    for (int d = 1; d <= days; d++) {
      LocalDate day = ym.atDay(d);
      Instant start = day.atStartOfDay(PACIFIC).toInstant();
      Instant end = day.plusDays(1).atStartOfDay(PACIFIC).toInstant();
      // On-demand usage with the usual credits.
      for (int i = 0; i < perDay; i++) {
        Service s = SERVICES.get(rnd.nextInt(SERVICES.size()));
        Line l = usage(a, s, projects.get(rnd.nextInt(projects.size())), REGIONS[rnd.nextInt(REGIONS.length)], start, end, invoice);
        BigDecimal qty = BigDecimal.valueOf(1 + rnd.nextInt(400)).setScale(2, RoundingMode.UNNECESSARY).divide(BigDecimal.valueOf(4), 2, RoundingMode.UNNECESSARY);
        price(l, s, qty);
        int k = rnd.nextInt(10);
        if (k == 0 && s.name.equals("Compute Engine")) {
          l.credits.add(new Credit("Sustained usage discount", money(l.cost.multiply(new BigDecimal("-0.2"))), "Sustained usage discount", "SustainedUsageDiscount", "SUSTAINED_USAGE_DISCOUNT"));
        } else if (k == 1) {
          l.credits.add(new Credit("Free trial credit", money(l.cost.negate()), "Free trial credit", "FreeTrial:" + a.id, "PROMOTION"));
        } else if (k == 2 && s.name.equals("Cloud Run")) {
          l.credits.add(new Credit("Free tier", money(l.cost.multiply(new BigDecimal("-0.5"))), "Free tier", "FreeTier", "FREE_TIER"));
        }
        m.lines.add(l);
      }
      boolean newModel = a.spend && a.switchAt != null && !start.isBefore(a.switchAt);
      resourceCud(a, m, start, end, invoice, rnd);
      if (a.spend) {
        if (newModel) {
          newSpendCud(a, m, start, end, invoice, rnd);
        } else {
          legacySpendCud(a, m, start, end, invoice, rnd);
        }
      }
    }
    // Month-level rows: tax, a late adjustment of the previous month, a rounding error, usage in
    // the last Pacific hour of the month (next month's UTC date), and for JSON a bad row.
    Instant monthStart = ym.atDay(1).atStartOfDay(PACIFIC).toInstant();
    Instant monthEnd = ym.plusMonths(1).atDay(1).atStartOfDay(PACIFIC).toInstant();
    BigDecimal usageCost = m.lines.stream().map(l -> l.cost).reduce(BigDecimal.ZERO, BigDecimal::add);
    Line tax = line(a, "Invoice", "Tax", "TAX-US-SALES", "Sales tax", a.project, null, monthStart, monthEnd, invoice);
    tax.costType = "tax";
    tax.cost = money(usageCost.multiply(new BigDecimal("0.0725")));
    tax.costAtList = tax.cost;
    m.lines.add(tax);
    Instant prevDay = ym.atDay(1).minusDays(3).atStartOfDay(PACIFIC).toInstant();
    Line adj = usage(a, SERVICES.get(0), a.project, a.region, prevDay, prevDay.plusSeconds(86400), invoice);
    price(adj, SERVICES.get(0), new BigDecimal("-12.50"));
    adj.costType = "adjustment";
    adj.adjustmentMode = "PARTIAL_CORRECTION";
    m.lines.add(adj);
    Line rounding = line(a, "Invoice", "Invoice", "ROUNDING", "Rounding error", a.project, null, monthStart, monthEnd, invoice);
    rounding.costType = "rounding_error";
    rounding.cost = new BigDecimal("-0.004000");
    rounding.costAtList = rounding.cost;
    m.lines.add(rounding);
    Line late = usage(a, SERVICES.get(1), a.project, a.region, monthEnd.minusSeconds(3600), monthEnd, invoice);
    price(late, SERVICES.get(1), new BigDecimal("3.25"));
    m.lines.add(late);
    if (a.layout.equals(JSON)) {
      Line bad = usage(a, SERVICES.get(2), a.project, a.region, monthStart, monthStart.plusSeconds(3600), null);
      price(bad, SERVICES.get(2), new BigDecimal("0.50"));
      m.lines.add(bad);
    }
    return m;
  }

  /** A resource CUD of {@link #RESOURCE_CAPACITY} vCPU-hours a day, used 55–100%. */
  private static void resourceCud(Account a, Month m, Instant start, Instant end, String invoice, SplittableRandom rnd) {
    String id = a.resourceCud();
    CommitmentTally t = m.tally(id, GcpBillingNormalizer.MODEL_RESOURCE);
    Line fee = line(a, "6F81-5844-456A", "Compute Engine", "CUD-CPU-1Y", "Commitment v1: Cpu in " + a.region + " for 1 Year", a.project, a.region, start, end, invoice);
    fee.cost = money(RESOURCE_CAPACITY.multiply(RESOURCE_RATE));
    fee.costAtList = fee.cost;
    fee.amount = RESOURCE_CAPACITY.multiply(BigDecimal.valueOf(3600));
    fee.unit = "seconds";
    fee.pricingAmount = RESOURCE_CAPACITY;
    fee.pricingUnit = "hour";
    fee.subscription = id;
    fee.resourceName = id.substring(id.lastIndexOf('/') + 1);
    fee.resourceGlobal = "//compute.googleapis.com/" + id;
    m.lines.add(fee);
    t.fees = t.fees.add(fee.cost);
    int covered = 132 + rnd.nextInt(109); // 132..240 vCPU-hours
    int vms = 3;
    Service s = SERVICES.get(0);
    int left = covered;
    for (int v = 0; v < vms; v++) {
      int q = v == vms - 1 ? left : left / (vms - v);
      left -= q;
      int extra = v == 0 ? 4 + rnd.nextInt(20) : 0; // the first VM is only partly covered
      Line u = usage(a, s, a.project, a.region, start, end, invoice);
      price(u, s, BigDecimal.valueOf(q + extra));
      BigDecimal credit = money(BigDecimal.valueOf(q).multiply(s.rate)).negate();
      u.credits.add(new Credit("Committed use discount: CPU", credit, "Committed use discount: CPU", id, GcpBillingNormalizer.RESOURCE_CUD));
      m.lines.add(u);
      t.used = t.used.add(BigDecimal.valueOf(q).multiply(RESOURCE_RATE));
    }
  }

  /** Legacy spend-based CUD: daily fee, usage offset by DOLLAR_BASE credits up to the capacity. */
  private static void legacySpendCud(Account a, Month m, Instant start, Instant end, String invoice, SplittableRandom rnd) {
    String id = a.spendCud();
    CommitmentTally t = m.tally(id, GcpBillingNormalizer.MODEL_SPEND_LEGACY);
    Line fee = line(a, "6F81-5844-456A", "Compute Engine", "CUD-FLEX-1Y", "Commitment - dollar based v1: Compute Engine flexible for 1 Year", a.project, a.region, start, end, invoice);
    fee.cost = SPEND_FEE;
    fee.costAtList = SPEND_FEE;
    fee.amount = SPEND_CAPACITY;
    fee.unit = "USD";
    fee.pricingAmount = SPEND_CAPACITY;
    fee.pricingUnit = "USD";
    fee.subscription = id;
    m.lines.add(fee);
    t.fees = t.fees.add(fee.cost);
    // Covered on-demand value 30..50 of the 50 capacity over two services' rows.
    BigDecimal target = BigDecimal.valueOf(3000 + rnd.nextInt(2001)).movePointLeft(2);
    BigDecimal[] parts = {money(target.multiply(new BigDecimal("0.6"))), null};
    parts[1] = target.subtract(parts[0]);
    for (int i = 0; i < 2; i++) {
      Service s = SERVICES.get(i == 0 ? 0 : 3);
      Line u = usage(a, s, a.project, a.region, start, end, invoice);
      u.cost = parts[i].add(i == 1 ? new BigDecimal("1.500000") : BigDecimal.ZERO); // the second row partly covered
      u.costAtList = u.cost;
      u.amount = u.cost.divide(s.rate, 6, RoundingMode.HALF_UP).multiply(BigDecimal.valueOf(3600));
      u.unit = s.unit;
      u.pricingAmount = u.cost.divide(s.rate, 6, RoundingMode.HALF_UP);
      u.pricingUnit = s.pricingUnit;
      u.credits.add(new Credit("Committed use discount - dollar based", parts[i].negate(), "Committed use discount - dollar based: Compute", id, GcpBillingNormalizer.SPEND_CUD_LEGACY));
      m.lines.add(u);
      t.used = t.used.add(SPEND_FEE.multiply(parts[i]).divide(SPEND_CAPACITY));
    }
  }

  /** New spend-based model: discounted usage marked by the consumption model, fee offset when used. */
  private static void newSpendCud(Account a, Month m, Instant start, Instant end, String invoice, SplittableRandom rnd) {
    String pool = a.newPool();
    CommitmentTally t = m.tally(pool, GcpBillingNormalizer.MODEL_SPEND_NEW);
    Line fee = line(a, "6F81-5844-456A", "Compute Engine", "CUD-FEE-FLEX", "Commitment fee: Compute flexible spend-based CUD, 1 Year", a.project, a.region, start, end, invoice);
    fee.cost = SPEND_FEE;
    fee.costAtList = SPEND_FEE;
    fee.amount = SPEND_FEE;
    fee.unit = "USD";
    fee.pricingAmount = SPEND_FEE;
    fee.pricingUnit = "USD"; // listed at $1 per committed dollar
    fee.subscription = "billingAccounts/" + a.id + "/commitments/flex-spend-new";
    fee.consumptionModelId = CONSUMPTION_MODEL_ID;
    fee.consumptionModel = CONSUMPTION_MODEL;
    t.fees = t.fees.add(fee.cost);
    boolean idle = rnd.nextInt(15) == 0; // now and then a day with no covered usage at all
    BigDecimal usedTotal = BigDecimal.ZERO;
    if (!idle) {
      for (int i = 0; i < 3; i++) {
        Service s = SERVICES.get(i == 1 ? 3 : 0);
        Line u = usage(a, s, a.project, a.region, start, end, invoice);
        BigDecimal od = BigDecimal.valueOf(500 + rnd.nextInt(1001)).movePointLeft(2); // 5..15 on-demand, at most 32.40 a day after discount
        u.cost = money(od.multiply(NEW_MODEL_DISCOUNT));
        u.costAtList = od;
        u.pricingAmount = od.divide(s.rate, 6, RoundingMode.HALF_UP);
        u.amount = u.pricingAmount.multiply(BigDecimal.valueOf(3600));
        u.unit = s.unit;
        u.pricingUnit = s.pricingUnit;
        u.consumptionModelId = CONSUMPTION_MODEL_ID;
        u.consumptionModel = CONSUMPTION_MODEL;
        m.lines.add(u);
        usedTotal = usedTotal.add(u.cost);
      }
    }
    if (usedTotal.signum() > 0) {
      fee.credits.add(new Credit("Fee utilization offset", usedTotal.negate(), "Spend-based CUD fee utilization offset", fee.subscription, GcpBillingNormalizer.FEE_OFFSET));
    }
    t.used = t.used.add(usedTotal);
    m.lines.add(fee);
  }

  private static Line usage(Account a, Service s, String project, String region, Instant start, Instant end, String invoice) {
    Line l = line(a, s.id, s.name, s.skuId, s.sku, project, region, start, end, invoice);
    l.resourceName = "res-" + Integer.toHexString((project + region + s.skuId).hashCode() & 0xfff);
    l.resourceGlobal = "//" + s.name.toLowerCase().replace(' ', '-') + ".googleapis.com/projects/" + project + "/" + l.resourceName;
    l.labels.put("app", s.name.startsWith("Cloud") ? "web" : "core");
    if (project.equals("gamma-data")) {
      l.labels.put("env", "staging"); // overrides the project's env label
    }
    return l;
  }

  private static void price(Line l, Service s, BigDecimal qty) {
    l.pricingAmount = qty;
    l.pricingUnit = s.pricingUnit;
    l.amount = qty.multiply(BigDecimal.valueOf(3600));
    l.unit = s.unit;
    l.cost = money(qty.multiply(s.rate));
    l.costAtList = money(l.cost.multiply(new BigDecimal("1.1")));
  }

  private static Line line(Account a, String serviceId, String service, String skuId, String sku, String project, String region, Instant start, Instant end, String invoice) {
    Line l = new Line();
    l.account = a.id;
    l.serviceId = serviceId;
    l.service = service;
    l.skuId = skuId;
    l.sku = sku;
    l.project = project;
    l.region = region;
    l.zone = region == null ? null : region + "-a";
    l.start = start;
    l.end = end;
    l.invoiceMonth = invoice;
    l.currency = "USD";
    return l;
  }

  static BigDecimal money(BigDecimal v) {
    return v.setScale(6, RoundingMode.HALF_UP);
  }

  // ---------------------------------------------------------------------------------------
  // Output: a Spark row for Parquet and Avro, a JSON line as BigQuery exports it.

  private static final DataType S = DataTypes.StringType;
  private static final DataType D = DataTypes.DoubleType;
  private static final StructType KV = new StructType().add("key", S).add("value", S);
  static final StructType SCHEMA =
      new StructType()
          .add("billing_account_id", S)
          .add("service", new StructType().add("id", S).add("description", S))
          .add("sku", new StructType().add("id", S).add("description", S))
          .add("usage_start_time", DataTypes.TimestampType)
          .add("usage_end_time", DataTypes.TimestampType)
          .add("project", new StructType().add("id", S).add("number", S).add("name", S).add("labels", DataTypes.createArrayType(KV)))
          .add("labels", DataTypes.createArrayType(KV))
          .add("location", new StructType().add("location", S).add("country", S).add("region", S).add("zone", S))
          .add("resource", new StructType().add("name", S).add("global_name", S))
          .add("export_time", DataTypes.TimestampType)
          .add("cost", D)
          .add("currency", S)
          .add("currency_conversion_rate", D)
          .add("usage", new StructType().add("amount", D).add("unit", S).add("amount_in_pricing_units", D).add("pricing_unit", S))
          .add("credits", DataTypes.createArrayType(new StructType().add("name", S).add("amount", D).add("full_name", S).add("id", S).add("type", S)))
          .add("invoice", new StructType().add("month", S).add("publisher_type", S))
          .add("cost_type", S)
          .add("adjustment_info", new StructType().add("id", S).add("description", S).add("mode", S).add("type", S))
          .add("cost_at_list", D)
          .add("consumption_model", new StructType().add("id", S).add("description", S))
          .add("subscription", new StructType().add("instance_id", S));

  private static Double dbl(BigDecimal v) {
    return v == null ? null : v.doubleValue();
  }

  private static List<Row> kv(Map<String, String> m) {
    List<Row> out = new ArrayList<>();
    m.forEach((k, v) -> out.add(RowFactory.create(k, v)));
    return out;
  }

  private static Row row(Line l) {
    List<Row> credits = new ArrayList<>();
    for (Credit c : l.credits) {
      credits.add(RowFactory.create(c.name, dbl(c.amount), c.fullName, c.id, c.type));
    }
    return RowFactory.create(
        l.account,
        RowFactory.create(l.serviceId, l.service),
        RowFactory.create(l.skuId, l.sku),
        Timestamp.from(l.start),
        Timestamp.from(l.end),
        RowFactory.create(l.project, String.valueOf(Math.abs(l.project.hashCode())), l.project.replace('-', ' '), kv(new TreeMap<>(PROJECTS.get(l.project)))),
        kv(l.labels),
        RowFactory.create(l.region, l.region == null ? null : "US", l.region, l.zone),
        RowFactory.create(l.resourceName, l.resourceGlobal),
        Timestamp.from(l.end.plusSeconds(7200)),
        dbl(l.cost),
        l.currency,
        1.0,
        RowFactory.create(dbl(l.amount), l.unit, dbl(l.pricingAmount), l.pricingUnit),
        credits,
        l.invoiceMonth == null ? null : RowFactory.create(l.invoiceMonth, "Google"),
        l.costType,
        l.adjustmentMode == null ? null : RowFactory.create("adj-" + l.start.getEpochSecond(), "Correction of usage", l.adjustmentMode, "USAGE_CORRECTION"),
        dbl(l.costAtList),
        RowFactory.create(l.consumptionModelId, l.consumptionModel),
        l.subscription == null ? null : RowFactory.create(l.subscription));
  }

  private static final DateTimeFormatter BQ_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  private static String q(String s) {
    return s == null ? "null" : "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static String n(BigDecimal v) {
    return v == null ? "null" : v.toPlainString();
  }

  private static String kvJson(Map<String, String> m) {
    List<String> parts = new ArrayList<>();
    m.forEach((k, v) -> parts.add("{\"key\":" + q(k) + ",\"value\":" + q(v) + "}"));
    return "[" + String.join(",", parts) + "]";
  }

  static String json(Line l) {
    List<String> credits = new ArrayList<>();
    for (Credit c : l.credits) {
      credits.add("{\"name\":" + q(c.name) + ",\"amount\":" + n(c.amount) + ",\"full_name\":" + q(c.fullName) + ",\"id\":" + q(c.id) + ",\"type\":" + q(c.type) + "}");
    }
    return "{\"billing_account_id\":" + q(l.account)
        + ",\"service\":{\"id\":" + q(l.serviceId) + ",\"description\":" + q(l.service) + "}"
        + ",\"sku\":{\"id\":" + q(l.skuId) + ",\"description\":" + q(l.sku) + "}"
        + ",\"usage_start_time\":" + q(BQ_TIME.format(l.start))
        + ",\"usage_end_time\":" + q(BQ_TIME.format(l.end))
        + ",\"project\":{\"id\":" + q(l.project) + ",\"name\":" + q(l.project.replace('-', ' ')) + ",\"labels\":" + kvJson(new TreeMap<>(PROJECTS.get(l.project))) + "}"
        + ",\"labels\":" + kvJson(l.labels)
        + ",\"location\":{\"location\":" + q(l.region) + ",\"region\":" + q(l.region) + ",\"zone\":" + q(l.zone) + "}"
        + ",\"resource\":{\"name\":" + q(l.resourceName) + ",\"global_name\":" + q(l.resourceGlobal) + "}"
        + ",\"export_time\":" + q(BQ_TIME.format(l.end.plusSeconds(7200)))
        + ",\"cost\":" + n(l.cost)
        + ",\"currency\":" + q(l.currency)
        + ",\"usage\":{\"amount\":" + n(l.amount) + ",\"unit\":" + q(l.unit) + ",\"amount_in_pricing_units\":" + n(l.pricingAmount) + ",\"pricing_unit\":" + q(l.pricingUnit) + "}"
        + ",\"credits\":[" + String.join(",", credits) + "]"
        + (l.invoiceMonth == null ? "" : ",\"invoice\":{\"month\":" + q(l.invoiceMonth) + "}")
        + ",\"cost_type\":" + q(l.costType)
        + (l.adjustmentMode == null ? "" : ",\"adjustment_info\":{\"id\":" + q("adj-" + l.start.getEpochSecond()) + ",\"mode\":" + q(l.adjustmentMode) + ",\"type\":\"USAGE_CORRECTION\"}")
        + ",\"cost_at_list\":" + n(l.costAtList)
        + ",\"consumption_model\":{\"id\":" + q(l.consumptionModelId) + ",\"description\":" + q(l.consumptionModel) + "}"
        + (l.subscription == null ? "" : ",\"subscription\":{\"instance_id\":" + q(l.subscription) + "}")
        + "}";
  }
}
