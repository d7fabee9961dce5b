package dev.costlake.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * An S3-compatible server for integration tests: Adobe S3Mock (the executable jar Maven copies to
 * {@code target/s3mock/}) run as a child process, plain HTTP on a free loopback port, objects in a
 * throw-away folder under {@code target/}. Its log goes to {@code target/s3mock-logs/}.
 *
 * <pre>{@code
 * try (S3MockServer s3 = S3MockServer.start()) {
 *   s3.createBucket("my-bucket");
 *   List<String> args = new ArrayList<>(List.of("nightly", "--set", "landing=s3a://my-bucket/in"));
 *   args.addAll(s3.s3aSettings());
 *   Finops.execute(System.out, System.err, args.toArray(String[]::new));
 * }
 * }</pre>
 *
 * Credentials: S3Mock accepts any. Configuration refuses keys holding credentials, so the
 * settings name {@link #CREDENTIALS_PROVIDER}, which reads the JVM system properties {@code
 * aws.accessKeyId} / {@code aws.secretAccessKey}; {@link #useDummyCredentials()} sets them.
 */
public final class S3MockServer implements AutoCloseable {
  /** System property naming the S3Mock executable jar (set by surefire in jobs/pom.xml). */
  public static final String JAR_PROPERTY = "s3mock.jar";

  public static final String REGION = "us-east-1";
  public static final String CREDENTIALS_PROVIDER =
      "software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider";
  public static final String DUMMY_KEY = "test";

  private static final Duration DEFAULT_STARTUP = Duration.ofSeconds(60);

  private final Process process;
  private final int port;
  private final Path root;
  private final Path log;
  private final HttpClient http;
  private final Thread shutdownHook;

  private S3MockServer(Process process, int port, Path root, Path log) {
    this.process = process;
    this.port = port;
    this.root = root;
    this.log = log;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    this.shutdownHook = new Thread(process::destroyForcibly, "s3mock-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Starts S3Mock and waits (up to 60 s) until it answers HTTP. */
  public static S3MockServer start() {
    S3MockServer server = launch();
    server.awaitReady();
    return server;
  }

  /**
   * Launches S3Mock without waiting (it takes ~10 s to boot; do other set-up such as starting
   * Spark meanwhile), then call {@link #awaitReady()}.
   */
  public static S3MockServer launch() {
    File jar = jar();
    File target = jar.getAbsoluteFile().getParentFile().getParentFile();
    int port = freePort();
    Path root;
    Path log;
    try {
      Path logs = Files.createDirectories(target.toPath().resolve("s3mock-logs"));
      log = logs.resolve("s3mock-" + port + ".log");
      // S3Mock creates the root itself and deletes it at exit (retain-files-on-exit=false).
      root = Files.createDirectories(target.toPath().resolve("s3mock-data")).resolve("root-" + port);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare S3Mock folders under " + target, e);
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-jar");
    cmd.add(jar.getAbsolutePath());
    cmd.add("--server.ssl.enabled=false");
    cmd.add("--server.port=" + port);
    cmd.add("--server.address=127.0.0.1");
    // S3Mock 4.x also opens a second plain-HTTP connector (on all interfaces), by default on the
    // fixed port 9090; 0 gives it a random port so parallel runs and other services do not clash.
    cmd.add("--com.adobe.testing.s3mock.http-port=0");
    cmd.add("--com.adobe.testing.s3mock.store.root=" + root);
    cmd.add("--com.adobe.testing.s3mock.store.retain-files-on-exit=false");
    cmd.add("--com.adobe.testing.s3mock.store.region=" + REGION);
    cmd.add("--spring.main.banner-mode=off");
    Process p;
    try {
      p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot launch S3Mock: " + String.join(" ", cmd), e);
    }
    return new S3MockServer(p, port, root, log);
  }

  private static File jar() {
    String prop = System.getProperty(JAR_PROPERTY);
    File jar = prop == null ? null : new File(prop);
    if (jar == null || !jar.isFile()) {
      throw new IllegalStateException(
          "S3Mock executable jar not found ("
              + JAR_PROPERTY
              + "="
              + prop
              + "). Run 'mvn -pl jobs process-test-resources' (or any Maven test run of the jobs"
              + " module) to copy it to jobs/target/s3mock/, and run the test through Maven or"
              + " pass -D"
              + JAR_PROPERTY
              + "=<path to s3mock-*-exec.jar>.");
    }
    return jar;
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }

  /** Waits (up to 60 s) until the server answers HTTP; on failure stops it and says why. */
  public S3MockServer awaitReady() {
    return awaitReady(DEFAULT_STARTUP);
  }

  public S3MockServer awaitReady(Duration timeout) {
    try {
      poll(timeout);
      return this;
    } catch (RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  private void poll(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "S3Mock exited with code " + process.exitValue() + " during startup; log " + log
                + ":\n" + logTail());
      }
      try {
        HttpResponse<Void> r =
            http.send(
                HttpRequest.newBuilder(URI.create(endpoint() + "/"))
                    .timeout(Duration.ofSeconds(2))
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() < 500) {
          return;
        }
        last = new IllegalStateException("HTTP " + r.statusCode());
      } catch (IOException e) {
        last = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for S3Mock", e);
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for S3Mock", e);
      }
    }
    throw new IllegalStateException(
        "S3Mock did not answer on " + endpoint() + " within " + timeout.toSeconds() + " s (last: "
            + last + "); log " + log + ":\n" + logTail());
  }

  /** The plain-HTTP endpoint, e.g. {@code http://127.0.0.1:41234}. */
  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public Path logFile() {
    return log;
  }

  /** Creates a bucket (names: 3-63 lower-case letters, digits, '-' or '.'). */
  public void createBucket(String name) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(endpoint() + "/" + name))
                  .timeout(Duration.ofSeconds(30))
                  .PUT(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      if (r.statusCode() != 200) {
        throw new IllegalStateException(
            "S3Mock refused to create bucket '" + name + "': HTTP " + r.statusCode() + " " + r.body());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create bucket '" + name + "' on " + endpoint(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating bucket " + name, e);
    }
  }

  /**
   * The S3A settings for this server as CLI arguments ({@code --set s3.<key>=<value>} pairs),
   * to append to a {@code finops} command line. {@code endpoint.region} is quoted because an
   * unquoted HOCON path would turn the {@code endpoint} string into an object and drop it.
   */
  public List<String> s3aSettings() {
    List<String> out = new ArrayList<>();
    for (String kv :
        List.of(
            "s3.endpoint=" + endpoint(),
            "s3.\"endpoint.region\"=" + REGION,
            "s3.path.style.access=true",
            "s3.connection.ssl.enabled=false",
            "s3.aws.credentials.provider=" + CREDENTIALS_PROVIDER,
            "s3.attempts.maximum=2",
            "s3.retry.limit=2")) {
      out.add("--set");
      out.add(kv);
    }
    return out;
  }

  /**
   * Sets the dummy credentials {@link #CREDENTIALS_PROVIDER} reads; returns what restores the
   * previous values.
   */
  public static Runnable useDummyCredentials() {
    String oldId = System.getProperty("aws.accessKeyId");
    String oldSecret = System.getProperty("aws.secretAccessKey");
    System.setProperty("aws.accessKeyId", DUMMY_KEY);
    System.setProperty("aws.secretAccessKey", DUMMY_KEY);
    return () -> {
      restore("aws.accessKeyId", oldId);
      restore("aws.secretAccessKey", oldSecret);
    };
  }

  private static void restore(String key, String value) {
    if (value == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, value);
    }
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  /** Stops the server (SIGTERM, then kill after 15 s) and removes its data folder. */
  @Override
  public void close() {
    try {
      process.destroy();
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException ignored) {
        // the JVM is already shutting down; the hook runs anyway
      }
      deleteQuietly(root);
    }
  }

  private static void deleteQuietly(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException ignored) {
      // best effort: it lives under target/
    }
  }
}
