package dev.costlake.enrich;

import java.util.Arrays;
import java.util.List;

/** What a mapping assigns: an owner (team, always set) and the other owner dimensions (nullable). */
public record Assignment(
    String team, String application, String environment, String product, String costCenter) {

  /** Values in {@link OwnershipConfig#DIMENSIONS} order. */
  public List<String> values() {
    return Arrays.asList(team, application, environment, product, costCenter);
  }
}
