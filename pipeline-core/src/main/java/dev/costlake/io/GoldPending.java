package dev.costlake.io;

import dev.costlake.errors.Errors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The billing periods whose gold tables are being rebuilt, kept in a small file of the warehouse
 * ({@value #FILE}, one period per line) from just before the first gold write until every gold
 * step has committed. A run that dies or fails in between (killed, a bad metrics file, a full
 * disk) leaves the file behind, and the next run rebuilds those periods' gold first, so the
 * derived tables never stay out of step with silver. Only the lock holder touches it.
 */
public final class GoldPending {
  public static final String FILE = "_costlake.gold-pending";
  private final FileSystem fs;
  private final Path path;

  public GoldPending(Configuration hadoop, String warehouse) {
    this.path = new Path(warehouse, FILE);
    try {
      this.fs = path.getFileSystem(hadoop);
    } catch (IOException e) {
      throw Errors.unreadableFile(path.toString(), e.getMessage(), e);
    }
  }

  /** The periods a previous run left unfinished (empty when none). */
  public Set<String> read() {
    Set<String> out = new TreeSet<>();
    try {
      if (!fs.exists(path)) {
        return out;
      }
      try (FSDataInputStream in = fs.open(path)) {
        for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
          if (!line.isBlank()) {
            out.add(line.trim());
          }
        }
      }
      return out;
    } catch (IOException e) {
      throw Errors.unreadableFile(path.toString(), e.getMessage(), e);
    }
  }

  /** Records {@code periods} as being rebuilt (replacing the file). */
  public void mark(Set<String> periods) {
    try (FSDataOutputStream out = fs.create(path, true)) {
      out.write((String.join("\n", new TreeSet<>(periods)) + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw Errors.unreadableFile(path.toString(), "cannot be written: " + e.getMessage(), e);
    }
  }

  /** Every gold step committed: nothing is pending. */
  public void clear() {
    try {
      fs.delete(path, false);
    } catch (IOException e) {
      throw Errors.unreadableFile(path.toString(), "cannot be deleted: " + e.getMessage(), e);
    }
  }
}
