package io.nightshift.console;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Places the steps of a run in columns, left to right, so every dependency points right.
 *
 * <p>A step's column (layer) is the longest path from a root to it, so a step always sits right of
 * everything it waits for. An edge that skips columns gets a lane in each column it crosses, a slot
 * like a step's that stays empty, so it never runs behind a box it has nothing to do with. Within a
 * column, steps and lanes are ordered by the mean position of their parents, then of their
 * children, then of their parents again (barycenter sweeps), which keeps most edges short and
 * uncrossed without the cost of an optimal ordering. Columns are centred vertically on the tallest
 * one. Ties keep the order the steps were given in, so the same run always draws the same way.
 *
 * <p>Input is not trusted to be a valid DAG: edges to unknown steps and to the step itself are
 * ignored, later steps with an already seen name are ignored, and a cycle is broken by dropping the
 * edges that close it.
 */
public final class DagLayout {

  public static final int NODE_WIDTH = 200;
  public static final int NODE_HEIGHT = 56;
  public static final int COLUMN_GAP = 64;
  public static final int ROW_GAP = 16;
  public static final int MARGIN = 8;

  private static final int COLUMN_PITCH = NODE_WIDTH + COLUMN_GAP;
  private static final int ROW_PITCH = NODE_HEIGHT + ROW_GAP;

  /** Where a step is drawn: its column and place in that column, and its box's top-left corner. */
  public record Box(int layer, int row, int x, int y) {

    public int width() {
      return NODE_WIDTH;
    }

    public int height() {
      return NODE_HEIGHT;
    }

    public int right() {
      return x + NODE_WIDTH;
    }

    public int bottom() {
      return y + NODE_HEIGHT;
    }

    /** Where edges meet the box: the middle of its left and right sides. */
    public int middleY() {
      return y + NODE_HEIGHT / 2;
    }
  }

  public record Point(int x, int y) {}

  /**
   * A dependency that is drawn: {@code to} waits for {@code from}.
   *
   * @param points where the edge runs, left to right: it leaves the middle of the parent's right
   *     side, crosses each skipped column straight along its lane (entering and leaving it at the
   *     same height), and arrives at the middle of the child's left side; so an even number of
   *     points, curves between columns and straight lines within them
   */
  public record Edge(String from, String to, List<Point> points) {}

  /**
   * The placed graph.
   *
   * @param boxes each step's box, in the order the steps were given
   * @param layers the steps of each column, top to bottom (lanes left out)
   * @param edges the dependencies drawn, each running left to right, in the order of the steps
   *     waiting and then of their {@code dependsOn}
   * @param width width of the whole drawing, margins included
   * @param height height of the whole drawing, margins included
   */
  public record Layout(
      Map<String, Box> boxes, List<List<String>> layers, List<Edge> edges, int width, int height) {}

  /** Steps are numbered 0 to {@code names.size() - 1} in input order; lanes follow. */
  private final List<String> names;

  private final List<Set<Integer>> parents = new ArrayList<>();
  private final List<Set<Integer>> children = new ArrayList<>();
  private final List<Integer> layerOf = new ArrayList<>();

  private DagLayout(List<GraphStep> steps) {
    Map<String, GraphStep> byName = new LinkedHashMap<>();
    for (GraphStep step : steps) {
      byName.putIfAbsent(step.name(), step);
    }
    names = List.copyOf(byName.keySet());
    Map<String, Integer> index = new HashMap<>();
    for (String name : names) {
      index.put(name, index.size());
      parents.add(new LinkedHashSet<>());
      children.add(new LinkedHashSet<>());
    }
    for (GraphStep step : byName.values()) {
      int child = index.get(step.name());
      for (String parentName : step.dependsOn()) {
        Integer parent = index.get(parentName);
        if (parent != null && parent != child) {
          parents.get(child).add(parent);
          children.get(parent).add(child);
        }
      }
    }
  }

  /** Lays out {@code steps}; see the class comment for the rules. */
  public static Layout of(List<GraphStep> steps) {
    return new DagLayout(steps).layout();
  }

  private Layout layout() {
    assignLayers();
    List<List<Integer>> chains = addLanes();
    List<List<Integer>> layers = new ArrayList<>();
    for (int node = 0; node < layerOf.size(); node++) {
      int layer = layerOf.get(node);
      while (layers.size() <= layer) {
        layers.add(new ArrayList<>());
      }
      layers.get(layer).add(node);
    }
    sweep(layers, true);
    sweep(layers, false);
    sweep(layers, true);
    return place(layers, chains);
  }

  /**
   * Longest path from a root, by Kahn's algorithm: a step gets its layer once all its parents have
   * one. When only steps on a cycle are left, the first of them in input order loses the edges from
   * its unplaced parents, which are the ones closing the cycle.
   */
  private void assignLayers() {
    int[] layer = new int[names.size()];
    int[] waitingFor = new int[names.size()];
    boolean[] placed = new boolean[names.size()];
    Deque<Integer> ready = new ArrayDeque<>();
    for (int node = 0; node < names.size(); node++) {
      waitingFor[node] = parents.get(node).size();
      if (waitingFor[node] == 0) {
        ready.add(node);
      }
    }
    int placedCount = 0;
    int next = 0;
    while (placedCount < names.size()) {
      if (ready.isEmpty()) {
        while (placed[next]) {
          next++;
        }
        int stuck = next;
        for (int parent : List.copyOf(parents.get(stuck))) {
          if (!placed[parent]) {
            parents.get(stuck).remove(parent);
            children.get(parent).remove(stuck);
          }
        }
        ready.add(stuck);
      }
      int node = ready.poll();
      for (int parent : parents.get(node)) {
        layer[node] = Math.max(layer[node], layer[parent] + 1);
      }
      placed[node] = true;
      placedCount++;
      for (int child : children.get(node)) {
        if (--waitingFor[child] == 0) {
          ready.add(child);
        }
      }
    }
    for (int node = 0; node < names.size(); node++) {
      layerOf.add(layer[node]);
    }
  }

  /**
   * Replaces each edge that skips columns by a chain through one new lane per skipped column, and
   * returns every edge as the chain of nodes it runs through, in the order edges are reported.
   */
  private List<List<Integer>> addLanes() {
    List<List<Integer>> chains = new ArrayList<>();
    for (int child = 0; child < names.size(); child++) {
      for (int parent : List.copyOf(parents.get(child))) {
        List<Integer> chain = new ArrayList<>();
        chain.add(parent);
        int previous = parent;
        for (int layer = layerOf.get(parent) + 1; layer < layerOf.get(child); layer++) {
          int lane = layerOf.size();
          layerOf.add(layer);
          parents.add(new LinkedHashSet<>(List.of(previous)));
          children.add(new LinkedHashSet<>());
          children.get(previous).add(lane);
          chain.add(lane);
          previous = lane;
        }
        if (previous != parent) {
          children.get(parent).remove(child);
          parents.get(child).remove(parent);
          children.get(previous).add(child);
          parents.get(child).add(previous);
        }
        chain.add(child);
        chains.add(chain);
      }
    }
    return chains;
  }

  /**
   * Reorders each column by the mean position of its nodes' parents ({@code down}) or children,
   * visiting columns in the direction the neighbours were already settled. Positions are measured
   * from the middle of each column, as the columns are drawn centred. The sort is stable, so ties
   * keep their order.
   */
  private void sweep(List<List<Integer>> layers, boolean down) {
    double[] position = new double[layerOf.size()];
    for (List<Integer> layer : layers) {
      record(layer, position);
    }
    List<Set<Integer>> neighbours = down ? parents : children;
    double[] key = new double[layerOf.size()];
    for (int i = 0; i < layers.size(); i++) {
      List<Integer> layer = layers.get(down ? i : layers.size() - 1 - i);
      for (int node : layer) {
        Set<Integer> around = neighbours.get(node);
        key[node] =
            around.isEmpty()
                ? position[node]
                : around.stream().mapToDouble(n -> position[n]).average().orElseThrow();
      }
      layer.sort(Comparator.comparingDouble(node -> key[node]));
      record(layer, position);
    }
  }

  private static void record(List<Integer> layer, double[] position) {
    double middle = (layer.size() - 1) / 2.0;
    for (int row = 0; row < layer.size(); row++) {
      position[layer.get(row)] = row - middle;
    }
  }

  private Layout place(List<List<Integer>> layers, List<List<Integer>> chains) {
    int tallest = layers.stream().mapToInt(List::size).max().orElse(0);
    Box[] slots = new Box[layerOf.size()];
    List<List<String>> stepLayers = new ArrayList<>();
    for (int layer = 0; layer < layers.size(); layer++) {
      List<Integer> column = layers.get(layer);
      int top = MARGIN + (tallest - column.size()) * ROW_PITCH / 2;
      List<String> steps = new ArrayList<>();
      for (int row = 0; row < column.size(); row++) {
        int node = column.get(row);
        slots[node] = new Box(layer, row, MARGIN + layer * COLUMN_PITCH, top + row * ROW_PITCH);
        if (node < names.size()) {
          steps.add(names.get(node));
        }
      }
      stepLayers.add(List.copyOf(steps));
    }
    Map<String, Box> boxes = new LinkedHashMap<>();
    for (int node = 0; node < names.size(); node++) {
      boxes.put(names.get(node), slots[node]);
    }
    List<Edge> edges = new ArrayList<>();
    for (List<Integer> chain : chains) {
      List<Point> points = new ArrayList<>();
      Box from = slots[chain.get(0)];
      points.add(new Point(from.right(), from.middleY()));
      for (int lane : chain.subList(1, chain.size() - 1)) {
        points.add(new Point(slots[lane].x(), slots[lane].middleY()));
        points.add(new Point(slots[lane].right(), slots[lane].middleY()));
      }
      Box to = slots[chain.get(chain.size() - 1)];
      points.add(new Point(to.x(), to.middleY()));
      edges.add(
          new Edge(
              names.get(chain.get(0)),
              names.get(chain.get(chain.size() - 1)),
              List.copyOf(points)));
    }
    int width = 2 * MARGIN + Math.max(0, layers.size() * COLUMN_PITCH - COLUMN_GAP);
    int height = 2 * MARGIN + Math.max(0, tallest * ROW_PITCH - ROW_GAP);
    return new Layout(
        Collections.unmodifiableMap(boxes),
        List.copyOf(stepLayers),
        List.copyOf(edges),
        width,
        height);
  }
}
