package dev.costlake.incremental;

import dev.costlake.sources.SourceFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Works out, for one source, which landing files changed since the ingestion log last saw them
 * and which units must therefore be reprocessed. Pure: plain Java values in, a plan out.
 *
 * <p>A file is changed when it is new or its size or modification time differs; removed when the
 * log knows it but the landing no longer has it (or it belongs to a superseded assembly). The
 * affected units are the units of changed and removed files (old and, once read, new) plus every
 * known unit of a forced period (the open and the last closed month, or --periods). Every file
 * holding an affected unit is re-read, so a unit is always rebuilt from all of its rows.
 */
public final class Planner {
  private Planner() {}

  public record Plan(
      List<SourceFile> changed,
      List<SourceFile> unchanged,
      List<String> removed,
      Set<String> affectedKeys) {

    /** Files to read: the changed ones and the unchanged ones holding an affected unit. */
    public List<SourceFile> toRead(Map<String, FileState> known) {
      List<SourceFile> out = new ArrayList<>(changed);
      for (SourceFile f : unchanged) {
        FileState s = known.get(f.path());
        if (s != null && s.unitKeys().stream().anyMatch(affectedKeys::contains)) {
          out.add(f);
        }
      }
      return out;
    }
  }

  /**
   * @param current the source's files now in the landing
   * @param known the ingestion log's last state per path (files not removed)
   * @param forcedPeriods periods always reconsidered ({@code yyyy-MM})
   */
  public static Plan plan(
      List<SourceFile> current, Map<String, FileState> known, Set<String> forcedPeriods) {
    List<SourceFile> changed = new ArrayList<>();
    List<SourceFile> unchanged = new ArrayList<>();
    Set<String> affected = new TreeSet<>();
    Set<String> present = new TreeSet<>();
    for (SourceFile f : current) {
      present.add(f.path());
      FileState s = known.get(f.path());
      if (s == null || s.size() != f.size() || s.modificationTime() != f.modificationTime()) {
        changed.add(f);
        if (s != null) {
          affected.addAll(s.unitKeys());
        }
      } else {
        unchanged.add(f);
      }
    }
    List<String> removed = new ArrayList<>();
    for (Map.Entry<String, FileState> e : known.entrySet()) {
      if (!present.contains(e.getKey())) {
        removed.add(e.getKey());
        affected.addAll(e.getValue().unitKeys());
      }
    }
    for (FileState s : known.values()) {
      for (String key : s.unitKeys()) {
        if (forcedPeriods.contains(key.substring(key.lastIndexOf('|') + 1))) {
          affected.add(key);
        }
      }
    }
    return new Plan(changed, unchanged, removed, affected);
  }

  /** Adds units found in changed files (known only once they are read). */
  public static Plan withNewUnits(Plan p, Set<String> unitKeys) {
    Set<String> all = new TreeSet<>(p.affectedKeys());
    all.addAll(unitKeys);
    return new Plan(p.changed(), p.unchanged(), p.removed(), all);
  }
}
