package io.nightshift.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.engine.Admission.Decision;
import io.nightshift.engine.Admission.Verdict;
import io.nightshift.workflow.ConcurrencyPolicy;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AdmissionTest {

  record Case(
      String spec, ConcurrencyPolicy policy, List<String> active, int waiting, Decision expected) {
    @Override
    public String toString() {
      return spec;
    }
  }

  static Stream<Case> cases() {
    List<String> one = List.of("run-1");
    return Stream.of(
        new Case(
            "nothing running, Forbid: start",
            ConcurrencyPolicy.FORBID,
            List.of(),
            0,
            Decision.of(Verdict.START)),
        new Case(
            "one running, Allow: start alongside",
            ConcurrencyPolicy.ALLOW,
            one,
            0,
            Decision.of(Verdict.START)),
        new Case(
            "one running, Forbid: skipped",
            ConcurrencyPolicy.FORBID,
            one,
            0,
            new Decision(Verdict.SKIP, List.of(), "ConcurrencyForbid")),
        new Case(
            "two running, Replace: both cancelled",
            ConcurrencyPolicy.REPLACE,
            List.of("run-1", "run-2"),
            0,
            new Decision(Verdict.REPLACE, List.of("run-1", "run-2"), null)),
        new Case(
            "one running, Queue, none waiting: waits",
            ConcurrencyPolicy.QUEUE,
            one,
            0,
            Decision.of(Verdict.QUEUE)),
        new Case(
            "one running, Queue, one waiting: skipped",
            ConcurrencyPolicy.QUEUE,
            one,
            1,
            new Decision(Verdict.SKIP, List.of(), "QueueFull")),
        new Case(
            "nothing running but one waiting, Queue: skipped, the waiting one goes first",
            ConcurrencyPolicy.QUEUE,
            List.of(),
            1,
            new Decision(Verdict.SKIP, List.of(), "QueueFull")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decides_what_a_new_run_does(Case c) {
    assertThat(Admission.decide(c.policy(), c.active(), c.waiting())).isEqualTo(c.expected());
  }
}
