package dev.costlake.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.costlake.enrich.MappingLoader;
import dev.costlake.enrich.Ownership;
import dev.costlake.enrich.OwnershipConfig;
import dev.costlake.enrich.OwnershipResolver;
import dev.costlake.io.Warehouse;
import dev.costlake.model.Focus;
import dev.costlake.model.Tables;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructType;

/**
 * Ownership in a run: loads and validates the rules once (bad mappings stop the run before any
 * write), enriches the rows on their way to silver, and keeps silver in step with the rules.
 *
 * <p>Keeping silver in step: every change of the rules or mapping contents changes the
 * ownership fingerprint. Each run records the fingerprint silver was enriched with in {@code
 * ownership_versions}. When the current one differs, after this run's silver write every period
 * of silver is re-enriched from silver itself (not from landing, whose files may be gone), the
 * result compared per period with what silver holds (a hash of row keys and owner columns), and
 * only the periods whose owners changed are rewritten, in one commit; the fingerprint is recorded
 * after that commit, so a run that dies in between repeats the check next time. The rewritten
 * periods join the run's gold periods, so owner-based gold tables follow.
 */
public final class OwnershipStage {
  private final RunContext ctx;
  private Ownership ownership;
  private Boolean due;
  private boolean silverExisted;

  public OwnershipStage(RunContext ctx) {
    this.ctx = ctx;
  }

  /** The validated rules (loaded on first use). */
  public Ownership ownership() {
    if (ownership == null) {
      ownership = MappingLoader.load(ctx.spark(), OwnershipConfig.from(ctx.config()));
      OwnershipConfig c = ownership.config();
      ctx.progress().step(
          "ownership",
          ownership.rules().size() + " rules " + c.rules().stream().map(r -> r.id() + "(" + r.type().label + ")").toList()
              + ", history " + c.history().label + ", fingerprint " + ownership.fingerprint().substring(0, 12));
    }
    return ownership;
  }

  /**
   * Loads the rules and tells whether silver holds rows enriched under other rules (a re-enrichment
   * is due even when no landing file changed). Call before anything is written.
   */
  public boolean prepare() {
    ownership();
    if (due == null) {
      Warehouse wh = ctx.warehouse();
      silverExisted = wh.exists(Tables.COST_LINE_ITEMS);
      due = silverExisted && !ownership.fingerprint().equals(recorded());
      if (due) {
        ctx.progress().step("ownership", "the rules changed since silver was enriched: silver will be re-enriched after this run's silver write");
      }
    }
    return due;
  }

  /** Fills the ownership columns of normalized rows. */
  public Dataset<Row> enrich(Dataset<Row> rows) {
    prepare();
    return OwnershipResolver.resolve(rows, ownership);
  }

  /**
   * After this run's silver write: re-enriches the periods whose owners changed under new rules
   * and records the fingerprint. Returns the billing periods rewritten (for gold).
   */
  public Set<String> refreshSilver() {
    prepare();
    Warehouse wh = ctx.warehouse();
    if (!wh.exists(Tables.COST_LINE_ITEMS)) {
      return Set.of();
    }
    if (!due) {
      if (!silverExisted && !ownership.fingerprint().equals(recorded())) {
        record(0, List.of(), -1, wh.version(Tables.COST_LINE_ITEMS)); // every row was just enriched
      }
      return Set.of();
    }
    long before = wh.version(Tables.COST_LINE_ITEMS);
    Dataset<Row> silver = wh.read(Tables.COST_LINE_ITEMS);
    Map<String, BigDecimal> now = ownerHash(silver);
    Map<String, BigDecimal> then = ownerHash(OwnershipResolver.resolve(silver, ownership));
    Set<String> changed = new TreeSet<>();
    for (String p : now.keySet()) {
      if (!Objects.equals(now.get(p), then.get(p))) {
        changed.add(p);
      }
    }
    long after = before;
    if (!changed.isEmpty()) {
      String cond = Focus.X_BILLING_PERIOD + " IN (" + Pipeline.quoted(changed) + ")";
      wh.replace(
          OwnershipResolver.resolve(wh.read(Tables.COST_LINE_ITEMS).where(cond), ownership),
          Tables.COST_LINE_ITEMS,
          cond,
          List.of(Focus.X_SOURCE_NAME, Focus.X_BILLING_PERIOD),
          false);
      after = wh.version(Tables.COST_LINE_ITEMS);
    }
    ctx.progress().step(
        "ownership",
        "re-enriched silver: " + now.size() + " periods checked, owners changed in " + changed.size()
            + (changed.isEmpty() ? "" : " " + changed + ", rewritten"));
    record(now.size(), new ArrayList<>(changed), before, after);
    due = false;
    return changed;
  }

  /** Per period: Σ hash(row key, owner columns). Equal sums mean equal owners. */
  private static Map<String, BigDecimal> ownerHash(Dataset<Row> rows) {
    List<Column> cols = new ArrayList<>();
    for (String c : List.of(Focus.X_SOURCE_NAME, Focus.X_SOURCE_FILE, Focus.X_SOURCE_ROW, Focus.X_SOURCE_ROW_PART)) {
      cols.add(col(c));
    }
    Focus.OWNER_COLUMNS.forEach(c -> cols.add(functions.coalesce(col(c), lit("\u0000"))));
    Column h = functions.xxhash64(cols.toArray(new Column[0])).cast(new DecimalType(20, 0));
    Map<String, BigDecimal> out = new TreeMap<>();
    for (Row r : rows.groupBy(Focus.X_BILLING_PERIOD).agg(functions.sum(h)).collectAsList()) {
      out.put(r.getString(0), (BigDecimal) r.get(1));
    }
    return out;
  }

  static final StructType VERSIONS_SCHEMA =
      new StructType()
          .add("run_id", DataTypes.StringType)
          .add("recorded_at", DataTypes.TimestampType)
          .add("fingerprint", DataTypes.StringType)
          .add("history", DataTypes.StringType)
          .add("rules", DataTypes.StringType)
          .add("periods_checked", DataTypes.IntegerType)
          .add("periods_rewritten", DataTypes.createArrayType(DataTypes.StringType))
          .add("silver_version_before", DataTypes.LongType)
          .add("silver_version_after", DataTypes.LongType);

  private String recorded() {
    Warehouse wh = ctx.warehouse();
    if (!wh.exists(Tables.OWNERSHIP_VERSIONS)) {
      return null;
    }
    List<Row> last = wh.read(Tables.OWNERSHIP_VERSIONS).orderBy(col("recorded_at").desc(), col("run_id").desc()).select("fingerprint").limit(1).collectAsList();
    return last.isEmpty() ? null : last.get(0).getString(0);
  }

  private void record(int checked, List<String> rewritten, long before, long after) {
    OwnershipConfig c = ownership.config();
    Row r =
        RowFactory.create(
            ctx.runId(),
            new Timestamp(System.currentTimeMillis()),
            ownership.fingerprint(),
            c.history().label,
            String.join(", ", c.rules().stream().map(x -> x.id() + ":" + x.type().label).toList()),
            checked,
            rewritten,
            before < 0 ? null : before,
            after);
    ctx.warehouse().append(ctx.spark().createDataFrame(List.of(r), VERSIONS_SCHEMA), Tables.OWNERSHIP_VERSIONS, false);
  }
}
