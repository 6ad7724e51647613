package io.nightshift.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.engine.Capacity.Allocation;
import io.nightshift.engine.Capacity.Candidate;
import io.nightshift.engine.Capacity.Limits;
import io.nightshift.engine.Capacity.Wait;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CapacityTest {

  private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

  record Case(
      String spec,
      Limits limits,
      Map<String, Integer> running,
      List<Candidate> candidates,
      List<String> started,
      Map<String, Wait> waiting) {
    @Override
    public String toString() {
      return spec;
    }
  }

  /**
   * A candidate {@code run/step} of {@code namespace}, ready {@code ready} seconds after T0, its
   * run created {@code created} seconds after T0.
   */
  private static Candidate step(
      String namespace, String runAndStep, int ready, int created, int position) {
    String[] parts = runAndStep.split("/");
    return new Candidate(
        parts[0], parts[1], namespace, T0.plusSeconds(ready), T0.plusSeconds(created), position);
  }

  private static Candidate step(String namespace, String runAndStep, int ready) {
    return step(namespace, runAndStep, ready, 0, 0);
  }

  private static Limits cap(int max) {
    return new Limits(max, Map.of());
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case(
            "under the cap: every ready step starts",
            cap(3),
            Map.of("a", 1),
            List.of(step("a", "r1/x", 0), step("b", "r2/x", 0)),
            List.of("r1/x", "r2/x"),
            Map.of()),
        new Case(
            "cap reached by steps already running: nothing starts, every step waits",
            cap(2),
            Map.of("a", 1, "b", 1),
            List.of(step("a", "r1/x", 0), step("c", "r2/x", 0)),
            List.of(),
            Map.of("r1/x", Wait.CLUSTER_FULL, "r2/x", Wait.CLUSTER_FULL)),
        new Case(
            "cap reached during the pass: the first ready fill it, the rest wait",
            cap(2),
            Map.of(),
            List.of(
                step("a", "r3/x", 3),
                step("a", "r1/x", 1),
                step("a", "r2/x", 2),
                step("a", "r4/x", 4)),
            List.of("r1/x", "r2/x"),
            Map.of("r3/x", Wait.CLUSTER_FULL, "r4/x", Wait.CLUSTER_FULL)),
        new Case(
            "namespace quota reached while the cap is not: that namespace waits",
            new Limits(10, Map.of("a", 1)),
            Map.of("a", 1),
            List.of(step("a", "r1/x", 0), step("a", "r2/x", 1)),
            List.of(),
            Map.of("r1/x", Wait.NAMESPACE_FULL, "r2/x", Wait.NAMESPACE_FULL)),
        new Case(
            "another namespace's quota does not block: b starts after a's waiting steps",
            new Limits(10, Map.of("a", 1)),
            Map.of(),
            List.of(step("a", "r1/x", 0), step("a", "r2/x", 1), step("b", "r3/x", 2)),
            List.of("r1/x", "r3/x"),
            Map.of("r2/x", Wait.NAMESPACE_FULL)),
        new Case(
            "a namespace without a quota is bounded by the cap only",
            new Limits(3, Map.of("a", 1)),
            Map.of("b", 1),
            List.of(step("b", "r1/x", 0), step("b", "r2/x", 1), step("b", "r3/x", 2)),
            List.of("r1/x", "r2/x"),
            Map.of("r3/x", Wait.CLUSTER_FULL)),
        new Case(
            "the cap counts steps of namespaces with a quota too",
            new Limits(2, Map.of("a", 5)),
            Map.of("a", 2),
            List.of(step("b", "r1/x", 0)),
            List.of(),
            Map.of("r1/x", Wait.CLUSTER_FULL)),
        new Case(
            "longest ready first: a scheduled run's first step, ready before a backfill run's"
                + " next step, goes before it although its run is newer",
            cap(1),
            Map.of(),
            List.of(step("a", "backfill/second", 20, 0, 1), step("a", "nightly/first", 10, 5, 0)),
            List.of("nightly/first"),
            Map.of("backfill/second", Wait.CLUSTER_FULL)),
        new Case(
            "ready at the same time: the older run first",
            cap(1),
            Map.of(),
            List.of(step("a", "newer/x", 0, 9, 0), step("a", "older/x", 0, 1, 0)),
            List.of("older/x"),
            Map.of("newer/x", Wait.CLUSTER_FULL)),
        new Case(
            "same run, ready at the same time: in the order of the definition",
            cap(1),
            Map.of(),
            List.of(step("a", "r/late", 0, 0, 2), step("a", "r/early", 0, 0, 1)),
            List.of("r/early"),
            Map.of("r/late", Wait.CLUSTER_FULL)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void starts_the_longest_ready_steps_within_the_cap_and_each_namespace_quota(Case c) {
    Allocation allocation = Capacity.allocate(c.limits(), c.running(), c.candidates());

    assertThat(allocation.start().stream().map(s -> s.runId() + "/" + s.step()).toList())
        .isEqualTo(c.started());
    Map<String, Wait> waiting = new LinkedHashMap<>();
    allocation
        .waiting()
        .forEach((candidate, why) -> waiting.put(candidate.runId() + "/" + candidate.step(), why));
    assertThat(waiting).isEqualTo(c.waiting());
  }
}
