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

  public static PipelineException locked(String detail) {
    return new PipelineException(EXIT_FAILURE, detail, null);
  }
}
