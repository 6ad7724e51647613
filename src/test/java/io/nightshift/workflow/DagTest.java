package io.nightshift.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DagTest {

  private static Step step(String name, String... dependsOn) {
    return new Step(
        name,
        List.of(dependsOn),
        null,
        null,
        "busybox",
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  @Test
  void a_chain_has_no_cycle() {
    assertThat(
            Dag.cycles(List.of(step("backup"), step("cleanup", "backup"), step("etl", "cleanup"))))
        .isEmpty();
  }

  @Test
  void a_diamond_has_no_cycle() {
    assertThat(Dag.cycles(List.of(step("a"), step("b", "a"), step("c", "a"), step("d", "b", "c"))))
        .isEmpty();
  }

  @Test
  void a_cycle_is_named_from_its_earliest_declared_step_and_back() {
    List<Step> steps = List.of(step("c", "a"), step("a", "b"), step("b", "c"));

    assertThat(Dag.cycles(steps)).containsExactly(List.of("c", "a", "b", "c"));
  }

  @Test
  void two_separate_cycles_are_both_named_once() {
    List<Step> steps =
        List.of(
            step("a", "b"),
            step("b", "a"),
            step("ok"),
            step("x", "y"),
            step("y", "z"),
            step("z", "x"));

    assertThat(Dag.cycles(steps))
        .containsExactlyInAnyOrder(List.of("a", "b", "a"), List.of("x", "y", "z", "x"));
  }

  @Test
  void unknown_parents_and_self_dependencies_are_left_to_their_own_checks() {
    assertThat(Dag.cycles(List.of(step("a", "a"), step("b", "missing")))).isEmpty();
  }
}
