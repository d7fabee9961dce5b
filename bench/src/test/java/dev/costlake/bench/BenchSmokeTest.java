package dev.costlake.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark harness works end to end, small: {@code scripts/bench --smoke} at 10k rows
 * generates CUR 2.0 Parquet, runs {@code finops nightly} and the DuckDB peer as separate JVMs,
 * and the peer's totals per period and currency equal our cost_daily's (the run's exit code is 1
 * otherwise). Times are recorded, never asserted.
 */
class BenchSmokeTest {
  @TempDir Path work;

  @Test
  void smokeRunAgreesWithThePeer() throws Exception {
    Bench.Opts o =
        Bench.parse(new String[] {"--smoke", "--rows", "10000", "--months", "2", "--heap", "1g", "--work", work.toString()});
    int code = new Bench.Runner(o).run();
    String json = Files.readString(o.results());
    assertEquals(0, code, json);
    String compact = json.replaceAll("\\s", "");
    assertTrue(compact.contains("\"status\":\"EQUAL\""), json);
    assertTrue(compact.contains("\"checks\":\"OK\""), json);
  }
}
