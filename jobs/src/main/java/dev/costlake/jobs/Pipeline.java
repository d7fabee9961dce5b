package dev.costlake.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.costlake.config.SourceConfig;
import dev.costlake.errors.Errors;
import dev.costlake.gold.CostDaily;
import dev.costlake.gold.GoldStep;
import dev.costlake.gold.GoldSteps;
import dev.costlake.gold.SilverSummary;
import dev.costlake.io.GoldPending;
import dev.costlake.io.Warehouse;
import dev.costlake.model.Focus;
import dev.costlake.model.Tables;
import dev.costlake.quality.Quarantine;
import dev.costlake.quality.InvoiceTotals;
import dev.costlake.quality.Reconciliation;
import dev.costlake.sources.FormatDetector;
import dev.costlake.sources.LandingFiles;
import dev.costlake.sources.RawReader;
import dev.costlake.sources.SourceFile;
import dev.costlake.sources.Normalizers;
import dev.costlake.sources.aws.CurManifests;
import dev.costlake.sources.azure.AzureExports;
import dev.costlake.spark.DiskStage;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.time.YearMonth;
import java.time.ZoneOffset;
import dev.costlake.incremental.FileState;
import dev.costlake.incremental.Planner;
import dev.costlake.incremental.Unit;
import dev.costlake.incremental.UnitFingerprint;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The steps of a run, in order: discover landing files, ingest them to bronze, transform to
 * silver and quarantine, build gold, reconcile. Business rules live in pipeline-core; this class
 * only sequences them and reports progress.
 */
public final class Pipeline {
  private final RunContext ctx;
  private final Map<String, Long> stepMillis = new LinkedHashMap<>();
  private final Map<String, Long> counters = new LinkedHashMap<>();

  public Pipeline(RunContext ctx) {
    this.ctx = ctx;
    this.ownership = new OwnershipStage(ctx);
  }

  private final OwnershipStage ownership;

  public Map<String, Long> stepMillis() {
    return stepMillis;
  }

  public Map<String, Long> counters() {
    return counters;
  }

  /** A source's landing files and their detected format. */
  public record Landed(SourceConfig source, List<SourceFile> files, String format) {}

  /** Lists each configured source's files and detects (or checks) their export format. */
  public List<Landed> discover() {
    long t0 = System.currentTimeMillis();
    List<Landed> out = new ArrayList<>();
    for (SourceConfig s : ctx.config().sources()) {
      String root = ctx.config().resolveLandingPath(s.path());
      LandingFiles.Listing listing = LandingFiles.list(ctx.spark(), root);
      for (String ignored : listing.ignored()) {
        ctx.progress().step("discover", "source " + s.name() + ": ignoring " + ignored + " (not .csv, .csv.gz, .parquet, .avro or .json)");
      }
      if (listing.files().isEmpty()) {
        ctx.progress().step("discover", "source " + s.name() + ": no export files under " + root);
        continue;
      }
      Map<String, Integer> detected = new TreeMap<>();
      List<SourceFile> usable = new ArrayList<>();
      String sourceFormat = null;
      for (SourceFile f : listing.files()) {
        if (f.columns().isEmpty()) {
          ctx.progress().step("discover", "source " + s.name() + ": " + f.path() + " is empty (no header); nothing to read");
          continue;
        }
        String format = FormatDetector.detect(f.columns());
        if (format == null) {
          throw Errors.unknownFormat(s.name(), f.path(), "columns " + preview(f.columns()));
        }
        if (!SourceConfig.AUTO.equals(s.format()) && !s.format().equals(format)) {
          throw Errors.unknownFormat(
              s.name(), f.path(), "configured as " + s.format() + " but its columns look like " + format);
        }
        if (!Normalizers.SUPPORTED.contains(format)) {
          throw Errors.unsupportedFormat(s.name(), f.path(), format);
        }
        if (sourceFormat != null && !sourceFormat.equals(format)) {
          throw Errors.unknownFormat(
              s.name(), f.path(), "its columns look like " + format + " but other files of the source are "
                  + sourceFormat + "; give each export format its own source");
        }
        sourceFormat = format;
        checkRequired(s, f, Normalizers.required(format));
        Normalizers.validate(format, s.name(), f);
        String version = FormatDetector.FOCUS.equals(format) ? FormatDetector.focusVersion(f.columns()) : format;
        detected.merge(version + "/" + f.encoding().name().toLowerCase(Locale.ROOT), 1, Integer::sum);
        usable.add(f);
      }
      usable = withoutDuplicates(s.name(), usable);
      if (!listing.manifests().isEmpty()) {
        CurManifests.Selection sel =
            CurManifests.select(ctx.spark().sparkContext().hadoopConfiguration(), usable, listing.manifests());
        for (CurManifests.Assembly a : sel.assemblies()) {
          ctx.progress().step("discover", "source " + s.name() + ": " + a.manifest() + " names assembly " + a.assemblyId());
        }
        for (String old : sel.superseded()) {
          ctx.progress().step("discover", "source " + s.name() + ": skipping " + old + " (superseded assembly)");
        }
        usable = sel.current();
      }
      if (FormatDetector.AZURE_COST.equals(sourceFormat) && !listing.manifests().isEmpty()) {
        AzureExports.Selection sel =
            AzureExports.select(ctx.spark().sparkContext().hadoopConfiguration(), usable, listing.manifests());
        for (String old : sel.superseded()) {
          ctx.progress().step("discover", "source " + s.name() + ": skipping " + old + " (superseded export run)");
        }
        usable = sel.current();
      }
      ctx.progress().step(
          "discover",
          "source " + s.name() + " (" + root + "): " + usable.size() + " files, "
              + (SourceConfig.AUTO.equals(s.format()) ? "detected " : "format ") + detected);
      if (!usable.isEmpty()) {
        out.add(new Landed(s, usable, sourceFormat));
      }
    }
    stepMillis.put("discover", System.currentTimeMillis() - t0);
    return out;
  }

  /**
   * Drops byte-identical copies of a file within a source (a file uploaded twice would double
   * its cost), keeping the first by path and saying so. Only files of equal size are hashed.
   */
  private List<SourceFile> withoutDuplicates(String source, List<SourceFile> files) {
    Map<Long, List<SourceFile>> bySize = new TreeMap<>();
    files.forEach(f -> bySize.computeIfAbsent(f.size(), x -> new ArrayList<>()).add(f));
    Set<String> dropped = new TreeSet<>();
    for (List<SourceFile> same : bySize.values()) {
      if (same.size() < 2) {
        continue;
      }
      Map<String, String> firstByHash = new TreeMap<>();
      for (SourceFile f : same) {
        String h = LandingFiles.sha256(ctx.spark(), f.path());
        String first = firstByHash.putIfAbsent(h, f.path());
        if (first != null) {
          dropped.add(f.path());
          ctx.progress().step("discover", "source " + source + ": skipping " + f.path() + " (identical to " + first + ": duplicated file)");
        }
      }
    }
    counters.merge("duplicate_files", (long) dropped.size(), Long::sum);
    List<SourceFile> out = new ArrayList<>();
    files.forEach(f -> { if (!dropped.contains(f.path())) out.add(f); });
    return out;
  }

  private static void checkRequired(SourceConfig s, SourceFile f, List<String> required) {
    Set<String> have =
        f.columns().stream().map(c -> c.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    Set<String> defaults =
        s.defaults().keySet().stream().map(c -> c.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    List<String> missing = new ArrayList<>();
    for (String req : required) {
      String l = req.toLowerCase(Locale.ROOT);
      if (!have.contains(l) && !defaults.contains(l)) {
        missing.add(req);
      }
    }
    if (!missing.isEmpty()) {
      throw Errors.missingColumns(s.name(), f.path(), missing);
    }
  }

  private static String preview(List<String> cols) {
    return cols.size() <= 8 ? cols.toString() : cols.subList(0, 8) + " … (" + cols.size() + " columns)";
  }

  /** How a nightly run chooses its work. */
  public record Options(boolean fullRefresh, Set<String> periods) {
    public static final Options DEFAULT = new Options(false, Set.of());
  }

  /** One source's share of a run: what to read and which units it may replace. */
  record Batch(
      Landed landed,
      List<SourceFile> toRead,
      List<String> removed,
      Set<String> affectedKeys,
      boolean fullRefresh,
      Dataset<Row> raw) {}

  /**
   * The nightly path: for each source, work out which landing files changed since the
   * ingestion log last saw them, re-read every file holding an affected unit, and replace only
   * the units whose content changed. The open and the last closed month are always
   * reconsidered; --full-refresh and --periods override.
   */
  public void nightly(List<Landed> landed, Options opts) {
    long t0 = System.currentTimeMillis();
    Map<String, Map<String, FileState>> known = knownFiles();
    Set<String> forced = new TreeSet<>(opts.periods());
    if (opts.periods().isEmpty()) {
      YearMonth open = YearMonth.from(ctx.started().atZone(ZoneOffset.UTC));
      forced.add(open.toString());
      forced.add(open.minusMonths(1).toString());
    }
    List<Batch> batches = new ArrayList<>();
    for (Landed l : landed) {
      String name = l.source().name();
      Map<String, FileState> k = known.getOrDefault(name, Map.of());
      boolean full = opts.fullRefresh() || k.isEmpty();
      if (full) {
        batches.add(new Batch(l, l.files(), List.of(), null, true, null));
        ctx.progress().step("plan", "source " + name + ": " + (k.isEmpty() ? "first run" : "full refresh") + ", reading all " + l.files().size() + " files");
        continue;
      }
      Planner.Plan plan = Planner.plan(l.files(), k, forced);
      if (!plan.changed().isEmpty()) {
        Set<String> fresh = new TreeSet<>();
        Dataset<Row> probe = Normalizers.normalize(l.format(), RawReader.read(ctx.spark(), plan.changed(), l.format()), name, ctx.runId(), l.source().defaults());
        List<Row> units;
        try {
          units = probe.select(Focus.BillingAccountId, Focus.X_BILLING_PERIOD).distinct().collectAsList();
        } catch (Exception e) { // Spark throws its checked SparkException unchecked
          throw readFailure(e);
        }
        for (Row r : units) {
          if (!r.isNullAt(0) && !r.isNullAt(1)) {
            fresh.add(r.getString(0) + "|" + r.getString(1));
          }
        }
        plan = Planner.withNewUnits(plan, fresh);
      }
      Set<String> affected = new TreeSet<>(plan.affectedKeys());
      if (!opts.periods().isEmpty()) {
        affected.removeIf(key -> !opts.periods().contains(key.substring(key.lastIndexOf('|') + 1)));
      }
      plan = new Planner.Plan(plan.changed(), plan.unchanged(), plan.removed(), affected);
      List<SourceFile> toRead = plan.toRead(k);
      ctx.progress().step(
          "plan",
          "source " + name + ": " + plan.changed().size() + " changed, " + plan.removed().size() + " removed, "
              + plan.unchanged().size() + " unchanged files; " + affected.size() + " units to reconsider "
              + periodsOf(affected) + "; reading " + toRead.size() + " files");
      batches.add(new Batch(l, toRead, plan.removed(), affected, false, null));
    }
    stepMillis.put("plan", System.currentTimeMillis() - t0);
    process(batches, true);
  }

  /**
   * Test hook for crash tests: with COSTLAKE_TEST_PAUSE_AT=<step> the run stops before that
   * write step (bronze, silver, quarantine, gold), says so on stderr and waits to be killed.
   */
  private void pauseIfAsked(String step) {
    if (step.equals(System.getenv("COSTLAKE_TEST_PAUSE_AT"))) {
      ctx.progress().step("pause", "PAUSED before " + step);
      try {
        Thread.sleep(600_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static Set<String> periodsOf(Set<String> keys) {
    Set<String> out = new TreeSet<>();
    keys.forEach(k -> out.add(k.substring(k.lastIndexOf('|') + 1)));
    return out;
  }

  /** Last recorded state of every landing file per source, from the ingestion log. */
  private Map<String, Map<String, FileState>> knownFiles() {
    Map<String, Map<String, FileState>> out = new TreeMap<>();
    if (!ctx.warehouse().exists(Tables.INGESTION_LOG)) {
      return out;
    }
    Dataset<Row> log = ctx.warehouse().read(Tables.INGESTION_LOG);
    Dataset<Row> latest =
        log.withColumn(
                "_rank",
                functions.row_number().over(Window.partitionBy("source", "path").orderBy(col("seen_at").desc(), col("run_id").desc())))
            .where("_rank = 1 AND status = 'read'");
    for (Row r : latest.select("source", "path", "size_bytes", "modified_at", "units").collectAsList()) {
      Set<String> units = new TreeSet<>();
      if (!r.isNullAt(4)) {
        units.addAll(r.getList(4));
      }
      out.computeIfAbsent(r.getString(0), x -> new TreeMap<>())
          .put(r.getString(1), new FileState(r.getString(1), r.getLong(2), r.getTimestamp(3).getTime(), units));
    }
    return out;
  }

  /** Copies the current landing files' raw rows to bronze_<source> and logs them. */
  public void ingest(List<Landed> landed) {
    if (!ctx.config().bronzeEnabled()) {
      throw Errors.usage("'finops ingest' copies raw rows to bronze tables, which is off (bronze.enabled = false). Use 'finops nightly', or run with --set bronze.enabled=true.");
    }
    long t0 = System.currentTimeMillis();
    long total = 0;
    for (Landed l : landed) {
      Dataset<Row> raw = RawReader.read(ctx.spark(), l.files(), l.format());
      writeBronze(l, raw, l.files(), List.of(), true);
      long rows = ctx.warehouse().read(Tables.bronze(l.source().name())).count();
      total += rows;
      ctx.progress().step("ingest", "source " + l.source().name() + ": " + l.files().size() + " files, " + rows + " raw rows to " + Tables.bronze(l.source().name()) + "; rows so far " + total);
    }
    counters.put("raw_rows_bronze", total);
    stepMillis.put("ingest", System.currentTimeMillis() - t0);
  }

  /** Rebuilds silver, quarantine and gold for the sources from their bronze tables. */
  public void transform(List<Landed> landed) {
    List<Batch> batches = new ArrayList<>();
    for (Landed l : landed) {
      String table = Tables.bronze(l.source().name());
      if (!ctx.warehouse().exists(table)) {
        throw Errors.usage("Table " + table + " does not exist yet: run 'finops ingest' first (with bronze.enabled = true), or 'finops nightly'.");
      }
      Dataset<Row> raw = ctx.warehouse().read(table).drop(Focus.X_INGESTION_RUN_ID);
      batches.add(new Batch(l, l.files(), List.of(), null, true, raw));
    }
    process(batches, false);
  }

  private void writeBronze(Landed l, Dataset<Row> raw, List<SourceFile> read, List<String> removed, boolean full) {
    String table = Tables.bronze(l.source().name());
    Dataset<Row> rows = raw.withColumn(Focus.X_INGESTION_RUN_ID, lit(ctx.runId()));
    // Bronze keeps raw text: maps read as maps (CUR 2.0 Parquet) are stored as their JSON, as
    // they always were, so the table's schema does not depend on how the reader passes them on.
    for (org.apache.spark.sql.types.StructField f : rows.schema().fields()) {
      if (RawReader.isStringMap(f.dataType())) {
        rows = rows.withColumn(f.name(), functions.to_json(col("`" + f.name() + "`")));
      }
    }
    if (full || !ctx.warehouse().exists(table)) {
      rows.write().format("delta").mode("overwrite").option("overwriteSchema", "true").save(ctx.warehouse().path(table));
      return;
    }
    List<String> files = new ArrayList<>();
    read.forEach(f -> files.add(f.path()));
    files.addAll(removed);
    ctx.warehouse().replace(rows, table, Focus.X_SOURCE_FILE + " IN (" + quoted(files) + ")", List.of(), true);
  }

  private static final String UNIT_KEY = "_unit";
  private static final String UNIT_KEY_SQL =
      "concat_ws('|', " + Focus.BillingAccountId + ", " + Focus.X_BILLING_PERIOD + ")";

  private static Column unitKey() {
    return functions.expr(UNIT_KEY_SQL);
  }

  /**
   * Normalizes the batches' rows, then replaces in one commit per table the units whose content
   * changed (silver), the read files' quarantined rows, gold for the touched periods, and records
   * period versions, reconciliation and the ingestion log. Nothing is written until every file
   * has been read, so an unreadable file leaves all tables unchanged.
   */
  private void process(List<Batch> batches, boolean fromLanding) {
    Warehouse wh = ctx.warehouse();
    batches.removeIf(b -> b.toRead().isEmpty() && b.removed().isEmpty());
    if (!ownership.prepare() && batches.isEmpty()) { // prepare: rules validated before any write
      Set<String> pending = goldPending().read();
      if (pending.isEmpty()) {
        ctx.progress().step("transform", "nothing to do: no landing file changed and no period is due");
      } else {
        ctx.progress().step("gold", "an earlier run left gold unfinished for periods " + pending + "; rebuilding them");
        buildGold(pending);
      }
      return;
    }
    long t0 = System.currentTimeMillis();
    Dataset<Row> normalized = null;
    for (Batch b : batches) {
      if (b.toRead().isEmpty()) {
        continue;
      }
      Dataset<Row> raw = b.raw() != null ? b.raw() : RawReader.read(ctx.spark(), b.toRead(), b.landed().format());
      Dataset<Row> n =
          ownership.enrich(Normalizers.normalize(b.landed().format(), raw, b.landed().source().name(), ctx.runId(), b.landed().source().defaults()))
              .withColumn(UNIT_KEY, unitKey());
      normalized = normalized == null ? n : normalized.unionByName(n);
    }
    // On local disk, not in memory: a file's partition of normalized rows can be larger than
    // the heap leaves for caching, and an in-memory cache that is being filled holds memory
    // the aggregations of the same tasks then cannot get (a 10M-row run with a 1 GB heap
    // failed that way). Written once, read by the per-file counts, fingerprints and writes;
    // as binary rows, not columnar batches (DiskStage).
    DiskStage stage = null;
    if (normalized != null) {
      try {
        stage = DiskStage.of(normalized); // may already read files (shuffle stages of CSV row numbers)
      } catch (Exception e) { // Spark throws its checked SparkException unchecked
        throw readFailure(e);
      }
      normalized = stage.rows();
    }
    try {
      // 1. Read everything (and fail, with nothing written, if a file cannot be read).
      ReadSummary summary = normalized == null ? null : materialize(normalized);
      List<Row> perFile = summary == null ? List.of() : summary.rows();
      Map<String, Set<String>> unitsByFile = new TreeMap<>();
      for (Row r : perFile) {
        if (r.<Boolean>getAs("valid") && r.getAs(UNIT_KEY) != null) {
          unitsByFile.computeIfAbsent(r.getAs(Focus.X_SOURCE_FILE), x -> new TreeSet<>()).add(r.getAs(UNIT_KEY));
        }
      }
      stepMillis.put("read", System.currentTimeMillis() - t0);

      // 2. What each source may replace (SQL predicates: they also serve as replaceWhere).
      List<String> inScopeSql = new ArrayList<>();
      List<String> countsInScopeSql = new ArrayList<>(); // the same rows, on the per-file counts
      List<String> silverScopeSql = new ArrayList<>();
      List<String> quarantineScopeSql = new ArrayList<>();
      List<String> fullSources = new ArrayList<>();
      for (Batch b : batches) {
        String name = b.landed().source().name();
        String src = Focus.X_SOURCE_NAME + " = " + quote(name);
        List<String> files = new ArrayList<>();
        b.toRead().forEach(f -> files.add(f.path()));
        files.addAll(b.removed());
        if (b.fullRefresh()) {
          fullSources.add(name);
          inScopeSql.add(src);
          countsInScopeSql.add(src);
          silverScopeSql.add(src);
          quarantineScopeSql.add(src);
        } else {
          String units = b.affectedKeys().isEmpty() ? "false" : UNIT_KEY_SQL + " IN (" + quoted(b.affectedKeys()) + ")";
          inScopeSql.add("(" + src + " AND (size(" + Quarantine.REASONS + ") > 0 OR " + units + "))");
          String countedUnits = b.affectedKeys().isEmpty() ? "false" : UNIT_KEY + " IN (" + quoted(b.affectedKeys()) + ")";
          countsInScopeSql.add("(" + src + " AND (NOT valid OR " + countedUnits + "))");
          // The periods too, on the partition column: reading the table's fingerprints of a
          // restated period then reads that period's files only, not the whole source.
          String periodsIn =
              b.affectedKeys().isEmpty() ? "false" : Focus.X_BILLING_PERIOD + " IN (" + quoted(periodsOf(b.affectedKeys())) + ")";
          silverScopeSql.add("(" + src + " AND " + periodsIn + " AND " + units + ")");
          if (!files.isEmpty()) {
            quarantineScopeSql.add("(" + src + " AND " + Focus.X_SOURCE_FILE + " IN (" + quoted(files) + "))");
          }
        }
      }
      Column inScope = functions.expr(inScopeSql.isEmpty() ? "false" : String.join(" OR ", inScopeSql));
      Column silverScope = functions.expr(silverScopeSql.isEmpty() ? "false" : String.join(" OR ", silverScopeSql));
      String quarantineSql = quarantineScopeSql.isEmpty() ? "false" : String.join(" OR ", quarantineScopeSql);
      String countsScope = countsInScopeSql.isEmpty() ? "false" : String.join(" OR ", countsInScopeSql);
      Dataset<Row> staged = normalized == null ? null : normalized.where(inScope).drop(UNIT_KEY);

      // 3. Which units changed: compare fingerprints of the new rows and the table's. First
      // rows and cost sums (the new side from the per-file counts, the table's from five
      // columns); only units that agree on those are compared by content hash (every column of
      // every row), which a first load or a restated period with new totals never needs.
      Map<Unit, Row> old =
          wh.exists(Tables.COST_LINE_ITEMS)
              ? fingerprints(wh.read(Tables.COST_LINE_ITEMS).where(silverScope), false)
              : Map.of();
      Map<Unit, Row> fresh = summary == null ? Map.of() : fingerprintsOf(summary, countsScope);
      Set<Unit> all = new TreeSet<>(fresh.keySet());
      all.addAll(old.keySet());
      Set<Unit> changed = differing(all, fresh, old);
      Set<Unit> sameTotals = new TreeSet<>(all);
      sameTotals.removeAll(changed);
      if (!sameTotals.isEmpty()) {
        String those = unitCondition(sameTotals, List.of());
        changed.addAll(
            differing(
                sameTotals,
                fingerprints(Quarantine.valid(staged).where(those), true),
                fingerprints(wh.read(Tables.COST_LINE_ITEMS).where(silverScope).where(those), true)));
      }
      Set<String> periods = new TreeSet<>();
      changed.forEach(u -> periods.add(u.period()));
      ctx.progress().step("transform", changed.size() + " of " + all.size() + " units changed" + (changed.isEmpty() ? "" : ", periods " + periods));

      // 4. Bronze (optional), then silver, quarantine and gold, each in one commit.
      if (ctx.config().bronzeEnabled() && fromLanding) {
        pauseIfAsked("bronze");
        for (Batch b : batches) {
          if (!b.toRead().isEmpty()) {
            writeBronze(b.landed(), RawReader.read(ctx.spark(), b.toRead(), b.landed().format()), b.toRead(), b.removed(), b.fullRefresh());
          }
        }
      }
      long silverVersionBefore = wh.exists(Tables.COST_LINE_ITEMS) ? wh.version(Tables.COST_LINE_ITEMS) : -1;
      long t1 = System.currentTimeMillis();
      if (!periods.isEmpty()) {
        // From here until the last gold step commits, these periods' gold is pending.
        Set<String> marked = new TreeSet<>(goldPending().read());
        marked.addAll(periods);
        goldPending().mark(marked);
      }
      pauseIfAsked("silver");
      if (!changed.isEmpty() || !fullSources.isEmpty()) {
        String cond = unitCondition(changed, fullSources);
        Dataset<Row> rows =
            staged == null ? wh.read(Tables.COST_LINE_ITEMS).limit(0) : Quarantine.valid(staged).where(cond);
        wh.replace(rows, Tables.COST_LINE_ITEMS, cond, List.of(Focus.X_SOURCE_NAME, Focus.X_BILLING_PERIOD), false);
        ctx.progress().step("silver", "replaced " + changed.size() + " units in " + Tables.COST_LINE_ITEMS);
      }
      stepMillis.put("silver", System.currentTimeMillis() - t1);
      long silverVersionAfter = wh.exists(Tables.COST_LINE_ITEMS) ? wh.version(Tables.COST_LINE_ITEMS) : -1;
      // Recorded right after the silver commit, so a crash later in the run loses no history.
      writePeriodVersions(changed, fresh, old, silverVersionBefore, silverVersionAfter);
      Set<String> reEnriched = ownership.refreshSilver(); // re-enrich periods whose owners changed under new rules
      if (!reEnriched.isEmpty()) {
        periods.addAll(reEnriched);
        Set<String> marked = new TreeSet<>(goldPending().read());
        marked.addAll(periods);
        goldPending().mark(marked);
      }

      long t2 = System.currentTimeMillis();
      pauseIfAsked("quarantine");
      writeQuarantine(summary != null && !summary.anyRejected() ? staged.limit(0) : staged, quarantineSql);
      stepMillis.put("quarantine", System.currentTimeMillis() - t2);

      pauseIfAsked("gold");
      Set<String> readPeriodsForGold = new TreeSet<>();
      fresh.keySet().forEach(u -> readPeriodsForGold.add(u.period()));
      periods.addAll(goldOutOfStep(readPeriodsForGold));
      // Pending marks of this run's own periods were set above; the rest an earlier run left.
      Set<String> leftover = new TreeSet<>(goldPending().read());
      leftover.removeAll(periods);
      if (!leftover.isEmpty()) {
        ctx.progress().step("gold", "an earlier run left gold unfinished for periods " + leftover + "; rebuilding them too");
        periods.addAll(leftover);
      }
      buildGold(periods);

      // 5. Records: reconciliation, ingestion log.
      long t4 = System.currentTimeMillis();
      if (staged != null) {
        Set<String> readPeriods = new TreeSet<>();
        fresh.keySet().forEach(u -> readPeriods.add(u.period()));
        String readCond = Focus.X_BILLING_PERIOD + " IN (" + quoted(readPeriods) + ")";
        Dataset<Row> silverRead = wh.exists(Tables.COST_LINE_ITEMS) ? wh.read(Tables.COST_LINE_ITEMS).where(silverScope.and(inScopeUnits(fresh.keySet()))) : null;
        Dataset<Row> gold =
            wh.exists(Tables.COST_DAILY) && !readPeriods.isEmpty() ? wh.read(Tables.COST_DAILY).where(readCond) : null;
        Dataset<Row> silverAll =
            wh.exists(Tables.COST_LINE_ITEMS) && !readPeriods.isEmpty() ? wh.read(Tables.COST_LINE_ITEMS).where(readCond) : null;
        Dataset<Row> q = wh.exists(Tables.QUARANTINE_LINE_ITEMS) ? wh.read(Tables.QUARANTINE_LINE_ITEMS).where(quarantineSql) : null;
        Dataset<Row> emptySilver = Quarantine.valid(staged).limit(0);
        Dataset<Row> recon =
            Reconciliation.compute(
                Reconciliation.expectedFromCounts(summary.table(ctx.spark()).where(countsScope), "raw_rows", "billed"),
                silverRead == null ? emptySilver : silverRead,
                q == null ? Quarantine.rejected(staged).limit(0) : q,
                silverAll == null ? emptySilver : silverAll,
                gold == null ? CostDaily.compute(emptySilver) : gold,
                ctx.runId(),
                ctx.config().reconciliation().costTolerance(),
                invoices());
        List<Row> rows = recon.collectAsList();
        wh.append(ctx.spark().createDataFrame(rows, recon.schema()), Tables.RECONCILIATION, true);
        report(rows);
      }
      stepMillis.put("reconcile", System.currentTimeMillis() - t4);
      if (fromLanding) {
        writeIngestionLog(batches, perFile, unitsByFile);
      }
    } finally {
      if (stage != null) {
        stage.close();
      }
    }
  }

  private GoldPending goldPending() {
    return new GoldPending(ctx.spark().sparkContext().hadoopConfiguration(), ctx.config().warehouse());
  }

  /**
   * Rebuilds cost_daily and every derived gold step for {@code periods}. The periods are marked
   * pending in the warehouse first and cleared only after the last step commits, so a run that
   * dies or fails in between is finished by the next run.
   */
  private void buildGold(Set<String> periods) {
    if (periods.isEmpty()) {
      return;
    }
    Warehouse wh = ctx.warehouse();
    GoldPending pending = goldPending();
    Set<String> marked = new TreeSet<>(pending.read());
    marked.addAll(periods);
    pending.mark(marked);
    long t3 = System.currentTimeMillis();
    String periodCond = Focus.X_BILLING_PERIOD + " IN (" + quoted(periods) + ")";
    // Silver's rows of these periods summed once by every dimension of the daily gold tables.
    try (SilverSummary summary = new SilverSummary(wh.read(Tables.COST_LINE_ITEMS).where(periodCond))) {
      wh.replace(CostDaily.compute(summary.rows()), Tables.COST_DAILY, periodCond, List.of(Focus.X_BILLING_PERIOD), false);
      ctx.progress().step("gold", "rebuilt " + Tables.COST_DAILY + " for periods " + periods);
      stepMillis.put("gold", System.currentTimeMillis() - t3);
      GoldStep.Context gctx =
          new GoldStep.Context(
              ctx.spark(), wh, ctx.config(), periods, ctx.runId(), (s, m) -> ctx.progress().step(s, m), summary);
      for (GoldStep step : GoldSteps.all()) {
        long ts = System.currentTimeMillis();
        step.build(gctx);
        stepMillis.put("gold_" + step.name(), System.currentTimeMillis() - ts);
      }
    }
    pending.clear();
  }

  /**
   * Periods (of those read) whose cost_daily does not add up to silver: gold is rebuilt for them
   * even when no unit changed, which heals a run that died between the silver and gold writes.
   */
  private Set<String> goldOutOfStep(Set<String> periods) {
    Warehouse wh = ctx.warehouse();
    Set<String> out = new TreeSet<>();
    if (periods.isEmpty() || !wh.exists(Tables.COST_LINE_ITEMS)) {
      return out;
    }
    if (!wh.exists(Tables.COST_DAILY)) {
      return new TreeSet<>(periods);
    }
    String cond = Focus.X_BILLING_PERIOD + " IN (" + quoted(periods) + ")";
    Map<String, String> silver = new TreeMap<>();
    for (Row r : CostDaily.countable(wh.read(Tables.COST_LINE_ITEMS).where(cond))
        .groupBy(Focus.X_BILLING_PERIOD)
        .agg(functions.count(lit(1)), functions.sum(col(Focus.BilledCost)))
        .collectAsList()) {
      silver.put(r.getString(0), r.getLong(1) + "/" + ((BigDecimal) r.get(2)).stripTrailingZeros().toPlainString());
    }
    Map<String, String> gold = new TreeMap<>();
    for (Row r : wh.read(Tables.COST_DAILY).where(cond)
        .groupBy(Focus.X_BILLING_PERIOD)
        .agg(functions.sum(col(CostDaily.LINE_ITEMS)), functions.sum(col(Focus.BilledCost)))
        .collectAsList()) {
      gold.put(r.getString(0), r.getLong(1) + "/" + ((BigDecimal) r.get(2)).stripTrailingZeros().toPlainString());
    }
    for (String p : periods) {
      if (!java.util.Objects.equals(silver.get(p), gold.get(p))) {
        out.add(p);
      }
    }
    return out;
  }

  /** The per-file counts of the rows read, and their schema (to query them as a small table). */
  private record ReadSummary(List<Row> rows, StructType schema) {
    Dataset<Row> table(org.apache.spark.sql.SparkSession spark) {
      return spark.createDataFrame(rows, schema);
    }

    boolean anyRejected() {
      return rows.stream().anyMatch(r -> !r.<Boolean>getAs("valid"));
    }
  }

  /**
   * Reads every batch (the first action on the staged rows: it computes and stages them) and
   * counts them per source, file, unit, currency and validity: raw rows (a merged row counts for
   * both its files), and, for each row's own file only, canonical rows, Σ BilledCost and Σ
   * EffectiveCost. Small (files × units), and enough for what needs no more than totals: the
   * ingestion log, a first load's unit fingerprints, the expected side of reconciliation.
   */
  private ReadSummary materialize(Dataset<Row> normalized) {
    Column part0 = col(Focus.X_SOURCE_ROW_PART).equalTo(0);
    // A merged row (two raw rows, see Focus.X_PAIRED_SOURCE_FILE) counts for both its files;
    // its cost counts for its own file only.
    Column files = functions.array_compact(functions.array(col(Focus.X_SOURCE_FILE), col(Focus.X_PAIRED_SOURCE_FILE)));
    Column own = col("_file").equalTo(col(Focus.X_SOURCE_FILE));
    try {
      Dataset<Row> counts =
          normalized
              .withColumn("_file", functions.explode(files))
              .groupBy(
                  col(Focus.X_SOURCE_NAME),
                  col("_file").as(Focus.X_SOURCE_FILE),
                  col(UNIT_KEY),
                  col(Focus.BillingAccountId),
                  col(Focus.X_BILLING_PERIOD),
                  col(Focus.BillingCurrency),
                  functions.size(col(Quarantine.REASONS)).equalTo(0).as("valid"))
              .agg(
                  functions.count(functions.when(part0, lit(1))).as("raw_rows"),
                  functions.sum(functions.when(own, col(Focus.BilledCost))).as("billed"),
                  functions.count(functions.when(own, lit(1))).as("rows"),
                  functions.sum(functions.when(own, col(Focus.EffectiveCost))).as("effective"));
      return new ReadSummary(counts.collectAsList(), counts.schema());
    } catch (Exception e) { // Spark throws its checked SparkException unchecked
      throw readFailure(e);
    }
  }

  /** A failure while reading landing files: out of memory, or a file that cannot be read. */
  private static RuntimeException readFailure(Exception e) {
    if (Errors.isOutOfMemory(e)) {
      return Errors.outOfMemory("reading and normalizing the landing files", e);
    }
    return Errors.unreadableFile(failedFile(e), rootMessage(e), e);
  }

  private static String failedFile(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("reading file (\\S+?)\\.?(\\s|$)").matcher(String.valueOf(t.getMessage()));
      if (m.find()) {
        return m.group(1);
      }
    }
    return "a landing file";
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }

  private Column inScopeUnits(Set<Unit> units) {
    if (units.isEmpty()) {
      return lit(false);
    }
    Column c = lit(false);
    Map<String, Set<String>> bySource = new TreeMap<>();
    units.forEach(u -> bySource.computeIfAbsent(u.source(), x -> new TreeSet<>()).add(u.key()));
    for (Map.Entry<String, Set<String>> e : bySource.entrySet()) {
      c = c.or(col(Focus.X_SOURCE_NAME).equalTo(e.getKey()).and(unitKey().isin(e.getValue().toArray())));
    }
    return c;
  }

  private Map<Unit, Row> fingerprints(Dataset<Row> rows, boolean withHash) {
    return rows == null ? new TreeMap<>() : byUnit(UnitFingerprint.compute(rows, withHash));
  }

  /** Fingerprint rows (source, account, period first) by unit. */
  private static Map<Unit, Row> byUnit(Dataset<Row> fingerprints) {
    Map<Unit, Row> out = new TreeMap<>();
    for (Row r : fingerprints.collectAsList()) {
      out.put(new Unit(r.getString(0), r.getString(1), r.getString(2)), r);
    }
    return out;
  }

  /**
   * Unit fingerprints without content hashes, from the per-file counts of the valid rows in
   * {@code scope} (the staged rows' scope stated on the counts' columns).
   */
  private Map<Unit, Row> fingerprintsOf(ReadSummary summary, String scope) {
    return byUnit(
        summary.table(ctx.spark())
            .where(col("valid"))
            .where(scope)
            .groupBy(col(Focus.X_SOURCE_NAME), col(Focus.BillingAccountId), col(Focus.X_BILLING_PERIOD))
            .agg(
                functions.sum(col("rows")).as(UnitFingerprint.ROWS),
                functions.sum(col("billed")).as(UnitFingerprint.BILLED),
                functions.sum(col("effective")).as(UnitFingerprint.EFFECTIVE))
            .withColumn(UnitFingerprint.HASH, lit(null).cast(DataTypes.createDecimalType(38, 0))));
  }

  /** Units of {@code units} whose fingerprints differ or that one side lacks. */
  private static Set<Unit> differing(Set<Unit> units, Map<Unit, Row> fresh, Map<Unit, Row> old) {
    Set<Unit> out = new TreeSet<>();
    for (Unit u : units) {
      Row a = fresh.get(u);
      Row b = old.get(u);
      if (a == null || b == null || !sameFingerprint(a, b)) {
        out.add(u);
      }
    }
    return out;
  }

  private static boolean sameFingerprint(Row a, Row b) {
    for (String f : List.of(UnitFingerprint.ROWS, UnitFingerprint.BILLED, UnitFingerprint.EFFECTIVE, UnitFingerprint.HASH)) {
      Object x = a.getAs(f);
      Object y = b.getAs(f);
      if (x instanceof BigDecimal bx && y instanceof BigDecimal by ? bx.compareTo(by) != 0 : !java.util.Objects.equals(x, y)) {
        return false;
      }
    }
    return true;
  }

  /** The replaceWhere predicate of a set of units (and whole sources on a full refresh). */
  private static String unitCondition(Set<Unit> units, List<String> fullSources) {
    List<String> parts = new ArrayList<>();
    if (!fullSources.isEmpty()) {
      parts.add(Focus.X_SOURCE_NAME + " IN (" + quoted(fullSources) + ")");
    }
    Map<String, Map<String, Set<String>>> tree = new TreeMap<>();
    for (Unit u : units) {
      if (!fullSources.contains(u.source())) {
        tree.computeIfAbsent(u.source(), x -> new TreeMap<>()).computeIfAbsent(u.period(), x -> new TreeSet<>()).add(u.account());
      }
    }
    for (Map.Entry<String, Map<String, Set<String>>> s : tree.entrySet()) {
      for (Map.Entry<String, Set<String>> p : s.getValue().entrySet()) {
        parts.add("(" + Focus.X_SOURCE_NAME + " = " + quote(s.getKey()) + " AND " + Focus.X_BILLING_PERIOD + " = "
            + quote(p.getKey()) + " AND " + Focus.BillingAccountId + " IN (" + quoted(p.getValue()) + "))");
      }
    }
    return parts.isEmpty() ? "false" : String.join(" OR ", parts);
  }

  private void writeQuarantine(Dataset<Row> staged, String scope) {
    Warehouse wh = ctx.warehouse();
    boolean exists = wh.exists(Tables.QUARANTINE_LINE_ITEMS);
    if (staged == null && !exists) {
      return;
    }
    Dataset<Row> fresh =
        staged == null
            ? wh.read(Tables.QUARANTINE_LINE_ITEMS).limit(0)
            : Quarantine.rejected(staged).where(scope);
    if (exists) {
      Dataset<Row> existing = wh.read(Tables.QUARANTINE_LINE_ITEMS).where(scope);
      Dataset<Row> a = fresh.drop(Focus.X_INGESTION_RUN_ID);
      Dataset<Row> b =
          existing.drop(Focus.X_INGESTION_RUN_ID)
              .select(java.util.Arrays.stream(a.columns()).map(c -> col("`" + c + "`")).toArray(Column[]::new));
      if (a.exceptAll(b).isEmpty() && b.exceptAll(a).isEmpty()) {
        return; // unchanged: no new version
      }
    }
    wh.replace(fresh, Tables.QUARANTINE_LINE_ITEMS, scope, List.of(Focus.X_SOURCE_NAME), false);
  }

  static final StructType PERIOD_VERSIONS_SCHEMA =
      new StructType()
          .add("run_id", DataTypes.StringType)
          .add("replaced_at", DataTypes.TimestampType)
          .add(Focus.X_SOURCE_NAME, DataTypes.StringType)
          .add(Focus.BillingAccountId, DataTypes.StringType)
          .add(Focus.X_BILLING_PERIOD, DataTypes.StringType)
          .add("previous_rows", DataTypes.LongType)
          .add("previous_billed_cost", DataTypes.createDecimalType(38, 12))
          .add("previous_effective_cost", DataTypes.createDecimalType(38, 12))
          .add("new_rows", DataTypes.LongType)
          .add("new_billed_cost", DataTypes.createDecimalType(38, 12))
          .add("new_effective_cost", DataTypes.createDecimalType(38, 12))
          .add("silver_version_before", DataTypes.LongType)
          .add("silver_version_after", DataTypes.LongType)
          .add("change", DataTypes.StringType);

  private void writePeriodVersions(Set<Unit> changed, Map<Unit, Row> fresh, Map<Unit, Row> old, long before, long after) {
    if (changed.isEmpty()) {
      return;
    }
    List<Row> rows = new ArrayList<>();
    Timestamp now = new Timestamp(System.currentTimeMillis());
    for (Unit u : changed) {
      Row o = old.get(u);
      Row n = fresh.get(u);
      rows.add(
          RowFactory.create(
              ctx.runId(), now, u.source(), u.account(), u.period(),
              o == null ? null : o.getAs(UnitFingerprint.ROWS),
              o == null ? null : o.getAs(UnitFingerprint.BILLED),
              o == null ? null : o.getAs(UnitFingerprint.EFFECTIVE),
              n == null ? 0L : n.getAs(UnitFingerprint.ROWS),
              n == null ? BigDecimal.ZERO : n.getAs(UnitFingerprint.BILLED),
              n == null ? BigDecimal.ZERO : n.getAs(UnitFingerprint.EFFECTIVE),
              before < 0 ? null : before,
              after,
              o == null ? "added" : n == null ? "removed" : "restated"));
    }
    ctx.warehouse().append(ctx.spark().createDataFrame(rows, PERIOD_VERSIONS_SCHEMA), Tables.PERIOD_VERSIONS, false);
  }

  static final StructType INGESTION_LOG_SCHEMA =
      new StructType()
          .add("run_id", DataTypes.StringType)
          .add("source", DataTypes.StringType)
          .add("path", DataTypes.StringType)
          .add("size_bytes", DataTypes.LongType)
          .add("modified_at", DataTypes.TimestampType)
          .add("encoding", DataTypes.StringType)
          .add("format", DataTypes.StringType)
          .add("columns", DataTypes.IntegerType)
          .add("rows", DataTypes.LongType)
          .add("units", DataTypes.createArrayType(DataTypes.StringType))
          .add("status", DataTypes.StringType)
          .add("seen_at", DataTypes.TimestampType);

  private void writeIngestionLog(List<Batch> batches, List<Row> perFile, Map<String, Set<String>> unitsByFile) {
    Map<String, Long> rowsByFile = new TreeMap<>();
    for (Row r : perFile) {
      rowsByFile.merge(r.getAs(Focus.X_SOURCE_FILE), r.<Long>getAs("raw_rows"), Long::sum);
    }
    List<Row> log = new ArrayList<>();
    Timestamp seen = new Timestamp(System.currentTimeMillis());
    for (Batch b : batches) {
      for (SourceFile f : b.toRead()) {
        Set<String> units = unitsByFile.getOrDefault(f.path(), Set.of());
        log.add(RowFactory.create(ctx.runId(), b.landed().source().name(), f.path(), f.size(), new Timestamp(f.modificationTime()),
            f.encoding().name().toLowerCase(Locale.ROOT),
            FormatDetector.FOCUS.equals(b.landed().format()) ? FormatDetector.focusVersion(f.columns()) : b.landed().format(),
            f.columns().size(), rowsByFile.getOrDefault(f.path(), 0L), new ArrayList<>(units), "read", seen));
      }
      for (String removed : b.removed()) {
        log.add(RowFactory.create(ctx.runId(), b.landed().source().name(), removed, 0L, seen, null, null, 0, 0L, new ArrayList<String>(), "removed", seen));
      }
    }
    if (!log.isEmpty()) {
      ctx.warehouse().append(ctx.spark().createDataFrame(log, INGESTION_LOG_SCHEMA), Tables.INGESTION_LOG, true);
    }
    long total = rowsByFile.values().stream().mapToLong(Long::longValue).sum();
    ctx.progress().step("log", "recorded " + log.size() + " files (" + total + " raw rows) in " + Tables.INGESTION_LOG);
  }

  static String quoted(Collection<String> values) {
    return values.stream().map(Pipeline::quote).collect(Collectors.joining(", "));
  }

  /** The configured invoice totals, or null; validated on every run that reconciles. */
  private Dataset<Row> invoices() {
    String file = ctx.config().reconciliation().invoiceTotals();
    return file.isEmpty() ? null : InvoiceTotals.read(ctx.spark(), ctx.config().resolveLandingPath(file));
  }

  private void report(List<Row> rows) {
    long raw = 0;
    long landed = 0;
    Map<String, BigDecimal> billed = new TreeMap<>();
    List<String> mismatches = new ArrayList<>();
    List<String> invoiceVariances = new ArrayList<>();
    for (Row r : rows) {
      if (Reconciliation.RAW_EQUALS_SILVER_PLUS_QUARANTINE.equals(r.getAs(Reconciliation.CHECK))) {
        raw += r.<Long>getAs(Reconciliation.EXPECTED_ROWS);
        landed += r.<Long>getAs(Reconciliation.ACTUAL_ROWS);
      } else {
        billed.merge(String.valueOf(r.<String>getAs(Focus.BillingCurrency)), r.<BigDecimal>getAs(Reconciliation.EXPECTED_BILLED), BigDecimal::add);
      }
      BigDecimal variance = r.getAs(Reconciliation.INVOICE_VARIANCE);
      if (variance != null && variance.abs().compareTo(ctx.config().reconciliation().costTolerance()) > 0) {
        invoiceVariances.add(
            "account " + r.getAs(Focus.BillingAccountId) + ", period " + r.getAs(Focus.X_BILLING_PERIOD)
                + ", currency " + r.getAs(Focus.BillingCurrency) + ": cost_daily " + r.<BigDecimal>getAs(Reconciliation.ACTUAL_BILLED).stripTrailingZeros().toPlainString()
                + " vs invoice " + r.<BigDecimal>getAs(Reconciliation.INVOICE_AMOUNT).stripTrailingZeros().toPlainString()
                + " (variance " + variance.stripTrailingZeros().toPlainString() + ")");
      }
      if (!"OK".equals(r.getAs(Reconciliation.STATUS))) {
        mismatches.add(
            r.getAs(Reconciliation.CHECK) + " for source " + r.getAs(Focus.X_SOURCE_NAME)
                + ", account " + r.getAs(Focus.BillingAccountId) + ", period "
                + r.getAs(Focus.X_BILLING_PERIOD) + ", currency " + r.getAs(Focus.BillingCurrency)
                + ": rows " + r.getAs(Reconciliation.EXPECTED_ROWS) + " vs " + r.getAs(Reconciliation.ACTUAL_ROWS)
                + ", billed " + r.getAs(Reconciliation.EXPECTED_BILLED) + " vs " + r.getAs(Reconciliation.ACTUAL_BILLED));
      }
    }
    counters.put("raw_rows", raw);
    counters.put("silver_plus_quarantine_rows", landed);
    ctx.progress().step(
        "reconcile",
        raw + " rows read = " + landed + " in silver + quarantine; Σ BilledCost of the periods read "
            + billed.entrySet().stream().map(e -> e.getValue().stripTrailingZeros().toPlainString() + " " + e.getKey()).collect(Collectors.joining(", "))
            + (mismatches.isEmpty() ? "; all checks OK" : "; " + mismatches.size() + " MISMATCHES"));
    for (String v : invoiceVariances) {
      ctx.progress().step("reconcile", "WARNING invoice variance beyond tolerance for " + v);
    }
    if (!mismatches.isEmpty() && ctx.config().reconciliation().failOnMismatch()) {
      throw Errors.reconciliation(String.join("; ", mismatches));
    }
  }

  private static List<String> distinctStrings(Dataset<Row> df, String column) {
    List<String> out = new ArrayList<>();
    for (Row r : df.select(col(column)).distinct().collectAsList()) {
      if (!r.isNullAt(0)) {
        out.add(r.getString(0));
      }
    }
    return out;
  }

  static String quote(String s) {
    return "'" + s.replace("'", "''") + "'";
  }
}
