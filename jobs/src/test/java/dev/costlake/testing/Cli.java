package dev.costlake.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.costlake.cli.Finops;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the {@code finops} CLI in the test JVM, as a user would from the shell; it joins the
 * suite's SparkSession ({@link TestSpark}). What it printed comes back with the exit code.
 */
public final class Cli {
  private Cli() {}

  /** Exit code, standard output and standard error (progress and messages) of one command. */
  public record Result(int code, String out, String err) {
    /** This result, after checking the command exited 0 (else fails showing its stderr). */
    public Result ok() {
      assertEquals(0, code, err);
      return this;
    }
  }

  public static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Finops.execute(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            args);
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /**
   * {@code command} with landing {@code work/landing}, warehouse {@code work/wh} and the given
   * sources (a HOCON list), then {@code more} arguments (options, further {@code --set}s).
   */
  public static Result in(Path work, String sources, String command, String... more) {
    List<String> all = new ArrayList<>();
    all.add(command);
    all.addAll(
        List.of(
            "--set", "landing=" + work.resolve("landing").toUri(),
            "--set", "warehouse=" + work.resolve("wh").toUri(),
            "--set", "sources=" + sources));
    all.addAll(List.of(more));
    return run(all.toArray(new String[0]));
  }
}
