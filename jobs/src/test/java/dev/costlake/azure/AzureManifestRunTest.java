package dev.costlake.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlake.model.Focus;
import dev.costlake.testing.Cli;
import dev.costlake.testing.Csv;
import dev.costlake.testing.Frames;
import dev.costlake.testing.TestSpark;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Export manifests name the dataset when nothing else can: the FinOps toolkit's EA files without
 * their commitment rows (only on-demand usage, so content cannot tell actual from amortized) in
 * run folders with neutral names. Then an incremental run after only the amortized file changed
 * must re-read the actual file too (the ingestion log records that it holds the unit). Also: an
 * unrecognized header set stops the run naming the file and the missing columns.
 */
class AzureManifestRunTest {
  static final String TOOLKIT = "/external/azure-finops-toolkit/";

  @TempDir Path work;

  private static List<String> lines(String resource, boolean keepCommitments) throws IOException {
    String text;
    try (InputStream in = AzureManifestRunTest.class.getResourceAsStream(resource)) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    List<String> out = new ArrayList<>();
    for (String l : text.split("\r?\n")) {
      if (keepCommitments || out.isEmpty() || (!l.contains(",Reservation,") && !l.contains(",SavingsPlan,"))) {
        out.add(l);
      }
    }
    return out;
  }

  private static void manifest(Path runFolder, String type, String submitted) throws IOException {
    Files.writeString(
        runFolder.resolve("manifest.json"),
        "{\"manifestVersion\":\"2024-04-01\",\"exportConfig\":{\"exportName\":\"x\",\"type\":\"" + type
            + "\",\"timeFrame\":\"MonthToDate\"},\"runInfo\":{\"runId\":\"" + runFolder.getFileName() + "\",\"submittedTime\":\""
            + submitted + "\"},\"blobs\":[{\"blobName\":\"part_0_0001.csv\"}]}");
  }

  private int nightly(ByteArrayOutputStream err) {
    Cli.Result r = Cli.in(work, "[{name=azure, path=azure}]", "nightly");
    err.writeBytes(r.err().getBytes(StandardCharsets.UTF_8));
    return r.code();
  }

  @Test
  void manifestsPairDatasetsAndAChangedAmortizedFileReReadsTheActualOne() throws IOException {
    List<String> actual = lines(TOOLKIT + "EA_ActualCost_Small.csv", false);
    List<String> amortized = lines(TOOLKIT + "EA_AmortizedCost_Small.csv", false);
    assertEquals(1 + 10, actual.size());
    assertEquals(1 + 26, amortized.size());
    Path a = Files.createDirectories(work.resolve("landing/azure/export-1/20230901-20230930/run-a"));
    Path z = Files.createDirectories(work.resolve("landing/azure/export-2/20230901-20230930/run-z"));
    Files.write(a.resolve("part_0_0001.csv"), actual);
    Files.write(z.resolve("part_0_0001.csv"), amortized);
    manifest(a, "ActualCost", "2023-10-02T04:00:00Z");
    manifest(z, "AmortizedCost", "2023-10-02T04:10:00Z");
    BigDecimal billed = AzureSampleTest.sum12(Csv.read(new ByteArrayInputStream(String.join("\n", actual).getBytes(StandardCharsets.UTF_8))), "Cost");
    BigDecimal effective = AzureSampleTest.sum12(Csv.read(new ByteArrayInputStream(String.join("\n", amortized).getBytes(StandardCharsets.UTF_8))), "Cost");
    assertTrue(billed.compareTo(effective) != 0);

    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertEquals(0, nightly(err), err.toString(StandardCharsets.UTF_8));
    Dataset<Row> s = table("cost_line_items");
    assertEquals(26, s.count());
    assertEquals(10, s.where("x_PairedSourceRow IS NOT NULL").count());
    Frames.assertMoney(billed, Frames.sum(s, Focus.BilledCost), "Σ BilledCost = actual total");
    Frames.assertMoney(effective, Frames.sum(s, Focus.EffectiveCost), "Σ EffectiveCost = amortized total");
    assertEquals(10, s.where("x_SourceFormat = 'azure-amortized' AND x_PairedSourceFile LIKE '%run-a/part_0_0001.csv'").count());

    // Only the amortized file changes (a rewrite); the actual file must be read again with it.
    Path part = z.resolve("part_0_0001.csv");
    Files.write(part, amortized);
    Files.setLastModifiedTime(part, FileTime.fromMillis(Files.getLastModifiedTime(part).toMillis() + 60_000));
    err = new ByteArrayOutputStream();
    assertEquals(0, nightly(err), err.toString(StandardCharsets.UTF_8));
    String log = err.toString(StandardCharsets.UTF_8);
    assertTrue(log.contains("1 changed") && log.contains("reading 2 files"), log);
    s = table("cost_line_items");
    assertEquals(26, s.count());
    Frames.assertMoney(billed, Frames.sum(s, Focus.BilledCost), "Σ BilledCost after the amortized file changed");
    Frames.assertMoney(effective, Frames.sum(s, Focus.EffectiveCost), "Σ EffectiveCost after the amortized file changed");

    // A later month-to-date run of the actual export supersedes run-a.
    Path a2 = Files.createDirectories(work.resolve("landing/azure/export-1/20230901-20230930/run-b"));
    Files.write(a2.resolve("part_0_0001.csv"), actual.subList(0, 6));
    manifest(a2, "ActualCost", "2023-10-03T04:00:00Z");
    err = new ByteArrayOutputStream();
    assertEquals(0, nightly(err), err.toString(StandardCharsets.UTF_8));
    log = err.toString(StandardCharsets.UTF_8);
    assertTrue(log.contains("run-a/part_0_0001.csv (superseded export run)"), log);
    s = table("cost_line_items");
    BigDecimal billed2 = AzureSampleTest.sum12(Csv.read(new ByteArrayInputStream(String.join("\n", actual.subList(0, 6)).getBytes(StandardCharsets.UTF_8))), "Cost");
    Frames.assertMoney(billed2, Frames.sum(s, Focus.BilledCost), "Σ BilledCost = the latest run's total");
    assertEquals(5, s.where("x_PairedSourceFile LIKE '%run-b/%'").count());
    assertEquals(0, s.where("x_PairedSourceFile LIKE '%run-a/%'").count());
  }

  @Test
  void unknownHeaderSetNamesFileAndMissingColumns() throws IOException {
    Path f = Files.createDirectories(work.resolve("landing/azure")).resolve("usage.csv");
    Files.writeString(f, "SubscriptionGuid,MeterCategory,PreTaxCost,Currency\nsub-1,Storage,1.5,USD\n");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertEquals(1, nightly(err));
    String msg = err.toString(StandardCharsets.UTF_8);
    assertTrue(msg.contains("usage.csv") && msg.contains("lacks required columns [Date (date/usagedatetime/usagedate)]"), msg);
  }

  private Dataset<Row> table(String name) {
    return TestSpark.get().read().format("delta").load(work.resolve("wh/" + name).toString());
  }
}
