package dev.costlake.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a nightly run's CPU time goes, from a Java Flight Recorder file ({@code scripts/bench
 * --profile}): every CPU sample ({@code jdk.ExecutionSample}) is put in one part of the run by
 * the frames on its stack, and the samples of the executor threads also by the kind of work at
 * the top of the stack. Shares are of all samples; a sample is one thread seen running Java code.
 */
final class Profile {
  private Profile() {}

  /** Parts of the run, first match wins; each is a set of frame markers (class or method names). */
  static final List<Map.Entry<String, List<String>>> PARTS =
      List.of(
          Map.entry("code generation (Janino compiling Spark's generated code)", List.of("org.codehaus.janino", "CodeGenerator$.doCompile")),
          Map.entry("read, normalize, enrich and stage the landing files (one pass per file group)", List.of("CachedRDDBuilder", "BlockManager.doPutIterator")),
          Map.entry("Delta writes: Parquet encoding, statistics, sort by partition (silver, gold, logs)",
              List.of("DeltaFileFormatWriter", "FileFormatDataWriter", "UnsafeExternalRowSorter.sort")),
          Map.entry("aggregations, map side (per-file counts, fingerprints, reconciliation, gold group-bys)", List.of("ShuffleMapTask")),
          Map.entry("other executor tasks (final aggregations, collects)", List.of("Executor$TaskRunner")),
          Map.entry("driver and other threads (planning, Delta log, scheduling)", List.of("")));

  /** Kinds of work at the top of an executor thread's stack, first frame (from the top) that matches. */
  static final List<Map.Entry<String, List<String>>> WORK =
      List.of(
          Map.entry("staging cache: column building and reading", List.of("sql.execution.columnar.")),
          Map.entry("Parquet reading and writing", List.of("org.apache.parquet.", ".parquet.")),
          Map.entry("sorting", List.of("UnsafeExternalSorter", "UnsafeInMemorySorter", "UnsafeSorterSpill")),
          Map.entry("shuffle and spill I/O", List.of(".shuffle.", "DiskBlockObjectWriter", "DiskStore", "net.jpountz", "lz4", "xerial.snappy", "github.luben.zstd")),
          Map.entry("maps and arrays (tags, extensions, reasons)", List.of("ArrayBasedMapBuilder", "GenericArrayData", "MapData", "ArrayData", "UnsafeMapData", "UnsafeArrayData")),
          Map.entry("regular expressions", List.of("java.util.regex.")),
          Map.entry("decimal parsing and arithmetic", List.of("types.Decimal", "java.math.")),
          Map.entry("JSON", List.of("json", "Json", "jackson")),
          Map.entry("timestamps and dates", List.of("DateTimeUtils", "SparkDateTimeUtils", "TimestampFormatter", "DateFormatter", "java.time.")),
          Map.entry("hashing (fingerprints, hash aggregation)", List.of("XXH64", "Murmur3", "BytesToBytesMap", "hash.")),
          Map.entry("string operations", List.of("UTF8String", "CollationSupport", "ByteArray")),
          Map.entry("row copying (UnsafeRow reads and writes)", List.of("UnsafeRow", "UnsafeWriter", "UnsafeRowWriter", "Platform.copyMemory")),
          Map.entry("generated expression code", List.of("GeneratedClass")));

  /** Samples per part and, for executor threads, per kind of work; shares in percent. */
  static Map<String, Object> summarize(Path jfr) throws IOException {
    Map<String, Long> parts = new LinkedHashMap<>();
    PARTS.forEach(p -> parts.put(p.getKey(), 0L));
    Map<String, Long> work = new LinkedHashMap<>();
    WORK.forEach(w -> work.put(w.getKey(), 0L));
    work.put("other", 0L);
    long total = 0;
    long executor = 0;
    try (RecordingFile f = new RecordingFile(jfr)) {
      while (f.hasMoreEvents()) {
        RecordedEvent e = f.readEvent();
        if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null) {
          continue;
        }
        List<String> frames = new ArrayList<>();
        for (RecordedFrame fr : e.getStackTrace().getFrames()) {
          frames.add(fr.getMethod().getType().getName() + "." + fr.getMethod().getName());
        }
        total++;
        String part = firstMatchAnywhere(PARTS, frames);
        parts.merge(part, 1L, Long::sum);
        if (frames.stream().anyMatch(s -> s.contains("Executor$TaskRunner"))) {
          executor++;
          work.merge(firstMatchFromTop(WORK, frames), 1L, Long::sum);
        }
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("cpu_samples", total);
    out.put("parts_percent", percent(parts, total));
    out.put("executor_samples", executor);
    out.put("executor_work_percent", percent(work, total));
    return out;
  }

  private static String firstMatchAnywhere(List<Map.Entry<String, List<String>>> rules, List<String> frames) {
    for (Map.Entry<String, List<String>> r : rules) {
      for (String marker : r.getValue()) {
        for (String f : frames) {
          if (f.contains(marker)) {
            return r.getKey();
          }
        }
      }
    }
    return rules.get(rules.size() - 1).getKey();
  }

  private static String firstMatchFromTop(List<Map.Entry<String, List<String>>> rules, List<String> frames) {
    for (String f : frames) { // the top of the stack first
      for (Map.Entry<String, List<String>> r : rules) {
        for (String marker : r.getValue()) {
          if (f.contains(marker)) {
            return r.getKey();
          }
        }
      }
    }
    return "other";
  }

  private static Map<String, Double> percent(Map<String, Long> counts, long total) {
    Map<String, Double> out = new LinkedHashMap<>();
    counts.forEach((k, v) -> out.put(k, total == 0 ? 0.0 : Math.round(1000.0 * v / total) / 10.0));
    return out;
  }

  public static void main(String[] args) throws IOException {
    System.out.println(Json.pretty(summarize(Path.of(args[0]))));
  }
}
