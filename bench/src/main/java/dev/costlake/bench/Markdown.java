package dev.costlake.bench;

import java.util.List;
import java.util.Map;

/** The Markdown summary of one benchmark result (what docs/benchmarks.md tables are made of). */
final class Markdown {
  private Markdown() {}

  @SuppressWarnings("unchecked")
  static String summary(Map<String, Object> r) {
    StringBuilder sb = new StringBuilder();
    Map<String, Object> machine = (Map<String, Object>) r.get("machine");
    Map<String, Object> params = (Map<String, Object>) r.get("parameters");
    Map<String, Object> input = (Map<String, Object>) r.get("input");
    sb.append("Machine: ").append(machine.get("nproc")).append(" cores, ").append(machine.get("ram_gb"))
        .append(" GB RAM, ").append(machine.get("cpu")).append("; ").append(machine.get("java")).append('\n');
    sb.append("Input: ").append(params.get("rows_requested")).append(" rows requested, ").append(params.get("months"))
        .append(" periods, ").append(input.get("parquet_files")).append(" Parquet files, ").append(input.get("parquet_mb"))
        .append(" MB; nightly heap ").append(params.get("nightly_heap")).append("\n\n");
    sb.append("| run | process s | CPU s | raw rows/s | peak RSS MB | load1 before→after | steps (s) |\n");
    sb.append("|---|---:|---:|---:|---:|---|---|\n");
    row(sb, "finops nightly (first load)", (Map<String, Object>) r.get("nightly"));
    Map<String, Object> peer = (Map<String, Object>) r.get("peer");
    if (peer != null) {
      sb.append("| DuckDB peer (silver Parquet + gold) | ").append(sec(peer.get("process_ms"))).append(" | ")
          .append(sec(peer.get("cpu_ms"))).append(" | ")
          .append(peer.getOrDefault("silver_rows_per_s", "")).append(" (silver) | ").append(peer.get("peak_rss_mb"))
          .append(" | ").append(peer.get("load1_before")).append("→").append(peer.get("load1_after")).append(" | silver ")
          .append(sec(peer.get("silver_ms"))).append(", gold ").append(sec(peer.get("gold_ms"))).append(" |\n");
    }
    Map<String, Object> inc = (Map<String, Object>) r.get("incremental");
    if (inc != null) {
      row(sb, "incremental: load 12 periods", (Map<String, Object>) inc.get("load_12_periods"));
      row(sb, "incremental: rerun, nothing changed", (Map<String, Object>) inc.get("rerun_unchanged"));
      row(sb, "incremental: rerun, period " + inc.get("restated_period") + " restated", (Map<String, Object>) inc.get("rerun_one_period_restated"));
      row(sb, "one-period first load", (Map<String, Object>) inc.get("one_period_first_load"));
    }
    sb.append('\n');
    Map<String, Object> ratio = (Map<String, Object>) r.get("ratio");
    if (ratio != null) {
      sb.append("ours/peer (process wall time): ").append(ratio.get("ours_over_peer"));
      if (ratio.get("cpu_ours_over_peer") != null) {
        sb.append("; CPU time ours/peer: ").append(ratio.get("cpu_ours_over_peer"));
      }
      if (ratio.get("peak_rss_ours_over_peer") != null) {
        sb.append("; peak RSS ours/peer: ").append(ratio.get("peak_rss_ours_over_peer"));
      }
      sb.append('\n');
    }
    Map<String, Object> check = (Map<String, Object>) r.get("peer_check");
    if (check != null) {
      sb.append("peer check: ").append(check.get("status")).append(" over ").append(check.get("periods_and_currencies"))
          .append(" (period, currency) totals; silver rows ours ").append(check.get("silver_rows_ours")).append(", peer ")
          .append(check.get("silver_rows_peer")).append('\n');
    }
    if (inc != null) {
      sb.append("restated rerun / one-period load: ").append(inc.get("restated_over_one_period"))
          .append("; restated rerun / full load: ").append(inc.get("restated_over_full_load"))
          .append(" (CPU time: ").append(inc.get("cpu_restated_over_one_period")).append(" and ")
          .append(inc.get("cpu_restated_over_full_load")).append(")\n");
    }
    Map<String, Object> nightly = (Map<String, Object>) r.get("nightly");
    Map<String, Object> profile = nightly == null ? null : (Map<String, Object>) nightly.get("profile");
    if (profile != null) {
      sb.append("\nWhere the first load's CPU time goes (").append(profile.get("cpu_samples"))
          .append(" JFR samples; ").append(profile.get("recording")).append("):\n\n| part of the run | share % |\n|---|---:|\n");
      ((Map<String, Object>) profile.get("parts_percent")).forEach((k, v) -> sb.append("| ").append(k).append(" | ").append(v).append(" |\n"));
      sb.append("\n| executor threads: kind of work at the top of the stack | share % of all samples |\n|---|---:|\n");
      ((Map<String, Object>) profile.get("executor_work_percent")).forEach((k, v) -> sb.append("| ").append(k).append(" | ").append(v).append(" |\n"));
      sb.append('\n');
    }
    Object checks = r.get("checks");
    sb.append("checks: ").append(checks instanceof List<?> l ? String.join("; ", l.stream().map(String::valueOf).toList()) : checks).append('\n');
    return sb.toString();
  }

  @SuppressWarnings("unchecked")
  private static void row(StringBuilder sb, String name, Map<String, Object> n) {
    if (n == null) {
      return;
    }
    sb.append("| ").append(name).append(" | ").append(sec(n.get("process_ms"))).append(" | ").append(sec(n.get("cpu_ms"))).append(" | ")
        .append(n.getOrDefault("raw_rows_per_s", "")).append(" | ").append(n.get("peak_rss_mb")).append(" | ")
        .append(n.get("load1_before")).append("→").append(n.get("load1_after")).append(" | ");
    Map<String, Long> steps = (Map<String, Long>) n.get("step_ms");
    if (steps != null) {
      StringBuilder st = new StringBuilder();
      steps.forEach((k, v) -> st.append(st.length() == 0 ? "" : ", ").append(k).append(' ').append(sec(v)));
      sb.append(st);
    }
    sb.append(" |\n");
  }

  private static String sec(Object millis) {
    if (!(millis instanceof Number n)) {
      return "";
    }
    return String.format(java.util.Locale.ROOT, "%.1f", n.longValue() / 1000.0);
  }
}
