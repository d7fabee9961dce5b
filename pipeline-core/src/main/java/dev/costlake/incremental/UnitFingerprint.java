package dev.costlake.incremental;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import dev.costlake.model.Focus;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;

/**
 * A content fingerprint per unit (source, billing account, period): rows, Σ BilledCost, Σ
 * EffectiveCost and an order-independent sum of row hashes over every column but the run id.
 * Equal fingerprints mean the unit's rows are unchanged, so the run skips rewriting it and no new
 * Delta version appears for unchanged periods.
 */
public final class UnitFingerprint {
  private UnitFingerprint() {}

  public static final String ROWS = "rows";
  public static final String BILLED = "billed_cost";
  public static final String EFFECTIVE = "effective_cost";
  public static final String HASH = "content_hash";

  public static Dataset<Row> compute(Dataset<Row> silverRows) {
    return compute(silverRows, true);
  }

  /**
   * @param withHash false: {@value #HASH} is null, and only the unit columns and the two costs are
   *     read (enough when no earlier fingerprint exists to compare with)
   */
  public static Dataset<Row> compute(Dataset<Row> silverRows, boolean withHash) {
    List<Column> sums = new ArrayList<>();
    sums.add(sum(col(Focus.BilledCost)).as(BILLED));
    sums.add(sum(col(Focus.EffectiveCost)).as(EFFECTIVE));
    if (withHash) {
      // The sum of the 64-bit row hashes, exactly, in long arithmetic: each hash split into its
      // high 33 bits (signed) and low 31 bits, summed apart and recombined on the few aggregated
      // rows. Neither sum can overflow below 2^31 rows per unit (beyond, ANSI arithmetic fails
      // the run rather than wrap). A decimal sum would take BigInteger arithmetic for every row.
      Column rowHash = rowHash(silverRows);
      sums.add(sum(functions.shiftright(rowHash, LOW_BITS)).as("_high"));
      sums.add(sum(rowHash.bitwiseAND(lit((1L << LOW_BITS) - 1))).as("_low"));
    }
    DecimalType wide = new DecimalType(38, 0);
    Column hash =
        withHash
            ? col("_high").cast(wide).multiply(lit(1L << LOW_BITS).cast(wide)).plus(col("_low").cast(wide)).cast(wide)
            : lit(null).cast(wide);
    return silverRows
        .groupBy(col(Focus.X_SOURCE_NAME), col(Focus.BillingAccountId), col(Focus.X_BILLING_PERIOD))
        .agg(count(lit(1)).as(ROWS), sums.toArray(new Column[0]))
        .withColumn(HASH, hash)
        .drop("_high", "_low");
  }

  /** xxhash64 of every column but the run id; maps (which cannot be hashed) as their keys and values. */
  private static Column rowHash(Dataset<Row> rows) {
    List<Column> hashed = new ArrayList<>();
    for (StructField f : rows.schema().fields()) {
      if (f.name().equals(Focus.X_INGESTION_RUN_ID)) {
        continue;
      }
      Column c = col("`" + f.name() + "`");
      if (f.dataType() instanceof MapType) {
        hashed.add(functions.map_keys(c));
        hashed.add(functions.map_values(c));
      } else {
        hashed.add(c);
      }
    }
    return functions.xxhash64(hashed.toArray(new Column[0]));
  }

  private static final int LOW_BITS = 31;
}
