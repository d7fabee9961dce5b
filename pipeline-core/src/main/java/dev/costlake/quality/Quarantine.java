package dev.costlake.quality;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.size;

import dev.costlake.model.Focus;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Splits normalized rows into silver (valid) and quarantine (with reason codes, file, row and
 * the raw record). Nothing is dropped: every input row lands in exactly one of the two.
 */
public final class Quarantine {
  private Quarantine() {}

  public static final String REASONS = "x_QuarantineReasons";
  public static final String REASON = "x_QuarantineReason";
  public static final String RAW_RECORD = "x_RawRecord";

  // Reason codes; a code may be followed by ":<Column>".
  public static final String MALFORMED_ROW = "MALFORMED_ROW";
  public static final String UNPARSABLE_NUMBER = "UNPARSABLE_NUMBER";
  public static final String UNPARSABLE_TIMESTAMP = "UNPARSABLE_TIMESTAMP";
  public static final String MISSING_REQUIRED = "MISSING_REQUIRED";
  public static final String UNKNOWN_CURRENCY = "UNKNOWN_CURRENCY";
  public static final String INVALID_JSON = "INVALID_JSON";
  public static final String INVALID_ENCODING = "INVALID_ENCODING";

  /** Columns of {@code quarantine_line_items}. */
  public static final List<String> QUARANTINE_COLUMNS =
      List.of(
          Focus.X_SOURCE_NAME,
          Focus.X_SOURCE_FORMAT,
          Focus.X_SOURCE_FILE,
          Focus.X_SOURCE_ROW,
          Focus.X_SOURCE_ROW_PART,
          Focus.X_PAIRED_SOURCE_FILE,
          Focus.X_PAIRED_SOURCE_ROW,
          Focus.X_INGESTION_RUN_ID,
          Focus.X_BILLING_PERIOD,
          Focus.BillingAccountId,
          Focus.BillingCurrency,
          Focus.BilledCost,
          Focus.EffectiveCost,
          REASON,
          REASONS,
          RAW_RECORD);

  /** The raw row as a JSON object of its text columns (only computed for quarantined rows). */
  public static Column rawRecord(String[] rawColumns) {
    List<Column> cols = new ArrayList<>();
    for (String c : rawColumns) {
      if (c.startsWith("x__")) {
        continue;
      }
      cols.add(col("`" + c + "`"));
    }
    return functions.to_json(functions.struct(cols.toArray(new Column[0])));
  }

  public static Dataset<Row> valid(Dataset<Row> staged) {
    return staged.filter(size(col(REASONS)).equalTo(0)).drop(REASONS, RAW_RECORD);
  }

  public static Dataset<Row> rejected(Dataset<Row> staged) {
    Dataset<Row> q =
        staged
            .filter(size(col(REASONS)).gt(0))
            .withColumn(REASON, concat_ws("; ", col(REASONS)));
    return q.select(QUARANTINE_COLUMNS.stream().map(c -> col(c)).toArray(Column[]::new));
  }
}
