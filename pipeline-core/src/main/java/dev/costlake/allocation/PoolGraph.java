package dev.costlake.allocation;

import dev.costlake.allocation.AllocationConfig.Pool;
import dev.costlake.config.Section;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The order pools run in. Pool P must run before pool Q when one of P's explicit targets is an
 * owner Q takes from (Q then passes on what that owner received from P: the cascade). Default
 * targets never include owners that are the source of an owner pool, so they add no edges. Ties
 * keep configuration order. A cycle is a configuration error naming the pools on it.
 */
public final class PoolGraph {
  private PoolGraph() {}

  /** Pools in run order; {@code where} names the configuration block in a cycle error. */
  public static List<Pool> order(AllocationConfig config, Section where) {
    List<Pool> pools = config.pools();
    Map<String, List<String>> next = new LinkedHashMap<>();
    for (Pool p : pools) {
      List<String> succ = new ArrayList<>();
      for (Pool q : pools) {
        if (q.selector().byOwner()
            && p.targets().stream().anyMatch(t -> q.selector().owners().contains(t))) {
          succ.add(q.name());
        }
      }
      next.put(p.name(), succ);
    }
    List<String> cycle = findCycle(next);
    if (cycle != null) {
      if (where == null) {
        throw new IllegalStateException("allocation pools form a cycle: " + String.join(" -> ", cycle));
      }
      throw where.error(
          "pools",
          "form a cycle: "
              + String.join(" -> ", cycle)
              + " (each passes cost to an owner the next one splits onward); remove a target"
              + " from one of these pools");
    }
    Map<String, Integer> indegree = new HashMap<>();
    next.keySet().forEach(n -> indegree.put(n, 0));
    next.values().forEach(s -> s.forEach(n -> indegree.merge(n, 1, Integer::sum)));
    List<Pool> out = new ArrayList<>();
    Set<String> done = new TreeSet<>();
    while (out.size() < pools.size()) {
      for (Pool p : pools) { // first ready pool in configuration order
        if (!done.contains(p.name()) && indegree.get(p.name()) == 0) {
          done.add(p.name());
          out.add(p);
          next.get(p.name()).forEach(n -> indegree.merge(n, -1, Integer::sum));
          break;
        }
      }
    }
    return out;
  }

  /** One cycle as a closed path (a -> b -> a), or null. Depth-first, configuration order. */
  static List<String> findCycle(Map<String, List<String>> next) {
    Map<String, Integer> state = new HashMap<>(); // 1 = on the path, 2 = done
    for (String start : next.keySet()) {
      List<String> path = new ArrayList<>();
      List<String> c = dfs(start, next, state, path);
      if (c != null) {
        return c;
      }
    }
    return null;
  }

  private static List<String> dfs(
      String n, Map<String, List<String>> next, Map<String, Integer> state, List<String> path) {
    Integer s = state.get(n);
    if (s != null && s == 2) {
      return null;
    }
    if (s != null && s == 1) {
      List<String> cycle = new ArrayList<>(path.subList(path.indexOf(n), path.size()));
      cycle.add(n);
      return cycle;
    }
    state.put(n, 1);
    path.add(n);
    for (String m : next.get(n)) {
      List<String> c = dfs(m, next, state, path);
      if (c != null) {
        return c;
      }
    }
    path.remove(path.size() - 1);
    state.put(n, 2);
    return null;
  }
}
