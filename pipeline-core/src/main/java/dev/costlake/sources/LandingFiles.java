package dev.costlake.sources;

import dev.costlake.errors.Errors;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.SparkSession;

/**
 * Lists the export files under a landing path (local or s3a) and reads their column names.
 * Hidden and marker files ({@code _SUCCESS}, {@code .crc}, names starting with {@code _} or
 * {@code .}) are skipped; other files with unknown extensions are reported by the caller.
 */
public final class LandingFiles {
  private LandingFiles() {}

  public static final char BOM = '\uFEFF';

  public record Listing(List<SourceFile> files, List<String> manifests, List<String> ignored) {}

  public static Listing list(SparkSession spark, String root) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    List<SourceFile> files = new ArrayList<>();
    List<String> ignored = new ArrayList<>();
    List<String> manifests = new ArrayList<>();
    try {
      Path rootPath = new Path(root);
      FileSystem fs = rootPath.getFileSystem(hadoop);
      if (!fs.exists(rootPath)) {
        return new Listing(files, manifests, ignored);
      }
      RemoteIterator<LocatedFileStatus> it = fs.listFiles(rootPath, true);
      while (it.hasNext()) {
        LocatedFileStatus st = it.next();
        String p = st.getPath().toString();
        if (hidden(rootPath, st.getPath())) {
          continue;
        }
        if (dev.costlake.sources.aws.CurManifests.isManifest(st.getPath().getName())
            || dev.costlake.sources.azure.AzureExports.isManifest(st.getPath().getName())) {
          manifests.add(p);
          continue;
        }
        SourceFile.Encoding enc = encoding(st.getPath().getName());
        if (enc == null) {
          ignored.add(p);
          continue;
        }
        List<String> cols =
            enc == SourceFile.Encoding.PARQUET
                ? parquetColumns(hadoop, st.getPath())
                : enc == SourceFile.Encoding.AVRO || enc == SourceFile.Encoding.JSON
                    ? RawReader.nestedColumns(spark, p, enc)
                    : csvHeader(fs, st.getPath(), enc == SourceFile.Encoding.CSV_GZIP);
        files.add(new SourceFile(p, st.getLen(), st.getModificationTime(), enc, cols));
      }
    } catch (IOException e) {
      throw Errors.unreadableFile(root, "cannot list the landing path: " + e.getMessage(), e);
    }
    files.sort((a, b) -> a.path().compareTo(b.path()));
    ignored.sort(String::compareTo);
    manifests.sort(String::compareTo);
    return new Listing(files, manifests, ignored);
  }

  /** SHA-256 of a file's bytes, hex; used only to tell byte-identical files apart. */
  public static String sha256(SparkSession spark, String file) {
    try {
      Path p = new Path(file);
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
      try (InputStream in = fs.open(p)) {
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) > 0; ) {
          md.update(buf, 0, n);
        }
      }
      return java.util.HexFormat.of().formatHex(md.digest());
    } catch (IOException | java.security.NoSuchAlgorithmException e) {
      throw Errors.unreadableFile(file, "cannot read it to compare with a file of the same size: " + e.getMessage(), e);
    }
  }

  private static boolean hidden(Path root, Path p) {
    for (Path cur = p; cur != null && !cur.equals(root); cur = cur.getParent()) {
      String n = cur.getName();
      if (n.startsWith("_") || n.startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  static SourceFile.Encoding encoding(String name) {
    String n = name.toLowerCase(java.util.Locale.ROOT);
    if (n.endsWith(".csv.gz") || n.endsWith(".csv.gzip")) {
      return SourceFile.Encoding.CSV_GZIP;
    }
    if (n.endsWith(".csv")) {
      return SourceFile.Encoding.CSV;
    }
    if (n.endsWith(".parquet")) {
      return SourceFile.Encoding.PARQUET;
    }
    if (n.endsWith(".avro")) {
      return SourceFile.Encoding.AVRO;
    }
    // AWS writes other manifests next to CUR data (<report>-RedshiftManifest.json): not data.
    if (n.endsWith("manifest.json")) {
      return null;
    }
    if (n.endsWith(".json") || n.endsWith(".jsonl") || n.endsWith(".ndjson")
        || n.endsWith(".json.gz") || n.endsWith(".jsonl.gz") || n.endsWith(".ndjson.gz")) {
      return SourceFile.Encoding.JSON;
    }
    return null;
  }

  /**
   * The top-level column names of a Parquet file, from its footer (the names Spark reads the file
   * with). Read directly rather than through Spark's schema inference, which runs a job per file:
   * with hundreds of files per export that was most of the discovery step.
   */
  static List<String> parquetColumns(Configuration hadoop, Path path) {
    try (org.apache.parquet.hadoop.ParquetFileReader reader =
        org.apache.parquet.hadoop.ParquetFileReader.open(org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(path, hadoop))) {
      List<String> cols = new ArrayList<>();
      for (org.apache.parquet.schema.Type f : reader.getFooter().getFileMetaData().getSchema().getFields()) {
        cols.add(f.getName());
      }
      return cols;
    } catch (IOException | RuntimeException e) {
      throw Errors.unreadableFile(path.toString(), "not a readable Parquet file (" + e.getMessage() + ")", e);
    }
  }

  /** The header line of a CSV file, split with RFC 4180 quoting, BOM removed. */
  static List<String> csvHeader(FileSystem fs, Path path, boolean gzip) throws IOException {
    try (InputStream raw = fs.open(path);
        InputStream in = gzip ? new GZIPInputStream(raw) : raw;
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line = r.readLine();
      if (line == null || line.isBlank()) {
        return List.of();
      }
      if (line.charAt(0) == BOM) {
        line = line.substring(1);
      }
      return splitCsvLine(line);
    } catch (java.util.zip.ZipException | java.io.EOFException e) {
      throw Errors.unreadableFile(path.toString(), "corrupt gzip stream (" + e.getMessage() + ")", e);
    }
  }

  /** A header line's fields, trimmed; an unterminated quote runs to the end of the line. */
  static List<String> splitCsvLine(String line) {
    List<String> fields = splitCsv(line);
    if (fields == null) {
      fields = splitCsv(line + '"');
    }
    List<String> out = new ArrayList<>();
    for (String f : fields) {
      out.add(f.trim());
    }
    return out;
  }

  /** Splits one CSV line (RFC 4180 quoting within the line); null when a quote is unterminated. */
  public static List<String> splitCsv(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char ch = line.charAt(i);
      if (quoted) {
        if (ch == '"') {
          if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
            cur.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          cur.append(ch);
        }
      } else if (ch == '"') {
        quoted = true;
      } else if (ch == ',') {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(ch);
      }
    }
    if (quoted) {
      return null;
    }
    out.add(cur.toString());
    return out;
  }
}
