package dev.costlake.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlake.cli.Finops;
import dev.costlake.testing.Frames;
import dev.costlake.testing.S3MockServer;
import dev.costlake.testing.TestSpark;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * End to end against an S3-compatible server: the real FOCUS 1.0 sample is uploaded to an
 * S3Mock bucket through S3A, {@code finops nightly} runs with landing and warehouse on s3a://, and
 * the Delta tables are read back from the bucket and checked against totals computed here
 * straight from the CSV.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class S3RoundTripTest {
  private static final String SAMPLE = "/external/focus-sample-data-1.0/focus_sample.csv";

  private static S3MockServer s3;
  private static Runnable restoreCredentials;
  private static final Map<String, String> hadoopBefore = new HashMap<>();
  private static SparkSession spark;
  private static String bucket;
  private static FileSystem fs;

  @BeforeAll
  static void startServer() {
    s3 = S3MockServer.launch(); // boots (~10 s) while Spark starts
    spark = TestSpark.get(); // before any CLI run, so the CLI joins this session
    remember(spark.sparkContext().hadoopConfiguration());
    restoreCredentials = S3MockServer.useDummyCredentials();
    s3.awaitReady();
    bucket = "costlake-it-" + UUID.randomUUID().toString().substring(0, 8);
    s3.createBucket(bucket);
  }

  @AfterAll
  static void stopServer() throws IOException {
    try {
      if (fs != null) {
        fs.close(); // drops the cached S3A client of our bucket
      }
      if (spark != null) {
        // Put back the session's S3A settings for later tests.
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        for (Map.Entry<String, String> e : hadoopBefore.entrySet()) {
          if (e.getValue() == null) {
            conf.unset(e.getKey());
          } else {
            conf.set(e.getKey(), e.getValue());
          }
        }
      }
    } finally {
      if (s3 != null) {
        s3.close();
      }
      if (restoreCredentials != null) {
        restoreCredentials.run();
      }
    }
  }

  private static void remember(Configuration conf) {
    for (String k :
        List.of(
            "endpoint",
            "endpoint.region",
            "path.style.access",
            "connection.ssl.enabled",
            "aws.credentials.provider",
            "attempts.maximum",
            "retry.limit")) {
      hadoopBefore.put("fs.s3a." + k, conf.get("fs.s3a." + k));
    }
  }

  @Test
  void nightlyRoundTripThroughS3() throws Exception {
    String landing = "s3a://" + bucket + "/landing";
    String warehouse = "s3a://" + bucket + "/wh";
    List<String> settings = new ArrayList<>();
    settings.addAll(List.of("--set", "landing=" + landing));
    settings.addAll(List.of("--set", "warehouse=" + warehouse));
    settings.addAll(List.of("--set", "spark.master=local[2]"));
    settings.addAll(s3.s3aSettings());

    // 1. `finops tables` on the empty bucket: exits 0 and puts the S3A settings on the session.
    CliRun empty = finops("tables", settings);
    assertEquals(0, empty.code, "finops tables (empty) failed:\n" + empty);
    assertTrue(empty.out.contains("No tables in " + warehouse), "unexpected output:\n" + empty);
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    assertEquals(s3.endpoint(), hadoop.get("fs.s3a.endpoint"));
    assertEquals(S3MockServer.REGION, hadoop.get("fs.s3a.endpoint.region"));
    assertEquals("true", hadoop.get("fs.s3a.path.style.access"));

    // 2. Upload the real FOCUS 1.0 sample through S3A.
    byte[] csv = sampleBytes();
    Path landed = new Path(landing + "/focus/focus_sample.csv");
    fs = FileSystem.get(URI.create("s3a://" + bucket + "/"), hadoop);
    try (FSDataOutputStream os = fs.create(landed, true)) {
      os.write(csv);
    }
    assertEquals(csv.length, fs.getFileStatus(landed).getLen(), "uploaded object size");

    Expected expected = expectedFromCsv(csv);
    assertEquals(1000, expected.rows, "data rows in the sample CSV");

    // 3. The whole pipeline, landing and warehouse on S3.
    long t0 = System.nanoTime();
    CliRun nightly = finops("nightly", settings);
    long nightlyMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertEquals(0, nightly.code, "finops nightly failed:\n" + nightly);
    System.out.println("S3RoundTripTest: nightly on S3Mock took " + nightlyMs + " ms");

    // 4. Read the Delta tables straight from the bucket.
    Dataset<Row> silver = delta(warehouse, "cost_line_items");
    Dataset<Row> quarantine = delta(warehouse, "quarantine_line_items");
    Dataset<Row> gold = delta(warehouse, "cost_daily");
    assertEquals(expected.rows, silver.count(), "rows in silver cost_line_items");
    assertEquals(0, quarantine.count(), "rows in quarantine_line_items");
    Frames.assertMoney(expected.billed, Frames.sum(silver, "BilledCost"), "Σ BilledCost in silver");
    Frames.assertMoney(
        expected.effective, Frames.sum(silver, "EffectiveCost"), "Σ EffectiveCost in silver");
    Frames.assertMoney(expected.billed, Frames.sum(gold, "BilledCost"), "Σ BilledCost in cost_daily");
    assertTrue(delta(warehouse, "reconciliation").count() > 0, "reconciliation rows");
    assertTrue(delta(warehouse, "pipeline_runs").count() > 0, "pipeline_runs rows");

    // 5. The Delta log really is in the bucket.
    FileStatus[] log = fs.listStatus(new Path(warehouse + "/cost_daily/_delta_log/"));
    List<String> logNames = new ArrayList<>();
    for (FileStatus st : log) {
      logNames.add(st.getPath().getName());
    }
    assertTrue(
        logNames.contains("00000000000000000000.json"),
        "cost_daily/_delta_log in the bucket holds " + logNames);

    // 6. `finops tables` now lists the tables from S3.
    CliRun tables = finops("tables", settings);
    assertEquals(0, tables.code, "finops tables failed:\n" + tables);
    Matcher m =
        Pattern.compile(
                "(?m)^cost_daily\\s+(\\d+)\\s+(\\d+)\\s+" + Pattern.quote(warehouse + "/cost_daily") + "\\s*$")
            .matcher(tables.out);
    assertTrue(m.find(), "finops tables does not list cost_daily:\n" + tables);
    assertEquals(gold.count(), Long.parseLong(m.group(1)), "cost_daily rows listed by finops tables");
  }

  private static Dataset<Row> delta(String warehouse, String table) {
    return spark.read().format("delta").load(warehouse + "/" + table);
  }

  private static byte[] sampleBytes() throws IOException {
    try (InputStream in = S3RoundTripTest.class.getResourceAsStream(SAMPLE)) {
      assertNotNull(in, "test resource " + SAMPLE + " is missing");
      return in.readAllBytes();
    }
  }

  // ---------------------------------------------------------------- independent CSV reading

  record Expected(long rows, BigDecimal billed, BigDecimal effective) {}

  /** Data rows and Σ BilledCost / Σ EffectiveCost of the CSV ({@code NULL} or empty: no value). */
  static Expected expectedFromCsv(byte[] csv) throws IOException {
    List<List<String>> records =
        readCsv(new InputStreamReader(new ByteArrayInputStream(csv), StandardCharsets.UTF_8));
    List<String> header = records.get(0);
    int billed = header.indexOf("BilledCost");
    int effective = header.indexOf("EffectiveCost");
    assertTrue(billed >= 0 && effective >= 0, "sample header lacks cost columns: " + header);
    BigDecimal billedSum = BigDecimal.ZERO;
    BigDecimal effectiveSum = BigDecimal.ZERO;
    long rows = 0;
    for (List<String> r : records.subList(1, records.size())) {
      assertEquals(header.size(), r.size(), "fields in data row " + (rows + 1));
      rows++;
      billedSum = billedSum.add(money(r.get(billed)));
      effectiveSum = effectiveSum.add(money(r.get(effective)));
    }
    return new Expected(rows, billedSum, effectiveSum);
  }

  private static BigDecimal money(String v) {
    String s = v.trim();
    return s.isEmpty() || s.equals("NULL") ? BigDecimal.ZERO : new BigDecimal(s);
  }

  /**
   * RFC 4180: fields separated by commas, records by CRLF or LF; a quoted field may hold commas,
   * line breaks and doubled quotes. A leading BOM is dropped; a blank last line is not a record.
   */
  static List<List<String>> readCsv(Reader reader) throws IOException {
    List<List<String>> out = new ArrayList<>();
    List<String> record = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    boolean sawAny = false; // anything in the current record
    int c = reader.read();
    if (c == '\uFEFF') {
      c = reader.read();
    }
    while (c != -1) {
      int next = reader.read();
      if (quoted) {
        if (c == '"') {
          if (next == '"') {
            field.append('"');
            next = reader.read();
          } else {
            quoted = false;
          }
        } else {
          field.append((char) c);
        }
      } else if (c == '"') {
        quoted = true;
        sawAny = true;
      } else if (c == ',') {
        record.add(field.toString());
        field.setLength(0);
        sawAny = true;
      } else if (c == '\r' || c == '\n') {
        if (c == '\r' && next == '\n') {
          next = reader.read();
        }
        if (sawAny || field.length() > 0) {
          record.add(field.toString());
          out.add(record);
        }
        record = new ArrayList<>();
        field.setLength(0);
        sawAny = false;
      } else {
        field.append((char) c);
        sawAny = true;
      }
      c = next;
    }
    assertTrue(!quoted, "CSV ends inside a quoted field");
    if (sawAny || field.length() > 0) {
      record.add(field.toString());
      out.add(record);
    }
    return out;
  }

  // ---------------------------------------------------------------- running the CLI

  record CliRun(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
    }
  }

  /**
   * Runs {@code finops <command> <args>} in-process. Commands print to System.out / System.err
   * (progress, table listings), so both are captured for the run and still echoed.
   */
  private static CliRun finops(String command, List<String> args) {
    List<String> argv = new ArrayList<>();
    argv.add(command);
    argv.addAll(args);
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream teeOut = new PrintStream(new Tee(oldOut, out), true, StandardCharsets.UTF_8);
    PrintStream teeErr = new PrintStream(new Tee(oldErr, err), true, StandardCharsets.UTF_8);
    int code;
    System.setOut(teeOut);
    System.setErr(teeErr);
    try {
      code = Finops.execute(teeOut, teeErr, argv.toArray(String[]::new));
    } finally {
      teeOut.flush();
      teeErr.flush();
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    return new CliRun(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static final class Tee extends OutputStream {
    private final OutputStream a;
    private final OutputStream b;

    Tee(OutputStream a, OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public synchronized void write(int x) throws IOException {
      a.write(x);
      b.write(x);
    }

    @Override
    public synchronized void write(byte[] buf, int off, int len) throws IOException {
      a.write(buf, off, len);
      b.write(buf, off, len);
    }

    @Override
    public void flush() throws IOException {
      a.flush();
      b.flush();
    }
  }
}
