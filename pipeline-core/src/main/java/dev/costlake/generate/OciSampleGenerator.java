package dev.costlake.generate;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * Seeded, deterministic generator of OCI cost reports: gzip CSV with the real report's columns
 * ({@code lineItem/}, {@code product/}, {@code usage/}, {@code cost/}, {@code tags/}), two
 * tenancies, files of half a month each under {@code <out>/oci-cost/<tenancy>/reports/cost-csv/}.
 * Rows are hourly usage over several services, compartments, regions and availability domains,
 * tagged with defined tags (some tags empty), overage amounts on part of the rows, a correction
 * pair per month (a reversal of an earlier row with {@code lineItem/isCorrection = true} and its
 * {@code backreferenceNo}, then the corrected row), start times written without seconds as OCI
 * does ({@code 2026-09-01T10:00Z}), and one row per month whose cost is not a number
 * (deliberately bad). The {@link Result} holds row counts and Σ {@code cost/myCost} per tenancy
 * and month, computed in plain Java (BigDecimal).
 */
public final class OciSampleGenerator {
  private OciSampleGenerator() {}

  public record Options(long rows, int months, long seed, String out, YearMonth lastMonth) {}

  public record PeriodTotals(String tenancy, String period, long rows, BigDecimal cost, long corrections, long badRows) {}

  public record Result(long rowsWritten, List<String> files, List<PeriodTotals> periods) {}

  public static final String TENANCY_A = "ocid1.tenancy.oc1..aaaaaaaacostlakeaaaa";
  public static final String TENANCY_B = "ocid1.tenancy.oc1..aaaaaaaacostlakebbbb";
  public static final String BAD_COST = "n/a-cost";

  static final String[] HEADER = {
    "lineItem/referenceNo", "lineItem/tenantId", "lineItem/intervalUsageStart", "lineItem/intervalUsageEnd",
    "product/service", "product/compartmentId", "product/compartmentName", "product/region",
    "product/availabilityDomain", "product/resourceId", "usage/billedQuantity", "usage/billedQuantityOverage",
    "cost/subscriptionId", "cost/productSku", "product/Description", "cost/unitPrice", "cost/unitPriceOverage",
    "cost/myCost", "cost/myCostOverage", "cost/currencyCode", "cost/billingUnitReadable", "cost/skuUnitDescription",
    "cost/overageFlag", "lineItem/isCorrection", "lineItem/backreferenceNo", "tags/Oracle-Tags.CreatedBy",
    "tags/Finance.CostCenter", "tags/Operations.Environment"
  };

  record Sku(String service, String sku, String description, String unit, String readable, BigDecimal price) {}

  static final List<Sku> SKUS =
      List.of(
          new Sku("COMPUTE", "B93113", "Compute - Standard - E4 - OCPU", "OCPU Hours", "1 NONE HOURS OCPUS", new BigDecimal("0.025")),
          new Sku("COMPUTE", "B93114", "Compute - Standard - E4 - Memory", "GB Hours", "1 GiB HOURS MEMORY", new BigDecimal("0.0015")),
          new Sku("BLOCK_STORAGE", "B91961", "Block Volume - Storage", "GB Months", "1 GiB MONTHS STORAGE_SIZE", new BigDecimal("0.0255")),
          new Sku("DATABASE", "B92911", "Oracle APEX Application Development", "Hours", "1 NONE HOURS INSTANCE", new BigDecimal("0.14717133")),
          new Sku("MYSQL", "B92426", "MySQL Database - ECPU", "Instance per hour", "1 NONE HOURS INSTANCE", new BigDecimal("0.0408")),
          new Sku("NETWORK", "B88327", "Outbound Data Transfer Zone 1", "GB Months", "1 GiB HOURS DATA_TRANSFERRED", new BigDecimal("0.0085")),
          new Sku("OBJECTSTORE", "B91628", "Object Storage - Storage", "GB Months", "1 GiB MONTHS STORAGE_SIZE", new BigDecimal("0.0255")),
          new Sku("TELEMETRY", "B90926", "Monitoring Service - Retrieval", "Million Datapoints", "1000000 NONE NONE DATAPOINTS", new BigDecimal("0.0015")));

  static final String[][] COMPARTMENTS = {
    {"ocid1.compartment.oc1..aaaaaaaapayments", "payments"},
    {"ocid1.compartment.oc1..aaaaaaaasearch", "search"},
    {"ocid1.compartment.oc1..aaaaaaaaplatform", "platform"}
  };
  static final String[][] REGIONS = {{"us-ashburn-1", "iad-ad-1"}, {"eu-frankfurt-1", "fra-ad-2"}, {"us-sanjose-1", "sj-1"}};

  private static final DateTimeFormatter START = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter END = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  public static Result generate(SparkSession spark, Options o) throws IOException {
    if (o.rows() < 1 || o.months() < 1) {
      throw new IllegalArgumentException("rows and months must be at least 1");
    }
    String out = (o.out().endsWith("/") ? o.out().substring(0, o.out().length() - 1) : o.out()) + "/oci-cost";
    FileSystem fs = new Path(out).getFileSystem(spark.sparkContext().hadoopConfiguration());
    SplittableRandom rnd = new SplittableRandom(o.seed());
    List<String> files = new ArrayList<>();
    List<PeriodTotals> periods = new ArrayList<>();
    long written = 0;
    long perMonth = Math.max(20, o.rows() / (2L * o.months()));
    YearMonth first = o.lastMonth().minusMonths(o.months() - 1);
    long fileNo = 30000000L;
    for (String tenancy : List.of(TENANCY_A, TENANCY_B)) {
      String subscription = "ocid1.organizationssubscription.oc1..sub" + tenancy.substring(tenancy.length() - 4);
      for (YearMonth ym = first; !ym.isAfter(o.lastMonth()); ym = ym.plusMonths(1)) {
        List<String[]> rows = new ArrayList<>();
        BigDecimal total = BigDecimal.ZERO;
        long hours = ym.lengthOfMonth() * 24L;
        for (long i = 0; i < perMonth - 3; i++) {
          Instant start = ym.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC).plusSeconds(3600 * (i * hours / (perMonth - 3)));
          String[] r = usage(rnd, tenancy, subscription, start);
          rows.add(r);
          total = total.add(new BigDecimal(r[17]));
        }
        // A correction pair: the reversal of the first row, then the corrected row.
        String[] original = rows.get(0);
        String[] reversal = original.clone();
        reversal[0] = ref(rnd);
        reversal[10] = negate(original[10]);
        reversal[17] = negate(original[17]);
        reversal[23] = "true";
        reversal[24] = original[0];
        String[] corrected = original.clone();
        corrected[0] = ref(rnd);
        corrected[10] = new BigDecimal(original[10]).multiply(new BigDecimal("0.5")).stripTrailingZeros().toPlainString();
        corrected[17] = new BigDecimal(original[17]).multiply(new BigDecimal("0.5")).stripTrailingZeros().toPlainString();
        corrected[23] = "true";
        corrected[24] = original[0];
        rows.add(reversal);
        rows.add(corrected);
        total = total.add(new BigDecimal(reversal[17])).add(new BigDecimal(corrected[17]));
        String[] bad = usage(rnd, tenancy, subscription, ym.atDay(2).atStartOfDay().toInstant(ZoneOffset.UTC));
        bad[17] = BAD_COST;
        rows.add(bad);
        periods.add(new PeriodTotals(tenancy, ym.toString(), rows.size() - 1, total, 2, 1));
        int half = rows.size() / 2;
        for (List<String[]> part : List.of(rows.subList(0, half), rows.subList(half, rows.size()))) {
          String file = out + "/" + tenancy.substring(tenancy.length() - 4) + "/reports/cost-csv/" + (fileNo++) + ".csv.gz";
          write(fs, file, part);
          files.add(file);
        }
        written += rows.size();
      }
    }
    return new Result(written, files, periods);
  }

  private static String[] usage(SplittableRandom rnd, String tenancy, String subscription, Instant start) {
    Sku s = SKUS.get(rnd.nextInt(SKUS.size()));
    String[] c = COMPARTMENTS[rnd.nextInt(COMPARTMENTS.length)];
    String[] region = REGIONS[rnd.nextInt(REGIONS.length)];
    BigDecimal qty = BigDecimal.valueOf(1 + rnd.nextInt(4000)).movePointLeft(2);
    BigDecimal cost = qty.multiply(s.price).setScale(10, RoundingMode.HALF_UP).stripTrailingZeros();
    boolean overage = rnd.nextInt(8) == 0;
    String[] r = new String[HEADER.length];
    r[0] = ref(rnd);
    r[1] = tenancy;
    r[2] = START.format(start);
    r[3] = END.format(start.plusSeconds(3600));
    r[4] = s.service;
    r[5] = c[0];
    r[6] = c[1];
    r[7] = region[0];
    r[8] = s.service.equals("COMPUTE") || s.service.equals("DATABASE") ? region[1] : "";
    r[9] = "ocid1." + s.service.toLowerCase() + ".oc1." + region[0] + ".res" + rnd.nextInt(12);
    r[10] = qty.toPlainString();
    r[11] = overage ? qty.toPlainString() : "";
    r[12] = subscription;
    r[13] = s.sku;
    r[14] = s.description;
    r[15] = s.price.toPlainString();
    r[16] = overage ? s.price.toPlainString() : "";
    // E-notation now and then, as OCI writes (2.323760000E-9).
    r[17] = rnd.nextInt(5) == 0 && cost.scale() > 0 ? cost.unscaledValue() + "E-" + cost.scale() : cost.toPlainString();
    r[18] = overage ? cost.toPlainString() : "";
    r[19] = "USD";
    r[20] = s.readable;
    r[21] = s.unit;
    r[22] = overage ? "true" : "false";
    r[23] = "false";
    r[24] = String.valueOf(17000 + rnd.nextInt(100));
    r[25] = rnd.nextInt(3) == 0 ? "" : "default/ops@example.com";
    r[26] = c[1].equals("platform") ? "" : "CC-" + (100 + c[1].length());
    r[27] = rnd.nextBoolean() ? "production" : "development";
    return r;
  }

  private static String negate(String v) {
    return new BigDecimal(v).negate().toPlainString();
  }

  private static String ref(SplittableRandom rnd) {
    return String.format("%016x%016x", rnd.nextLong(), rnd.nextLong());
  }

  private static void write(FileSystem fs, String file, List<String[]> rows) throws IOException {
    try (OutputStream os = fs.create(new Path(file), true);
        Writer w = new OutputStreamWriter(new GZIPOutputStream(os), StandardCharsets.UTF_8)) {
      w.write(String.join(",", HEADER));
      w.write('\n');
      for (String[] r : rows) {
        List<String> cells = new ArrayList<>();
        for (String v : r) {
          cells.add(v.contains(",") || v.contains("\"") ? "\"" + v.replace("\"", "\"\"") + "\"" : v);
        }
        w.write(String.join(",", cells));
        w.write('\n');
      }
    }
  }
}
