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
    List<Column> hashed = new ArrayList<>();
    for (StructField f : silverRows.schema().fields()) {
      if (f.name().equals(Focus.X_INGESTION_RUN_ID)) {
        continue;
      }
      Column c = col("`" + f.name() + "`");
      hashed.add(f.dataType() instanceof MapType ? functions.to_json(c) : c);
    }
    Column rowHash = functions.xxhash64(hashed.toArray(new Column[0])).cast(new DecimalType(20, 0));
    return silverRows
        .groupBy(col(Focus.X_SOURCE_NAME), col(Focus.BillingAccountId), col(Focus.X_BILLING_PERIOD))
        .agg(
            count(lit(1)).as(ROWS),
            sum(col(Focus.BilledCost)).as(BILLED),
            sum(col(Focus.EffectiveCost)).as(EFFECTIVE),
            sum(rowHash).as(HASH));
  }
}
