package dev.costlake.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlake.errors.PipelineException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  private File conf(String text) throws IOException {
    Path p = dir.resolve("app.conf");
    Files.writeString(p, text);
    return p.toFile();
  }

  @Test
  void fileOverridesDefaultsAndSetOverridesFile() throws IOException {
    File f =
        conf(
            "costlake { warehouse = \"wh1\", sources = [ { name = a, path = \"x\" },"
                + " { name = b, format = FOCUS, path = \"s3a://bucket/p\", defaults { BillingCurrency = USD } } ] }");
    PipelineConfig c = ConfigLoader.load(f, List.of("landing=s3a://other/landing", "costlake.warehouse=wh2"));
    assertEquals("s3a://other/landing", c.landing());
    assertEquals("wh2", c.warehouse());
    assertEquals("local[*]", c.sparkMaster(), "from the built-in defaults");
    assertEquals(2, c.sources().size());
    assertEquals("auto", c.sources().get(0).format());
    assertEquals("focus", c.sources().get(1).format());
    assertEquals("s3a://other/landing/x", c.resolveLandingPath(c.sources().get(0).path()));
    assertEquals("s3a://bucket/p", c.resolveLandingPath(c.sources().get(1).path()));
    assertEquals("USD", c.sources().get(1).defaults().get("BillingCurrency"));
    assertEquals("wh2/cost_daily", c.tablePath("cost_daily"));
  }

  @Test
  void s3BlockBecomesHadoopSettings() throws IOException {
    File f = conf("costlake { s3 { endpoint = \"http://127.0.0.1:9000\", path.style.access = true } }");
    PipelineConfig c = ConfigLoader.load(f, List.of());
    assertEquals("http://127.0.0.1:9000", c.sparkConf().get("spark.hadoop.fs.s3a.endpoint"));
    assertEquals("true", c.sparkConf().get("spark.hadoop.fs.s3a.path.style.access"));
  }

  private static PipelineException fails(File f, String... sets) {
    PipelineException e = assertThrows(PipelineException.class, () -> ConfigLoader.load(f, List.of(sets)));
    assertEquals(2, e.exitCode());
    return e;
  }

  @Test
  void missingKeyNamesKeyAndFile() throws IOException {
    File f = conf("costlake { sources = [ { name = a } ] }");
    PipelineException e = fails(f);
    assertTrue(e.getMessage().contains("'costlake.sources[0].path' is missing"), e.getMessage());
    assertTrue(e.getMessage().contains(f.getPath()), e.getMessage());
  }

  @Test
  void malformedValuesAreRejectedWithTheKey() throws IOException {
    assertTrue(fails(conf("costlake { bronze.enabled = maybe }")).getMessage().contains("'costlake.bronze.enabled' must be true or false"));
    assertTrue(fails(conf("costlake { sources = [ { name = a, format = excel, path = p } ] }")).getMessage().contains("costlake.sources[0].format"));
    assertTrue(fails(conf("costlake { sources = [ { name = \"Bad Name\", path = p } ] }")).getMessage().contains("costlake.sources[0].name"));
    assertTrue(fails(conf("costlake { sources = [ { name = a, path = p }, { name = a, path = q } ] }")).getMessage().contains("repeats source 'a'"));
    assertTrue(fails(conf("costlake { sources = \"x\" }")).getMessage().contains("costlake.sources"));
    assertTrue(fails(conf("costlake { warehouse = \"\" }")).getMessage().contains("'costlake.warehouse' is empty"));
    assertTrue(fails(conf("costlake { reconciliation.cost-tolerance = abc }")).getMessage().contains("cost-tolerance"));
  }

  @Test
  void unparsableFileAndBadOverrideAreUsageErrors() throws IOException {
    assertTrue(fails(conf("costlake { landing = ")).getMessage().contains("cannot be parsed"));
    assertTrue(fails(conf("costlake {}"), "no-equals-sign").getMessage().contains("--set expects key=value"));
    PipelineException e =
        assertThrows(PipelineException.class, () -> ConfigLoader.load(new File(dir.toFile(), "nope.conf"), List.of()));
    assertEquals(2, e.exitCode());
  }

  @Test
  void credentialsInConfigAreRefused() throws IOException {
    PipelineException e = fails(conf("costlake { s3 { access.key = AKIA, secret.key = s } }"));
    assertTrue(e.getMessage().contains("spark.hadoop.fs.s3a.access.key"), e.getMessage());
    assertTrue(e.getMessage().contains("never from files"), e.getMessage());
  }
}
