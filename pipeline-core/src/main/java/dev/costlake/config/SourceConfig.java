package dev.costlake.config;

import java.util.Map;

/**
 * One landing source: a name (used in tables and lineage), an export format ({@code auto} to
 * detect it from the files) and a path or prefix, plus optional column defaults for exports
 * that omit columns (for example the FOCUS spec's examples have no BillingCurrency).
 */
public record SourceConfig(String name, String format, String path, Map<String, String> defaults) {
  public static final String AUTO = "auto";
}
