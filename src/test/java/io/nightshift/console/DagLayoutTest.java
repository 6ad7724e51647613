package io.nightshift.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DagLayoutTest {

  private static GraphStep step(String name, String... dependsOn) {
    return new GraphStep(name, List.of(dependsOn), "Pending", 1, null);
  }

  /** {@code start}, then {@code width} steps that wait for it, then {@code end} waiting for all. */
  static List<GraphStep> fanOut(int width) {
    List<GraphStep> steps = new ArrayList<>();
    steps.add(step("start"));
    List<String> middle = new ArrayList<>();
    for (int i = 0; i < width; i++) {
      String name = String.format("process-partition-%03d", i);
      middle.add(name);
      steps.add(step(name, "start"));
    }
    steps.add(new GraphStep("end", middle, "Pending", 1, null));
    return steps;
  }

  static List<GraphStep> chain(int length) {
    List<GraphStep> steps = new ArrayList<>();
    steps.add(step("step-000"));
    for (int i = 1; i < length; i++) {
      steps.add(step(String.format("step-%03d", i), String.format("step-%03d", i - 1)));
    }
    return steps;
  }

  /** Each step waits for up to three random earlier ones: a DAG by construction. */
  private static List<GraphStep> randomDag(long seed, int size) {
    Random random = new Random(seed);
    List<GraphStep> steps = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      List<String> parents = new ArrayList<>();
      int count = i == 0 ? 0 : random.nextInt(Math.min(i, 3) + 1);
      for (int p = 0; p < count; p++) {
        parents.add("s" + random.nextInt(i));
      }
      steps.add(new GraphStep("s" + i, parents, "Pending", 1, null));
    }
    return steps;
  }

  private static void assertDrawable(DagLayout.Layout layout) {
    List<DagLayout.Box> boxes = List.copyOf(layout.boxes().values());
    for (int i = 0; i < boxes.size(); i++) {
      DagLayout.Box a = boxes.get(i);
      assertThat(a.x()).isGreaterThanOrEqualTo(0);
      assertThat(a.y()).isGreaterThanOrEqualTo(0);
      assertThat(a.right()).isLessThanOrEqualTo(layout.width());
      assertThat(a.bottom()).isLessThanOrEqualTo(layout.height());
      for (int j = i + 1; j < boxes.size(); j++) {
        DagLayout.Box b = boxes.get(j);
        boolean apart =
            a.right() <= b.x() || b.right() <= a.x() || a.bottom() <= b.y() || b.bottom() <= a.y();
        assertThat(apart).as("%s and %s overlap", a, b).isTrue();
      }
    }
    for (DagLayout.Edge edge : layout.edges()) {
      DagLayout.Box from = layout.boxes().get(edge.from());
      DagLayout.Box to = layout.boxes().get(edge.to());
      assertThat(from.layer()).as("%s", edge).isLessThan(to.layer());
      List<DagLayout.Point> points = edge.points();
      assertThat(points).as("%s", edge).hasSize(2 * (to.layer() - from.layer()));
      assertThat(points.get(0)).isEqualTo(new DagLayout.Point(from.right(), from.middleY()));
      assertThat(points.get(points.size() - 1))
          .isEqualTo(new DagLayout.Point(to.x(), to.middleY()));
      for (int i = 1; i < points.size(); i++) {
        assertThat(points.get(i).x()).as("%s", edge).isGreaterThan(points.get(i - 1).x());
      }
      // Along a skipped column the edge keeps to its lane, clear of every box in that column.
      for (int i = 1; i + 1 < points.size(); i += 2) {
        DagLayout.Point in = points.get(i);
        assertThat(points.get(i + 1).y()).isEqualTo(in.y());
        for (DagLayout.Box box : boxes) {
          if (box.x() == in.x()) {
            assertThat(in.y() < box.y() || in.y() > box.bottom())
                .as("%s crosses %s", edge, box)
                .isTrue();
          }
        }
      }
    }
  }

  @Test
  void a_step_sits_one_column_right_of_its_furthest_parent() {
    DagLayout.Layout layout =
        DagLayout.of(List.of(step("a"), step("b", "a"), step("c", "b"), step("d", "a", "c")));

    assertThat(layout.layers())
        .containsExactly(List.of("a"), List.of("b"), List.of("c"), List.of("d"));
  }

  @Test
  void roots_share_the_first_column() {
    DagLayout.Layout layout = DagLayout.of(List.of(step("a"), step("b"), step("c", "a", "b")));

    assertThat(layout.layers()).containsExactly(List.of("a", "b"), List.of("c"));
  }

  @Test
  void children_are_ordered_by_their_parents_to_avoid_crossings() {
    DagLayout.Layout layout =
        DagLayout.of(List.of(step("a"), step("b"), step("under-b", "b"), step("under-a", "a")));

    assertThat(layout.layers().get(1)).containsExactly("under-a", "under-b");
    assertThat(layout.boxes().get("under-a").y()).isLessThan(layout.boxes().get("under-b").y());
  }

  @Test
  void an_edge_that_skips_columns_keeps_a_lane_of_its_own_in_each() {
    DagLayout.Layout layout =
        DagLayout.of(List.of(step("a"), step("b", "a"), step("c", "b"), step("d", "c", "a")));

    DagLayout.Edge skip = layout.edges().get(layout.edges().size() - 1);
    assertThat(skip.from() + ">" + skip.to()).isEqualTo("a>d");
    assertThat(skip.points()).hasSize(6);
    // b and c share their columns with the lane of a > d, so the drawing is two rows tall.
    assertThat(layout.height())
        .isEqualTo(2 * DagLayout.MARGIN + 2 * DagLayout.NODE_HEIGHT + DagLayout.ROW_GAP);
    assertDrawable(layout);
  }

  @Test
  void a_wide_fan_out_takes_three_columns_with_the_ends_centred() {
    DagLayout.Layout layout = DagLayout.of(fanOut(98));

    assertThat(layout.layers()).extracting(List::size).containsExactly(1, 98, 1);
    assertThat(layout.edges()).hasSize(196);
    DagLayout.Box start = layout.boxes().get("start");
    assertThat(start.middleY()).isCloseTo(layout.height() / 2, within(1));
    assertThat(layout.boxes().get("end").y()).isEqualTo(start.y());
    assertDrawable(layout);
  }

  @Test
  void a_chain_of_a_hundred_takes_a_hundred_columns_in_one_row() {
    DagLayout.Layout layout = DagLayout.of(chain(100));

    assertThat(layout.layers()).hasSize(100).allSatisfy(layer -> assertThat(layer).hasSize(1));
    assertThat(layout.boxes().values()).extracting(DagLayout.Box::y).containsOnly(DagLayout.MARGIN);
    assertDrawable(layout);
  }

  @Test
  void random_graphs_never_overlap_and_every_edge_points_right() {
    for (long seed = 1; seed <= 20; seed++) {
      DagLayout.Layout layout = DagLayout.of(randomDag(seed, 60));

      assertThat(layout.boxes()).hasSize(60);
      assertDrawable(layout);
    }
  }

  @Test
  void the_same_steps_always_lay_out_the_same_way() {
    List<GraphStep> steps = randomDag(7, 80);

    assertThat(DagLayout.of(steps)).isEqualTo(DagLayout.of(List.copyOf(steps)));
  }

  @Test
  void boxes_keep_the_order_the_steps_were_given_in() {
    List<GraphStep> steps = randomDag(3, 30);

    assertThat(DagLayout.of(steps).boxes().keySet())
        .containsExactlyElementsOf(steps.stream().map(GraphStep::name).toList());
  }

  @Test
  void unknown_parents_self_references_and_repeated_names_are_ignored() {
    DagLayout.Layout layout =
        DagLayout.of(
            List.of(
                step("a", "ghost"),
                step("b", "a", "b", "a"),
                step("a", "b"),
                new GraphStep("c", null, null, 0, null)));

    assertThat(layout.boxes().keySet()).containsExactly("a", "b", "c");
    assertThat(layout.edges()).extracting(e -> e.from() + ">" + e.to()).containsExactly("a>b");
    assertThat(layout.layers()).containsExactly(List.of("a", "c"), List.of("b"));
  }

  @Test
  void a_cycle_is_broken_rather_than_looping_forever() {
    DagLayout.Layout layout =
        DagLayout.of(List.of(step("a", "c"), step("b", "a"), step("c", "b"), step("d", "a")));

    assertThat(layout.boxes()).hasSize(4);
    assertThat(layout.edges())
        .extracting(e -> e.from() + ">" + e.to())
        .containsExactly("a>b", "b>c", "a>d");
    assertDrawable(layout);
  }

  @Test
  void no_steps_lay_out_as_an_empty_drawing() {
    DagLayout.Layout layout = DagLayout.of(List.of());

    assertThat(layout.boxes()).isEmpty();
    assertThat(layout.width()).isEqualTo(2 * DagLayout.MARGIN);
    assertThat(layout.height()).isEqualTo(2 * DagLayout.MARGIN);
  }

  @Test
  void columns_are_spaced_by_the_node_width_and_gap() {
    DagLayout.Layout layout = DagLayout.of(chain(3));

    assertThat(IntStream.range(0, 3).map(i -> layout.boxes().get("step-00" + i).x()))
        .containsExactly(
            DagLayout.MARGIN,
            DagLayout.MARGIN + DagLayout.NODE_WIDTH + DagLayout.COLUMN_GAP,
            DagLayout.MARGIN + 2 * (DagLayout.NODE_WIDTH + DagLayout.COLUMN_GAP));
    assertThat(layout.width())
        .isEqualTo(3 * DagLayout.NODE_WIDTH + 2 * DagLayout.COLUMN_GAP + 2 * DagLayout.MARGIN);
  }
}
