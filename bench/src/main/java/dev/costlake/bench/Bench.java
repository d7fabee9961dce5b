package dev.costlake.bench;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark driver behind {@code scripts/bench}. Generates AWS CUR 2.0 Parquet with the
 * project's generator, runs {@code finops nightly} as a separate JVM (peak memory from {@code
 * /usr/bin/time -v}, else by sampling {@code /proc}), reads the run's step timings from {@code
 * pipeline_runs} and the totals of {@code cost_daily} with {@code finops sql}, runs the DuckDB
 * peer ({@link DuckPeer}) as a separate JVM on the same files, checks that both give the same
 * totals per billing period and currency, and writes a JSON result and a Markdown summary.
 *
 * <p>Exit code 0 when every check passed, 1 when a run failed or the totals differ, 2 on bad
 * usage. Timings are reported, never asserted.
 */
public final class Bench {
  private Bench() {}

  static final String USAGE =
      """
      usage: scripts/bench [--rows N] [--months N] [--smoke] [--incremental] [--heap SIZE]
                           [--no-peer] [--peer-threads N] [--work DIR] [--results FILE]
                           [--seed N] [--last-month YYYY-MM] [--spark KEY=VALUE ...] [--profile]
        --rows N          CUR 2.0 rows to generate (default 1000000; 10000000 and 50000000 on request)
        --months N        billing periods (default 12)
        --smoke           CI smoke mode: 100000 rows, no incremental scenario; checks, never times
        --incremental     also: load, rerun with nothing changed, restate one period, rerun;
                          and a one-period first load to compare with
        --heap SIZE       driver heap of the nightly JVM (default 2g, as scripts/finops)
        --no-peer         skip the DuckDB peer
        --peer-threads N  DuckDB threads (default: all cores, as Spark's local[*])
        --work DIR        generated data, warehouses, logs (default bench/target/work)
        --results FILE    JSON results (default <work>/results-<rows>.json)
        --spark KEY=VALUE extra Spark setting for the nightly runs (repeatable)
        --profile         record the first load with Java Flight Recorder (<work>/logs/*.jfr) and
                          report where its CPU time goes (parts of the run, kinds of work)
      """;

  record Opts(
      long rows,
      int months,
      long seed,
      YearMonth lastMonth,
      boolean smoke,
      boolean incremental,
      String heap,
      boolean peer,
      int peerThreads,
      Path work,
      Path results,
      List<String> spark,
      boolean profile) {}

  static Opts parse(String[] args) {
    long rows = 1_000_000;
    int months = 12;
    long seed = 42;
    YearMonth last = YearMonth.of(2025, 12);
    boolean smoke = false;
    boolean incremental = false;
    String heap = "2g";
    boolean peer = true;
    int threads = 0;
    Path work = Path.of("bench/target/work");
    Path results = null;
    List<String> spark = new ArrayList<>();
    boolean rowsGiven = false;
    boolean profile = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--rows" -> {
          rows = Long.parseLong(value(args, ++i, a).replace("_", ""));
          rowsGiven = true;
        }
        case "--months" -> months = Integer.parseInt(value(args, ++i, a));
        case "--seed" -> seed = Long.parseLong(value(args, ++i, a));
        case "--last-month" -> last = YearMonth.parse(value(args, ++i, a));
        case "--smoke" -> smoke = true;
        case "--incremental" -> incremental = true;
        case "--heap" -> heap = value(args, ++i, a);
        case "--no-peer" -> peer = false;
        case "--peer-threads" -> threads = Integer.parseInt(value(args, ++i, a));
        case "--work" -> work = Path.of(value(args, ++i, a));
        case "--results" -> results = Path.of(value(args, ++i, a));
        case "--spark" -> spark.add(value(args, ++i, a));
        case "--profile" -> profile = true;
        case "-h", "--help" -> throw new Usage(null);
        default -> throw new Usage("unknown option " + a);
      }
    }
    if (smoke && !rowsGiven) {
      rows = 100_000;
    }
    if (rows < months || months < 1) {
      throw new Usage("--rows must be at least --months, and --months at least 1");
    }
    if (results == null) {
      results = work.resolve("results-" + rows + (smoke ? "-smoke" : "") + ".json");
    }
    return new Opts(rows, months, seed, last, smoke, incremental, heap, peer, threads, work.toAbsolutePath(),
        results.toAbsolutePath(), spark, profile);
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new Usage(option + " needs a value");
    }
    return args[i];
  }

  static final class Usage extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Usage(String message) {
      super(message);
    }
  }

  public static void main(String[] args) throws Exception {
    Opts o;
    try {
      o = parse(args);
    } catch (Usage | NumberFormatException | java.time.DateTimeException e) {
      if (e.getMessage() != null) {
        System.err.println("bench: " + e.getMessage());
      }
      System.err.print(USAGE);
      System.exit(e.getMessage() == null ? 0 : 2);
      return;
    }
    System.exit(new Bench.Runner(o).run());
  }

  // ---------------------------------------------------------------------------------------

  /** One timed child process. */
  record Timed(String label, int exitCode, long wallMillis, Long peakRssKb, Long cpuMillis, double loadBefore,
      double loadAfter, Path stdout, Path stderr) {}

  static final class Runner {
    final Opts o;
    final Map<String, Object> result = new LinkedHashMap<>();
    final List<String> problems = new ArrayList<>();
    final Path logs;

    Runner(Opts o) {
      this.o = o;
      this.logs = o.work().resolve("logs");
    }

    int run() throws Exception {
      Files.createDirectories(logs);
      result.put("started_at", Instant.now().toString());
      result.put("machine", machine());
      Map<String, Object> params = new LinkedHashMap<>();
      params.put("rows_requested", o.rows());
      params.put("months", o.months());
      params.put("seed", o.seed());
      params.put("last_month", o.lastMonth().toString());
      params.put("layout", "AWS CUR 2.0 Parquet (generate-sample --providers aws --aws-layouts cur2)");
      params.put("nightly_heap", o.heap());
      params.put("spark_settings", o.spark());
      params.put("smoke", o.smoke());
      result.put("parameters", params);

      Path landing = generate("data-" + o.rows() + "-" + o.months() + "-" + o.seed(), o.rows(), o.months(), o.seed(), o.lastMonth());
      result.put("input", inputStats(landing));

      // 1. Full first load, then the peer on the same files.
      Path wh = o.work().resolve("wh-full");
      DuckPeer.deleteRecursively(wh);
      Timed full = nightly("nightly-full", landing, wh, o.profile());
      if (full.exitCode() != 0) { // nothing to query or compare: record the failed run and stop
        Map<String, Object> failed = new LinkedHashMap<>(process(full));
        failed.put("exit_code", full.exitCode());
        result.put("nightly", failed);
        return finish();
      }
      List<List<JsonNode>> q = sql(wh, RUNS, SILVER_ROWS, GOLD_TOTALS);
      List<JsonNode> fullRuns = q.get(0);
      Map<String, Object> ours = nightlyReport(full, fullRuns.isEmpty() ? null : fullRuns.get(fullRuns.size() - 1));
      ours.put("silver_rows", q.get(1).get(0).get("n").asLong());
      if (o.profile() && full.exitCode() == 0) {
        Path jfr = logs.resolve(full.label() + ".jfr");
        Map<String, Object> profile = Profile.summarize(jfr);
        profile.put("recording", "<work>/" + o.work().relativize(jfr));
        ours.put("profile", profile);
      }
      result.put("nightly", ours);
      Map<String, Map<String, Object>> ourTotals = totals(q.get(2));
      if (o.peer()) {
        peer(landing, full, ourTotals);
      }

      // 2. Incremental: load, unchanged rerun, one period restated, rerun; one-period first load.
      if (o.incremental()) {
        incremental(landing);
      }

      return finish();
    }

    /** Writes the JSON and Markdown results; 0 when every check held, else 1. */
    int finish() throws IOException {
      result.put("ended_at", Instant.now().toString());
      result.put("checks", problems.isEmpty() ? "OK" : problems);
      Files.createDirectories(o.results().getParent());
      Files.writeString(o.results(), Json.pretty(result) + "\n");
      String md = Markdown.summary(result);
      Files.writeString(Path.of(o.results().toString().replaceAll("\\.json$", "") + ".md"), md);
      System.out.println(md);
      System.out.println("results: " + o.results());
      if (!problems.isEmpty()) {
        System.err.println("bench: FAILED: " + String.join("; ", problems));
        return 1;
      }
      return 0;
    }

    // --- scenarios -----------------------------------------------------------------------

    void peer(Path landing, Timed ourRun, Map<String, Map<String, Object>> ourTotals) throws Exception {
      Path out = o.work().resolve("peer-" + o.rows());
      List<String> args = new ArrayList<>(List.of("-Xmx1g", "-cp", classpath(), DuckPeer.class.getName(),
          landing.resolve("aws-cur2").toString(), out.toString(), String.valueOf(o.peerThreads())));
      Timed t = run("peer", java(args));
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("engine", "DuckDB " + duckdbVersion() + " (JDBC, in-process), " + (o.peerThreads() == 0 ? "all cores" : o.peerThreads() + " threads"));
      p.putAll(process(t));
      if (t.exitCode() != 0) {
        problems.add("the DuckDB peer failed (exit " + t.exitCode() + "), see " + t.stderr());
        result.put("peer", p);
        return;
      }
      JsonNode j = mapper().readTree(lastLine(t.stdout()));
      p.put("silver_rows", j.get("silver_rows").asLong());
      p.put("dropped_rows", j.get("dropped_rows").asLong());
      p.put("silver_ms", j.get("silver_ms").asLong());
      p.put("gold_ms", j.get("gold_ms").asLong());
      p.put("in_process_ms", j.get("total_ms").asLong());
      p.put("silver_rows_per_s", perSecond(j.get("silver_rows").asLong(), t.wallMillis()));
      result.put("peer", p);
      Map<String, Map<String, Object>> peerTotals = new TreeMap<>();
      for (JsonNode n : j.get("totals")) {
        peerTotals.put(n.get("period").asText() + "|" + n.get("currency").asText(), totalsOf(n));
      }
      List<String> diffs = compare(ourTotals, peerTotals);
      Map<String, Object> check = new LinkedHashMap<>();
      check.put("periods_and_currencies", ourTotals.size());
      check.put("compared", List.of("gold_rows", "line_items", "effective_cost", "billed_cost", "list_cost", "contracted_cost"));
      check.put("status", diffs.isEmpty() ? "EQUAL" : "DIFFERENT");
      check.put("differences", diffs);
      check.put("silver_rows_ours", result.get("nightly") instanceof Map<?, ?> m ? m.get("silver_rows") : null);
      check.put("silver_rows_peer", j.get("silver_rows").asLong());
      if (!diffs.isEmpty()) {
        problems.add("peer totals differ from cost_daily: " + String.join("; ", diffs.subList(0, Math.min(5, diffs.size()))));
      }
      if (!java.util.Objects.equals(check.get("silver_rows_ours"), check.get("silver_rows_peer"))) {
        problems.add("silver rows differ: ours " + check.get("silver_rows_ours") + ", peer " + check.get("silver_rows_peer"));
      }
      result.put("peer_check", check);
      Map<String, Object> ratio = new LinkedHashMap<>();
      ratio.put("ours_process_ms", ourRun.wallMillis());
      ratio.put("peer_process_ms", t.wallMillis());
      ratio.put("ours_over_peer", ratio(ourRun.wallMillis(), t.wallMillis()));
      if (ourRun.cpuMillis() != null && t.cpuMillis() != null) {
        ratio.put("ours_cpu_ms", ourRun.cpuMillis());
        ratio.put("peer_cpu_ms", t.cpuMillis());
        ratio.put("cpu_ours_over_peer", ratio(ourRun.cpuMillis(), t.cpuMillis()));
      }
      if (t.peakRssKb() != null && ourRun.peakRssKb() != null) {
        ratio.put("peak_rss_ours_over_peer", ratio(ourRun.peakRssKb(), t.peakRssKb()));
      }
      result.put("ratio", ratio);
    }

    void incremental(Path base) throws Exception {
      Map<String, Object> inc = new LinkedHashMap<>();
      // A private copy of the landing: the restatement rewrites one period's folder in place.
      Path landing = o.work().resolve("incr-landing");
      DuckPeer.deleteRecursively(landing);
      copyTree(base, landing);
      Path wh = o.work().resolve("wh-incr");
      DuckPeer.deleteRecursively(wh);
      YearMonth restated = o.lastMonth().minusMonths(o.months() / 2);
      long periodRows = o.rows() / o.months();

      Timed load = nightly("incr-1-load", landing, wh);
      Timed same = nightly("incr-2-unchanged", landing, wh);
      long g0 = System.currentTimeMillis();
      Timed gen = generateInto(landing, periodRows, 1, o.seed() + 1, restated, "incr-restate-generate");
      if (gen.exitCode() != 0) {
        problems.add("generating the restated period failed, see " + gen.stderr());
      }
      long genMillis = System.currentTimeMillis() - g0;
      Timed restate = nightly("incr-3-restated", landing, wh);
      List<List<JsonNode>> q = sql(wh, RUNS,
          "SELECT x_BillingPeriod, change, previous_rows, new_rows FROM period_versions WHERE change = 'restated' ORDER BY x_BillingPeriod");
      List<JsonNode> runs = q.get(0);

      Path one = generate("one-" + periodRows + "-" + o.seed(), periodRows, 1, o.seed() + 1, restated);
      Path whOne = o.work().resolve("wh-one");
      DuckPeer.deleteRecursively(whOne);
      Timed first = nightly("one-period-load", one, whOne);
      List<JsonNode> oneRuns = sql(whOne, RUNS).get(0);

      inc.put("restated_period", restated.toString());
      inc.put("restated_period_rows_requested", periodRows);
      inc.put("restatement_generate_ms", genMillis);
      inc.put("load_12_periods", nightlyReport(load, runs.size() > 0 ? runs.get(0) : null));
      inc.put("rerun_unchanged", nightlyReport(same, runs.size() > 1 ? runs.get(1) : null));
      inc.put("rerun_one_period_restated", nightlyReport(restate, runs.size() > 2 ? runs.get(2) : null));
      inc.put("one_period_first_load", nightlyReport(first, oneRuns.isEmpty() ? null : oneRuns.get(0)));
      inc.put("restated_over_one_period", ratio(restate.wallMillis(), first.wallMillis()));
      inc.put("restated_over_full_load", ratio(restate.wallMillis(), load.wallMillis()));
      if (restate.cpuMillis() != null && first.cpuMillis() != null && load.cpuMillis() != null) {
        inc.put("cpu_restated_over_one_period", ratio(restate.cpuMillis(), first.cpuMillis()));
        inc.put("cpu_restated_over_full_load", ratio(restate.cpuMillis(), load.cpuMillis()));
      }
      // What the restatement did to the tables.
      inc.put("period_versions_restated", q.get(1));
      if (q.get(1).isEmpty()) {
        problems.add("the restated rerun recorded no 'restated' row in period_versions");
      }
      result.put("incremental", inc);
    }

    // --- steps ---------------------------------------------------------------------------

    /** Generates (once, cached by its parameters) CUR 2.0 Parquet and returns the landing. */
    Path generate(String name, long rows, int months, long seed, YearMonth last) throws Exception {
      Path dir = o.work().resolve(name);
      Path done = dir.resolve("_GENERATED");
      if (Files.exists(done)) {
        System.err.println("bench: reusing generated data " + dir);
        return dir.resolve("landing");
      }
      DuckPeer.deleteRecursively(dir);
      Timed t = generateInto(dir.resolve("landing"), rows, months, seed, last, "generate-" + name);
      if (t.exitCode() != 0) {
        throw new IllegalStateException("generating the CUR 2.0 files failed (exit " + t.exitCode() + "), see " + t.stderr());
      }
      Files.writeString(done, "generated in " + t.wallMillis() + " ms\n");
      return dir.resolve("landing");
    }

    Timed generateInto(Path landing, long rows, int months, long seed, YearMonth last, String label) throws Exception {
      List<String> args = new ArrayList<>(finops("-Xmx2g"));
      args.addAll(List.of("generate-sample", "--providers", "aws", "--aws-layouts", "cur2", "--rows", String.valueOf(rows),
          "--months", String.valueOf(months), "--seed", String.valueOf(seed), "--last-month", last.toString(),
          "--out", landing.toString()));
      return run(label, java(args));
    }

    Timed nightly(String label, Path landing, Path wh) throws Exception {
      return nightly(label, landing, wh, false);
    }

    Timed nightly(String label, Path landing, Path wh, boolean profile) throws Exception {
      List<String> args = new ArrayList<>(finops("-Xmx" + o.heap()));
      if (profile) { // JVM options go before -cp
        args.addAll(1, List.of("-XX:FlightRecorderOptions=stackdepth=256",
            "-XX:StartFlightRecording=filename=" + logs.resolve(label + ".jfr") + ",settings=profile"));
      }
      args.addAll(List.of("nightly", "--set", "landing=" + landing, "--set", "warehouse=" + wh,
          "--set", "sources=[{name=aws-cur2, format=aws-cur2, path=aws-cur2}]"));
      for (String s : o.spark()) {
        int eq = s.indexOf('=');
        if (eq < 0) {
          throw new Usage("--spark takes KEY=VALUE, got " + s);
        }
        args.addAll(List.of("--set", "spark.conf.\"" + s.substring(0, eq) + "\"=" + s.substring(eq + 1)));
      }
      Timed t = run(label, java(args));
      if (t.exitCode() != 0) {
        problems.add(label + ": finops nightly failed (exit " + t.exitCode() + "), see " + t.stderr());
      }
      return t;
    }

    /** Runs queries through one `finops sql --format json`; returns each query's rows. */
    List<List<JsonNode>> sql(Path wh, String... queries) throws Exception {
      List<String> args = new ArrayList<>(finops("-Xmx1g"));
      args.addAll(List.of("sql", "--format", "json", "--limit", "100000", "--set", "warehouse=" + wh));
      args.addAll(List.of(queries));
      Timed t = run("sql", java(args));
      if (t.exitCode() != 0) {
        throw new IllegalStateException("finops sql failed (exit " + t.exitCode() + "), see " + t.stderr());
      }
      // One JSON object per line; a blank line between the results of two queries.
      List<List<JsonNode>> out = new ArrayList<>();
      out.add(new ArrayList<>());
      for (String l : Files.readAllLines(t.stdout())) {
        if (l.isBlank()) {
          out.add(new ArrayList<>());
        } else if (l.startsWith("{")) {
          out.get(out.size() - 1).add(mapper().readTree(l));
        }
      }
      if (out.size() != queries.length) {
        throw new IllegalStateException("finops sql printed " + out.size() + " results for " + queries.length + " queries, see " + t.stdout());
      }
      return out;
    }

    static final String RUNS = "SELECT run_id, job, outcome, duration_ms, step_ms, counters FROM pipeline_runs ORDER BY started_at";
    static final String SILVER_ROWS = "SELECT count(*) AS n FROM cost_line_items";
    static final String GOLD_TOTALS =
        "SELECT x_BillingPeriod AS period, BillingCurrency AS currency, count(*) AS gold_rows, sum(LineItems) AS line_items,"
            + " sum(EffectiveCost) AS effective_cost, sum(BilledCost) AS billed_cost, sum(ListCost) AS list_cost,"
            + " sum(ContractedCost) AS contracted_cost FROM cost_daily GROUP BY ALL ORDER BY ALL";

    static Map<String, Map<String, Object>> totals(List<JsonNode> rows) {
      Map<String, Map<String, Object>> out = new TreeMap<>();
      for (JsonNode n : rows) {
        out.put(n.get("period").asText() + "|" + n.get("currency").asText(), totalsOf(n));
      }
      return out;
    }

    Map<String, Object> nightlyReport(Timed t, JsonNode run) {
      Map<String, Object> m = new LinkedHashMap<>(process(t));
      if (run != null) {
        m.put("run_id", run.get("run_id").asText());
        m.put("outcome", run.get("outcome").asText());
        m.put("duration_ms_in_process", run.get("duration_ms").asLong());
        Map<String, Long> steps = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = run.get("step_ms").fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          steps.put(e.getKey(), e.getValue().asLong());
        }
        m.put("step_ms", steps);
        Map<String, Long> counters = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = run.get("counters").fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          counters.put(e.getKey(), e.getValue().asLong());
        }
        m.put("counters", counters);
        Long raw = counters.get("raw_rows");
        if (raw != null) {
          m.put("raw_rows", raw);
          m.put("raw_rows_per_s", perSecond(raw, t.wallMillis()));
        }
      }
      return m;
    }

    Map<String, Object> process(Timed t) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("exit_code", t.exitCode());
      m.put("process_ms", t.wallMillis());
      m.put("cpu_ms", t.cpuMillis());
      m.put("peak_rss_mb", t.peakRssKb() == null ? null : t.peakRssKb() / 1024);
      m.put("load1_before", t.loadBefore());
      m.put("load1_after", t.loadAfter());
      m.put("log", o.work().relativize(t.stderr()).toString());
      return m;
    }

    // --- processes -----------------------------------------------------------------------

    List<String> finops(String heap) {
      List<String> a = new ArrayList<>();
      a.add(heap);
      a.addAll(JVM_FLAGS);
      Path log4j = Path.of("conf/log4j2.properties").toAbsolutePath();
      if (Files.exists(log4j)) {
        a.add("-Dlog4j2.configurationFile=" + log4j);
      }
      a.addAll(List.of("-cp", classpath(), "dev.costlake.cli.Finops"));
      return a;
    }

    List<String> java(List<String> args) {
      List<String> cmd = new ArrayList<>();
      cmd.add(ProcessHandle.current().info().command().orElse("java"));
      cmd.addAll(args);
      return cmd;
    }

    int seq;

    Timed run(String label, List<String> cmd) throws Exception {
      String name = String.format(Locale.ROOT, "%02d-%s", ++seq, label);
      Path out = logs.resolve(name + ".out");
      Path err = logs.resolve(name + ".err");
      Path timeFile = logs.resolve(name + ".time");
      boolean gnuTime = Files.isExecutable(Path.of("/usr/bin/time"));
      List<String> full = new ArrayList<>();
      if (gnuTime) {
        full.addAll(List.of("/usr/bin/time", "-v", "-o", timeFile.toString()));
      }
      full.addAll(cmd);
      if (!label.equals("sql")) {
        System.err.println("bench: " + label + " ...");
      }
      double before = load1();
      long t0 = System.nanoTime();
      ProcessBuilder pb = new ProcessBuilder(full).redirectOutput(out.toFile()).redirectError(err.toFile());
      pb.environment().putIfAbsent("SPARK_LOCAL_IP", "127.0.0.1");
      Process p = pb.start();
      long peak = 0;
      while (!p.waitFor(250, java.util.concurrent.TimeUnit.MILLISECONDS)) {
        if (!gnuTime) {
          peak = Math.max(peak, treeRssKb(p.toHandle()));
        }
      }
      long wall = (System.nanoTime() - t0) / 1_000_000;
      Long rss = gnuTime ? maxRss(timeFile) : (peak > 0 ? peak : null);
      Long cpu = gnuTime ? cpuMillis(timeFile) : null;
      Timed t = new Timed(label, p.exitValue(), wall, rss, cpu, before, load1(), out, err);
      if (!label.equals("sql")) {
        System.err.println("bench: " + label + " exit " + t.exitCode() + " in " + wall + " ms, peak RSS "
            + (rss == null ? "n/a" : rss / 1024 + " MB") + (cpu == null ? "" : ", CPU " + cpu + " ms"));
      }
      return t;
    }

    static Long maxRss(Path timeFile) {
      try {
        Matcher m = Pattern.compile("Maximum resident set size \\(kbytes\\): (\\d+)").matcher(Files.readString(timeFile));
        return m.find() ? Long.parseLong(m.group(1)) : null;
      } catch (IOException e) {
        return null;
      }
    }

    /** User + system CPU time of the process (all its threads), from GNU time. */
    static Long cpuMillis(Path timeFile) {
      try {
        String text = Files.readString(timeFile);
        Matcher u = Pattern.compile("User time \\(seconds\\): ([0-9.]+)").matcher(text);
        Matcher s = Pattern.compile("System time \\(seconds\\): ([0-9.]+)").matcher(text);
        if (u.find() && s.find()) {
          return Math.round((Double.parseDouble(u.group(1)) + Double.parseDouble(s.group(1))) * 1000);
        }
      } catch (IOException | RuntimeException e) {
        // no figure
      }
      return null;
    }

    /** RSS of a process and its descendants, from /proc (the fallback without GNU time). */
    static long treeRssKb(ProcessHandle h) {
      long sum = rssKb(h.pid());
      for (ProcessHandle c : h.descendants().toList()) {
        sum += rssKb(c.pid());
      }
      return sum;
    }

    static long rssKb(long pid) {
      try {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
          if (l.startsWith("VmRSS:")) {
            return Long.parseLong(l.replaceAll("\\D", ""));
          }
        }
      } catch (IOException | RuntimeException e) {
        // process gone or no /proc: no sample
      }
      return 0;
    }

    static double load1() {
      try {
        return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split("\\s+")[0]);
      } catch (IOException | RuntimeException e) {
        return -1;
      }
    }

    static String classpath() {
      return System.getProperty("java.class.path");
    }

    static String lastLine(Path p) throws IOException {
      List<String> lines = Files.readAllLines(p);
      for (int i = lines.size() - 1; i >= 0; i--) {
        if (lines.get(i).startsWith("{")) {
          return lines.get(i);
        }
      }
      throw new IOException("no JSON line in " + p);
    }

    static String duckdbVersion() {
      try (var c = java.sql.DriverManager.getConnection("jdbc:duckdb:");
          var s = c.createStatement();
          var r = s.executeQuery("SELECT version()")) {
        r.next();
        return r.getString(1);
      } catch (Exception e) {
        return "?";
      }
    }

    /** Hard links for the Parquet data (never rewritten in place), copies for everything else. */
    static void copyTree(Path from, Path to) throws IOException {
      try (var walk = Files.walk(from)) {
        for (Path p : walk.toList()) {
          Path q = to.resolve(from.relativize(p).toString());
          if (Files.isDirectory(p)) {
            Files.createDirectories(q);
          } else if (p.getFileName().toString().endsWith(".parquet")) {
            try {
              Files.createLink(q, p);
            } catch (IOException | UnsupportedOperationException e) {
              Files.copy(p, q);
            }
          } else {
            Files.copy(p, q);
          }
        }
      }
    }

    Map<String, Object> inputStats(Path landing) throws IOException {
      long files = 0;
      long bytes = 0;
      try (var walk = Files.walk(landing)) {
        for (Path p : walk.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".parquet")).toList()) {
          files++;
          bytes += Files.size(p);
        }
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("parquet_files", files);
      m.put("parquet_mb", BigDecimal.valueOf(bytes).divide(BigDecimal.valueOf(1 << 20), 1, RoundingMode.HALF_UP));
      return m;
    }
  }

  // ---------------------------------------------------------------------------------------

  static final List<String> JVM_FLAGS =
      List.of(
          "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
          "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED", "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
          "--add-opens=java.base/sun.security.action=ALL-UNNAMED", "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
          "-Djdk.reflect.useDirectMethodHandle=false", "-Dio.netty.tryReflectionSetAccessible=true",
          // As scripts/finops: no spurious out-of-memory while compression codecs hold off GC.
          "-XX:+UnlockDiagnosticVMOptions", "-XX:GCLockerRetryAllocationCount=100",
          // As scripts/finops: Spark's large generated methods compiled, not interpreted.
          "-XX:-DontCompileHugeMethods",
          // As scripts/finops: the throughput collector.
          "-XX:+UseParallelGC");

  static ObjectMapper mapper() {
    return new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
  }

  static Map<String, Object> totalsOf(JsonNode n) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("gold_rows", n.get("gold_rows").asLong());
    m.put("line_items", n.get("line_items").asLong());
    for (String k : List.of("effective_cost", "billed_cost", "list_cost", "contracted_cost")) {
      JsonNode v = n.get(k);
      m.put(k, v == null || v.isNull() ? null : new BigDecimal(v.asText()));
    }
    return m;
  }

  /** Differences between two totals maps, exact (BigDecimal compareTo), named by key and field. */
  static List<String> compare(Map<String, Map<String, Object>> ours, Map<String, Map<String, Object>> peer) {
    List<String> diffs = new ArrayList<>();
    java.util.Set<String> keys = new java.util.TreeSet<>(ours.keySet());
    keys.addAll(peer.keySet());
    for (String k : keys) {
      Map<String, Object> a = ours.get(k);
      Map<String, Object> b = peer.get(k);
      if (a == null || b == null) {
        diffs.add(k + ": only in " + (a == null ? "the peer" : "cost_daily"));
        continue;
      }
      for (String f : a.keySet()) {
        Object x = a.get(f);
        Object y = b.get(f);
        boolean same = x instanceof BigDecimal bx && y instanceof BigDecimal by ? bx.compareTo(by) == 0 : java.util.Objects.equals(x, y);
        if (!same) {
          diffs.add(k + " " + f + ": cost_daily " + x + ", peer " + y);
        }
      }
    }
    return diffs;
  }

  static BigDecimal ratio(long a, long b) {
    return b == 0 ? null : BigDecimal.valueOf(a).divide(BigDecimal.valueOf(b), 2, RoundingMode.HALF_UP);
  }

  static long perSecond(long rows, long millis) {
    return millis == 0 ? 0 : rows * 1000 / millis;
  }

  /** nproc, RAM, CPU model, OS and Java: no paths, no host names. */
  static Map<String, Object> machine() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("nproc", Runtime.getRuntime().availableProcessors());
    m.put("ram_gb", memTotalGb());
    m.put("cpu", cpuModel());
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
    m.put("java", System.getProperty("java.vendor") + " " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
    m.put("note", "load1 is recorded before and after each process; other work on the machine shares its cores");
    return m;
  }

  static Object memTotalGb() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/meminfo"), StandardCharsets.UTF_8)) {
        if (l.startsWith("MemTotal:")) {
          long kb = Long.parseLong(l.replaceAll("\\D", ""));
          return BigDecimal.valueOf(kb).divide(BigDecimal.valueOf(1024L * 1024), 1, RoundingMode.HALF_UP);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return null;
  }

  static String cpuModel() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
        if (l.startsWith("model name")) {
          return l.substring(l.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return null;
  }
}
