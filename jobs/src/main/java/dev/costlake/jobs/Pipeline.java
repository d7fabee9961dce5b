package dev.costlake.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.costlake.config.SourceConfig;
import dev.costlake.errors.Errors;
import dev.costlake.gold.CostDaily;
import dev.costlake.io.Warehouse;
import dev.costlake.model.Focus;
import dev.costlake.model.Tables;
import dev.costlake.quality.Quarantine;
import dev.costlake.quality.Reconciliation;
import dev.costlake.sources.FormatDetector;
import dev.costlake.sources.LandingFiles;
import dev.costlake.sources.RawReader;
import dev.costlake.sources.SourceFile;
import dev.costlake.sources.Normalizers;
import dev.costlake.sources.aws.CurManifests;
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
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

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
  }

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
        ctx.progress().step("discover", "source " + s.name() + ": ignoring " + ignored + " (not .csv, .csv.gz or .parquet)");
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
        String version = FormatDetector.FOCUS.equals(format) ? FormatDetector.focusVersion(f.columns()) : format;
        detected.merge(version + "/" + f.encoding().name().toLowerCase(Locale.ROOT), 1, Integer::sum);
        usable.add(f);
      }
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

  /** Copies raw rows to bronze (when enabled) and records every file in the ingestion log. */
  public void ingest(List<Landed> landed) {
    long t0 = System.currentTimeMillis();
    Warehouse wh = ctx.warehouse();
    List<Row> log = new ArrayList<>();
    long total = 0;
    for (Landed l : landed) {
      Map<String, Long> rowsByFile = new TreeMap<>();
      if (ctx.config().bronzeEnabled()) {
        Dataset<Row> raw =
            RawReader.read(ctx.spark(), l.files(), l.format())
                .withColumn(Focus.X_INGESTION_RUN_ID, lit(ctx.runId()));
        String table = Tables.bronze(l.source().name());
        raw.write()
            .format("delta")
            .mode("overwrite")
            .option("overwriteSchema", "true")
            .save(wh.path(table));
        for (Row r : wh.read(table).groupBy(Focus.X_SOURCE_FILE).count().collectAsList()) {
          rowsByFile.put(r.getString(0), r.getLong(1));
        }
      }
      long rows = 0;
      for (SourceFile f : l.files()) {
        Long n = rowsByFile.get(f.path());
        if (n == null) {
          n = rowsByFile.get(normalizePath(f.path(), rowsByFile.keySet()));
        }
        rows += n == null ? 0 : n;
        log.add(
            RowFactory.create(
                ctx.runId(),
                l.source().name(),
                f.path(),
                f.size(),
                new Timestamp(f.modificationTime()),
                f.encoding().name().toLowerCase(Locale.ROOT),
                FormatDetector.FOCUS.equals(l.format()) ? FormatDetector.focusVersion(f.columns()) : l.format(),
                f.columns().size(),
                n,
                new Timestamp(ctx.started().toEpochMilli())));
      }
      total += rows;
      ctx.progress().step(
          "ingest",
          "source " + l.source().name() + ": " + l.files().size() + " files"
              + (ctx.config().bronzeEnabled() ? ", " + rows + " raw rows to " + Tables.bronze(l.source().name()) : " recorded (bronze disabled)")
              + "; rows so far " + total);
    }
    if (!log.isEmpty()) {
      wh.append(ctx.spark().createDataFrame(log, INGESTION_LOG_SCHEMA), Tables.INGESTION_LOG, false);
    }
    counters.put("raw_rows_bronze", total);
    stepMillis.put("ingest", System.currentTimeMillis() - t0);
  }

  /** Spark reports file paths URI-encoded; match listing paths that differ only by encoding. */
  private static String normalizePath(String path, Collection<String> candidates) {
    for (String c : candidates) {
      if (java.net.URI.create(c).getPath().equals(new org.apache.hadoop.fs.Path(path).toUri().getPath())) {
        return c;
      }
    }
    return path;
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
          .add("seen_at", DataTypes.TimestampType);

  /**
   * Normalizes each source's rows, replaces the sources' slices of silver and quarantine,
   * rebuilds gold for the periods touched, and reconciles. Returns the reconciliation rows.
   */
  public List<Row> transform(List<Landed> landed) {
    Warehouse wh = ctx.warehouse();
    if (landed.isEmpty()) {
      ctx.progress().step("transform", "nothing to transform");
      return List.of();
    }
    long t0 = System.currentTimeMillis();
    Dataset<Row> staged = null;
    List<String> names = new ArrayList<>();
    for (Landed l : landed) {
      Dataset<Row> raw;
      if (ctx.config().bronzeEnabled()) {
        String table = Tables.bronze(l.source().name());
        if (!wh.exists(table)) {
          throw Errors.usage("Table " + table + " does not exist yet: run 'finops ingest' (or 'finops nightly') first.");
        }
        raw = wh.read(table).drop(Focus.X_INGESTION_RUN_ID);
      } else {
        raw = RawReader.read(ctx.spark(), l.files(), l.format());
      }
      Dataset<Row> normalized =
          Normalizers.normalize(l.format(), raw, l.source().name(), ctx.runId(), l.source().defaults());
      staged = staged == null ? normalized : staged.unionByName(normalized);
      names.add(l.source().name());
    }
    staged = staged.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      String sourceCond =
          Focus.X_SOURCE_NAME + " IN (" + names.stream().map(Pipeline::quote).collect(Collectors.joining(", ")) + ")";
      Set<String> periods = new TreeSet<>(distinctStrings(staged, Focus.X_BILLING_PERIOD));
      if (wh.exists(Tables.COST_LINE_ITEMS)) {
        periods.addAll(distinctStrings(wh.read(Tables.COST_LINE_ITEMS).where(sourceCond), Focus.X_BILLING_PERIOD));
      }
      ctx.progress().step("transform", "sources " + names + ", billing periods " + periods);

      wh.replace(Quarantine.valid(staged), Tables.COST_LINE_ITEMS, sourceCond,
          List.of(Focus.X_SOURCE_NAME, Focus.X_BILLING_PERIOD), false);
      stepMillis.put("silver", System.currentTimeMillis() - t0);
      ctx.progress().step("silver", "wrote " + Tables.COST_LINE_ITEMS + " for " + names);

      long t1 = System.currentTimeMillis();
      wh.replace(Quarantine.rejected(staged), Tables.QUARANTINE_LINE_ITEMS, sourceCond,
          List.of(Focus.X_SOURCE_NAME), false);
      stepMillis.put("quarantine", System.currentTimeMillis() - t1);

      long t2 = System.currentTimeMillis();
      String periodCond =
          Focus.X_BILLING_PERIOD + " IN (" + periods.stream().map(Pipeline::quote).collect(Collectors.joining(", ")) + ")";
      Dataset<Row> silverInPeriods =
          periods.isEmpty()
              ? wh.read(Tables.COST_LINE_ITEMS).limit(0)
              : wh.read(Tables.COST_LINE_ITEMS).where(periodCond);
      if (!periods.isEmpty()) {
        wh.replace(CostDaily.compute(silverInPeriods), Tables.COST_DAILY, periodCond,
            List.of(Focus.X_BILLING_PERIOD), false);
        ctx.progress().step("gold", "rebuilt " + Tables.COST_DAILY + " for periods " + periods);
      }
      stepMillis.put("gold", System.currentTimeMillis() - t2);

      long t3 = System.currentTimeMillis();
      Dataset<Row> gold =
          wh.exists(Tables.COST_DAILY) && !periods.isEmpty()
              ? wh.read(Tables.COST_DAILY).where(periodCond)
              : CostDaily.compute(silverInPeriods.limit(0));
      Dataset<Row> recon =
          Reconciliation.compute(
              staged,
              wh.read(Tables.COST_LINE_ITEMS).where(sourceCond),
              wh.read(Tables.QUARANTINE_LINE_ITEMS).where(sourceCond),
              silverInPeriods,
              gold,
              ctx.runId(),
              ctx.config().reconciliation().costTolerance());
      List<Row> rows = recon.collectAsList();
      wh.append(ctx.spark().createDataFrame(rows, recon.schema()), Tables.RECONCILIATION, false);
      stepMillis.put("reconcile", System.currentTimeMillis() - t3);
      report(rows);
      return rows;
    } finally {
      staged.unpersist();
    }
  }

  private void report(List<Row> rows) {
    long raw = 0;
    long silver = 0;
    long quarantine = 0;
    Map<String, BigDecimal> billed = new TreeMap<>();
    List<String> mismatches = new ArrayList<>();
    for (Row r : rows) {
      String check = r.getAs(Reconciliation.CHECK);
      if (Reconciliation.RAW_EQUALS_SILVER_PLUS_QUARANTINE.equals(check)) {
        raw += r.<Long>getAs(Reconciliation.EXPECTED_ROWS);
      }
      if (Reconciliation.SILVER_EQUALS_GOLD.equals(check)) {
        silver += r.<Long>getAs(Reconciliation.EXPECTED_ROWS);
        String cur = r.getAs(Focus.BillingCurrency);
        billed.merge(String.valueOf(cur), r.<BigDecimal>getAs(Reconciliation.EXPECTED_BILLED), BigDecimal::add);
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
    quarantine = raw - silver;
    counters.put("raw_rows", raw);
    counters.put("silver_rows", silver);
    counters.put("quarantine_rows", quarantine);
    ctx.progress().step(
        "reconcile",
        raw + " rows read = " + silver + " in silver + " + quarantine + " in quarantine; Σ BilledCost in silver "
            + billed.entrySet().stream().map(e -> e.getValue().stripTrailingZeros().toPlainString() + " " + e.getKey()).collect(Collectors.joining(", "))
            + (mismatches.isEmpty() ? "; all checks OK" : "; " + mismatches.size() + " MISMATCHES"));
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
