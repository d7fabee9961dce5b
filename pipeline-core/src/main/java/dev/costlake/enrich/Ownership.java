package dev.costlake.enrich;

import java.util.List;
import java.util.Map;

/**
 * The ownership rules with their mapping inputs loaded and validated: what {@link
 * OwnershipResolver} applies. Built by {@link MappingLoader}.
 *
 * @param owners the owner catalogue, by lower-cased team name (empty when none is configured)
 * @param rules the configured rules in order, each with its mapping rows or value aliases
 * @param fingerprint a hash of everything that decides a row's owner (rules, files' contents,
 *     history mode); when it changes, silver is re-enriched
 */
public record Ownership(
    OwnershipConfig config, Map<String, Owner> owners, List<LoadedRule> rules, String fingerprint) {

  /** A known owner and its default cost center (nullable). */
  public record Owner(String team, String costCenter) {}

  /**
   * A rule and its inputs.
   *
   * @param rows for account, resource and service rules: mapping lines in file order
   * @param aliases for tag rules: per dimension, lower-cased value → canonical value
   */
  public record LoadedRule(
      OwnershipConfig.Rule rule, List<MappingRow> rows, Map<String, Map<String, String>> aliases) {}
}
