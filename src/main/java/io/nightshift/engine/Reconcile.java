package io.nightshift.engine;

import io.nightshift.run.RunRow;
import io.nightshift.run.RunStatus;
import io.nightshift.run.StepRow;
import io.nightshift.run.StepStatus;
import io.nightshift.workflow.Step;
import io.nightshift.workflow.Workflow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What to do with one active run now, as a pure function of what the engine read: the run, its
 * steps, its definition, the other runs of its workflow, what the executor can see, and {@code
 * now}. No database, no executor, no clock: the engine gathers the inputs and applies the {@link
 * Plan}.
 *
 * <p>The guards are checked in this order, and the first that ends the run wins:
 *
 * <ol>
 *   <li><b>cancel</b>: a cancel was requested: the run ends Cancelled, its steps stopped;
 *   <li><b>run deadline</b>: a Running run past its {@code activeDeadlineSeconds} ends Failed;
 *   <li><b>admission</b>: a Pending run starts, waits (Queue), is Skipped, or replaces the running
 *       ones ({@link Admission});
 *   <li><b>step deadline</b>: a Running step past its own deadline fails and is stopped;
 *   <li><b>lost step</b>: a Running step the executor acknowledged but has no trace of fails
 *       ExecutorLost; one it never acknowledged, and that is not being launched here, is launched
 *       again under its name;
 *   <li><b>retry due</b>: a failed step with retries left starts its next attempt once its backoff
 *       has passed ({@link Retries}); meanwhile it counts as Running for its dependants;
 *   <li><b>DAG advance</b>: which steps start and which are skipped ({@link DagAdvance});
 *   <li><b>end</b>: once no step is pending or running, how the run ended.
 * </ol>
 */
public final class Reconcile {

  private Reconcile() {}

  /** The other active runs of the run's workflow, as this pass sees them. */
  public record Siblings(List<String> running, int queuedBefore) {
    public static final Siblings NONE = new Siblings(List.of(), 0);
  }

  /**
   * What the executor can see, by attempt (job) name: the attempts launched by this leader whose
   * acknowledgement has not been written yet ({@code inFlight}), and the acknowledged attempts it
   * has no trace of ({@code traceless}).
   */
  public record View(Set<String> inFlight, Set<String> traceless) {
    public static final View EMPTY = new View(Set.of(), Set.of());
  }

  /** A run ends before its steps did. */
  public record Ending(RunStatus status, String reason, String message, boolean stopSteps) {}

  /** A Running step fails now; {@code stop} its attempt when it may still run. */
  public record StepFailure(String step, String jobName, String reason, String message) {}

  /** A step that could start, if capacity allows: its next attempt and since when it is ready. */
  public record Ready(String step, int attempt, String jobName, Instant readyAt) {}

  /**
   * What to do.
   *
   * @param end the run ends now, before its steps (cancel, deadline, Skipped)
   * @param replace the other runs to cancel first (Replace)
   * @param start a Pending run starts: Running, with a row per step
   * @param queue a Pending run waits; the message says for what
   * @param expired Running steps past their deadline: failed and stopped
   * @param lost Running steps with no trace: failed
   * @param relaunch Running steps never acknowledged, to launch again under their name
   * @param ready steps that could start now, subject to capacity
   * @param skip steps skipped, with why
   * @param outcome how the run ended, once its steps did
   * @param firstOfRun whether no step of the run has launched yet (its schedule lag is measured)
   */
  public record Plan(
      Optional<Ending> end,
      List<String> replace,
      boolean start,
      Optional<String> queue,
      List<StepFailure> expired,
      List<StepFailure> lost,
      List<String> relaunch,
      List<Ready> ready,
      Map<String, DagAdvance.Skip> skip,
      Optional<Ending> outcome,
      boolean firstOfRun) {

    static Plan ending(Ending end) {
      return new Plan(
          Optional.of(end),
          List.of(),
          false,
          Optional.empty(),
          List.of(),
          List.of(),
          List.of(),
          List.of(),
          Map.of(),
          Optional.empty(),
          false);
    }

    /** Waits under Queue; {@code message} null when it was queued already: nothing to write. */
    static Plan queued(String message) {
      return new Plan(
          Optional.empty(),
          List.of(),
          false,
          Optional.ofNullable(message),
          List.of(),
          List.of(),
          List.of(),
          List.of(),
          Map.of(),
          Optional.empty(),
          false);
    }

    /** Nothing to write and nothing to launch. */
    public boolean idle() {
      return end.isEmpty()
          && replace.isEmpty()
          && !start
          && queue.isEmpty()
          && expired.isEmpty()
          && lost.isEmpty()
          && relaunch.isEmpty()
          && ready.isEmpty()
          && skip.isEmpty()
          && outcome.isEmpty();
    }
  }

  /** The reason of a Pending run that waits under Queue. */
  static final String QUEUED = Admission.QUEUED;

  public static Plan decide(
      RunRow run,
      List<StepRow> steps,
      Workflow definition,
      Siblings siblings,
      View view,
      Instant now) {
    // 1. cancel
    if (run.cancelRequested()) {
      return Plan.ending(
          new Ending(RunStatus.CANCELLED, "Cancelled", "cancelled through the API", true));
    }
    // 2. run deadline
    Long runDeadline = definition.spec().activeDeadlineSeconds();
    if (run.status() == RunStatus.RUNNING
        && runDeadline != null
        && run.startedAt() != null
        && now.isAfter(run.startedAt().plusSeconds(runDeadline))) {
      return Plan.ending(
          new Ending(
              RunStatus.FAILED,
              "DeadlineExceeded",
              "ran longer than its activeDeadlineSeconds (" + runDeadline + ")",
              true));
    }
    // 3. admission
    boolean start = false;
    List<String> replace = List.of();
    Instant startedAt = run.startedAt();
    if (run.status() == RunStatus.PENDING) {
      Admission.Decision decision =
          Admission.decide(
              definition.spec().concurrencyPolicy(), siblings.running(), siblings.queuedBefore());
      switch (decision.verdict()) {
        case SKIP -> {
          return Plan.ending(
              new Ending(
                  RunStatus.SKIPPED,
                  decision.reason(),
                  Admission.skipMessage(siblings.running()),
                  false));
        }
        case QUEUE -> {
          return QUEUED.equals(run.reason())
              ? Plan.queued(null)
              : Plan.queued(Admission.queueMessage(siblings.running()));
        }
        case REPLACE -> replace = decision.cancel();
        case START -> {}
      }
      start = true;
      startedAt = now;
      steps = withEveryStep(run, steps, definition);
    }
    return advance(run, startedAt, steps, definition, view, now, start, replace);
  }

  /** A starting run's rows: those kept from an earlier attempt of the run, Pending for the rest. */
  private static List<StepRow> withEveryStep(
      RunRow run, List<StepRow> existing, Workflow definition) {
    Map<String, StepRow> byName = new HashMap<>();
    existing.forEach(row -> byName.put(row.name(), row));
    List<Step> definitions = definition.spec().steps();
    List<StepRow> steps = new ArrayList<>();
    for (int i = 0; i < definitions.size(); i++) {
      String name = definitions.get(i).name();
      steps.add(
          byName.getOrDefault(
              name,
              new StepRow(
                  run.id(),
                  name,
                  i,
                  StepStatus.PENDING,
                  0,
                  null,
                  null,
                  null,
                  null,
                  null,
                  null,
                  null)));
    }
    return steps;
  }

  private static Plan advance(
      RunRow run,
      Instant startedAt,
      List<StepRow> steps,
      Workflow workflow,
      View view,
      Instant now,
      boolean start,
      List<String> replace) {
    Map<String, Step> definitions = new LinkedHashMap<>();
    workflow.spec().steps().forEach(step -> definitions.put(step.name(), step));
    Map<String, StepStatus> statuses = new LinkedHashMap<>();
    Map<String, StepRow> rows = new HashMap<>();
    List<StepFailure> expired = new ArrayList<>();
    List<StepFailure> lost = new ArrayList<>();
    List<String> relaunch = new ArrayList<>();
    List<StepRow> retries = new ArrayList<>();
    for (StepRow row : steps) {
      rows.put(row.name(), row);
      StepStatus status = row.status();
      Step step = definitions.get(row.name());
      if (status == StepStatus.RUNNING && Retries.pastDeadline(step, row.startedAt(), now)) {
        // 4. step deadline
        expired.add(
            new StepFailure(
                row.name(),
                row.jobName(),
                "DeadlineExceeded",
                "ran longer than its activeDeadlineSeconds ("
                    + step.activeDeadlineSeconds()
                    + ")"));
        status = StepStatus.FAILED;
      } else if (status == StepStatus.RUNNING && !row.launched()) {
        // 5. never acknowledged: its leader may have died between the commit and the launch.
        // Launched again under the same name: a create still in flight meets AlreadyExists and the
        // Job is adopted, so nothing runs twice and nothing is called lost.
        if (!view.inFlight().contains(row.jobName())) {
          relaunch.add(row.name());
        }
      } else if (status == StepStatus.RUNNING && view.traceless().contains(row.jobName())) {
        // 5. acknowledged once, and now neither here nor anywhere the executor can see: lost.
        lost.add(
            new StepFailure(
                row.name(),
                row.jobName(),
                "ExecutorLost",
                "the attempt "
                    + row.jobName()
                    + " has no trace this node can see: it ran on a node whose data directory"
                    + " or cluster this one does not share"));
        status = StepStatus.FAILED;
      }
      if (status == StepStatus.FAILED && row.attempt() <= step.retries()) {
        // 6. not failed for good: it waits for its next attempt, and so do its dependants.
        Instant finished = row.finishedAt() == null ? now : row.finishedAt();
        if (!now.isBefore(Retries.nextAttemptAt(finished, row.attempt()))) {
          retries.add(row);
        }
        status = StepStatus.RUNNING;
      }
      statuses.put(row.name(), status);
    }
    // 7. DAG advance
    DagAdvance.Move move = DagAdvance.next(workflow.spec().steps(), statuses);
    boolean firstOfRun = steps.stream().allMatch(row -> row.attempt() == 0);
    List<Ready> ready = new ArrayList<>();
    for (StepRow retry : retries) {
      int attempt = retry.attempt() + 1;
      ready.add(
          new Ready(
              retry.name(),
              attempt,
              JobNames.of(run.workflow(), run.seq(), retry.name(), attempt),
              Retries.nextAttemptAt(
                  retry.finishedAt() == null ? now : retry.finishedAt(), retry.attempt())));
    }
    for (String name : move.start()) {
      // The first attempt, or the next one when the run is being retried.
      StepRow row = rows.get(name);
      int attempt = (row == null ? 0 : row.attempt()) + 1;
      ready.add(
          new Ready(
              name,
              attempt,
              JobNames.of(run.workflow(), run.seq(), name, attempt),
              readyAt(startedAt, definitions.get(name), rows, move, now)));
    }
    // 8. end
    Optional<Ending> outcome =
        move.ended()
            .map(
                ended ->
                    switch (ended) {
                      case SUCCEEDED -> new Ending(RunStatus.SUCCEEDED, null, null, false);
                      case FAILED ->
                          new Ending(RunStatus.FAILED, "StepFailed", failedSteps(statuses), false);
                      case CANCELLED ->
                          new Ending(
                              RunStatus.CANCELLED, "StepFailed", failedSteps(statuses), false);
                    });
    return new Plan(
        Optional.empty(),
        replace,
        start,
        Optional.empty(),
        expired,
        lost,
        relaunch,
        ready,
        move.skip(),
        outcome,
        firstOfRun);
  }

  /**
   * Since when a step whose parents have ended could have started: when the last of them ended, or
   * when its run started for a first step. A parent skipped in this very move ended now.
   */
  private static Instant readyAt(
      Instant runStartedAt,
      Step step,
      Map<String, StepRow> rows,
      DagAdvance.Move move,
      Instant now) {
    Instant readyAt = step.dependsOn().isEmpty() && runStartedAt != null ? runStartedAt : null;
    for (String parent : step.dependsOn()) {
      StepRow row = rows.get(parent);
      Instant ended =
          move.skip().containsKey(parent) || row == null || row.finishedAt() == null
              ? now
              : row.finishedAt();
      readyAt = readyAt == null || ended.isAfter(readyAt) ? ended : readyAt;
    }
    return readyAt == null ? now : readyAt;
  }

  private static String failedSteps(Map<String, StepStatus> statuses) {
    return "failed: "
        + String.join(
            ", ",
            statuses.entrySet().stream()
                .filter(entry -> entry.getValue() == StepStatus.FAILED)
                .map(Map.Entry::getKey)
                .toList());
  }
}
