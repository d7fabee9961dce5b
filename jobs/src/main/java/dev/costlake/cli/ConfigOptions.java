package dev.costlake.cli;

import dev.costlake.config.ConfigLoader;
import dev.costlake.config.PipelineConfig;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** --conf and --set, shared by every command. */
public final class ConfigOptions {
  @Option(
      names = "--conf",
      paramLabel = "FILE",
      description = "HOCON configuration file (default: conf/application.conf when present).")
  File conf;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description =
          "Override a configuration key, repeatable (e.g. --set warehouse=s3a://bucket/wh;"
              + " the 'costlake.' prefix is optional).")
  List<String> overrides = new ArrayList<>();

  public PipelineConfig load() {
    return ConfigLoader.load(conf, overrides);
  }

  public List<String> describe() {
    List<String> out = new ArrayList<>();
    if (conf != null) {
      out.add("--conf " + conf);
    }
    for (String o : overrides) {
      out.add("--set " + o);
    }
    return out;
  }
}
