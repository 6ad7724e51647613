package io.nightshift.engine;

import io.nightshift.run.RunRow;
import io.nightshift.run.RunStatus;
import io.nightshift.run.StepRow;
import io.nightshift.run.Trigger;
import io.nightshift.store.RunCreation;
import io.nightshift.store.RunCreation.NewRunRequest;
import io.nightshift.store.RunRepository;
import io.nightshift.workflow.ConflictException;
import io.nightshift.workflow.DefinitionCodec;
import io.nightshift.workflow.InvalidDefinitionException;
import io.nightshift.workflow.Parameters;
import io.nightshift.workflow.UnsafeEnvNames;
import io.nightshift.workflow.Violation;
import io.nightshift.workflow.Workflow;
import io.nightshift.workflow.WorkflowNotFoundException;
import io.nightshift.workflow.WorkflowService;
import io.nightshift.workflow.WorkflowValidator;
import io.nightshift.workflow.cron.CronSchedule;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Runs as the API sees them: started by hand, read, waited on. */
@Singleton
public class RunService {

  private static final Duration POLL = Duration.ofMillis(200);

  private final RunRepository runs;
  private final RunCreation creation;
  private final WorkflowService workflows;
  private final DefinitionCodec codec;

  public RunService(
      RunRepository runs, RunCreation creation, WorkflowService workflows, DefinitionCodec codec) {
    this.runs = runs;
    this.creation = creation;
    this.workflows = workflows;
    this.codec = codec;
  }

  /** A run with its steps. */
  public record RunView(RunRow run, List<StepRow> steps) {
    public boolean ended() {
      return run.status().ended();
    }
  }

  /** No run with that id. */
  public static class RunNotFoundException extends RuntimeException {
    public RunNotFoundException(String id) {
      super("run \"" + id + "\" not found");
    }
  }

  /**
   * Starts a run now with the workflow's parameters, overridden by {@code overrides}; every
   * override must name a parameter the workflow declares.
   */
  public RunView runNow(
      String namespace, String name, Map<String, String> overrides, Optional<String> key) {
    if (key.isPresent()) {
      Optional<RunRow> earlier = runs.findByIdempotencyKey(namespace, name, key.get());
      if (earlier.isPresent()) {
        return get(earlier.get().id());
      }
    }
    Workflow workflow = workflows.get(namespace, name);
    List<Violation> violations = new ArrayList<>();
    overrides.keySet().stream()
        .filter(parameter -> !workflow.spec().parameters().containsKey(parameter))
        .forEach(
            parameter ->
                violations.add(
                    new Violation(
                        Violation.pointer("/parameters", parameter),
                        "the workflow declares no parameter \""
                            + parameter
                            + "\"; it declares: "
                            + String.join(", ", workflow.spec().parameters().keySet()))));
    // A workflow stored before a name was refused must not let a run set it either.
    overrides.keySet().stream()
        .filter(parameter -> workflow.spec().parameters().containsKey(parameter))
        .forEach(
            parameter -> {
              String env = Parameters.envName(parameter);
              UnsafeEnvNames.check(env)
                  .ifPresent(
                      problem ->
                          violations.add(
                              new Violation(
                                  Violation.pointer("/parameters", parameter),
                                  "becomes " + env + ": " + problem)));
            });
    overrides.forEach(
        (parameter, value) ->
            (value == null
                    ? Optional.of("must be a string")
                    : WorkflowValidator.checkParameterValue(value))
                .ifPresent(
                    problem ->
                        violations.add(
                            new Violation(Violation.pointer("/parameters", parameter), problem))));
    if (!violations.isEmpty()) {
      throw new InvalidDefinitionException(violations);
    }
    Map<String, String> parameters = new LinkedHashMap<>(workflow.spec().parameters());
    parameters.putAll(overrides);
    Instant now = workflows.now();
    Optional<RunCreation.NewRun> created =
        creation.create(
            new NewRunRequest(
                namespace,
                name,
                UUID.fromString(workflow.metadata().uid()),
                workflow.metadata().generation(),
                Trigger.MANUAL,
                now,
                RunStatus.PENDING,
                codec.writeJson(parameters),
                key.orElse(null),
                now));
    if (created.isPresent()) {
      return get(created.get().id());
    }
    // The same key was used at the same moment by another request: that run is this one.
    return key.flatMap(k -> runs.findByIdempotencyKey(namespace, name, k))
        .map(row -> get(row.id()))
        .orElseThrow(() -> new WorkflowNotFoundException(namespace, name));
  }

  /**
   * Asks for a run to be cancelled; the leader stops its steps and ends it Cancelled.
   *
   * @throws ConflictException when the run has already ended
   */
  public RunView cancel(String id) {
    RunView run = get(id);
    if (!runs.requestCancel(id)) {
      throw new ConflictException(
          "run "
              + id
              + " has already ended ("
              + run.run().status().spelling()
              + "): nothing to cancel");
    }
    return get(id);
  }

  /**
   * Runs the failed, skipped and cancelled steps of a Failed or Cancelled run again, as new
   * attempts; its succeeded steps are kept.
   *
   * @throws ConflictException when the run did not fail and was not cancelled
   */
  public RunView retry(String id) {
    RunView run = get(id);
    if (!runs.resetForRetry(id)) {
      throw new ConflictException(
          "run "
              + id
              + " is "
              + run.run().status().spelling()
              + ": only a Failed or Cancelled run can be retried");
    }
    return get(id);
  }

  /** At most this many runs from one backfill request. */
  public static final int MAX_BACKFILL_RUNS = 1000;

  /** What a backfill did: the runs it created, and the times that had a run already. */
  public record Backfill(List<RunView> created, List<Instant> alreadyRun) {}

  /**
   * One run per scheduled time in [{@code from}, {@code to}], each under the workflow's concurrency
   * policy like any other run; a time that has a run already gets none.
   */
  public Backfill backfill(String namespace, String name, Instant from, Instant to) {
    Workflow workflow = workflows.get(namespace, name);
    List<Violation> violations = new ArrayList<>();
    if (workflow.spec().schedule() == null) {
      violations.add(new Violation("", "the workflow has no schedule to backfill"));
    }
    if (from.isAfter(to)) {
      violations.add(new Violation("/from", "must not be after /to"));
    }
    if (!violations.isEmpty()) {
      throw new InvalidDefinitionException(violations);
    }
    List<Instant> times =
        CronSchedule.parse(workflow.spec().schedule())
            .next(from.minusNanos(1), ZoneId.of(workflow.spec().timeZone()), MAX_BACKFILL_RUNS + 1)
            .stream()
            .filter(time -> !time.isAfter(to))
            .toList();
    if (times.size() > MAX_BACKFILL_RUNS) {
      throw new InvalidDefinitionException(
          List.of(
              new Violation(
                  "/to",
                  "the range holds more than "
                      + MAX_BACKFILL_RUNS
                      + " scheduled times; backfill it in parts")));
    }
    List<RunView> created = new ArrayList<>();
    List<Instant> alreadyRun = new ArrayList<>();
    String parameters = codec.writeJson(workflow.spec().parameters());
    UUID uid = UUID.fromString(workflow.metadata().uid());
    for (Instant time : times) {
      creation
          .create(
              new NewRunRequest(
                  namespace,
                  name,
                  uid,
                  workflow.metadata().generation(),
                  Trigger.BACKFILL,
                  time,
                  RunStatus.PENDING,
                  parameters,
                  null,
                  workflows.now()))
          .ifPresentOrElse(run -> created.add(get(run.id())), () -> alreadyRun.add(time));
    }
    return new Backfill(created, alreadyRun);
  }

  public RunView get(String id) {
    RunRow run = runs.find(id).orElseThrow(() -> new RunNotFoundException(id));
    return new RunView(run, runs.steps(id));
  }

  /** The run once it has ended, or as it is when {@code timeout} runs out. */
  public RunView await(String id, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    RunView view = get(id);
    while (!view.ended() && System.nanoTime() < deadline) {
      Thread.sleep(POLL.toMillis());
      view = get(id);
    }
    return view;
  }

  /**
   * The newest {@code perWorkflow} runs of each workflow of these namespaces (all, when empty),
   * keyed {@code namespace/name}, newest first, without definitions.
   */
  public Map<String, List<RunRow>> recent(Optional<Set<String>> namespaces, int perWorkflow) {
    return runs.recent(namespaces, perWorkflow);
  }

  /** The steps of each of these runs, in their order of definition. */
  public Map<String, List<StepRow>> stepsOf(Collection<String> runIds) {
    return runs.stepsOf(runIds);
  }

  public List<RunRow> history(
      String namespace, String name, Optional<String> status, Long beforeSeq, int limit) {
    workflows.get(namespace, name);
    return runs.history(namespace, name, status.orElse(null), beforeSeq, limit);
  }
}
