package io.nightshift.console;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Draws a run's steps as a dependency graph in SVG, columns left to right as {@link DagLayout}
 * places them.
 *
 * <p>Each step is a rounded box with its name and, below, its status as glyph and word, its attempt
 * (from the second) and how long it ran. A {@code <title>} per box carries the full name and status
 * for tooltips and screen readers, since long names are cut to fit. Edges are cubic curves from a
 * parent's right side to a child's left side, ending in an arrow; one that skips columns runs
 * straight along the empty lane the layout keeps for it in each.
 *
 * <p>The SVG is embedded in the page as it is: all user text is escaped, and there is no inline
 * style or script. Colours come from the stylesheet through the classes {@code run-graph}, {@code
 * edges} (the group of edge paths), {@code edge-arrow}, {@code node} (with a {@code rect} for the
 * box), {@code status-…}, {@code node-name} and {@code node-status}; edges and boxes carry no class
 * of their own, which keeps a hundred-step graph near 45 KB. Its ids ({@code run-graph-title},
 * {@code run-graph-arrow}) are fixed, so a page holds one graph.
 */
public final class RunGraph {

  static final String TITLE_ID = "run-graph-title";
  static final String ARROW_ID = "run-graph-arrow";

  /** What fits in a box at the console's font sizes (12px names, 11px status). */
  static final int NAME_CHARACTERS = 25;

  static final int STATUS_CHARACTERS = 30;

  private static final int TEXT_X = 12;
  private static final int NAME_Y = 23;
  private static final int STATUS_Y = 43;
  private static final String SEPARATOR = " · ";

  private RunGraph() {}

  /** The dependency graph of {@code steps} as an SVG element. */
  public static String svg(List<GraphStep> steps) {
    DagLayout.Layout layout = DagLayout.of(steps);
    Map<String, DagLayout.Box> boxes = layout.boxes();
    StringBuilder svg = new StringBuilder(512 + 400 * steps.size());
    svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"run-graph\" role=\"img\"")
        .append(" aria-labelledby=\"")
        .append(TITLE_ID)
        .append("\" viewBox=\"0 0 ")
        .append(layout.width())
        .append(' ')
        .append(layout.height())
        .append("\" width=\"")
        .append(layout.width())
        .append("\" height=\"")
        .append(layout.height())
        .append("\" font-size=\"12\">")
        .append("<title id=\"")
        .append(TITLE_ID)
        .append("\">Dependency graph of ")
        .append(boxes.size())
        .append(boxes.size() == 1 ? " step" : " steps")
        .append("</title>");
    svg.append("<defs><marker id=\"")
        .append(ARROW_ID)
        .append("\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\"")
        .append(" markerHeight=\"7\" orient=\"auto\">")
        .append("<path class=\"edge-arrow\" d=\"M0,0L10,5L0,10z\"/></marker></defs>");
    // fill="none" is not a colour: without it a curve would be drawn as a filled shape.
    svg.append("<g class=\"edges\" fill=\"none\" marker-end=\"url(#")
        .append(ARROW_ID)
        .append(")\">");
    for (DagLayout.Edge edge : layout.edges()) {
      appendEdge(svg, edge.points());
    }
    svg.append("</g>");
    Map<String, GraphStep> byName = new HashMap<>();
    for (GraphStep step : steps) {
      byName.putIfAbsent(step.name(), step);
    }
    for (Map.Entry<String, DagLayout.Box> entry : boxes.entrySet()) {
      appendNode(svg, byName.get(entry.getKey()), entry.getValue());
    }
    return svg.append("</svg>").toString();
  }

  /**
   * {@code M x0,y0 C … x1,y1 H x2 C … x3,y3}: S-curves between columns, straight along the lanes of
   * the columns an edge skips.
   */
  private static void appendEdge(StringBuilder svg, List<DagLayout.Point> points) {
    DagLayout.Point start = points.get(0);
    svg.append("<path d=\"M").append(start.x()).append(',').append(start.y());
    for (int i = 1; i < points.size(); i++) {
      DagLayout.Point from = points.get(i - 1);
      DagLayout.Point to = points.get(i);
      if (i % 2 == 0) {
        svg.append('H').append(to.x());
        continue;
      }
      int bend = (from.x() + to.x()) / 2;
      svg.append('C')
          .append(bend)
          .append(',')
          .append(from.y())
          .append(' ')
          .append(bend)
          .append(',')
          .append(to.y())
          .append(' ')
          .append(to.x())
          .append(',')
          .append(to.y());
    }
    svg.append("\"/>");
  }

  private static void appendNode(StringBuilder svg, GraphStep step, DagLayout.Box box) {
    String statusLine = statusLine(step);
    svg.append("<g class=\"node ")
        .append(Status.cssClass(step.status()))
        .append("\" data-step=\"")
        .append(Xml.escape(step.name()))
        .append("\" transform=\"translate(")
        .append(box.x())
        .append(',')
        .append(box.y())
        .append(")\"><title>")
        .append(Xml.escape(title(step)))
        .append("</title><rect width=\"")
        .append(box.width())
        .append("\" height=\"")
        .append(box.height())
        .append("\" rx=\"8\"/><text class=\"node-name\" x=\"")
        .append(TEXT_X)
        .append("\" y=\"")
        .append(NAME_Y)
        .append("\">")
        .append(Xml.escape(Labels.cut(step.name(), NAME_CHARACTERS)))
        .append("</text><text class=\"node-status\" x=\"")
        .append(TEXT_X)
        .append("\" y=\"")
        .append(STATUS_Y)
        .append("\" font-size=\"11\">")
        .append(Xml.escape(Labels.cut(statusLine, STATUS_CHARACTERS)))
        .append("</text></g>");
  }

  /** The box's tooltip: full name, then the status line, e.g. {@code load — ✓ Succeeded · 4s}. */
  static String title(GraphStep step) {
    return step.name() + " — " + statusLine(step);
  }

  /**
   * {@code ✗ Failed · attempt 3 · 1m 23s}: the attempt only from the second, the duration only once
   * started.
   */
  static String statusLine(GraphStep step) {
    StringBuilder line = new StringBuilder(Status.icon(step.status()));
    if (step.attempt() > 1) {
      line.append(SEPARATOR).append("attempt ").append(step.attempt());
    }
    if (step.duration() != null) {
      line.append(SEPARATOR).append(Labels.duration(step.duration()));
    }
    return line.toString();
  }
}
