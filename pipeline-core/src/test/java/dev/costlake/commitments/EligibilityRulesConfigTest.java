package dev.costlake.commitments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlake.config.ConfigLoader;
import dev.costlake.config.PipelineConfig;
import dev.costlake.errors.PipelineException;
import dev.costlake.gold.GoldStep;
import dev.costlake.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** costlake.commitments.eligibility-rules: bundled by default, a file when set, clear errors. */
class EligibilityRulesConfigTest {
  @TempDir Path dir;

  private static GoldStep.Context ctx(String... overrides) {
    PipelineConfig c = ConfigLoader.load(null, List.of(overrides));
    return new GoldStep.Context(TestSpark.get(), null, c, Set.of("2026-09"), "run", (a, b) -> {}, null);
  }

  @Test
  void bundledByDefaultAndAFileWhenConfigured() throws Exception {
    assertTrue(CommitmentsStep.rules(ctx()).origin().contains("bundled"));
    Path f = dir.resolve("rules.csv");
    Files.writeString(f, String.join(",", EligibilityRules.HEADER) + "\nAcme Cloud,Flex,*,Engines,,\n");
    EligibilityRules r = CommitmentsStep.rules(ctx("commitments.eligibility-rules=" + f));
    assertEquals(1, r.rules().size());
    assertEquals("Engines", r.rules().get(0).serviceName());
  }

  @Test
  void missingOrMalformedFilesStopWithExitCodeTwo() throws Exception {
    Path missing = dir.resolve("nope.csv");
    PipelineException e =
        assertThrows(PipelineException.class, () -> CommitmentsStep.rules(ctx("commitments.eligibility-rules=" + missing)));
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().contains("costlake.commitments.eligibility-rules"), e.getMessage());
    Path bad = dir.resolve("bad.csv");
    Files.writeString(bad, "provider,service\nx,y\n");
    e = assertThrows(PipelineException.class, () -> CommitmentsStep.rules(ctx("commitments.eligibility-rules=" + bad)));
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().contains(bad + ", line 1: the header must be"), e.getMessage());
  }
}
