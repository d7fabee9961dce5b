package dev.costlake.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costlake.errors.Errors;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One writer per warehouse: a lock file {@code _costlake.lock} in the warehouse holding the run
 * id, host, process id and a heartbeat refreshed every {@code heartbeat}. A second run is refused
 * while the holder is alive. A lock is stale — and taken over — when its heartbeat is older than
 * {@code staleAfter}, or when its holder was a process on this host that no longer exists (a
 * holder killed with kill -9 leaves its lock behind).
 */
public final class WarehouseLock implements AutoCloseable {
  public static final String FILE = "_costlake.lock";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final FileSystem fs;
  private final Path path;
  private final String runId;
  private final String job;
  private final ScheduledExecutorService heartbeat;

  private WarehouseLock(FileSystem fs, Path path, String runId, String job, Duration every) {
    this.fs = fs;
    this.path = path;
    this.runId = runId;
    this.job = job;
    this.heartbeat =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "costlake-lock-heartbeat");
              t.setDaemon(true);
              return t;
            });
    long ms = every.toMillis();
    heartbeat.scheduleAtFixedRate(this::beat, ms, ms, TimeUnit.MILLISECONDS);
  }

  /** What a taken-over stale lock said, or null; for the progress output. */
  public record Acquired(WarehouseLock lock, String tookOverFrom) {}

  public static Acquired acquire(
      Configuration hadoop, String warehouse, String runId, String job, Duration staleAfter, Duration every) {
    Path path = new Path(warehouse, FILE);
    try {
      FileSystem fs = path.getFileSystem(hadoop);
      fs.mkdirs(path.getParent());
      String tookOver = null;
      for (int attempt = 0; attempt < 2; attempt++) {
        if (create(fs, path, runId, job)) {
          return new Acquired(new WarehouseLock(fs, path, runId, job, every), tookOver);
        }
        JsonNode holder = read(fs, path);
        String why = staleness(holder, staleAfter);
        if (why == null) {
          throw Errors.locked(
              "Another run holds the warehouse lock "
                  + path
                  + ": run "
                  + text(holder, "runId")
                  + " ("
                  + text(holder, "job")
                  + ") on host "
                  + text(holder, "host")
                  + ", process "
                  + text(holder, "pid")
                  + ", last heartbeat "
                  + text(holder, "heartbeatAt")
                  + ". Wait for it to finish; a lock whose holder died is taken over"
                  + " automatically after "
                  + staleAfter.toMinutes()
                  + " minutes.");
        }
        tookOver = text(holder, "runId") + " (" + why + ")";
        fs.delete(path, false);
      }
      throw Errors.locked("Could not take the warehouse lock " + path + " after removing a stale one; another run started at the same moment. Try again.");
    } catch (IOException e) {
      throw Errors.unreadableFile(path.toString(), "cannot create or read the warehouse lock: " + e.getMessage(), e);
    }
  }

  private static boolean create(FileSystem fs, Path path, String runId, String job) throws IOException {
    try (FSDataOutputStream out = fs.create(path, false)) {
      write(out, runId, job);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (IOException e) {
      if (fs.exists(path)) {
        return false;
      }
      throw e;
    }
  }

  private static void write(OutputStream out, String runId, String job) throws IOException {
    ObjectNode n = JSON.createObjectNode();
    n.put("runId", runId);
    n.put("job", job);
    n.put("host", host());
    n.put("pid", ProcessHandle.current().pid());
    n.put("heartbeatAt", Instant.now().toString());
    out.write(JSON.writeValueAsString(n).getBytes(StandardCharsets.UTF_8));
  }

  private static JsonNode read(FileSystem fs, Path path) throws IOException {
    try (InputStream in = fs.open(path)) {
      return JSON.readTree(in);
    } catch (IOException | RuntimeException e) {
      return JSON.createObjectNode(); // unreadable lock: treated as stale below
    }
  }

  /** Why the holder is stale, or null when it is alive. */
  static String staleness(JsonNode holder, Duration staleAfter) {
    if (!holder.has("heartbeatAt")) {
      return "unreadable lock file";
    }
    Instant beat = Instant.parse(holder.get("heartbeatAt").asText());
    if (beat.plus(staleAfter).isBefore(Instant.now())) {
      return "no heartbeat since " + beat;
    }
    if (host().equals(text(holder, "host"))
        && holder.has("pid")
        && ProcessHandle.of(holder.get("pid").asLong()).map(p -> !p.isAlive()).orElse(true)) {
      return "process " + holder.get("pid").asLong() + " on this host is gone";
    }
    return null;
  }

  private static String text(JsonNode n, String field) {
    return n.has(field) ? n.get(field).asText() : "?";
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown-host";
    }
  }

  private void beat() {
    try (FSDataOutputStream out = fs.create(path, true)) {
      write(out, runId, job);
    } catch (IOException | RuntimeException e) {
      // a missed heartbeat only makes the lock look older; the next one retries
    }
  }

  @Override
  public void close() {
    heartbeat.shutdownNow();
    try {
      JsonNode holder = read(fs, path);
      if (runId.equals(text(holder, "runId"))) {
        fs.delete(path, false);
      }
    } catch (IOException e) {
      // leaving the lock behind is safe: it becomes stale
    }
  }
}
