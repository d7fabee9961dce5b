package dev.costlake.cli;

import dev.costlake.config.PipelineConfig;
import dev.costlake.errors.Errors;
import dev.costlake.generate.AwsCurSampleGenerator;
import dev.costlake.generate.AzureSampleGenerator;
import dev.costlake.generate.FocusSampleGenerator;
import dev.costlake.generate.GcpBillingSampleGenerator;
import dev.costlake.generate.OciSampleGenerator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import dev.costlake.jobs.Progress;
import java.io.IOException;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "generate-sample",
    mixinStandardHelpOptions = true,
    description = {
      "Write seeded, deterministic sample billing exports under <out>: native FOCUS 1.0/1.2/1.3",
      "(CSV, gzip CSV, Parquet) under focus/, with commitments, credits, tax and a few bad rows;",
      "AWS legacy CUR (gzip CSV with manifests and a restated assembly, Parquet) under aws-cur/",
      "and CUR 2.0 under aws-cur2/, with Savings Plans, RIs, Spot, EDP, credits, refunds, tax,",
      "marketplace and split cost allocation rows; Azure EA and MCA actual + amortized cost",
      "exports under azure/, with a reservation, a savings plan, unused rows, a refund and a",
      "rounding adjustment; GCP billing exports (Parquet, Avro, JSON) under gcp-billing/ with",
      "resource and spend-based CUDs (legacy and new model) and credits; OCI cost reports (gzip",
      "CSV) under oci-cost/ with corrections and overage."
    })
final class GenerateSampleCommand implements Callable<Integer> {
  @Mixin ConfigOptions configOptions;
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--rows", description = "Approximate number of rows in all (default: ${DEFAULT-VALUE}).", defaultValue = "20000")
  long rows;

  @Option(names = "--months", description = "Number of billing months (default: ${DEFAULT-VALUE}).", defaultValue = "3")
  int months;

  @Option(names = "--seed", description = "Random seed; same seed and options give the same files (default: ${DEFAULT-VALUE}).", defaultValue = "42")
  long seed;

  @Option(names = "--last-month", paramLabel = "YYYY-MM", description = "Last billing month generated (default: the current UTC month).")
  String lastMonth;

  @Option(names = "--out", paramLabel = "PATH", description = "Folder or s3a:// URI to write to (default: the configured landing).")
  String out;

  static final List<String> PROVIDERS = List.of("focus", "aws", "azure", "gcp", "oci");

  @Option(names = "--providers", split = ",", paramLabel = "NAME[,NAME...]", description = "Which exports to write: focus, aws, azure, gcp, oci (default: focus,aws; the quick start asks for all five). --rows is shared among them.")
  List<String> providers = new java.util.ArrayList<>(List.of("focus", "aws"));

  @Option(names = "--aws-layouts", split = ",", paramLabel = "LAYOUT[,LAYOUT...]", description = "Which AWS layouts to write: legacy-csv, legacy-parquet, cur2 (default: all). The aws share of --rows is shared among them.")
  List<String> awsLayouts = new java.util.ArrayList<>(AwsCurSampleGenerator.LAYOUTS);

  @Override
  public Integer call() throws IOException {
    if (rows < 1 || months < 1) {
      throw Errors.usage("--rows and --months must be at least 1");
    }
    YearMonth last;
    try {
      last = lastMonth == null ? YearMonth.now(ZoneOffset.UTC) : YearMonth.parse(lastMonth);
    } catch (java.time.format.DateTimeParseException e) {
      throw Errors.usage("--last-month must look like 2026-10, got '" + lastMonth + "'");
    }
    PipelineConfig config = configOptions.load();
    String target = out == null ? config.landing() : out;
    Progress progress = new Progress(spec.commandLine().getErr());
    progress.step("generate", rows + " rows over " + months + " months ending " + last + " (seed " + seed + ") into " + target);
    Set<String> wanted = new TreeSet<>(providers);
    for (String p : wanted) {
      if (!PROVIDERS.contains(p)) {
        throw Errors.usage("--providers: unknown '" + p + "'; choose from " + PROVIDERS);
      }
    }
    for (String l : awsLayouts) {
      if (!AwsCurSampleGenerator.LAYOUTS.contains(l)) {
        throw Errors.usage("--aws-layouts: unknown '" + l + "'; choose from " + AwsCurSampleGenerator.LAYOUTS);
      }
    }
    long share = Math.max(1, rows / wanted.size());
    var spark = Sessions.get(config);
    if (wanted.contains("focus")) {
      FocusSampleGenerator.Result r =
          FocusSampleGenerator.generate(spark, new FocusSampleGenerator.Options(share, months, seed, target, last));
      progress.step("generate", "focus: " + r.rowsWritten() + " rows (" + r.badRows() + " deliberately bad) in " + r.files().size() + " files under " + target + "/focus");
    }
    if (wanted.contains("aws")) {
      AwsCurSampleGenerator.Result r =
          AwsCurSampleGenerator.generate(spark, new AwsCurSampleGenerator.Options(share, months, seed, target, last, awsLayouts));
      progress.step("generate", "aws: " + r.rowsWritten() + " rows (" + String.join(", ", awsLayouts) + ") under " + target + "/aws-cur and " + target + "/aws-cur2");
    }
    if (wanted.contains("gcp")) {
      GcpBillingSampleGenerator.Result r =
          GcpBillingSampleGenerator.generate(spark, new GcpBillingSampleGenerator.Options(share, months, seed, target, last));
      progress.step("generate", "gcp: " + r.rowsWritten() + " rows of billing export (Parquet, Avro, JSON) under " + target + "/gcp-billing");
    }
    if (wanted.contains("oci")) {
      OciSampleGenerator.Result r =
          OciSampleGenerator.generate(spark, new OciSampleGenerator.Options(share, months, seed, target, last));
      progress.step("generate", "oci: " + r.rowsWritten() + " rows of cost reports in " + r.files().size() + " files under " + target + "/oci-cost");
    }
    if (wanted.contains("azure")) {
      AzureSampleGenerator.Result r =
          AzureSampleGenerator.generate(spark, new AzureSampleGenerator.Options(share, months, seed, target, last));
      progress.step("generate", "azure: " + r.rowsWritten() + " rows of EA (CSV, gzip CSV, with export manifests) and MCA (Parquet) actual and amortized cost under " + target + "/azure");
    }
    return 0;
  }
}
