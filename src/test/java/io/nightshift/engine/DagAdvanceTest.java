package io.nightshift.engine;

import static io.nightshift.run.StepStatus.CANCELLED;
import static io.nightshift.run.StepStatus.FAILED;
import static io.nightshift.run.StepStatus.PENDING;
import static io.nightshift.run.StepStatus.RUNNING;
import static io.nightshift.run.StepStatus.SKIPPED;
import static io.nightshift.run.StepStatus.SUCCEEDED;
import static io.nightshift.testsupport.Steps.step;
import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.engine.DagAdvance.Move;
import io.nightshift.engine.DagAdvance.Outcome;
import io.nightshift.run.StepStatus;
import io.nightshift.workflow.Step;
import io.nightshift.workflow.When;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DagAdvanceTest {

  /** backup, then cleanup, then etl; notify when anything before it failed. */
  private static final List<Step> CHAIN =
      List.of(
          step("backup", When.SUCCEEDED),
          step("cleanup", When.SUCCEEDED, "backup"),
          step("etl", When.SUCCEEDED, "cleanup"),
          step("notify", When.FAILED, "etl"));

  /** a fans out to b and c, which join in d; e always runs after d. */
  private static final List<Step> DIAMOND =
      List.of(
          step("a", When.SUCCEEDED),
          step("b", When.SUCCEEDED, "a"),
          step("c", When.SUCCEEDED, "a"),
          step("d", When.SUCCEEDED, "b", "c"),
          step("e", When.ALWAYS, "d"));

  record Case(
      String spec,
      List<Step> steps,
      Map<String, StepStatus> now,
      List<String> start,
      Map<String, String> skipReasons,
      Optional<Outcome> ended) {
    @Override
    public String toString() {
      return spec;
    }
  }

  private static Map<String, StepStatus> states(List<Step> steps, StepStatus... statuses) {
    Map<String, StepStatus> map = new LinkedHashMap<>();
    for (int i = 0; i < steps.size(); i++) {
      map.put(steps.get(i).name(), statuses[i]);
    }
    return map;
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case(
            "chain, nothing ran yet: the first step starts",
            CHAIN,
            states(CHAIN, PENDING, PENDING, PENDING, PENDING),
            List.of("backup"),
            Map.of(),
            Optional.empty()),
        new Case(
            "chain, backup running: nothing new starts",
            CHAIN,
            states(CHAIN, RUNNING, PENDING, PENDING, PENDING),
            List.of(),
            Map.of(),
            Optional.empty()),
        new Case(
            "chain, backup succeeded: cleanup starts",
            CHAIN,
            states(CHAIN, SUCCEEDED, PENDING, PENDING, PENDING),
            List.of("cleanup"),
            Map.of(),
            Optional.empty()),
        new Case(
            "chain, backup failed: the rest is skipped and notify starts",
            CHAIN,
            states(CHAIN, FAILED, PENDING, PENDING, PENDING),
            List.of("notify"),
            Map.of("cleanup", "ParentNotSucceeded", "etl", "ParentNotSucceeded"),
            Optional.empty()),
        new Case(
            "chain, backup failed and notify done: the run failed",
            CHAIN,
            states(CHAIN, FAILED, SKIPPED, SKIPPED, SUCCEEDED),
            List.of(),
            Map.of(),
            Optional.of(Outcome.FAILED)),
        new Case(
            "chain, all succeeded: notify is skipped and the run succeeded",
            CHAIN,
            states(CHAIN, SUCCEEDED, SUCCEEDED, SUCCEEDED, PENDING),
            List.of(),
            Map.of("notify", "NothingFailed"),
            Optional.of(Outcome.SUCCEEDED)),
        new Case(
            "diamond, a succeeded: both branches start together",
            DIAMOND,
            states(DIAMOND, SUCCEEDED, PENDING, PENDING, PENDING, PENDING),
            List.of("b", "c"),
            Map.of(),
            Optional.empty()),
        new Case(
            "diamond, one branch done and one running: the join waits",
            DIAMOND,
            states(DIAMOND, SUCCEEDED, SUCCEEDED, RUNNING, PENDING, PENDING),
            List.of(),
            Map.of(),
            Optional.empty()),
        new Case(
            "diamond, one branch failed: the join is skipped and always still runs",
            DIAMOND,
            states(DIAMOND, SUCCEEDED, FAILED, SUCCEEDED, PENDING, PENDING),
            List.of("e"),
            Map.of("d", "ParentNotSucceeded"),
            Optional.empty()),
        new Case(
            "diamond, a cancelled: everything after it is skipped, always included",
            DIAMOND,
            states(DIAMOND, CANCELLED, PENDING, PENDING, PENDING, PENDING),
            List.of(),
            Map.of(
                "b",
                "UpstreamCancelled",
                "c",
                "UpstreamCancelled",
                "d",
                "UpstreamCancelled",
                "e",
                "UpstreamCancelled"),
            Optional.of(Outcome.CANCELLED)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decides_the_next_move(Case c) {
    Move move = DagAdvance.next(c.steps(), c.now());

    assertThat(move.start()).containsExactlyElementsOf(c.start());
    assertThat(move.skip()).hasSize(c.skipReasons().size());
    c.skipReasons()
        .forEach(
            (step, reason) ->
                assertThat(move.skip().get(step).reason()).as(step).isEqualTo(reason));
    assertThat(move.ended()).isEqualTo(c.ended());
  }
}
