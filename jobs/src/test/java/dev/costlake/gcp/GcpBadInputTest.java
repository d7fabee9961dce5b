package dev.costlake.gcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlake.model.Focus;
import dev.costlake.testing.Cli;
import dev.costlake.testing.Frames;
import dev.costlake.testing.TestSpark;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad GCP JSON lines are quarantined with a reason; the good ones load; gzip JSON is read. */
class GcpBadInputTest {
  @TempDir Path work;

  static String line(String cost, String credits, String costType) {
    return "{\"billing_account_id\":\"X1\",\"service\":{\"description\":\"Compute Engine\"},\"sku\":{\"id\":\"S\",\"description\":\"N2 core\"},"
        + "\"usage_start_time\":\"2026-05-10 07:00:00 UTC\",\"usage_end_time\":\"2026-05-10 08:00:00 UTC\",\"project\":{\"id\":\"p\"},"
        + "\"labels\":[],\"cost\":" + cost + ",\"currency\":\"USD\",\"credits\":" + credits + ",\"invoice\":{\"month\":\"202605\"},\"cost_type\":\"" + costType + "\"}";
  }

  @Test
  void badLinesAreQuarantinedWithTheirReason() throws Exception {
    Path dir = work.resolve("landing/gcp/export");
    Files.createDirectories(dir);
    List<String> lines = List.of(
        line("1.25", "[{\"name\":\"promo\",\"amount\":-0.25,\"id\":\"p1\",\"type\":\"PROMOTION\"}]", "regular"), // good: 2 rows
        "{\"billing_account_id\":\"X1\", \"cost\": 4.0, broken",                                             // not JSON
        line("\"abc\"", "[]", "regular"),                                                                      // cost not a number
        line("2.00", "[{\"name\":\"x\",\"amount\":\"n/a!\",\"type\":\"PROMOTION\"}]", "regular"),             // credit not a number
        line("0.50", "[]", "surcharge"));                                                                      // unknown cost_type
    Files.writeString(dir.resolve("part-0.json"), String.join("\n", lines.subList(0, 3)) + "\n");
    try (OutputStream os = new GZIPOutputStream(Files.newOutputStream(dir.resolve("part-1.json.gz")))) {
      os.write((String.join("\n", lines.subList(3, 5)) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    String log = Cli.in(work, "[{name=gcp, path=gcp}]", "nightly").ok().err();
    assertTrue(log.contains("gcp-billing/json=2"), log);
    var spark = TestSpark.get();
    Dataset<Row> silver = spark.read().format("delta").load(work.resolve("wh/cost_line_items").toString());
    Dataset<Row> q = spark.read().format("delta").load(work.resolve("wh/quarantine_line_items").toString()).where("x_SourceRowPart = 0");
    assertEquals(2, silver.count(), "the good line and its credit");
    Frames.assertMoney(new BigDecimal("1.00"), Frames.sum(silver, Focus.BilledCost), "1.25 - 0.25");
    assertEquals(4, q.count());
    assertReason(q, "part-0.json", 2, "MALFORMED_ROW");
    assertReason(q, "part-0.json", 3, "UNPARSABLE_NUMBER:cost");
    assertReason(q, "part-1.json.gz", 1, "UNPARSABLE_NUMBER:credits.amount");
    assertReason(q, "part-1.json.gz", 2, "UNKNOWN_VALUE:cost_type");
  }

  private static void assertReason(Dataset<Row> q, String file, long row, String reason) {
    Row r = q.where("x_SourceFile LIKE '%" + file + "' AND x_SourceRow = " + row).first();
    String got = r.getAs("x_QuarantineReason");
    assertTrue(got.contains(reason), file + " row " + row + ": " + got);
  }
}
