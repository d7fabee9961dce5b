package dev.costlake.errors;

/**
 * An error a user can act on: says what happened, where (file, row, key) and how to fix it.
 * {@link #exitCode()} is 2 for bad configuration or usage, 1 for a failed run.
 */
public class PipelineException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int exitCode;

  public PipelineException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
