package dev.costlake.allocation;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.costlake.model.AllocationColumns;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;

/**
 * Splits an amount over targets by weight so that the parts add up to the amount exactly at the
 * full 12-decimal scale: each part is {@code round(total * w / Σw, 12)} and the rounding residue
 * goes to the largest part (ties: the first target by name), so the result is deterministic.
 *
 * <p>Precision: weights are taken to 6 decimal places (DECIMAL(18,6)), which makes Spark keep 20
 * decimal places in {@code w / Σw}; totals are DECIMAL(26,12) (up to 10^14 per pool, day and
 * currency), and the product keeps 22 decimal places before rounding to 12. Parts and residue
 * stay DECIMAL(26,12) so that their sum keeps 12 places: Spark cuts the scale of arithmetic on
 * DECIMAL(38,s) operands (see README "Money and precision").
 */
public final class ExactSplit {
  private ExactSplit() {}

  static final DecimalType WEIGHT = DataTypes.createDecimalType(18, 6);
  static final DecimalType RATIO = DataTypes.createDecimalType(21, 20);
  static final DecimalType TOTAL = DataTypes.createDecimalType(26, 12);

  /**
   * @param rows one row per (keys, target) with the key's total repeated and a weight ≥ 0 whose
   *     sum per key is positive
   * @return {@code rows} with column {@code out} (DECIMAL(38,12)) holding each target's part
   */
  public static Dataset<Row> split(
      Dataset<Row> rows, List<String> keys, String total, String target, String weight, String out) {
    WindowSpec byKey = Window.partitionBy(keys.stream().map(c -> col(c)).toArray(Column[]::new));
    Column w = col(weight).cast(WEIGHT);
    Column ratio = w.divide(sum(w).over(byKey).cast(WEIGHT)).cast(RATIO);
    Column rounded =
        round(col(total).cast(TOTAL).multiply(ratio), 12).cast(TOTAL);
    String part = "_split_part";
    String rank = "_split_rank";
    String residue = "_split_residue";
    return rows.withColumn(part, rounded)
        .withColumn(
            residue, col(total).cast(TOTAL).minus(sum(col(part)).over(byKey).cast(TOTAL)))
        .withColumn(rank, row_number().over(byKey.orderBy(col(part).desc(), col(target).asc())))
        .withColumn(
            out,
            when(col(rank).equalTo(1), col(part).plus(col(residue)))
                .otherwise(col(part))
                .cast(AllocationColumns.AMOUNT))
        .drop(part, rank, residue);
  }

  static Column zero() {
    return lit(0).cast(AllocationColumns.AMOUNT);
  }
}
