package dev.costlake.gold;

import static dev.costlake.testing.Frames.row;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.costlake.model.Focus;
import dev.costlake.testing.Frames;
import dev.costlake.testing.TestSpark;
import java.math.BigDecimal;
import java.sql.Date;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The summary's rows and counts, worked out by hand on six lines. */
class SilverSummaryTest {
  private final SparkSession spark = TestSpark.get();

  private static final StructType SCHEMA =
      CostDailyTest.SCHEMA
          .add(Focus.ResourceId, DataTypes.StringType)
          .add(Focus.X_TAGS_MAP, DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType));

  private static Row line(String cur, String method, String resource, String billed, String eff, String list) {
    return RowFactory.create(
        "2026-09", Date.valueOf("2026-09-02"), "AWS", "111", "Payer", "222", "Dev", "Compute", "EC2",
        "us-east-1", cur, "Usage", null,
        new BigDecimal(billed), new BigDecimal(eff), list == null ? null : new BigDecimal(list), new BigDecimal(list == null ? "0" : list),
        method, resource, Map.of("team", "a"));
  }

  @Test
  void linesWithTheSameDimensionsAndNullFlagsBecomeOneRowThatCountsThem() {
    Dataset<Row> silver =
        spark.createDataFrame(
            List.of(
                line("USD", null, "r1", "2", "1.5", "3"),
                line("USD", null, "r3", "1", "0.25", "1"), // same row as r1: 2 lines
                line("USD", null, "r2", "2", "2.25", null), // ListCost null: a row of its own
                line("EUR", null, "r1", "4", "4", "4"), // another currency
                line("USD", null, null, "10", "10", "10"), // no ResourceId: a row of its own
                line("USD", "split", "r1", "50", "50", "50")), // split cost allocation: left out
            SCHEMA);
    Dataset<Row> summary = SilverSummary.summarize(silver).cache();
    Frames.assertSameRows(
        List.of(
            row("USD", false, false, 2L, new BigDecimal("1.75"), new BigDecimal("3"), new BigDecimal("4")),
            row("USD", false, true, 1L, new BigDecimal("2.25"), new BigDecimal("2"), null),
            row("EUR", false, false, 1L, new BigDecimal("4"), new BigDecimal("4"), new BigDecimal("4")),
            row("USD", true, false, 1L, new BigDecimal("10"), new BigDecimal("10"), new BigDecimal("10"))),
        summary.select(
            Focus.BillingCurrency, SilverSummary.RESOURCE_ID_NULL, "x__ListCostNull", SilverSummary.LINES,
            Focus.EffectiveCost, Focus.BilledCost, Focus.ListCost));
    assertEquals(
        Arrays.asList(DataTypes.createDecimalType(36, 12), DataTypes.LongType),
        Arrays.asList(summary.schema().apply(Focus.EffectiveCost).dataType(), summary.schema().apply(SilverSummary.LINES).dataType()));

    // cost_daily from the summary: USD 4 lines, Σ Effective 1.5 + 0.25 + 2.25 + 10 = 14, Σ List
    // 3 + 1 + 10 = 14 (the null left out, as over the lines).
    Frames.assertSameRows(
        List.of(
            row("USD", 4L, new BigDecimal("14"), new BigDecimal("14")),
            row("EUR", 1L, new BigDecimal("4"), new BigDecimal("4"))),
        CostDaily.compute(summary).select(Focus.BillingCurrency, CostDaily.LINE_ITEMS, Focus.EffectiveCost, Focus.ListCost));
    // Lines without a list price, counted on the summary as on silver: one.
    Frames.assertSameRows(
        List.of(row(1L)),
        summary.agg(SilverSummary.countWhen(summary, org.apache.spark.sql.functions.col(Focus.ListCost).isNull())));
    Frames.assertSameRows(
        List.of(row(1L)),
        CostDaily.countable(silver).agg(SilverSummary.countWhen(silver, org.apache.spark.sql.functions.col(Focus.ListCost).isNull())));
    summary.unpersist();
  }
}
