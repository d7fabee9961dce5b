package dev.costlake.errors;

import java.util.Collection;

/** The one place user-facing errors are made. Each message says what, where and how to fix. */
public final class Errors {
  private Errors() {}

  public static final int EXIT_FAILURE = 1;
  public static final int EXIT_USAGE = 2;

  public static PipelineException config(String file, String key, String problem) {
    return new PipelineException(
        EXIT_USAGE,
        "Configuration error in "
            + file
            + ": key '"
            + key
            + "' "
            + problem
            + ". Fix the key in that file or override it with --set "
            + key
            + "=...",
        null);
  }

  public static PipelineException usage(String message) {
    return new PipelineException(EXIT_USAGE, message, null);
  }

  public static PipelineException unreadableFile(String file, String why, Throwable cause) {
    return new PipelineException(
        EXIT_FAILURE,
        "Cannot read "
            + file
            + ": "
            + why
            + ". No table was changed; replace or remove the file and run again.",
        cause);
  }

  /** What to change after running out of memory; the same advice wherever it happened. */
  private static final String MORE_MEMORY =
      "Give the driver more heap (scripts/finops: FINOPS_JAVA_OPTS=-Xmx4g; spark-submit: --driver-memory / "
          + "--executor-memory), or process fewer periods per run (--periods), and run again.";

  /**
   * Spark ran out of memory during {@code step}, before anything was written: not a problem of
   * the data, so no file is blamed.
   */
  public static PipelineException outOfMemory(String step, Throwable cause) {
    return new PipelineException(
        EXIT_FAILURE, "Out of memory while " + step + " (" + rootMessage(cause) + "). No table was changed. " + MORE_MEMORY, cause);
  }

  /**
   * Out of memory later in a run, in a write or a gold step: every table is at its last commit
   * (each write is one atomic commit), and the next run finishes what this one did not.
   */
  public static PipelineException outOfMemoryDuringRun(Throwable cause) {
    return new PipelineException(
        EXIT_FAILURE,
        "Out of memory (" + rootMessage(cause) + "). Every table is at its last committed version; "
            + "the next run finishes what this one did not. " + MORE_MEMORY,
        cause);
  }

  /** True when {@code e} or one of its causes is an out-of-memory error (JVM or Spark's). */
  public static boolean isOutOfMemory(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof OutOfMemoryError
          || t.getClass().getSimpleName().equals("SparkOutOfMemoryError")
          || String.valueOf(t.getMessage()).contains("UNABLE_TO_ACQUIRE_MEMORY")) {
        return true;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }

  public static PipelineException unknownFormat(String source, String file, String detail) {
    return new PipelineException(
        EXIT_FAILURE,
        "Source '"
            + source
            + "': cannot tell the export format of "
            + file
            + " ("
            + detail
            + "). Set the source's format explicitly in the configuration.",
        null);
  }

  public static PipelineException unsupportedFormat(String source, String file, String format) {
    return new PipelineException(
        EXIT_FAILURE,
        "Source '"
            + source
            + "': "
            + file
            + " looks like a "
            + format
            + " export, which this version cannot read yet. Supported formats: focus, aws-cur-legacy, aws-cur2.",
        null);
  }

  public static PipelineException missingColumns(
      String source, String file, Collection<String> missing) {
    return new PipelineException(
        EXIT_FAILURE,
        "Source '"
            + source
            + "': "
            + file
            + " lacks required columns "
            + missing
            + ". Check that the source points at the right export, or give the columns defaults"
            + " in the source's 'defaults' block.",
        null);
  }

  public static PipelineException reconciliation(String detail) {
    return new PipelineException(
        EXIT_FAILURE,
        "Reconciliation failed: "
            + detail
            + ". The run is marked failed; inspect the reconciliation table.",
        null);
  }

  /**
   * A mapping input of the ownership rules (CSV file or Delta table) is invalid: names the file
   * and the line (1 = the header) or row, and what is wrong. Exit code 2, nothing is written.
   */
  public static PipelineException mapping(String file, String where, String problem) {
    return new PipelineException(
        EXIT_USAGE,
        "Ownership mapping error in "
            + file
            + (where == null || where.isEmpty() ? "" : ", " + where)
            + ": "
            + problem
            + ". Fix the mapping and run again; no table was changed.",
        null);
  }

  /** A bad row in an input file that is not a billing export (business metrics, mappings). */
  public static PipelineException badInputLine(String what, String file, String line, String problem) {
    return new PipelineException(
        EXIT_FAILURE,
        what + " " + file + ", " + line + ": " + problem + ". Fix or remove that line and run again.",
        null);
  }

  public static PipelineException locked(String detail) {
    return new PipelineException(EXIT_FAILURE, detail, null);
  }
}
