package dev.costlake.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class ErrorsTest {
  @Test
  void outOfMemoryIsRecognisedUnderWrappersAndNamedAsSuch() {
    RuntimeException wrapped = new RuntimeException("Job aborted", new IllegalStateException("task failed", new OutOfMemoryError("Java heap space")));
    assertTrue(Errors.isOutOfMemory(wrapped));
    assertTrue(Errors.isOutOfMemory(new RuntimeException("[UNABLE_TO_ACQUIRE_MEMORY] Unable to acquire 262144 bytes of memory, got 74126.")));
    assertFalse(Errors.isOutOfMemory(new RuntimeException("reading file x.csv", new IOException("truncated gzip"))));

    PipelineException e = Errors.outOfMemory("reading and normalizing the landing files", wrapped);
    assertEquals(Errors.EXIT_FAILURE, e.exitCode());
    assertTrue(e.getMessage().startsWith("Out of memory while reading and normalizing the landing files (OutOfMemoryError: Java heap space)"), e.getMessage());
    assertTrue(e.getMessage().contains("FINOPS_JAVA_OPTS") && e.getMessage().contains("No table was changed"), e.getMessage());
  }

  @Test
  void outOfMemoryAfterTheReadStepSaysTablesAreAtTheirLastCommit() {
    PipelineException e =
        Errors.outOfMemoryDuringRun(new RuntimeException("Job aborted", new OutOfMemoryError("Java heap space")));
    assertEquals(Errors.EXIT_FAILURE, e.exitCode());
    assertTrue(e.getMessage().startsWith("Out of memory (OutOfMemoryError: Java heap space)"), e.getMessage());
    assertTrue(e.getMessage().contains("last committed version") && e.getMessage().contains("FINOPS_JAVA_OPTS"), e.getMessage());
  }
}
