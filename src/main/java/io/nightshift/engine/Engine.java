package io.nightshift.engine;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.annotation.Context;
import io.nightshift.cluster.LeaderElector;
import io.nightshift.executor.Executor;
import io.nightshift.store.NotLeaderException;
import io.nightshift.store.RunRepository;
import io.nightshift.store.RunRow;
import io.nightshift.store.StepRow;
import io.nightshift.workflow.DefinitionCodec;
import io.nightshift.workflow.Parameters;
import io.nightshift.workflow.Step;
import io.nightshift.workflow.Workflow;
import io.nightshift.workflow.WorkflowService;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves every active run forward, on the leader only: admits new runs under their concurrency
 * policy, starts steps whose parents have ended, skips those whose {@code when} is not met, and
 * ends the run. Every write is fenced with the leader's token. {@link #tick()} is the whole
 * decision for one pass and is what tests call; a thread calls it every interval.
 */
@Context
public class Engine {

  private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

  /** How long an ended run beyond the history limits is kept, for those waiting on it. */
  static final java.time.Duration HISTORY_GRACE = java.time.Duration.ofMinutes(1);

  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RunRepository runs;
  private final WorkflowService workflows;
  private final LeaderElector elector;
  private final Executor executor;
  private final DefinitionCodec codec;
  private final EngineConfig config;
  private final Clock clock;
  private ScheduledExecutorService loop;
  private Instant nextHistoryCollection = Instant.MIN;
  private final AtomicBoolean wakeRequested = new AtomicBoolean();

  /** Parsed definitions of the active runs, by run id; used by the engine thread only. */
  private final Map<String, Workflow> definitions = new HashMap<>();

  public Engine(
      RunRepository runs,
      WorkflowService workflows,
      LeaderElector elector,
      Executor executor,
      DefinitionCodec codec,
      EngineConfig config,
      Clock clock) {
    this.runs = runs;
    this.workflows = workflows;
    this.elector = elector;
    this.executor = executor;
    this.codec = codec;
    this.config = config;
    this.clock = clock;
  }

  @PostConstruct
  void start() {
    loop =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "nightshift-engine");
              thread.setDaemon(true);
              return thread;
            });
    long period = config.interval().toMillis();
    loop.scheduleWithFixedDelay(this::tickSafely, period, period, TimeUnit.MILLISECONDS);
  }

  @PreDestroy
  void stop() throws InterruptedException {
    loop.shutdownNow();
    loop.awaitTermination(10, TimeUnit.SECONDS);
  }

  private void tickSafely() {
    try {
      tick();
    } catch (Throwable e) {
      LOG.warn("Engine tick failed: {}", e.toString());
    }
  }

  /** One pass over the active runs, if this node is the leader. */
  public void tick() {
    if (!elector.isLeader()) {
      return;
    }
    long token = elector.standing().lease().orElseThrow().fencingToken();
    // Read once: admissions below update this view, so each decision sees those before it.
    List<RunRow> active = new ArrayList<>(runs.active());
    Map<String, List<StepRow>> steps =
        runs.stepsOf(
            active.stream().filter(run -> "Running".equals(run.status())).map(RunRow::id).toList());
    definitions.keySet().retainAll(active.stream().map(RunRow::id).toList());
    for (RunRow run : List.copyOf(active)) {
      try {
        if (run.cancelRequested()) {
          end(run.id(), "Cancelled", "Cancelled", "cancelled through the API", token);
        } else if ("Pending".equals(run.status())) {
          admit(run, active, token);
        } else if (active.contains(run)) {
          advance(run, steps.getOrDefault(run.id(), List.of()), token);
        }
      } catch (NotLeaderException e) {
        LOG.warn("{}", e.getMessage());
        return;
      }
    }
    Instant now = now();
    if (!now.isBefore(nextHistoryCollection)) {
      nextHistoryCollection = now.plus(HISTORY_GRACE.dividedBy(2));
      for (String[] workflow : runs.workflowsWithEndedRuns()) {
        collectHistory(workflow[0], workflow[1], token);
      }
    }
  }

  /** Deletes the workflow's runs beyond its history limits, with what their steps left. */
  private void collectHistory(String namespace, String name, long token) {
    Optional<Workflow> workflow = workflows.find(namespace, name);
    if (workflow.isEmpty()) {
      return;
    }
    List<RunRepository.Attempt> deleted = new ArrayList<>();
    runs.fenced(
        elector.nodeId(),
        token,
        connection ->
            deleted.addAll(
                RunRepository.deleteBeyondLimits(
                    connection,
                    namespace,
                    name,
                    workflow.get().spec().successfulRunsHistoryLimit(),
                    workflow.get().spec().failedRunsHistoryLimit(),
                    now().minus(HISTORY_GRACE))));
    for (RunRepository.Attempt attempt : deleted) {
      for (int n = 1; n <= attempt.attempt(); n++) {
        executor.delete(JobNames.of(attempt.workflow(), attempt.seq(), attempt.step(), n));
      }
    }
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  /**
   * Decides a Pending run by its workflow's concurrency policy, and updates {@code active}, this
   * pass's view of the active runs, with what it decided.
   */
  private void admit(RunRow run, List<RunRow> active, long token) {
    Workflow workflow = definition(run);
    List<RunRow> sameWorkflow =
        active.stream()
            .filter(other -> other.namespace().equals(run.namespace()))
            .filter(other -> other.workflow().equals(run.workflow()))
            .filter(other -> !other.id().equals(run.id()))
            .toList();
    List<String> running =
        sameWorkflow.stream().filter(r -> "Running".equals(r.status())).map(RunRow::id).toList();
    int waiting =
        (int)
            sameWorkflow.stream()
                .filter(r -> "Pending".equals(r.status()) && "Queued".equals(r.reason()))
                .filter(r -> r.seq() < run.seq())
                .count();
    Admission.Decision decision =
        Admission.decide(workflow.spec().concurrencyPolicy(), running, waiting);
    Instant now = now();
    switch (decision.verdict()) {
      case START -> {
        startRun(run, workflow, token, now);
        replace(active, run, "Running", run.reason());
      }
      case SKIP -> {
        runs.fenced(
            elector.nodeId(),
            token,
            connection ->
                RunRepository.updateRun(
                    connection,
                    run.id(),
                    "Skipped",
                    decision.reason(),
                    "a run of this workflow was active: " + String.join(", ", running),
                    null,
                    now));
        active.remove(run);
      }
      case QUEUE -> {
        if (!"Queued".equals(run.reason())) {
          runs.fenced(
              elector.nodeId(),
              token,
              connection ->
                  RunRepository.updateRun(
                      connection,
                      run.id(),
                      "Pending",
                      "Queued",
                      "waits for " + String.join(", ", running),
                      null,
                      null));
          replace(active, run, "Pending", "Queued");
        }
      }
      case REPLACE -> {
        for (String replaced : decision.cancel()) {
          end(replaced, "Cancelled", "Replaced", "replaced by run " + run.id(), token);
        }
        active.removeIf(other -> decision.cancel().contains(other.id()));
        startRun(run, workflow, token, now);
        replace(active, run, "Running", run.reason());
      }
    }
  }

  private static void replace(List<RunRow> active, RunRow run, String status, String reason) {
    active.set(
        active.indexOf(run),
        new RunRow(
            run.id(),
            run.namespace(),
            run.workflow(),
            run.seq(),
            run.trigger(),
            status,
            reason,
            run.message(),
            run.scheduledTime(),
            run.createdAt(),
            run.startedAt(),
            run.finishedAt(),
            run.parameters(),
            run.definition(),
            run.cancelRequested()));
  }

  /** The definition the run was created with, parsed once while the run is active. */
  private Workflow definition(RunRow run) {
    return definitions.computeIfAbsent(run.id(), id -> codec.readStored(run.definition()));
  }

  private void startRun(RunRow run, Workflow workflow, long token, Instant now) {
    List<Step> steps = workflow.spec().steps();
    runs.fenced(
        elector.nodeId(),
        token,
        connection -> {
          RunRepository.updateRun(connection, run.id(), "Running", null, null, now, null);
          for (int i = 0; i < steps.size(); i++) {
            RunRepository.insertStep(connection, run.id(), steps.get(i).name(), i);
          }
        });
    advance(run, runs.steps(run.id()), token);
  }

  private void advance(RunRow run, List<StepRow> steps, long token) {
    Workflow workflow = definition(run);
    Instant now = now();
    Long runDeadline = workflow.spec().activeDeadlineSeconds();
    if (runDeadline != null
        && run.startedAt() != null
        && now.isAfter(run.startedAt().plusSeconds(runDeadline))) {
      end(
          run.id(),
          "Failed",
          "DeadlineExceeded",
          "ran longer than its activeDeadlineSeconds (" + runDeadline + ")",
          token);
      return;
    }
    Map<String, Step> definitions = new LinkedHashMap<>();
    workflow.spec().steps().forEach(step -> definitions.put(step.name(), step));
    Map<String, StepStatus> statuses = new LinkedHashMap<>();
    List<Executor.Launch> launches = new ArrayList<>();
    List<StepRow> expired = new ArrayList<>();
    List<StepRow> lost = new ArrayList<>();
    List<StepRow> retries = new ArrayList<>();
    Map<String, Integer> attempts = new LinkedHashMap<>();
    for (StepRow row : steps) {
      attempts.put(row.name(), row.attempt());
      StepStatus status = StepStatus.valueOf(row.status().toUpperCase());
      Step step = definitions.get(row.name());
      if (status == StepStatus.RUNNING && Retries.pastDeadline(step, row.startedAt(), now)) {
        expired.add(row);
        status = StepStatus.FAILED;
      } else if (status == StepStatus.RUNNING
          && !executor.adopt(
              launch(run, workflow, row.name(), row.jobName(), row.attempt()),
              result -> stepEnded(run.id(), row.name(), result, token))) {
        // Neither running here nor anywhere this executor can see: lost with its node.
        lost.add(row);
        status = StepStatus.FAILED;
      }
      if (status == StepStatus.FAILED && row.attempt() <= step.retries()) {
        // Not failed for good: it waits for its next attempt, and so do its dependants.
        Instant finished = row.finishedAt() == null ? now : row.finishedAt();
        if (!now.isBefore(Retries.nextAttemptAt(finished, row.attempt()))) {
          retries.add(row);
        }
        status = StepStatus.RUNNING;
      }
      statuses.put(row.name(), status);
    }
    DagAdvance.Move move = DagAdvance.next(workflow.spec().steps(), statuses);
    if (expired.isEmpty()
        && lost.isEmpty()
        && retries.isEmpty()
        && move.skip().isEmpty()
        && move.start().isEmpty()
        && move.ended().isEmpty()) {
      return; // nothing changed: no write
    }
    runs.fenced(
        elector.nodeId(),
        token,
        connection -> {
          for (StepRow step : expired) {
            RunRepository.endRunningStep(
                connection,
                run.id(),
                step.name(),
                "Failed",
                now,
                "DeadlineExceeded",
                "ran longer than its activeDeadlineSeconds ("
                    + definitions.get(step.name()).activeDeadlineSeconds()
                    + ")");
          }
          for (StepRow step : lost) {
            RunRepository.endRunningStep(
                connection,
                run.id(),
                step.name(),
                "Failed",
                now,
                "ExecutorLost",
                "the attempt "
                    + step.jobName()
                    + " has no trace this node can see: it ran on a node whose data directory"
                    + " or cluster this one does not share");
          }
          for (StepRow retry : retries) {
            int attempt = retry.attempt() + 1;
            String jobName = JobNames.of(run.workflow(), run.seq(), retry.name(), attempt);
            RunRepository.updateStep(
                connection,
                run.id(),
                retry.name(),
                "Running",
                attempt,
                jobName,
                now,
                null,
                null,
                null);
            launches.add(launch(run, workflow, retry.name(), jobName, attempt));
          }
          for (Map.Entry<String, DagAdvance.Skip> skip : move.skip().entrySet()) {
            RunRepository.updateStep(
                connection,
                run.id(),
                skip.getKey(),
                "Skipped",
                null,
                null,
                null,
                now,
                skip.getValue().reason(),
                skip.getValue().message());
          }
          for (String name : move.start()) {
            // The first attempt, or the next one when the run is being retried.
            int attempt = attempts.getOrDefault(name, 0) + 1;
            String jobName = JobNames.of(run.workflow(), run.seq(), name, attempt);
            RunRepository.updateStep(
                connection, run.id(), name, "Running", attempt, jobName, now, null, null, null);
            launches.add(launch(run, workflow, name, jobName, attempt));
          }
          if (move.ended().isPresent()) {
            DagAdvance.Outcome outcome = move.ended().get();
            boolean failed = outcome != DagAdvance.Outcome.SUCCEEDED;
            RunRepository.updateRun(
                connection,
                run.id(),
                outcome == DagAdvance.Outcome.SUCCEEDED
                    ? "Succeeded"
                    : outcome == DagAdvance.Outcome.FAILED ? "Failed" : "Cancelled",
                failed ? "StepFailed" : null,
                failed ? failedSteps(statuses) : null,
                null,
                now);
          }
        });
    // Stopped after the write: the end the process then reports finds the step no longer Running.
    expired.forEach(step -> executor.cancel(step.jobName()));
    for (Executor.Launch launch : launches) {
      String step = launch.step().name();
      executor.launch(launch, result -> stepEnded(run.id(), step, result, token));
    }
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

  private Executor.Launch launch(
      RunRow run, Workflow workflow, String stepName, String jobName, int attempt) {
    Step step =
        workflow.spec().steps().stream()
            .filter(s -> s.name().equals(stepName))
            .findFirst()
            .orElseThrow();
    Map<String, String> env = new LinkedHashMap<>();
    parameters(run).forEach((name, value) -> env.put(Parameters.envName(name), value));
    env.put("NIGHTSHIFT_WORKFLOW", run.workflow());
    env.put("NIGHTSHIFT_RUN_ID", run.id());
    env.put("NIGHTSHIFT_STEP", stepName);
    env.put("NIGHTSHIFT_SCHEDULED_TIME", run.scheduledTime().toString());
    env.put("NIGHTSHIFT_ATTEMPT", Integer.toString(attempt));
    return new Executor.Launch(jobName, run.id(), run.namespace(), step, env);
  }

  private static Map<String, String> parameters(RunRow run) {
    try {
      return JSON.readValue(run.parameters(), STRING_MAP);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void stepEnded(String runId, String step, Executor.Result result, long token) {
    try {
      runs.fenced(
          elector.nodeId(),
          token,
          connection ->
              RunRepository.endRunningStep(
                  connection,
                  runId,
                  step,
                  result.succeeded() ? "Succeeded" : "Failed",
                  now(),
                  result.reason(),
                  result.message()));
    } catch (RuntimeException e) {
      LOG.warn("Could not record the end of step {} of run {}: {}", step, runId, e.toString());
      return;
    }
    // Move on now rather than at the next interval: a chain should not wait a tick per step. Many
    // steps ending at once ask for one extra pass, not one each.
    if (!loop.isShutdown() && wakeRequested.compareAndSet(false, true)) {
      loop.execute(
          () -> {
            wakeRequested.set(false);
            tickSafely();
          });
    }
  }

  /**
   * Ends a run before its steps did: they are stopped and marked Cancelled, and the run ends in
   * {@code status} (Cancelled, or Failed past its deadline).
   */
  private void end(String runId, String status, String reason, String message, long token) {
    Instant now = now();
    List<StepRow> steps = runs.steps(runId);
    runs.fenced(
        elector.nodeId(),
        token,
        connection -> {
          for (StepRow step : steps) {
            if (!StepStatus.valueOf(step.status().toUpperCase()).ended()) {
              RunRepository.updateStep(
                  connection,
                  runId,
                  step.name(),
                  "Cancelled",
                  null,
                  null,
                  null,
                  now,
                  reason,
                  message);
            }
          }
          RunRepository.updateRun(connection, runId, status, reason, message, null, now);
        });
    steps.stream()
        .filter(step -> "Running".equals(step.status()) && step.jobName() != null)
        .forEach(step -> executor.cancel(step.jobName()));
  }
}
