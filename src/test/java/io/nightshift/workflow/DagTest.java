package io.nightshift.workflow;

import static io.nightshift.testsupport.Steps.step;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DagTest {

  @Test
  void a_chain_has_no_cycle() {
    assertThat(
            Dag.cycles(
                List.of(
                    step("backup", When.SUCCEEDED),
                    step("cleanup", When.SUCCEEDED, "backup"),
                    step("etl", When.SUCCEEDED, "cleanup"))))
        .isEmpty();
  }

  @Test
  void a_diamond_has_no_cycle() {
    assertThat(
            Dag.cycles(
                List.of(
                    step("a", When.SUCCEEDED),
                    step("b", When.SUCCEEDED, "a"),
                    step("c", When.SUCCEEDED, "a"),
                    step("d", When.SUCCEEDED, "b", "c"))))
        .isEmpty();
  }

  @Test
  void a_cycle_is_named_from_its_earliest_declared_step_and_back() {
    List<Step> steps =
        List.of(
            step("c", When.SUCCEEDED, "a"),
            step("a", When.SUCCEEDED, "b"),
            step("b", When.SUCCEEDED, "c"));

    assertThat(Dag.cycles(steps)).containsExactly(List.of("c", "a", "b", "c"));
  }

  @Test
  void two_separate_cycles_are_both_named_once() {
    List<Step> steps =
        List.of(
            step("a", When.SUCCEEDED, "b"),
            step("b", When.SUCCEEDED, "a"),
            step("ok", When.SUCCEEDED),
            step("x", When.SUCCEEDED, "y"),
            step("y", When.SUCCEEDED, "z"),
            step("z", When.SUCCEEDED, "x"));

    assertThat(Dag.cycles(steps))
        .containsExactlyInAnyOrder(List.of("a", "b", "a"), List.of("x", "y", "z", "x"));
  }

  @Test
  void unknown_parents_and_self_dependencies_are_left_to_their_own_checks() {
    assertThat(
            Dag.cycles(
                List.of(step("a", When.SUCCEEDED, "a"), step("b", When.SUCCEEDED, "missing"))))
        .isEmpty();
  }
}
