package dev.costlake.generate;

import dev.costlake.model.Focus;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Seeded, deterministic generator of native FOCUS billing exports as three providers would
 * deliver them: an AWS-like FOCUS 1.2 gzip CSV, an Azure-like FOCUS 1.0 plain CSV (with {@code
 * NULL} placeholders) and a Google-like FOCUS 1.3 Parquet folder, one of each per month under
 * {@code <out>/focus/<yyyy-MM>/}.
 *
 * <p>The data carries what the pipeline must cope with: on-demand, spot and commitment-covered
 * usage, a commitment per month whose amortized cost reconciles exactly with its purchase,
 * credits, tax, one correction, tag keys spelled several ways, tiny amounts, E-notation, and a
 * few deliberately broken CSV rows. The {@link Result} holds the totals over the good rows so
 * tests can reconcile what the pipeline loads against what was written.
 */
public final class FocusSampleGenerator {
  private FocusSampleGenerator() {}

  public record Options(long rows, int months, long seed, String out, YearMonth lastMonth) {}

  public record Result(
      long rowsWritten,
      long badRows,
      List<String> files,
      Map<String, BigDecimal> billedCostByCurrency, // over GOOD rows only
      Map<String, BigDecimal> effectiveCostByCurrency, // over GOOD rows only
      Map<String, Long> goodRowsByPeriod) {} // key "yyyy-MM"

  // ---------------------------------------------------------------------------------------
  // Column sets per FOCUS version.

  private static final String X_SERVICE_CODE = "x_ServiceCode";
  private static final String X_OPERATION = "x_Operation";

  private static final Set<String> ADDED_IN_13 =
      Set.of(
          Focus.AllocatedMethodDetails,
          Focus.AllocatedMethodId,
          Focus.AllocatedResourceId,
          Focus.AllocatedResourceName,
          Focus.AllocatedTags,
          Focus.ContractApplied,
          Focus.ServiceProviderName,
          Focus.HostProviderName);

  private static final Set<String> ADDED_IN_11_12 =
      Set.of(
          Focus.CapacityReservationId,
          Focus.CapacityReservationStatus,
          Focus.CommitmentDiscountQuantity,
          Focus.CommitmentDiscountUnit,
          Focus.ServiceSubcategory,
          Focus.SkuMeter,
          Focus.SkuPriceDetails,
          Focus.BillingAccountType,
          Focus.InvoiceId,
          Focus.PricingCurrency,
          Focus.PricingCurrencyContractedUnitPrice,
          Focus.PricingCurrencyEffectiveCost,
          Focus.PricingCurrencyListUnitPrice,
          Focus.SubAccountType);

  /** Every column a line can hold: FOCUS 1.3 in canonical order, then the AWS extensions. */
  private static final List<String> ALL_COLUMNS = allColumns();

  private static final Map<String, Integer> INDEX = indexOf(ALL_COLUMNS);
  private static final int FOCUS_COUNT = Focus.columnNames().size();

  private static final List<String> FOCUS_13 = Focus.columnNames();
  private static final List<String> FOCUS_12_AWS = awsColumns();
  private static final List<String> FOCUS_10 = focus10Columns();

  private static List<String> allColumns() {
    List<String> all = new ArrayList<>(Focus.columnNames());
    all.add(X_SERVICE_CODE);
    all.add(X_OPERATION);
    return Collections.unmodifiableList(all);
  }

  private static Map<String, Integer> indexOf(List<String> columns) {
    Map<String, Integer> m = new HashMap<>();
    for (int i = 0; i < columns.size(); i++) m.put(columns.get(i), i);
    return m;
  }

  private static List<String> awsColumns() {
    List<String> c = new ArrayList<>();
    for (String n : Focus.columnNames()) if (!ADDED_IN_13.contains(n)) c.add(n);
    c.add(X_SERVICE_CODE);
    c.add(X_OPERATION);
    return List.copyOf(c);
  }

  private static List<String> focus10Columns() {
    List<String> c = new ArrayList<>();
    for (String n : Focus.columnNames()) {
      if (!ADDED_IN_13.contains(n) && !ADDED_IN_11_12.contains(n)) c.add(n);
    }
    return List.copyOf(c);
  }

  // ---------------------------------------------------------------------------------------
  // Catalog: providers, services, SKUs.

  private enum Style {
    AWS,
    AZURE,
    GCP
  }

  private record Sku(String id, String meter, String label, BigDecimal price) {}

  private record Service(
      String name,
      String category,
      String subcategory,
      String code,
      String operation,
      String resourceType,
      boolean hourly,
      String consumedUnit,
      String pricingUnit,
      double qtyMin,
      double qtyMax,
      int weight,
      boolean compute,
      List<Sku> skus) {}

  private record Region(String id, String name) {}

  private record SubAccount(String id, String name) {}

  private record Resource(
      Service service, Sku sku, SubAccount sub, Region region, String id, String name, String zone,
      String tags) {}

  private record Account(
      Style style,
      String id,
      String name,
      String currency,
      String provider,
      String invoiceIssuer,
      BigDecimal negotiatedFactor,
      BigDecimal taxRate,
      List<SubAccount> subs,
      List<Region> regions,
      List<Service> services,
      List<Resource> resources,
      String commitmentId) {}

  private static Sku sku(String id, String meter, String label, String price) {
    return new Sku(id, meter, label, new BigDecimal(price));
  }

  private static List<Service> awsServices() {
    return List.of(
        new Service("Amazon Elastic Compute Cloud", "Compute", "Virtual Machines", "AmazonEC2",
            "RunInstances", "Instance", true, "Hrs", "Hrs", 0.25, 1.0, 30, true,
            List.of(sku("8KTQAHWA58GUHDGC", "Compute Usage", "m5.large", "0.096"),
                sku("F7XCNBBYFKX42QF3", "Compute Usage", "m5.xlarge", "0.192"),
                sku("QG5G45WKDWDDHTFV", "Compute Usage", "c6i.2xlarge", "0.34"),
                sku("6VTWNQ8NGUSQXQWS", "Compute Usage", "r6g.large", "0.1008"))),
        new Service("Amazon Simple Storage Service", "Storage", "Object Storage", "AmazonS3",
            "StandardStorage", "Bucket", false, "GB-Mo", "GB-Mo", 0.5, 800, 14, false,
            List.of(sku("WP9ANXZGBYYSGJEA", "Storage", "Standard storage", "0.023"),
                sku("BNBBXJ7C6HQE8BC5", "Requests", "PUT, COPY, POST or LIST requests",
                    "0.000005"))),
        new Service("Amazon Relational Database Service", "Databases", "Relational Databases",
            "AmazonRDS", "CreateDBInstance:0016", "DB Instance", true, "Hrs", "Hrs", 1, 1, 12,
            false,
            List.of(sku("ZPCXK3BSMBRH2GXK", "Database Instance", "db.r6g.large PostgreSQL",
                    "0.225"),
                sku("5BVT3MZ2VHQ5ZRGF", "Database Instance", "db.t3.medium PostgreSQL",
                    "0.072"))),
        new Service("Amazon DynamoDB", "Databases", "NoSQL Databases", "AmazonDynamoDB",
            "PayPerRequestThroughput", "Table", false, "WriteRequestUnits", "WriteRequestUnits",
            100, 5_000_000, 8, false,
            List.of(sku("V9ARKEJSUDRVB8GB", "Write Request Units", "write request units",
                "0.00000125"))),
        new Service("Amazon Simple Queue Service", "Integration", "Messaging", "AWSQueueService",
            "SendMessage", "Queue", false, "Requests", "Requests", 1, 60_000, 8, false,
            List.of(sku("G95FST5FTYV3JSRX", "Requests", "Amazon SQS standard requests",
                "0.0000004"))),
        new Service("AWS Lambda", "Compute", "Serverless Compute", "AWSLambda", "Invoke",
            "Function", false, "Lambda-GB-Second", "Lambda-GB-Second", 5, 400_000, 10, false,
            List.of(sku("TG3M4CAGBA3NYQBH", "Compute", "Lambda GB-seconds, Arm",
                "0.0000133334"))),
        new Service("Amazon CloudFront", "Networking", "Content Delivery", "AmazonCloudFront",
            "GET", "Distribution", false, "GB", "GB", 0.01, 300, 8, false,
            List.of(sku("RFCEF5C4ZWG4DWHK", "Data Transfer", "data transfer out, United States",
                "0.085"))),
        new Service("Amazon Athena", "Analytics", "Data Processing", "AmazonAthena",
            "RunQuery", "WorkGroup", false, "Terabytes", "Terabytes", 0.0001, 2, 6, false,
            List.of(sku("3UB5ZF6M4Z3DN2BR", "Data Scanned", "terabytes scanned", "5"))));
  }

  private static List<Service> azureServices() {
    return List.of(
        new Service("Virtual Machines", "Compute", "Virtual Machines", null, null,
            "Virtual machine", true, "Hours", "1 Hour", 0.25, 1.0, 30, true,
            List.of(sku("DZH318Z0BQ4S", "D2s v5", "D2s v5 Linux", "0.0912"),
                sku("DZH318Z0BQ5D", "D4s v5", "D4s v5 Linux", "0.1824"),
                sku("DZH318Z0CSHM", "E4as v5", "E4as v5 Windows", "0.342"))),
        new Service("Storage Accounts", "Storage", "Storage Platforms", null, null,
            "Storage account", false, "GB/Month", "1 GB/Month", 1, 900, 14, false,
            List.of(sku("DZH318Z0BNXF", "Hot LRS Data Stored", "Hot LRS data stored", "0.0196"),
                sku("DZH318Z0BNVR", "Hot Write Operations", "Hot write operations (per 10K)",
                    "0.0548"))),
        new Service("Azure SQL Database", "Databases", "Relational Databases", null, null,
            "SQL database", true, "vCore Hours", "1 Hour", 1, 2, 12, false,
            List.of(sku("DZH318Z0BQPS", "vCore", "General Purpose Gen5 vCore", "0.2353"))),
        new Service("Azure Cosmos DB", "Databases", "NoSQL Databases", null, null,
            "Azure Cosmos DB account", false, "100 RU/s Hours", "100/Hour", 10, 2400, 8, false,
            List.of(sku("DZH318Z0BPVD", "100 RU/s", "Provisioned throughput", "0.0075"))),
        new Service("Bandwidth", "Networking", "Network Connectivity", null, null,
            "Bandwidth", false, "GB", "1 GB", 0.001, 200, 8, false,
            List.of(sku("DZH318Z0BNVX", "Standard Data Transfer Out",
                "Data transfer out, Zone 1", "0.0814"))),
        new Service("Functions", "Compute", "Serverless Compute", null, null, "Function app",
            false, "GB Seconds", "1 GB Second", 5, 300_000, 10, false,
            List.of(sku("DZH318Z0BPXM", "Execution Time", "Execution time", "0.0000148"))),
        new Service("Azure Kubernetes Service", "Compute", "Containers", null, null,
            "Kubernetes service", true, "Hours", "1 Hour", 1, 1, 8, false,
            List.of(sku("DZH318Z0BQ0K", "Standard Uptime SLA", "Uptime SLA", "0.0928"))),
        new Service("Log Analytics", "Management and Governance", "Observability", null, null,
            "Log Analytics workspace", false, "GB", "1 GB", 0.01, 50, 6, false,
            List.of(sku("DZH318Z0BQ9W", "Analytics Logs Data Ingestion",
                "Analytics logs data ingestion", "2.53"))));
  }

  private static List<Service> gcpServices() {
    return List.of(
        new Service("Compute Engine", "Compute", "Virtual Machines", null, null, "Instance",
            true, "hour", "hour", 0.25, 1.0, 30, true,
            List.of(sku("2E27-4F75-95CD", "N2 Instance Core", "n2-standard-2", "0.097118"),
                sku("CF4E-A0C7-E3BF", "E2 Instance Core", "e2-standard-4", "0.134012"),
                sku("6E4B-1B4A-7C7E", "C3 Instance Core", "c3-standard-8", "0.41876"))),
        new Service("Cloud Storage", "Storage", "Object Storage", null, null, "Bucket", false,
            "gibibyte month", "gibibyte month", 0.5, 900, 14, false,
            List.of(sku("E5F0-6A5D-7BAD", "Standard Storage", "Standard Storage US Multi-region",
                "0.026"))),
        new Service("Cloud SQL", "Databases", "Relational Databases", null, null,
            "Database instance", true, "hour", "hour", 1, 1, 10, false,
            List.of(sku("9F9B-4C3B-1E5B", "vCPU", "Cloud SQL for PostgreSQL: vCPU", "0.0413"))),
        new Service("BigQuery", "Analytics", "Data Warehouses", null, null, "Dataset", false,
            "tebibyte", "tebibyte", 0.0001, 3, 10, false,
            List.of(sku("3362-E469-6BEF", "Analysis", "Analysis (on-demand)", "6.25"))),
        new Service("Cloud Run", "Compute", "Serverless Compute", null, null, "Service", false,
            "vCPU-second", "vCPU-second", 10, 500_000, 10, false,
            List.of(sku("CCD8-9BF1-090E", "CPU Allocation Time", "CPU allocation time",
                "0.000018"))),
        new Service("Cloud Pub/Sub", "Integration", "Messaging", null, null, "Topic", false,
            "tebibyte", "tebibyte", 0.000001, 0.05, 8, false,
            List.of(sku("A7D8-B8E8-C7F3", "Message Delivery", "Message delivery basic", "40"))),
        new Service("Networking", "Networking", "Network Connectivity", null, null,
            "Load balancer", false, "gibibyte", "gibibyte", 0.001, 300, 8, false,
            List.of(sku("9DE9-9092-B3BC", "Internet Egress",
                "Network Internet Egress from Americas to Americas", "0.12"))),
        new Service("Kubernetes Engine", "Compute", "Containers", null, null, "Cluster", true,
            "hour", "hour", 1, 1, 8, false,
            List.of(sku("B561-BFBD-1264", "Cluster Management", "Regional Kubernetes Clusters",
                "0.1"))));
  }

  // ---------------------------------------------------------------------------------------
  // Tags: the same meaning spelled several ways, as teams really tag.

  private static final String[] TEAM_KEYS = {"team", "team", "Team", "owner-team"};
  private static final String[] TEAMS = {"platform", "data", "payments", "search", "ml-infra"};
  private static final String[] APPS = {"checkout", "catalog", "ingest", "recommender", "portal"};
  private static final String[] ENV_KEYS = {"env", "environment"};
  private static final String[] ENVS = {"prod", "production", "staging", "dev"};
  private static final String[] COST_CENTERS = {"CC-1001", "CC-1002", "CC-2040", "CC-3300"};

  /** A resource's tags as a JSON object string, or null for the ~15% untagged resources. */
  private static String tags(SplittableRandom r) {
    if (r.nextDouble() < 0.15) return null;
    List<String> kv = new ArrayList<>();
    kv.add(json(pick(r, TEAM_KEYS), sloppy(r, pick(r, TEAMS))));
    if (r.nextDouble() < 0.8) kv.add(json("application", sloppy(r, pick(r, APPS))));
    if (r.nextDouble() < 0.85) kv.add(json(pick(r, ENV_KEYS), pick(r, ENVS)));
    if (r.nextDouble() < 0.5) kv.add(json("cost-center", pick(r, COST_CENTERS)));
    return "{" + String.join(", ", kv) + "}";
  }

  /** Some values carry stray spaces or odd casing, like hand-typed tags. */
  private static String sloppy(SplittableRandom r, String v) {
    double p = r.nextDouble();
    if (p < 0.06) return " " + v;
    if (p < 0.12) return v + " ";
    if (p < 0.16) return Character.toUpperCase(v.charAt(0)) + v.substring(1);
    return v;
  }

  private static String json(String k, String v) {
    return "\"" + k + "\": \"" + v + "\"";
  }

  // ---------------------------------------------------------------------------------------
  // Accounts and their resources (stable across months, like real fleets).

  private static final int AWS = 0;
  private static final int AZURE = 1;
  private static final int GCP = 2;

  private static List<Account> accounts(SplittableRandom r) {
    List<Account> a = new ArrayList<>();
    String awsId = "418273645091";
    List<SubAccount> awsSubs =
        List.of(new SubAccount("736150284419", "acme-prod"),
            new SubAccount("205948371162", "acme-data"),
            new SubAccount("981204756630", "acme-sandbox"));
    List<Region> awsRegions =
        List.of(new Region("us-east-1", "US East (N. Virginia)"),
            new Region("eu-west-1", "Europe (Ireland)"),
            new Region("us-west-2", "US West (Oregon)"));
    String awsCommitment =
        "arn:aws:savingsplans::" + awsId + ":savingsplan/" + uuid(r);
    a.add(new Account(Style.AWS, awsId, "Acme Corp", "USD", "AWS", "Amazon Web Services, Inc.",
        new BigDecimal("0.95"), new BigDecimal("0.0725"), awsSubs, awsRegions, awsServices(),
        new ArrayList<>(), awsCommitment));

    List<SubAccount> azSubs =
        List.of(new SubAccount("/subscriptions/" + uuid(r), "acme-eu-prod"),
            new SubAccount("/subscriptions/" + uuid(r), "acme-eu-dev"));
    List<Region> azRegions =
        List.of(new Region("westeurope", "West Europe"),
            new Region("northeurope", "North Europe"),
            new Region("germanywestcentral", "Germany West Central"));
    a.add(new Account(Style.AZURE, "8611537", "Acme Europe GmbH", "EUR", "Microsoft",
        "Microsoft", BigDecimal.ONE, new BigDecimal("0.19"), azSubs, azRegions,
        azureServices(), new ArrayList<>(), null));

    String gcpId = "01A2B3-C4D5E6-F7A8B9";
    List<SubAccount> gcpSubs =
        List.of(new SubAccount("acme-analytics-4821", "Acme Analytics"),
            new SubAccount("acme-web-prod-1177", "Acme Web Prod"),
            new SubAccount("acme-ml-dev-3090", "Acme ML Dev"));
    List<Region> gcpRegions =
        List.of(new Region("us-central1", "Iowa"),
            new Region("europe-west4", "Netherlands"),
            new Region("asia-southeast1", "Singapore"));
    String gcpCommitment =
        "projects/acme-web-prod-1177/regions/us-central1/commitments/cud-spend-" + hex(r, 8);
    a.add(new Account(Style.GCP, gcpId, "Acme Corp GCP", "USD", "Google Cloud", "Google Cloud",
        new BigDecimal("0.90"), new BigDecimal("0.05"), gcpSubs, gcpRegions, gcpServices(),
        new ArrayList<>(), gcpCommitment));

    for (Account acct : a) {
      for (Service s : acct.services()) {
        int n = 3 + r.nextInt(8);
        for (int i = 0; i < n; i++) acct.resources().add(resource(r, acct, s, i));
      }
    }
    return a;
  }

  private static Resource resource(SplittableRandom r, Account a, Service s, int i) {
    Sku sku = s.skus().get(r.nextInt(s.skus().size()));
    SubAccount sub = a.subs().get(r.nextInt(a.subs().size()));
    Region region = a.regions().get(r.nextInt(a.regions().size()));
    String base = s.resourceType().toLowerCase().replace(' ', '-').replace("/", "");
    String name = pick(r, APPS) + "-" + base + "-" + (i + 1);
    String zone = null;
    String id;
    switch (a.style()) {
      case AWS -> {
        String arnService = s.code().replace("Amazon", "").replace("AWS", "").toLowerCase();
        if (s.compute()) {
          zone = region.id() + (char) ('a' + r.nextInt(3));
          id = "i-0" + hex(r, 16);
          name = r.nextDouble() < 0.5 ? null : name;
        } else if (s.code().equals("AmazonS3")) {
          id = name;
        } else {
          id = "arn:aws:" + arnService + ":" + region.id() + ":" + sub.id() + ":" + name;
        }
      }
      case AZURE -> {
        if (s.compute()) zone = String.valueOf(1 + r.nextInt(3));
        id = sub.id() + "/resourceGroups/rg-" + pick(r, APPS) + "/providers/Microsoft."
            + s.name().replace(" ", "") + "/" + name;
      }
      default -> {
        if (s.compute()) zone = region.id() + "-" + (char) ('a' + r.nextInt(3));
        id = "//" + s.name().toLowerCase().replace(' ', '-').replace("/", "") + ".googleapis.com/"
            + "projects/" + sub.id() + (zone == null ? "" : "/zones/" + zone) + "/"
            + base + "s/" + name;
      }
    }
    return new Resource(s, sku, sub, region, id, name, zone, tags(r));
  }

  // ---------------------------------------------------------------------------------------
  // Bad rows: deliberately broken CSV rows the pipeline must quarantine.

  private enum Bad {
    UNPARSABLE_COST,
    UNPARSABLE_TIME,
    MISSING_CURRENCY,
    INVALID_TAGS,
    TOO_FEW_FIELDS
  }

  // ---------------------------------------------------------------------------------------
  // One output line: values by column index; Instant, BigDecimal, String or null.

  private static final class Line {
    final Object[] v = new Object[ALL_COLUMNS.size()];
    boolean eNotation;
    Bad bad;

    Line set(String col, Object value) {
      v[INDEX.get(col)] = value;
      return this;
    }

    Object get(String col) {
      return v[INDEX.get(col)];
    }
  }

  private static final BigDecimal HOURS_PER_DAY = BigDecimal.valueOf(24);
  private static final int SCALE = 10;

  /** Mutable per-run state: output, bad-row plan and the good-row totals. */
  private static final class Run {
    final SparkSession spark;
    final FileSystem fs;
    final String out;
    final List<String> files = new ArrayList<>();
    final Map<String, BigDecimal> billed = new TreeMap<>();
    final Map<String, BigDecimal> effective = new TreeMap<>();
    final Map<String, Long> goodByPeriod = new TreeMap<>();
    long rows;
    long bad;

    Run(SparkSession spark, FileSystem fs, String out) {
      this.spark = spark;
      this.fs = fs;
      this.out = out;
    }

    void countGood(Line l, String period) {
      rows++;
      String cur = (String) l.get(Focus.BillingCurrency);
      billed.merge(cur, (BigDecimal) l.get(Focus.BilledCost), BigDecimal::add);
      effective.merge(cur, (BigDecimal) l.get(Focus.EffectiveCost), BigDecimal::add);
      goodByPeriod.merge(period, 1L, Long::sum);
    }
  }

  /** Where one account-month's rows go: a CSV stream or Parquet chunks. */
  private interface Sink {
    void write(Line l) throws IOException;

    void close() throws IOException;
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
    List<Account> accounts = accounts(master.split());
    YearMonth first = o.lastMonth().minusMonths(o.months() - 1L);

    // Row budget per (month, account), evenly spread; fixed rows come out of the budget.
    int slots = o.months() * accounts.size();
    long[] usage = new long[slots];
    boolean[] commit = new boolean[slots];
    for (int k = 0; k < slots; k++) {
      YearMonth ym = first.plusMonths(k / accounts.size());
      Account a = accounts.get(k % accounts.size());
      long budget = o.rows() / slots + (k < o.rows() % slots ? 1 : 0);
      int days = ym.lengthOfMonth();
      commit[k] = a.commitmentId() != null && budget >= 3L * days;
      long fixed = 2 + (commit[k] ? 1 + days : 0) + (isCorrection(k, o, accounts) ? 1 : 0);
      usage[k] = Math.max(3, budget - fixed);
    }
    Map<Integer, TreeMap<Long, Bad>> badPlan = planBadRows(o, accounts, usage);

    for (int k = 0; k < slots; k++) {
      YearMonth ym = first.plusMonths(k / accounts.size());
      Account a = accounts.get(k % accounts.size());
      SplittableRandom r = master.split();
      TreeMap<Long, Bad> bad = badPlan.getOrDefault(k, new TreeMap<>());
      try (MonthWriter w =
          new MonthWriter(run, a, ym, sink(run, a, ym), r, bad, commit[k],
              isCorrection(k, o, accounts))) {
        w.writeMonth(usage[k]);
      }
    }
    return new Result(run.rows, run.bad, List.copyOf(run.files),
        Collections.unmodifiableMap(run.billed), Collections.unmodifiableMap(run.effective),
        Collections.unmodifiableMap(run.goodByPeriod));
  }

  /** The refund-like correction goes into the AWS file of the last month. */
  private static boolean isCorrection(int slot, Options o, List<Account> accounts) {
    return slot == (o.months() - 1) * accounts.size() + AWS;
  }

  /**
   * Chooses which usage rows of which CSV files are broken: ~0.5% of all rows, at least five
   * (one of each kind) once rows reach 200. Kinds rotate so each occurs; files rotate so each
   * CSV file gets its share.
   */
  private static Map<Integer, TreeMap<Long, Bad>> planBadRows(
      Options o, List<Account> accounts, long[] usage) {
    Map<Integer, TreeMap<Long, Bad>> plan = new HashMap<>();
    long n = Math.round(o.rows() * 0.005);
    if (o.rows() >= 200) n = Math.max(n, Bad.values().length);
    List<Integer> csvSlots = new ArrayList<>();
    for (int k = 0; k < usage.length; k++) {
      if (accounts.get(k % accounts.size()).style() != Style.GCP) csvSlots.add(k);
    }
    SplittableRandom r = new SplittableRandom(o.seed() ^ 0x5DEECE66DL);
    Bad[] kinds = Bad.values();
    for (long i = 0; i < n; i++) {
      int slot = csvSlots.get((int) (i % csvSlots.size()));
      TreeMap<Long, Bad> inFile = plan.computeIfAbsent(slot, s -> new TreeMap<>());
      if (inFile.size() >= usage[slot]) continue; // tiny files: no room left
      long pos;
      do {
        pos = r.nextLong(usage[slot]);
      } while (inFile.containsKey(pos));
      inFile.put(pos, kinds[(int) (i % kinds.length)]);
    }
    return plan;
  }

  private static Sink sink(Run run, Account a, YearMonth ym) throws IOException {
    String dir = run.out + "/focus/" + ym;
    return switch (a.style()) {
      case AWS -> new CsvSink(run, dir + "/aws-" + a.id() + "-" + ym + ".csv.gz", FOCUS_12_AWS,
          Style.AWS, true);
      case AZURE -> new CsvSink(run, dir + "/azure-" + a.id() + "-" + ym + ".csv", FOCUS_10,
          Style.AZURE, false);
      case GCP -> new ParquetSink(run, dir + "/gcp-" + a.id());
    };
  }

  // ---------------------------------------------------------------------------------------
  // One account-month: usage day by day, commitment rows, credit, tax, correction.

  private static final class MonthWriter implements AutoCloseable {
    final Run run;
    final Account a;
    final YearMonth ym;
    final Sink sink;
    final SplittableRandom r;
    final TreeMap<Long, Bad> bad;
    final boolean commitment;
    final boolean correction;
    final Instant start;
    final Instant end;
    final String period;
    final String invoiceId;
    final int[] serviceWeights;
    final List<List<Resource>> pools = new ArrayList<>();
    BigDecimal billedSubtotal = BigDecimal.ZERO;
    int eNotationLeft = 3;
    long usageIndex;

    MonthWriter(Run run, Account a, YearMonth ym, Sink sink, SplittableRandom r,
        TreeMap<Long, Bad> bad, boolean commitment, boolean correction) {
      this.run = run;
      this.a = a;
      this.ym = ym;
      this.sink = sink;
      this.r = r;
      this.bad = bad;
      this.commitment = commitment;
      this.correction = correction;
      this.start = ym.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
      this.end = ym.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
      this.period = ym.toString();
      this.invoiceId = switch (a.style()) {
        case AWS -> "EUINUS" + (ym.getYear() % 100) + "-" + (100000 + r.nextInt(900000));
        case GCP -> String.valueOf(5_000_000_000L + r.nextLong(1_000_000_000L));
        case AZURE -> null;
      };
      this.serviceWeights = a.services().stream().mapToInt(Service::weight).toArray();
      for (Service s : a.services()) {
        pools.add(a.resources().stream().filter(x -> x.service() == s).toList());
      }
    }

    void writeMonth(long usageRows) throws IOException {
      int days = ym.lengthOfMonth();
      BigDecimal hourlyCommitment = commitment ? hourlyCommitment(usageRows, days) : null;
      BigDecimal daily =
          commitment ? hourlyCommitment.multiply(HOURS_PER_DAY) : BigDecimal.ZERO;
      if (commitment) emit(purchase(hourlyCommitment, days));
      for (int d = 0; d < days; d++) {
        long today = usageRows / days + (d < usageRows % days ? 1 : 0);
        BigDecimal remaining = daily;
        for (long i = 0; i < today; i++) {
          Bad kind = bad.get(usageIndex++);
          Line l = usage(d, kind == null ? remaining : null);
          if (commitment && "Used".equals(l.get(Focus.CommitmentDiscountStatus))) {
            remaining = remaining.subtract((BigDecimal) l.get(Focus.EffectiveCost));
          }
          l.bad = kind;
          emit(l);
        }
        // The unused remainder makes Σ Used + Σ Unused equal the fee to the last decimal.
        if (commitment) emit(unused(d, remaining));
      }
      if (correction) emit(correction());
      emit(credit());
      emit(tax());
    }

    /** Sized so covered usage uses ~85% of the commitment on an average day. */
    private BigDecimal hourlyCommitment(long usageRows, int days) {
      Service compute = a.services().get(0);
      double share = (double) compute.weight() / java.util.Arrays.stream(serviceWeights).sum();
      double meanRate = compute.skus().stream()
          .mapToDouble(s -> s.price().doubleValue() * 0.72).average().orElse(0.1);
      double coveredPerDay = (double) usageRows / days * share * COVER_SHARE * meanRate * 0.625;
      double hourly = Math.max(0.01, coveredPerDay / 0.85 / 24);
      return BigDecimal.valueOf(Math.round(hourly * 10_000), 4);
    }

    void emit(Line l) throws IOException {
      if (l.bad == null) {
        run.countGood(l, period);
        if ("Usage".equals(l.get(Focus.ChargeCategory)) && l.get(Focus.ChargeClass) == null) {
          billedSubtotal = billedSubtotal.add((BigDecimal) l.get(Focus.BilledCost));
        }
      } else {
        run.rows++;
        run.bad++;
      }
      sink.write(l);
    }

    @Override
    public void close() throws IOException {
      sink.close();
    }

    // --- line builders -------------------------------------------------------------------

    private Line base(SubAccount sub) {
      Line l = new Line();
      l.set(Focus.BillingAccountId, a.id())
          .set(Focus.BillingAccountName, a.name())
          .set(Focus.BillingCurrency, a.currency())
          .set(Focus.BillingPeriodStart, start)
          .set(Focus.BillingPeriodEnd, end)
          .set(Focus.InvoiceIssuerName, a.invoiceIssuer())
          .set(Focus.ProviderName, a.provider())
          .set(Focus.PublisherName, a.style() == Style.AWS ? a.invoiceIssuer() : a.provider())
          .set(Focus.ServiceProviderName, a.provider())
          .set(Focus.HostProviderName, a.provider())
          .set(Focus.SubAccountId, sub.id())
          .set(Focus.SubAccountName, sub.name())
          .set(Focus.InvoiceId, invoiceId)
          .set(Focus.PricingCurrency, a.currency());
      if (a.style() == Style.AWS) {
        l.set(Focus.BillingAccountType, "Payer Account").set(Focus.SubAccountType,
            "Linked Account");
      } else if (a.style() == Style.GCP) {
        l.set(Focus.BillingAccountType, "Billing Account").set(Focus.SubAccountType, "Project");
      }
      return l;
    }

    private void service(Line l, Service s) {
      l.set(Focus.ServiceName, s.name())
          .set(Focus.ServiceCategory, s.category())
          .set(Focus.ServiceSubcategory, s.subcategory())
          .set(X_SERVICE_CODE, s.code())
          .set(X_OPERATION, s.operation());
    }

    private void costs(Line l, BigDecimal list, BigDecimal contracted, BigDecimal billed,
        BigDecimal effective) {
      l.set(Focus.ListCost, list)
          .set(Focus.ContractedCost, contracted)
          .set(Focus.BilledCost, billed)
          .set(Focus.EffectiveCost, effective)
          .set(Focus.PricingCurrencyEffectiveCost, effective);
    }

    private void prices(Line l, BigDecimal listUnit, BigDecimal contractedUnit) {
      l.set(Focus.ListUnitPrice, listUnit)
          .set(Focus.ContractedUnitPrice, contractedUnit)
          .set(Focus.PricingCurrencyListUnitPrice, listUnit)
          .set(Focus.PricingCurrencyContractedUnitPrice, contractedUnit);
    }

    private void commitmentColumns(Line l, String status, BigDecimal amount) {
      l.set(Focus.CommitmentDiscountId, a.commitmentId())
          .set(Focus.CommitmentDiscountCategory, "Spend")
          .set(Focus.CommitmentDiscountType,
              a.style() == Style.AWS ? "Compute Savings Plan" : "Committed Use Discount")
          .set(Focus.CommitmentDiscountName,
              a.style() == Style.AWS ? "Compute SP 1yr No Upfront" : "Spend-based CUD 1yr")
          .set(Focus.CommitmentDiscountStatus, status)
          .set(Focus.CommitmentDiscountQuantity, amount)
          .set(Focus.CommitmentDiscountUnit, a.currency());
    }

    /**
     * One usage row on day d. When {@code commitmentLeft} is non-null the row may be covered
     * by the commitment, but only if its amortized cost still fits in what is left today.
     */
    private Line usage(int d, BigDecimal commitmentLeft) {
      int si = weighted(r, serviceWeights);
      Service s = a.services().get(si);
      List<Resource> pool = pools.get(si);
      Resource res = pool.get(r.nextInt(pool.size()));
      Instant from = start.plus(d, ChronoUnit.DAYS);
      Instant to;
      if (s.hourly()) {
        from = from.plus(r.nextInt(24), ChronoUnit.HOURS);
        to = from.plus(1, ChronoUnit.HOURS);
      } else {
        to = from.plus(1, ChronoUnit.DAYS);
      }
      BigDecimal qty = quantity(r, s.qtyMin(), s.qtyMax());
      BigDecimal listUnit = res.sku().price();
      BigDecimal contractedUnit = scaled(listUnit.multiply(a.negotiatedFactor())).stripTrailingZeros();
      BigDecimal listCost = scaled(listUnit.multiply(qty));
      BigDecimal contractedCost = scaled(contractedUnit.multiply(qty));

      Line l = base(res.sub());
      service(l, s);
      l.set(Focus.ChargeCategory, "Usage")
          .set(Focus.ChargeFrequency, "Usage-Based")
          .set(Focus.ChargePeriodStart, from)
          .set(Focus.ChargePeriodEnd, to)
          .set(Focus.RegionId, res.region().id())
          .set(Focus.RegionName, res.region().name())
          .set(Focus.AvailabilityZone, res.zone())
          .set(Focus.ResourceId, res.id())
          .set(Focus.ResourceName, res.name())
          .set(Focus.ResourceType, s.resourceType())
          .set(Focus.SkuId, res.sku().id())
          .set(Focus.SkuMeter, res.sku().meter())
          .set(Focus.ConsumedQuantity, qty)
          .set(Focus.ConsumedUnit, s.consumedUnit())
          .set(Focus.PricingQuantity, qty)
          .set(Focus.PricingUnit, s.pricingUnit())
          .set(Focus.Tags, res.tags());
      if (s.compute()) {
        l.set(Focus.SkuPriceDetails, "{\"InstanceType\": \"" + res.sku().label()
            + "\", \"OperatingSystem\": \"Linux\"}");
      }

      boolean spot = s.compute() && a.style() != Style.AZURE && r.nextDouble() < 0.08;
      boolean tryCover = s.compute() && !spot && r.nextDouble() < COVER_SHARE;
      BigDecimal commitRate = scaled(listUnit.multiply(new BigDecimal("0.72")));
      BigDecimal coveredCost = scaled(commitRate.multiply(qty));
      if (commitmentLeft != null && commitment && tryCover
          && coveredCost.compareTo(commitmentLeft) <= 0) {
        prices(l, listUnit, contractedUnit);
        costs(l, listCost, contractedCost, BigDecimal.ZERO.setScale(SCALE), coveredCost);
        commitmentColumns(l, "Used", coveredCost);
        l.set(Focus.PricingCategory, "Committed")
            .set(Focus.SkuPriceId, res.sku().id() + ".SP." + res.sku().label())
            .set(Focus.ChargeDescription, price(commitRate) + " per " + res.sku().label()
                + " hour covered by " + (a.style() == Style.AWS ? "Savings Plan" : "CUD"));
        return l;
      }
      if (spot) {
        BigDecimal factor = BigDecimal.valueOf(30 + r.nextInt(16), 2);
        contractedUnit = scaled(listUnit.multiply(factor)).stripTrailingZeros();
        contractedCost = scaled(contractedUnit.multiply(qty));
        l.set(Focus.PricingCategory, "Dynamic")
            .set(Focus.SkuPriceId, res.sku().id() + ".SPOT")
            .set(Focus.ChargeDescription, price(contractedUnit) + " per Spot "
                + res.sku().label() + " hour");
      } else {
        l.set(Focus.PricingCategory, "Standard")
            .set(Focus.SkuPriceId, res.sku().id() + "." + (a.style() == Style.AZURE
                ? "0001" : "JRTCKXETXF"))
            .set(Focus.ChargeDescription, describe(s, res.sku(), listUnit));
      }
      prices(l, listUnit, contractedUnit);
      costs(l, listCost, contractedCost, contractedCost, contractedCost);
      if (a.style() != Style.GCP && contractedCost.signum() > 0
          && contractedCost.compareTo(new BigDecimal("0.0001")) < 0
          && (eNotationLeft > 0 || r.nextDouble() < 0.02)) {
        eNotationLeft--;
        l.eNotation = true;
      }
      return l;
    }

    private Line purchase(BigDecimal hourly, int days) {
      Service s = a.services().get(0);
      BigDecimal hours = BigDecimal.valueOf(24L * days);
      BigDecimal fee = hourly.multiply(hours);
      Line l = base(a.subs().get(0));
      service(l, s);
      l.set(Focus.ChargeCategory, "Purchase")
          .set(Focus.ChargeFrequency, "Recurring")
          .set(Focus.PricingCategory, "Standard")
          .set(Focus.ChargePeriodStart, start)
          .set(Focus.ChargePeriodEnd, end)
          .set(Focus.ResourceId, a.commitmentId())
          .set(Focus.ResourceType, a.style() == Style.AWS ? "Savings Plan" : "Commitment")
          .set(Focus.PricingQuantity, hours)
          .set(Focus.PricingUnit, "Hours")
          .set(Focus.SkuId, a.style() == Style.AWS ? "ComputeSavingsPlans" : "CUD-SPEND-1Y")
          .set(Focus.ChargeDescription, "Compute commitment of " + price(hourly)
              + " per hour, 1 year, no upfront");
      prices(l, hourly, hourly);
      costs(l, fee, fee, fee, BigDecimal.ZERO);
      commitmentColumns(l, null, fee);
      return l;
    }

    private Line unused(int d, BigDecimal amount) {
      Service s = a.services().get(0);
      Line l = base(a.subs().get(0));
      service(l, s);
      l.set(Focus.ChargeCategory, "Usage")
          .set(Focus.ChargeFrequency, "Usage-Based")
          .set(Focus.PricingCategory, "Committed")
          .set(Focus.ChargePeriodStart, start.plus(d, ChronoUnit.DAYS))
          .set(Focus.ChargePeriodEnd, start.plus(d + 1L, ChronoUnit.DAYS))
          .set(Focus.ResourceId, a.commitmentId())
          .set(Focus.ResourceType, a.style() == Style.AWS ? "Savings Plan" : "Commitment")
          .set(Focus.ChargeDescription, "Unused commitment");
      costs(l, zero(), zero(), zero(), amount);
      commitmentColumns(l, "Unused", amount);
      return l;
    }

    /** A promotional credit worth 1-5% of the month's usage, so totals stay positive. */
    private Line credit() {
      BigDecimal share = BigDecimal.valueOf(1 + r.nextInt(5), 2);
      BigDecimal amount =
          billedSubtotal.multiply(share).setScale(2, RoundingMode.HALF_UP).max(new BigDecimal("0.01"))
              .negate();
      Service s = a.services().get(0);
      Line l = base(a.subs().get(0));
      service(l, s);
      l.set(Focus.ChargeCategory, "Credit")
          .set(Focus.ChargeFrequency, "One-Time")
          .set(Focus.ChargePeriodStart, start)
          .set(Focus.ChargePeriodEnd, end)
          .set(Focus.ChargeDescription, "Promotional credit, startup programme");
      costs(l, zero(), zero(), amount, amount);
      return l;
    }

    private Line tax() {
      BigDecimal amount = billedSubtotal.multiply(a.taxRate()).setScale(2, RoundingMode.HALF_UP);
      Line l = base(a.subs().get(0));
      l.set(Focus.ServiceName, a.style() == Style.AZURE ? "Azure" : "Tax")
          .set(Focus.ServiceCategory, "Other")
          .set(Focus.ServiceSubcategory, "Other (Other)")
          .set(Focus.ChargeCategory, "Tax")
          .set(Focus.ChargeFrequency, "One-Time")
          .set(Focus.ChargePeriodStart, start)
          .set(Focus.ChargePeriodEnd, end)
          .set(Focus.ChargeDescription, (a.style() == Style.AZURE ? "VAT " : "Sales tax ")
              + a.taxRate().movePointRight(2).stripTrailingZeros().toPlainString() + "%");
      costs(l, zero(), zero(), amount, amount);
      return l;
    }

    /** A refund for over-billed compute hours earlier in the period. */
    private Line correction() {
      Service s = a.services().get(0);
      Resource res = pools.get(0).get(0);
      BigDecimal qty = BigDecimal.valueOf(-(4 + r.nextInt(20)));
      BigDecimal unit = res.sku().price();
      BigDecimal contractedUnit = scaled(unit.multiply(a.negotiatedFactor())).stripTrailingZeros();
      BigDecimal amount = scaled(contractedUnit.multiply(qty));
      Line l = base(res.sub());
      service(l, s);
      l.set(Focus.ChargeCategory, "Usage")
          .set(Focus.ChargeClass, "Correction")
          .set(Focus.ChargeFrequency, "Usage-Based")
          .set(Focus.PricingCategory, "Standard")
          .set(Focus.ChargePeriodStart, start.plus(1, ChronoUnit.DAYS))
          .set(Focus.ChargePeriodEnd, start.plus(2, ChronoUnit.DAYS))
          .set(Focus.RegionId, res.region().id())
          .set(Focus.RegionName, res.region().name())
          .set(Focus.ResourceId, res.id())
          .set(Focus.ResourceType, s.resourceType())
          .set(Focus.SkuId, res.sku().id())
          .set(Focus.SkuPriceId, res.sku().id() + ".JRTCKXETXF")
          .set(Focus.PricingQuantity, qty)
          .set(Focus.PricingUnit, s.pricingUnit())
          .set(Focus.ConsumedQuantity, qty)
          .set(Focus.ConsumedUnit, s.consumedUnit())
          .set(Focus.ChargeDescription, "Refund of over-billed " + res.sku().label()
              + " hours (support case 1742)");
      prices(l, unit, contractedUnit);
      costs(l, scaled(unit.multiply(qty)), amount, amount, amount);
      return l;
    }
  }

  /** Share of commitment-eligible compute rows that try to use the commitment. */
  private static final double COVER_SHARE = 0.6;

  // ---------------------------------------------------------------------------------------
  // CSV output: RFC 4180, UTF-8, one header line; AWS-like gzip with empty nulls, Azure-like
  // plain with strings quoted and unquoted NULL placeholders, as in the real 1.0 sample.

  private static final DateTimeFormatter AZURE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final DateTimeFormatter AWS_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'");
  private static final Set<String> COST_COLUMNS =
      Set.of(Focus.BilledCost, Focus.EffectiveCost, Focus.ListCost, Focus.ContractedCost,
          Focus.PricingCurrencyEffectiveCost);

  private static final class CsvSink implements Sink {
    final Writer w;
    final List<String> columns;
    final int[] idx;
    final Style style;
    int badSeen;

    CsvSink(Run run, String path, List<String> columns, Style style, boolean gzip)
        throws IOException {
      OutputStream os = run.fs.create(new Path(path), true);
      if (gzip) os = new GZIPOutputStream(os, 1 << 16);
      this.w = new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8), 1 << 16);
      this.columns = columns;
      this.idx = columns.stream().mapToInt(INDEX::get).toArray();
      this.style = style;
      run.files.add(path);
      StringBuilder header = new StringBuilder();
      for (String c : columns) {
        if (header.length() > 0) header.append(',');
        header.append(style == Style.AZURE ? quote(c) : field(c));
      }
      w.write(header.append('\n').toString());
    }

    @Override
    public void write(Line l) throws IOException {
      int n = l.bad == Bad.TOO_FEW_FIELDS ? columns.size() / 2 : columns.size();
      StringBuilder sb = new StringBuilder(1024);
      for (int i = 0; i < n; i++) {
        if (i > 0) sb.append(',');
        sb.append(render(columns.get(i), l.v[idx[i]], l));
      }
      if (l.bad != null) badSeen++;
      w.write(sb.append('\n').toString());
    }

    private String render(String col, Object v, Line l) {
      if (l.bad != null) {
        String broken = broken(col, l.bad, l);
        if (broken != null) return broken;
      }
      if (v == null) return style == Style.AZURE ? "NULL" : "";
      if (v instanceof BigDecimal d) {
        return l.eNotation && COST_COLUMNS.contains(col) && d.signum() != 0
            ? eNotation(d)
            : d.toPlainString();
      }
      if (v instanceof Instant t) {
        return LocalDateTime.ofInstant(t, ZoneOffset.UTC)
            .format(style == Style.AZURE ? AZURE_TIME : AWS_TIME);
      }
      String s = (String) v;
      return style == Style.AZURE ? quote(s) : field(s);
    }

    /** The exported text of a broken column, or null when this column is not the broken one. */
    private String broken(String col, Bad bad, Line l) {
      switch (bad) {
        case UNPARSABLE_COST:
          return col.equals(Focus.BilledCost) ? (badSeen % 2 == 0 ? "12.3.4" : "abc") : null;
        case UNPARSABLE_TIME:
          if (!col.equals(Focus.ChargePeriodStart)) return null;
          int year = LocalDateTime.ofInstant((Instant) l.get(col), ZoneOffset.UTC).getYear();
          return style == Style.AZURE
              ? quote(year + "-13-45 99:00:00")
              : year + "-13-45T99:00:00Z";
        case MISSING_CURRENCY:
          return col.equals(Focus.BillingCurrency) ? "" : null;
        case INVALID_TAGS:
          return col.equals(Focus.Tags) ? quote("{\"team\": \"x\"") : null;
        default:
          return null;
      }
    }

    @Override
    public void close() throws IOException {
      w.close();
    }
  }

  private static String field(String s) {
    boolean needs = s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0
        || s.indexOf('\r') >= 0;
    return needs ? quote(s) : s;
  }

  private static String quote(String s) {
    return "\"" + s.replace("\"", "\"\"") + "\"";
  }

  /** Scientific notation as some exports write tiny amounts, e.g. {@code 3.52E-6}. */
  static String eNotation(BigDecimal d) {
    BigDecimal s = d.stripTrailingZeros();
    String digits = s.unscaledValue().abs().toString();
    int exponent = digits.length() - 1 - s.scale();
    String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
    return (s.signum() < 0 ? "-" : "") + mantissa + "E" + exponent;
  }

  // ---------------------------------------------------------------------------------------
  // Parquet output: typed FOCUS 1.3 columns, written by Spark in bounded chunks.

  private static final int PARQUET_CHUNK = 50_000;

  private static final StructType FOCUS_13_SCHEMA = focus13Schema();

  private static StructType focus13Schema() {
    StructType t = new StructType();
    for (Map.Entry<String, Focus.Kind> e : Focus.columns().entrySet()) {
      t = t.add(e.getKey(), Focus.sparkType(e.getValue()), true);
    }
    return t;
  }

  private static final class ParquetSink implements Sink {
    final Run run;
    final String dir;
    final List<Row> buffer = new ArrayList<>();
    boolean written;

    ParquetSink(Run run, String dir) {
      this.run = run;
      this.dir = dir;
      run.files.add(dir);
    }

    @Override
    public void write(Line l) {
      Object[] values = new Object[FOCUS_COUNT];
      for (int i = 0; i < FOCUS_COUNT; i++) {
        Object v = l.v[i];
        values[i] = v instanceof Instant t ? Timestamp.from(t) : v;
      }
      buffer.add(RowFactory.create(values));
      if (buffer.size() >= PARQUET_CHUNK) flush();
    }

    private void flush() {
      if (buffer.isEmpty() && written) return;
      run.spark
          .createDataFrame(buffer, FOCUS_13_SCHEMA)
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
  // Small helpers.

  private static BigDecimal scaled(BigDecimal v) {
    return v.setScale(SCALE, RoundingMode.HALF_UP);
  }

  private static BigDecimal zero() {
    return BigDecimal.ZERO.setScale(SCALE);
  }

  private static String price(BigDecimal p) {
    return "$" + p.stripTrailingZeros().toPlainString();
  }

  private static String describe(Service s, Sku sku, BigDecimal price) {
    return price(price) + " per " + s.pricingUnit() + " for " + sku.label() + " ("
        + s.name() + ")";
  }

  /** Log-uniform quantities: many small, a few large, six decimals at most. */
  private static BigDecimal quantity(SplittableRandom r, double min, double max) {
    if (min == max) return BigDecimal.valueOf(Math.round(min * 1_000_000), 6).stripTrailingZeros();
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

  private static String pick(SplittableRandom r, String[] values) {
    return values[r.nextInt(values.length)];
  }

  private static String hex(SplittableRandom r, int n) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) sb.append(Character.forDigit(r.nextInt(16), 16));
    return sb.toString();
  }

  private static String uuid(SplittableRandom r) {
    return hex(r, 8) + "-" + hex(r, 4) + "-4" + hex(r, 3) + "-a" + hex(r, 3) + "-" + hex(r, 12);
  }

  /** Exposed for tests: the columns of each native format. */
  static List<String> columnsOf(String format) {
    return switch (format) {
      case "focus-1.0" -> FOCUS_10;
      case "focus-1.2" -> FOCUS_12_AWS;
      case "focus-1.3" -> FOCUS_13;
      default -> throw new IllegalArgumentException(format);
    };
  }
}
