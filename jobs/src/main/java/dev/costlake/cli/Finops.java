package dev.costlake.cli;

import dev.costlake.errors.Errors;
import dev.costlake.errors.PipelineException;
import java.io.PrintStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code finops}: the one command line of costlake. Exit codes: 0 success, 1 failed run, 2 bad
 * configuration or usage.
 */
@Command(
    name = "finops",
    mixinStandardHelpOptions = true,
    versionProvider = Finops.Version.class,
    description = "Cloud cost lakehouse: billing exports in, FOCUS-shaped Delta tables out.",
    subcommands = {
      NightlyCommand.class,
      IngestCommand.class,
      TransformCommand.class,
      GenerateSampleCommand.class,
      SqlCommand.class,
      TablesCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "Exit codes: 0 success, 1 the run failed, 2 bad configuration or usage.",
      "Run 'finops <command> --help' for a command's options."
    })
public final class Finops implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    int code = execute(System.out, System.err, args);
    Sessions.stopIfOwned();
    System.exit(code);
  }

  /** Runs the CLI in-process and returns the exit code (tests use this). */
  public static int execute(PrintStream out, PrintStream err, String... args) {
    CommandLine cli = new CommandLine(new Finops());
    cli.setOut(new java.io.PrintWriter(out, true));
    cli.setErr(new java.io.PrintWriter(err, true));
    cli.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          Throwable cause = ex;
          while (cause != null && !(cause instanceof PipelineException)) {
            cause = cause.getCause();
          }
          if (cause instanceof PipelineException pe) {
            err.println("finops: " + pe.getMessage());
            return pe.exitCode();
          }
          if (Errors.isOutOfMemory(ex)) {
            err.println("finops: " + Errors.outOfMemoryDuringRun(ex).getMessage());
            return Errors.EXIT_FAILURE;
          }
          err.println("finops: unexpected failure: " + ex);
          ex.printStackTrace(err);
          return Errors.EXIT_FAILURE;
        });
    return cli.execute(args);
  }

  /** Version from the jar manifest, or "dev" when run from classes. */
  public static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Finops.class.getPackage().getImplementationVersion();
      return new String[] {"finops " + (v == null ? "dev" : v)};
    }
  }
}
