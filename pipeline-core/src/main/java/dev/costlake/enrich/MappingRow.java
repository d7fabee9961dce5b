package dev.costlake.enrich;

import java.time.LocalDate;

/**
 * One validated mapping line.
 *
 * @param key the normalized key: account id or service name lower-cased and trimmed; a regex
 *     pattern as written (trimmed)
 * @param from first day the mapping applies (inclusive), null for "always"
 * @param to first day it no longer applies (exclusive), null for "until further notice"
 * @param where "line N" of a CSV file or "row N" of a Delta table, for messages
 */
public record MappingRow(String key, LocalDate from, LocalDate to, Assignment assignment, String where) {

  boolean overlaps(MappingRow o) {
    boolean startsBeforeOtherEnds = o.to == null || from == null || from.isBefore(o.to);
    boolean otherStartsBeforeThisEnds = to == null || o.from == null || o.from.isBefore(to);
    return startsBeforeOtherEnds && otherStartsBeforeThisEnds;
  }

  String range() {
    return "[" + (from == null ? "-∞" : from) + ", " + (to == null ? "∞" : to) + ")";
  }
}
