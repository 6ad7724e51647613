package io.nightshift.workflow;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The dependency graph of a workflow's steps: {@code dependsOn} read as edges. */
public final class Dag {

  private Dag() {}

  /**
   * Every cycle in {@code dependsOn}, each once, written from its earliest-declared step and back
   * to it, e.g. {@code [a, b, c, a]} for a dependsOn b, b dependsOn c, c dependsOn a. Unknown steps
   * and self-dependencies are ignored: they are reported on their own.
   */
  public static List<List<String>> cycles(List<Step> steps) {
    Map<String, List<String>> edges = new LinkedHashMap<>();
    Map<String, Integer> order = new HashMap<>();
    for (Step step : steps) {
      if (step.name() != null && !edges.containsKey(step.name())) {
        order.put(step.name(), order.size());
        edges.put(step.name(), step.dependsOn());
      }
    }
    Set<String> done = new LinkedHashSet<>();
    Set<List<String>> found = new LinkedHashSet<>();
    for (String start : edges.keySet()) {
      walk(start, edges, order, new ArrayList<>(), done, found);
    }
    return new ArrayList<>(found);
  }

  private static void walk(
      String step,
      Map<String, List<String>> edges,
      Map<String, Integer> order,
      List<String> path,
      Set<String> done,
      Set<List<String>> found) {
    int onPath = path.indexOf(step);
    if (onPath >= 0) {
      found.add(normalise(path.subList(onPath, path.size()), order));
      return;
    }
    if (done.contains(step) || !edges.containsKey(step)) {
      return;
    }
    path.add(step);
    for (String parent : edges.get(step)) {
      if (!parent.equals(step)) {
        walk(parent, edges, order, path, done, found);
      }
    }
    path.remove(path.size() - 1);
    done.add(step);
  }

  /** Rotates a cycle to start at its earliest-declared step and closes it. */
  private static List<String> normalise(List<String> cycle, Map<String, Integer> order) {
    int first = 0;
    for (int i = 1; i < cycle.size(); i++) {
      if (order.get(cycle.get(i)) < order.get(cycle.get(first))) {
        first = i;
      }
    }
    List<String> rotated = new ArrayList<>(cycle.size() + 1);
    for (int i = 0; i < cycle.size(); i++) {
      rotated.add(cycle.get((first + i) % cycle.size()));
    }
    rotated.add(rotated.get(0));
    return List.copyOf(rotated);
  }
}
