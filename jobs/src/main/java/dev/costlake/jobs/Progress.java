package dev.costlake.jobs;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Progress lines on stderr: time, step and what is happening (source, period, rows). */
public final class Progress {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
  private final PrintWriter out;
  private final Instant started = Instant.now();

  public Progress(PrintWriter out) {
    this.out = out;
  }

  public void step(String step, String message) {
    Duration d = Duration.between(started, Instant.now());
    out.printf(
        "[%s +%ds] %-9s %s%n", TIME.format(Instant.now()), d.toSeconds(), step, message);
    out.flush();
  }
}
