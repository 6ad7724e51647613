package io.nightshift.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.engine.Reconcile.Plan;
import io.nightshift.engine.Reconcile.Siblings;
import io.nightshift.engine.Reconcile.View;
import io.nightshift.run.RunRow;
import io.nightshift.run.RunStatus;
import io.nightshift.run.StepRow;
import io.nightshift.run.StepStatus;
import io.nightshift.run.Trigger;
import io.nightshift.testsupport.MutableClock;
import io.nightshift.workflow.ConcurrencyPolicy;
import io.nightshift.workflow.Step;
import io.nightshift.workflow.When;
import io.nightshift.workflow.Workflow;
import io.nightshift.workflow.WorkflowSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Reconcile#decide} as a table, one row per case: the run, its steps, its definition, the
 * other runs of its workflow, what the executor sees, the time, and the plan in a short notation
 * ({@link #describe}). Times are seconds after {@link #T0}, when the run started.
 */
class ReconcileTest {

  /** When the run in each row started (or was created, when Pending). */
  static final Instant T0 = Instant.parse("2026-11-23T02:00:00Z");

  static final MutableClock CLOCK = new MutableClock(T0);

  record Row(
      String name,
      RunRow run,
      List<StepRow> steps,
      Workflow workflow,
      Siblings siblings,
      View view,
      long nowSeconds,
      String expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void decides(Row row) {
    CLOCK.set(T0.plusSeconds(row.nowSeconds()));

    Plan plan =
        Reconcile.decide(
            row.run(), row.steps(), row.workflow(), row.siblings(), row.view(), CLOCK.instant());

    assertThat(describe(plan)).as(row.name()).isEqualTo(row.expected());
  }

  static Stream<Row> rows() {
    Workflow chain = workflow(ConcurrencyPolicy.ALLOW, null, step("a"), step("b", "a"));
    Workflow single = workflow(ConcurrencyPolicy.ALLOW, null, step("a"));
    Workflow retried =
        workflow(ConcurrencyPolicy.ALLOW, null, step("a", 2, null, When.SUCCEEDED), step("b", "a"));
    Workflow deadline =
        workflow(ConcurrencyPolicy.ALLOW, null, step("a", 0, 60L, When.SUCCEEDED), step("b", "a"));
    Workflow deadlineRetried =
        workflow(ConcurrencyPolicy.ALLOW, null, step("a", 1, 60L, When.SUCCEEDED));
    Workflow runDeadline =
        workflow(ConcurrencyPolicy.ALLOW, 300L, step("a", 3, null, When.SUCCEEDED));
    Workflow twoRoots = workflow(ConcurrencyPolicy.ALLOW, null, step("a"), step("b"));
    Workflow diamond =
        workflow(
            ConcurrencyPolicy.ALLOW,
            null,
            step("a"),
            step("b", "a"),
            step("c", "a"),
            step("d", "b", "c"));
    Workflow notify =
        workflow(
            ConcurrencyPolicy.ALLOW,
            null,
            step("a"),
            step("b", "a"),
            step("n", 0, null, When.FAILED, "a"));
    Workflow always =
        workflow(ConcurrencyPolicy.ALLOW, null, step("a"), step("z", 0, null, When.ALWAYS, "a"));
    Workflow manyRetries =
        workflow(ConcurrencyPolicy.ALLOW, null, step("a", 10, null, When.SUCCEEDED));
    Workflow forbid = workflow(ConcurrencyPolicy.FORBID, null, step("a"));
    Workflow replace = workflow(ConcurrencyPolicy.REPLACE, null, step("a"));
    Workflow queue = workflow(ConcurrencyPolicy.QUEUE, null, step("a"));

    Siblings none = Siblings.NONE;
    Siblings oneRunning = new Siblings(List.of("r0"), 0);
    Siblings twoRunning = new Siblings(List.of("r0", "r1"), 0);
    Siblings oneRunningOneQueued = new Siblings(List.of("r0"), 1);
    Siblings oneQueued = new Siblings(List.of(), 1);
    View sees = View.EMPTY;

    return Stream.of(
        // 1. cancel
        new Row(
            "cancel requested, Pending: Cancelled, its steps stopped",
            cancelled(pending()),
            List.of(),
            chain,
            none,
            sees,
            0,
            "end Cancelled Cancelled stop"),
        new Row(
            "cancel requested, Running: Cancelled",
            cancelled(running()),
            List.of(running("a")),
            chain,
            none,
            sees,
            10,
            "end Cancelled Cancelled stop"),
        new Row(
            "cancel requested, Running past its deadline: the cancel wins",
            cancelled(running()),
            List.of(running("a")),
            runDeadline,
            none,
            sees,
            400,
            "end Cancelled Cancelled stop"),
        new Row(
            "cancel requested, step lost: the cancel wins",
            cancelled(running()),
            List.of(running("a"), pending("b")),
            chain,
            none,
            traceless("a"),
            10,
            "end Cancelled Cancelled stop"),
        new Row(
            "cancel requested, queued under Queue: Cancelled",
            cancelled(queued()),
            List.of(),
            queue,
            oneRunning,
            sees,
            0,
            "end Cancelled Cancelled stop"),
        // 2. run deadline
        new Row(
            "running past its deadline: Failed DeadlineExceeded, its steps stopped",
            running(),
            List.of(running("a")),
            runDeadline,
            none,
            sees,
            301,
            "end Failed DeadlineExceeded stop"),
        new Row(
            "running exactly at its deadline: not yet past it",
            running(),
            List.of(running("a")),
            runDeadline,
            none,
            sees,
            300,
            "idle"),
        new Row(
            "running for days, no deadline: nothing to do",
            running(),
            List.of(running("a")),
            single,
            none,
            sees,
            3 * 86_400,
            "idle"),
        new Row(
            "running past its deadline while a retry is due: the deadline first",
            running(),
            List.of(failed("a", 1, 0)),
            runDeadline,
            none,
            sees,
            301,
            "end Failed DeadlineExceeded stop"),
        new Row(
            "pending long after it was created: the deadline counts from its start",
            pending(),
            List.of(),
            runDeadline,
            none,
            sees,
            900,
            "start; ready a#1@900"),
        // 3. admission
        new Row(
            "never ran, Allow, nothing else active: starts, first step ready",
            pending(),
            List.of(),
            chain,
            none,
            sees,
            0,
            "start; ready a#1@0"),
        new Row(
            "Allow, one running: starts alongside",
            pending(),
            List.of(),
            single,
            oneRunning,
            sees,
            0,
            "start; ready a#1@0"),
        new Row(
            "Forbid, nothing running: starts",
            pending(),
            List.of(),
            forbid,
            none,
            sees,
            0,
            "start; ready a#1@0"),
        new Row(
            "Forbid, one running: Skipped ConcurrencyForbid",
            pending(),
            List.of(),
            forbid,
            oneRunning,
            sees,
            0,
            "end Skipped ConcurrencyForbid"),
        new Row(
            "Replace, one running: it is replaced and this one starts",
            pending(),
            List.of(),
            replace,
            oneRunning,
            sees,
            0,
            "replace r0; start; ready a#1@0"),
        new Row(
            "Replace, two running: both replaced",
            pending(),
            List.of(),
            replace,
            twoRunning,
            sees,
            0,
            "replace r0,r1; start; ready a#1@0"),
        new Row(
            "Replace, nothing running: starts, replaces nothing",
            pending(),
            List.of(),
            replace,
            none,
            sees,
            0,
            "start; ready a#1@0"),
        new Row(
            "Queue, one running, none queued: waits",
            pending(),
            List.of(),
            queue,
            oneRunning,
            sees,
            0,
            "queue"),
        new Row(
            "Queue, one running, this one queued already: nothing to write",
            queued(),
            List.of(),
            queue,
            oneRunning,
            sees,
            5,
            "idle"),
        new Row(
            "Queue, one running, an earlier one queued: Skipped QueueFull",
            pending(),
            List.of(),
            queue,
            oneRunningOneQueued,
            sees,
            0,
            "end Skipped QueueFull"),
        new Row(
            "Queue, none running, an earlier one still queued: Skipped QueueFull",
            pending(),
            List.of(),
            queue,
            oneQueued,
            sees,
            0,
            "end Skipped QueueFull"),
        new Row(
            "Queue, the running one ended: the queued one starts",
            queued(),
            List.of(),
            queue,
            none,
            sees,
            30,
            "start; ready a#1@30"),
        new Row(
            "a chain starts: only its first step is ready",
            pending(),
            List.of(),
            chain,
            none,
            sees,
            0,
            "start; ready a#1@0"),
        new Row(
            "two roots start together",
            pending(),
            List.of(),
            twoRoots,
            none,
            sees,
            0,
            "start; ready a#1@0, b#1@0"),
        new Row(
            "a retried run keeps its succeeded steps: the next attempt of the rest is ready",
            pending(),
            List.of(succeeded("a", 1, 20), pendingAgain("b", 1)),
            chain,
            none,
            sees,
            600,
            "start; ready b#2@20"),
        new Row(
            "a retried run whose first step failed twice: its third attempt",
            pending(),
            List.of(pendingAgain("a", 2), pendingAgain("b", 0)),
            chain,
            none,
            sees,
            600,
            "start; ready a#3@600"),
        // 4. step deadline
        new Row(
            "step past its deadline: failed and stopped, dependant skipped, run Failed",
            running(),
            List.of(running("a"), pending("b")),
            deadline,
            none,
            sees,
            61,
            "expired a; skip b; outcome Failed StepFailed"),
        new Row(
            "step exactly at its deadline: still running",
            running(),
            List.of(running("a"), pending("b")),
            deadline,
            none,
            sees,
            60,
            "idle"),
        new Row(
            "step past its deadline with a retry left: stopped, the retry waits its backoff",
            running(),
            List.of(running("a")),
            deadlineRetried,
            none,
            sees,
            61,
            "expired a"),
        new Row(
            "step never acknowledged and past its deadline: expired all the same",
            running(),
            List.of(unacknowledged("a"), pending("b")),
            deadline,
            none,
            sees,
            61,
            "expired a; skip b; outcome Failed StepFailed"),
        new Row(
            "step with no trace and past its deadline: expired, not lost",
            running(),
            List.of(running("a"), pending("b")),
            deadline,
            none,
            traceless("a"),
            61,
            "expired a; skip b; outcome Failed StepFailed"),
        // 5. lost step
        new Row(
            "acknowledged step with no trace: lost, dependant skipped, run Failed",
            running(),
            List.of(running("a"), pending("b")),
            chain,
            none,
            traceless("a"),
            10,
            "lost a; skip b; outcome Failed StepFailed"),
        new Row(
            "acknowledged step with no trace and retries left: lost, retried after its backoff",
            running(),
            List.of(running("a"), pending("b")),
            retried,
            none,
            traceless("a"),
            10,
            "lost a"),
        new Row(
            "step never acknowledged, not in flight here: launched again under its name",
            running(),
            List.of(unacknowledged("a"), pending("b")),
            chain,
            none,
            sees,
            10,
            "relaunch a"),
        new Row(
            "step never acknowledged, its launch in flight here: waits for it",
            running(),
            List.of(unacknowledged("a"), pending("b")),
            chain,
            none,
            inFlight("a"),
            10,
            "idle"),
        new Row(
            "step never acknowledged is never called lost: launched again",
            running(),
            List.of(unacknowledged("a"), pending("b")),
            chain,
            none,
            traceless("a"),
            10,
            "relaunch a"),
        new Row(
            "acknowledged step the executor sees: nothing to do",
            running(),
            List.of(running("a"), pending("b")),
            chain,
            none,
            sees,
            10,
            "idle"),
        new Row(
            "two roots never acknowledged: both launched again",
            running(),
            List.of(unacknowledged("a"), unacknowledged("b")),
            twoRoots,
            none,
            sees,
            10,
            "relaunch a, b"),
        new Row(
            "a second attempt never acknowledged: launched again",
            running(),
            List.of(unacknowledgedAttempt("a", 2), pending("b")),
            retried,
            none,
            sees,
            40,
            "relaunch a"),
        // 6. retry due
        new Row(
            "failed with retries left, backoff not over: it and its dependants wait",
            running(),
            List.of(failed("a", 1, 0), pending("b")),
            retried,
            none,
            sees,
            5,
            "idle"),
        new Row(
            "failed with retries left, backoff over: attempt 2 ready since it was due",
            running(),
            List.of(failed("a", 1, 0), pending("b")),
            retried,
            none,
            sees,
            12,
            "ready a#2@10"),
        new Row(
            "attempt 2 failed: attempt 3 after 20 s",
            running(),
            List.of(failed("a", 2, 100), pending("b")),
            retried,
            none,
            sees,
            120,
            "ready a#3@120"),
        new Row(
            "attempt 3 failed with 2 retries: failed for good, dependant skipped, run Failed",
            running(),
            List.of(failed("a", 3, 100), pending("b")),
            retried,
            none,
            sees,
            200,
            "skip b; outcome Failed StepFailed"),
        new Row(
            "failed with no retries: dependant skipped, run Failed",
            running(),
            List.of(failed("a", 1, 30), pending("b")),
            chain,
            none,
            sees,
            31,
            "skip b; outcome Failed StepFailed"),
        new Row(
            "attempt 6 failed: the backoff is capped at 5 minutes",
            running(),
            List.of(failed("a", 6, 0)),
            manyRetries,
            none,
            sees,
            300,
            "ready a#7@300"),
        new Row(
            "failed with retries left and no end time: the backoff counts from now",
            running(),
            List.of(failedAt("a", 1, null), pending("b")),
            retried,
            none,
            sees,
            500,
            "idle"),
        // 7. DAG advance
        new Row(
            "first step succeeded: the next is ready since it ended",
            running(),
            List.of(succeeded("a", 1, 30), pending("b")),
            chain,
            none,
            sees,
            31,
            "ready b#1@30"),
        new Row(
            "a running run whose first step waits for capacity: ready since the run started",
            running(),
            List.of(pending("a"), pending("b")),
            chain,
            none,
            sees,
            45,
            "ready a#1@0"),
        new Row(
            "diamond, both branches done: the join is ready at the later end",
            running(),
            List.of(
                succeeded("a", 1, 10), succeeded("b", 1, 20), succeeded("c", 1, 50), pending("d")),
            diamond,
            none,
            sees,
            60,
            "ready d#1@50"),
        new Row(
            "diamond, one branch running: the join waits",
            running(),
            List.of(succeeded("a", 1, 10), succeeded("b", 1, 20), running("c"), pending("d")),
            diamond,
            none,
            sees,
            60,
            "idle"),
        new Row(
            "diamond, first step succeeded: both branches ready",
            running(),
            List.of(succeeded("a", 1, 10), pending("b"), pending("c"), pending("d")),
            diamond,
            none,
            sees,
            11,
            "ready b#1@10, c#1@10"),
        new Row(
            "when: failed after a failure: ready, the ordinary dependant skipped",
            running(),
            List.of(failed("a", 1, 30), pending("b"), pending("n")),
            notify,
            none,
            sees,
            31,
            "ready n#1@30; skip b"),
        new Row(
            "when: failed after a success: skipped once the rest succeeded",
            running(),
            List.of(succeeded("a", 1, 30), succeeded("b", 1, 40), pending("n")),
            notify,
            none,
            sees,
            41,
            "skip n; outcome Succeeded"),
        new Row(
            "when: always after a failure: ready",
            running(),
            List.of(failed("a", 1, 30), pending("z")),
            always,
            none,
            sees,
            31,
            "ready z#1@30"),
        new Row(
            "a step cancelled: its dependant skipped, run Cancelled",
            running(),
            List.of(cancelledStep("a"), pending("b")),
            chain,
            none,
            sees,
            31,
            "skip b; outcome Cancelled StepFailed"),
        // 8. end
        new Row(
            "every step succeeded: Succeeded",
            running(),
            List.of(succeeded("a", 1, 10), succeeded("b", 1, 20)),
            chain,
            none,
            sees,
            21,
            "outcome Succeeded"),
        new Row(
            "a failure handled by when: failed: still Failed",
            running(),
            List.of(failed("a", 1, 10), skipped("b"), succeeded("n", 1, 20)),
            notify,
            none,
            sees,
            21,
            "outcome Failed StepFailed"),
        new Row(
            "when: always ran after a failure: Failed",
            running(),
            List.of(failed("a", 1, 10), succeeded("z", 1, 20)),
            always,
            none,
            sees,
            21,
            "outcome Failed StepFailed"));
  }

  /**
   * The plan in short: what ends, starts, fails, launches again, is ready, skipped, how it ended.
   */
  static String describe(Plan plan) {
    if (plan.idle()) {
      return "idle";
    }
    List<String> parts = new ArrayList<>();
    plan.end()
        .ifPresent(
            end ->
                parts.add(
                    "end "
                        + end.status().spelling()
                        + " "
                        + end.reason()
                        + (end.stopSteps() ? " stop" : "")));
    if (!plan.replace().isEmpty()) {
      parts.add("replace " + String.join(",", plan.replace()));
    }
    if (plan.start()) {
      parts.add("start");
    }
    plan.queue().ifPresent(message -> parts.add("queue"));
    if (!plan.expired().isEmpty()) {
      parts.add(
          "expired "
              + String.join(
                  ", ", plan.expired().stream().map(Reconcile.StepFailure::step).toList()));
    }
    if (!plan.lost().isEmpty()) {
      parts.add(
          "lost "
              + String.join(", ", plan.lost().stream().map(Reconcile.StepFailure::step).toList()));
    }
    if (!plan.relaunch().isEmpty()) {
      parts.add("relaunch " + String.join(", ", plan.relaunch()));
    }
    if (!plan.ready().isEmpty()) {
      parts.add(
          "ready "
              + String.join(
                  ", ",
                  plan.ready().stream()
                      .map(
                          ready ->
                              ready.step()
                                  + "#"
                                  + ready.attempt()
                                  + "@"
                                  + Duration.between(T0, ready.readyAt()).toSeconds())
                      .toList()));
    }
    if (!plan.skip().isEmpty()) {
      parts.add("skip " + String.join(", ", plan.skip().keySet().stream().sorted().toList()));
    }
    plan.outcome()
        .ifPresent(
            outcome ->
                parts.add(
                    "outcome "
                        + outcome.status().spelling()
                        + (outcome.reason() == null ? "" : " " + outcome.reason())));
    return String.join("; ", parts);
  }

  // Definitions

  static Workflow workflow(ConcurrencyPolicy policy, Long activeDeadlineSeconds, Step... steps) {
    return new Workflow(
        "nightshift.io/v1",
        "Workflow",
        null,
        new WorkflowSpec(
            null,
            null,
            policy,
            null,
            null,
            null,
            null,
            activeDeadlineSeconds,
            Map.of(),
            List.of(steps)));
  }

  static Step step(String name, String... dependsOn) {
    return step(name, 0, null, When.SUCCEEDED, dependsOn);
  }

  static Step step(
      String name, int retries, Long activeDeadlineSeconds, When when, String... dependsOn) {
    return new Step(
        name,
        List.of(dependsOn),
        when,
        retries,
        "busybox",
        null,
        null,
        null,
        null,
        null,
        activeDeadlineSeconds,
        null,
        null);
  }

  // Runs: "run-1", seq 7 of workflow "w"

  static RunRow run(RunStatus status, String reason, Instant startedAt, boolean cancel) {
    return new RunRow(
        "run-1",
        "ns",
        "w",
        7,
        Trigger.MANUAL,
        status,
        reason,
        null,
        T0,
        T0,
        startedAt,
        null,
        "{}",
        "{}",
        cancel);
  }

  static RunRow pending() {
    return run(RunStatus.PENDING, null, null, false);
  }

  static RunRow queued() {
    return run(RunStatus.PENDING, Reconcile.QUEUED, null, false);
  }

  static RunRow running() {
    return run(RunStatus.RUNNING, null, T0, false);
  }

  static RunRow cancelled(RunRow run) {
    return run(run.status(), run.reason(), run.startedAt(), true);
  }

  // Steps, each at its position in the definitions above (a first, then b, c, d or n, z)

  static String job(String step, int attempt) {
    return JobNames.of("w", 7, step, attempt);
  }

  static StepRow row(
      String name,
      StepStatus status,
      int attempt,
      Instant startedAt,
      Instant finishedAt,
      Instant launchedAt) {
    return new StepRow(
        "run-1",
        name,
        "abcdnz".indexOf(name),
        status,
        attempt,
        attempt == 0 ? null : job(name, attempt),
        startedAt,
        finishedAt,
        null,
        null,
        launchedAt,
        null);
  }

  static StepRow pending(String name) {
    return row(name, StepStatus.PENDING, 0, null, null, null);
  }

  /** Reset to Pending by a retry of the run, after {@code attempt} attempts. */
  static StepRow pendingAgain(String name, int attempt) {
    return row(name, StepStatus.PENDING, attempt, null, null, null);
  }

  static StepRow running(String name) {
    return row(name, StepStatus.RUNNING, 1, T0, null, T0);
  }

  static StepRow unacknowledged(String name) {
    return row(name, StepStatus.RUNNING, 1, T0, null, null);
  }

  static StepRow unacknowledgedAttempt(String name, int attempt) {
    return row(name, StepStatus.RUNNING, attempt, T0.plusSeconds(30), null, null);
  }

  static StepRow succeeded(String name, int attempt, long endedAt) {
    return row(name, StepStatus.SUCCEEDED, attempt, T0, T0.plusSeconds(endedAt), T0);
  }

  static StepRow failed(String name, int attempt, long endedAt) {
    return failedAt(name, attempt, T0.plusSeconds(endedAt));
  }

  static StepRow failedAt(String name, int attempt, Instant endedAt) {
    return row(name, StepStatus.FAILED, attempt, T0, endedAt, T0);
  }

  static StepRow skipped(String name) {
    return row(name, StepStatus.SKIPPED, 0, null, T0, null);
  }

  static StepRow cancelledStep(String name) {
    return row(name, StepStatus.CANCELLED, 1, T0, T0.plusSeconds(30), T0);
  }

  // What the executor sees

  static View traceless(String step) {
    return new View(Set.of(), Set.of(job(step, 1)));
  }

  static View inFlight(String step) {
    return new View(Set.of(job(step, 1)), Set.of());
  }
}
