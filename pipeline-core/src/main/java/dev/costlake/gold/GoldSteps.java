package dev.costlake.gold;

import java.util.List;

/** The derived gold steps, in dependency order (a step may read the tables of those before it). */
public final class GoldSteps {
  private GoldSteps() {}

  public static List<GoldStep> all() {
    return List.of(
        new AllocationCoverage(),
        new TagCompliance(),
        new dev.costlake.commitments.CommitmentsStep(),
        new dev.costlake.commitments.SavingsStep());
  }
}
