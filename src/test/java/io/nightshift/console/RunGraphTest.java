package io.nightshift.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class RunGraphTest {

  private static final String SCRIPT_NAME = "<script>alert(1)</script>";
  private static final String IMG_NAME = "\"><img src=x onerror=alert(1)>";

  private static final List<GraphStep> ETL =
      List.of(
          new GraphStep("extract", List.of(), "Succeeded", 1, Duration.ofSeconds(42)),
          new GraphStep("transform", List.of("extract"), "Failed", 3, Duration.ofSeconds(83)),
          new GraphStep("load", List.of("transform"), "Pending", 1, null));

  private static Element node(Document svg, String name) {
    return Svg.steps(svg).stream()
        .filter(g -> g.getAttribute("data-step").equals(name))
        .findFirst()
        .orElseThrow();
  }

  private static String text(Element node, String cssClass) {
    return Svg.children(node, "text").stream()
        .filter(t -> t.getAttribute("class").equals(cssClass))
        .findFirst()
        .orElseThrow()
        .getTextContent();
  }

  @Test
  void the_root_is_an_image_labelled_by_its_title() {
    Element root = Svg.parse(RunGraph.svg(ETL)).getDocumentElement();

    assertThat(root.getTagName()).isEqualTo("svg");
    assertThat(root.getAttribute("role")).isEqualTo("img");
    assertThat(root.getAttribute("viewBox")).startsWith("0 0 ");
    assertThat(root.getAttribute("width")).isNotEmpty();
    assertThat(root.getAttribute("height")).isNotEmpty();
    Element title = Svg.children(root, "title").get(0);
    assertThat(title.getAttribute("id")).isEqualTo(root.getAttribute("aria-labelledby"));
    assertThat(title.getTextContent()).isEqualTo("Dependency graph of 3 steps");
  }

  @Test
  void each_step_is_a_box_classed_by_its_status_with_name_and_status_line() {
    Document svg = Svg.parse(RunGraph.svg(ETL));

    Element transform = node(svg, "transform");
    assertThat(transform.getAttribute("class")).isEqualTo("node status-failed");
    assertThat(text(transform, "node-name")).isEqualTo("transform");
    assertThat(text(transform, "node-status")).isEqualTo("✗ Failed · attempt 3 · 1m 23s");
    assertThat(Svg.title(transform)).isEqualTo("transform — ✗ Failed · attempt 3 · 1m 23s");
    assertThat(text(node(svg, "extract"), "node-status")).isEqualTo("✓ Succeeded · 42s");
    assertThat(text(node(svg, "load"), "node-status")).isEqualTo("… Pending");
  }

  @Test
  void each_dependency_is_a_curve_from_the_parents_right_side_to_the_childs_left_side() {
    DagLayout.Layout layout = DagLayout.of(ETL);
    Document svg = Svg.parse(RunGraph.svg(ETL));

    Element group =
        Svg.elements(svg, "g").stream()
            .filter(g -> g.getAttribute("class").equals("edges"))
            .findFirst()
            .orElseThrow();
    List<Element> edges = Svg.children(group, "path");
    assertThat(edges).hasSize(2);
    DagLayout.Box extract = layout.boxes().get("extract");
    DagLayout.Box transform = layout.boxes().get("transform");
    assertThat(edges.get(0).getAttribute("d"))
        .startsWith("M" + extract.right() + "," + extract.middleY() + "C")
        .endsWith(" " + transform.x() + "," + transform.middleY());
  }

  @Test
  void hostile_step_names_are_escaped_and_round_trip_exactly() {
    List<GraphStep> steps =
        List.of(
            new GraphStep(SCRIPT_NAME, List.of(), "Succeeded", 1, Duration.ofSeconds(1)),
            new GraphStep(IMG_NAME, List.of(SCRIPT_NAME), "<b>Evil</b>", 2, null),
            new GraphStep(
                "it's & \"quoted\"\ton\r\ntwo lines", List.of(IMG_NAME), "Running", 1, null));

    String output = RunGraph.svg(steps);
    Document svg = Svg.parse(output);

    assertThat(output).doesNotContain("<script").doesNotContain("<img").doesNotContain("<b>");
    for (GraphStep step : steps) {
      Element node = node(svg, step.name());
      assertThat(Svg.title(node)).isEqualTo(RunGraph.title(step)).startsWith(step.name() + " — ");
    }
    Element evil = node(svg, IMG_NAME);
    assertThat(evil.getAttribute("class")).isEqualTo("node status-unknown");
    assertThat(Svg.title(evil)).isEqualTo(IMG_NAME + " — ? <b>Evil</b> · attempt 2");
    assertThat(Svg.steps(svg)).hasSize(3);
  }

  @Test
  void there_is_no_inline_style_and_no_script() {
    String output = RunGraph.svg(DagLayoutTest.fanOut(10));
    Document svg = Svg.parse(output);

    assertThat(output).doesNotContain("style=").doesNotContain("<script");
    assertThat(Svg.elements(svg, "*"))
        .allSatisfy(e -> assertThat(e.hasAttribute("style")).isFalse());
    assertThat(Svg.elements(svg, "script")).isEmpty();
    assertThat(Svg.elements(svg, "style")).isEmpty();
  }

  @Test
  void long_names_are_cut_in_the_box_and_whole_in_the_title() {
    String name = "a-step-name-far-too-long-for-its-box-to-hold";
    Document svg =
        Svg.parse(RunGraph.svg(List.of(new GraphStep(name, List.of(), "Running", 1, null))));

    Element node = node(svg, name);
    assertThat(text(node, "node-name"))
        .hasSize(RunGraph.NAME_CHARACTERS)
        .endsWith("…")
        .startsWith("a-step-name-far-too-long");
    assertThat(Svg.title(node)).isEqualTo(name + " — ⟳ Running");
  }

  /** The steps as a run shows them late on: retried, each with a long status line. */
  private static List<GraphStep> retried(List<GraphStep> steps) {
    return steps.stream()
        .map(
            s -> new GraphStep(s.name(), s.dependsOn(), "Cancelled", 12, Duration.ofSeconds(3_599)))
        .toList();
  }

  @Test
  void a_fan_out_of_a_hundred_steps_stays_small() {
    String output = RunGraph.svg(retried(DagLayoutTest.fanOut(98)));
    Document svg = Svg.parse(output);

    assertThat(Svg.steps(svg)).hasSize(100);
    assertThat(Svg.elements(svg, "path")).hasSize(196 + 1);
    assertThat(output.getBytes(StandardCharsets.UTF_8).length).isLessThan(50_000);
  }

  @Test
  void a_chain_of_a_hundred_steps_stays_small() {
    String output = RunGraph.svg(retried(DagLayoutTest.chain(100)));
    Document svg = Svg.parse(output);

    assertThat(Svg.steps(svg)).hasSize(100);
    assertThat(output.getBytes(StandardCharsets.UTF_8).length).isLessThan(45_000);
  }

  @Test
  void steps_waiting_for_unknown_steps_are_drawn_without_that_edge() {
    Document svg =
        Svg.parse(
            RunGraph.svg(List.of(new GraphStep("orphan", List.of("ghost"), "Pending", 1, null))));

    assertThat(Svg.steps(svg)).hasSize(1);
    assertThat(Svg.elements(svg, "path")).hasSize(1); // the arrowhead only
    assertThat(Svg.title(svg.getDocumentElement())).isEqualTo("Dependency graph of 1 step");
  }

  @Test
  void no_steps_draw_an_empty_graph() {
    Document svg = Svg.parse(RunGraph.svg(List.of()));

    assertThat(Svg.steps(svg)).isEmpty();
    assertThat(Svg.title(svg.getDocumentElement())).isEqualTo("Dependency graph of 0 steps");
  }
}
