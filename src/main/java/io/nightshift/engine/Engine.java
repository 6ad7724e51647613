package io.nightshift.engine;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micronaut.context.annotation.Context;
import io.nightshift.cluster.LeaderElector;
import io.nightshift.executor.Executor;
import io.nightshift.metrics.Metrics;
import io.nightshift.run.Change;
import io.nightshift.run.Fence;
import io.nightshift.run.FiringStatus;
import io.nightshift.run.NotLeaderException;
import io.nightshift.run.RunRow;
import io.nightshift.run.RunSignals;
import io.nightshift.run.RunStatus;
import io.nightshift.run.RunStore;
import io.nightshift.run.StepRow;
import io.nightshift.run.StepStatus;
import io.nightshift.run.Trigger;
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
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
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

  /** How soon a pass put off while this node fires is tried again. */
  private static final java.time.Duration FIRING_RECHECK = java.time.Duration.ofMillis(50);

  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RunStore runs;
  private final RunSignals signals;
  private final FiringStatus firing;
  private final ActiveView view;
  private final WorkflowService workflows;
  private final LeaderElector elector;
  private final Executor executor;
  private final Effects effects;
  private final DefinitionCodec codec;
  private final EngineConfig config;
  private final Clock clock;
  private final Timer passTimer;
  private ScheduledExecutorService loop;
  private Instant nextHistoryCollection = Instant.MIN;

  /** The history collection's thread, and what the last one under this leadership covered. */
  private final ExecutorService history =
      Executors.newSingleThreadExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "nightshift-history");
            thread.setDaemon(true);
            return thread;
          });

  private final AtomicBoolean historyRunning = new AtomicBoolean();
  private volatile long historyToken = -1;
  private volatile Instant historyCollectedBefore = Instant.EPOCH;
  private final AtomicBoolean wakeRequested = new AtomicBoolean();
  private final Queue<Ended> ended = new ConcurrentLinkedQueue<>();
  private final Queue<Accepted> accepted = new ConcurrentLinkedQueue<>();

  /**
   * Attempts this node launched as leader under {@link #inFlightToken} whose acknowledgement or end
   * is not written yet: not launched again while their create may still be under way here.
   */
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

  private long inFlightToken = -1;

  /** Parsed definitions of the active runs, by run id; used by the engine thread only. */
  private final Map<String, Workflow> definitions = new HashMap<>();

  public Engine(
      RunStore runs,
      RunSignals signals,
      FiringStatus firing,
      WorkflowService workflows,
      LeaderElector elector,
      Executor executor,
      Effects effects,
      DefinitionCodec codec,
      EngineConfig config,
      Clock clock,
      MeterRegistry registry) {
    this.runs = runs;
    this.signals = signals;
    this.firing = firing;
    this.view = new ActiveView(runs, config.resync());
    this.workflows = workflows;
    this.elector = elector;
    this.executor = executor;
    this.effects = effects;
    this.codec = codec;
    this.config = config;
    this.clock = clock;
    this.passTimer = Metrics.timer(Metrics.ENGINE_PASS, registry);
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
    signals.subscribe(
        ids -> {
          view.touched(ids);
          wake();
        },
        () -> {
          view.invalidate();
          wake();
        });
    if (config.loop()) {
      long period = config.interval().toMillis();
      loop.scheduleWithFixedDelay(this::tickSafely, period, period, TimeUnit.MILLISECONDS);
    }
  }

  @PreDestroy
  void stop() throws InterruptedException {
    loop.shutdownNow();
    history.shutdownNow();
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
    if (firing.inProgress()) {
      // Looked at again shortly: the scan's signals may all have come while it ran.
      if (config.loop() && !loop.isShutdown()) {
        loop.schedule(this::wake, FIRING_RECHECK.toMillis(), TimeUnit.MILLISECONDS);
      }
      return;
    }
    long started = System.nanoTime();
    try {
      pass();
    } finally {
      passTimer.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    }
  }

  private void pass() {
    long token = elector.standing().lease().orElseThrow().fencingToken();
    if (token != inFlightToken) {
      inFlight.clear(); // leader anew: what was in flight before is the executor's to tell
      inFlightToken = token;
    }
    try {
      writeEnded(token);
      ActiveView.Snapshot snapshot = view.refresh(token, now());
      List<RunRow> all = snapshot.runs();
      Map<String, List<StepRow>> steps = snapshot.steps();
      definitions.keySet().retainAll(snapshot.ids());
      ActiveRuns active = new ActiveRuns(all);
      Batch batch = new Batch(token, new Ready(running(all, steps)));
      for (RunRow run : all) {
        List<StepRow> runSteps = steps.getOrDefault(run.id(), List.of());
        if (run.cancelRequested() || run.status() == RunStatus.PENDING || active.contains(run)) {
          reconcile(run, runSteps, active, batch);
        }
        batch.flushIfFull();
      }
      batch.flush();
      launchWithinCapacity(batch);
    } catch (NotLeaderException e) {
      LOG.warn("{}", e.getMessage());
      return;
    }
    Instant now = now();
    if (!now.isBefore(nextHistoryCollection) && historyRunning.compareAndSet(false, true)) {
      nextHistoryCollection = now.plus(HISTORY_GRACE.dividedBy(2));
      history.execute(() -> collectHistory(token, now));
    }
  }

  /**
   * Deletes the runs beyond their workflows' history limits, with what their steps left, in one
   * statement over the workflows with a run ended since the last collection could still keep it
   * (all of them at a leader's first): on its own thread, so that no pass waits for it.
   */
  private void collectHistory(long token, Instant now) {
    try {
      Instant endedBefore = now.minus(HISTORY_GRACE);
      Instant endedSince = token == historyToken ? historyCollectedBefore : Instant.EPOCH;
      List<RunStore.Leftover> deleted = runs.collectHistory(fence(token), endedSince, endedBefore);
      historyToken = token;
      historyCollectedBefore = endedBefore;
      for (RunStore.Leftover leftover : deleted) {
        String namespace = leftover.namespace();
        JobNames.upTo(leftover.attempt())
            .forEach(
                job ->
                    effects.submit(namespace + "/" + job, () -> executor.delete(namespace, job)));
      }
    } catch (RuntimeException e) {
      LOG.warn("History collection failed: {}", e.toString());
    } finally {
      historyRunning.set(false);
    }
  }

  /** Writes fenced, and has the view read the runs written to again. */
  private void writeFenced(long token, List<Change> changes) {
    try {
      runs.write(fence(token), changes);
    } finally {
      // Even when the write failed: what was written before the failure is not known here.
      view.wrote(changes);
    }
  }

  private Fence fence(long token) {
    return new Fence(elector.nodeId(), token);
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  /**
   * Decides the run ({@link Reconcile}) from what this pass read and what the executor sees, and
   * applies the plan; {@code active}, this pass's view of the active runs, learns what was decided,
   * so that each admission sees the ones made before it in the pass.
   */
  private void reconcile(RunRow run, List<StepRow> steps, ActiveRuns active, Batch batch) {
    Workflow workflow = definition(run);
    Instant now = now();
    Reconcile.Plan plan =
        Reconcile.decide(
            run, steps, workflow, siblings(run, active), view(run, steps, workflow, now), now);
    if (!plan.idle()) {
      apply(run, steps, workflow, plan, active, batch, now);
    }
  }

  /** The other active runs of {@code run}'s workflow, as admission weighs them. */
  private static Reconcile.Siblings siblings(RunRow run, ActiveRuns active) {
    if (run.status() != RunStatus.PENDING) {
      return Reconcile.Siblings.NONE;
    }
    List<RunRow> sameWorkflow =
        active.ofWorkflowOf(run).stream().filter(other -> !other.id().equals(run.id())).toList();
    List<String> running =
        sameWorkflow.stream().filter(r -> r.status() == RunStatus.RUNNING).map(RunRow::id).toList();
    int waiting =
        (int)
            sameWorkflow.stream()
                .filter(r -> r.status() == RunStatus.PENDING && Reconcile.QUEUED.equals(r.reason()))
                .filter(r -> r.seq() < run.seq())
                .count();
    return new Reconcile.Siblings(running, waiting);
  }

  /**
   * What the executor sees of the run's Running steps: those launched here and not yet
   * acknowledged, and the acknowledged ones it has no trace of. Asking takes the attempt over
   * ({@link Executor#adopt}), so its end is reported here; a step past its deadline is not asked
   * about, since it is stopped anyway.
   */
  private Reconcile.View view(RunRow run, List<StepRow> steps, Workflow workflow, Instant now) {
    if (run.status() != RunStatus.RUNNING || run.cancelRequested()) {
      return Reconcile.View.EMPTY;
    }
    Set<String> inFlightHere = new HashSet<>();
    Set<String> traceless = new HashSet<>();
    for (StepRow row : steps) {
      if (row.status() != StepStatus.RUNNING) {
        continue;
      }
      Step step =
          workflow.spec().steps().stream()
              .filter(candidate -> candidate.name().equals(row.name()))
              .findFirst()
              .orElseThrow();
      if (!row.launched()) {
        if (inFlight.contains(attemptKey(run.id(), row.jobName()))) {
          inFlightHere.add(row.jobName());
        }
      } else if (!Retries.pastDeadline(step, row.startedAt(), now)
          && !executor.adopt(
              launch(run, workflow, row.name(), row.jobName(), row.attempt()),
              result -> stepEnded(run.id(), row.name(), row.jobName(), result))) {
        traceless.add(row.jobName());
      }
    }
    return new Reconcile.View(inFlightHere, traceless);
  }

  /** Writes what the plan decided, and what to do once it is committed. */
  private void apply(
      RunRow run,
      List<StepRow> steps,
      Workflow workflow,
      Reconcile.Plan plan,
      ActiveRuns active,
      Batch batch,
      Instant now) {
    if (plan.end().isPresent()) {
      Reconcile.Ending ending = plan.end().get();
      if (ending.stopSteps()) {
        end(run.namespace(), run.id(), ending.status(), ending.reason(), ending.message(), batch);
      } else {
        batch.write(
            new Change.RunUpdated(
                run.id(), ending.status(), ending.reason(), ending.message(), null, now));
      }
      active.remove(run, List.of(run.id()));
      return;
    }
    if (plan.queue().isPresent()) {
      batch.write(
          new Change.RunUpdated(
              run.id(), RunStatus.PENDING, Reconcile.QUEUED, plan.queue().get(), null, null));
      active.replace(run, RunStatus.PENDING, Reconcile.QUEUED);
      return;
    }
    for (String replaced : plan.replace()) {
      end(
          run.namespace(),
          replaced,
          RunStatus.CANCELLED,
          "Replaced",
          "replaced by run " + run.id(),
          batch);
    }
    active.remove(run, plan.replace());
    if (plan.start()) {
      List<Step> definitions = workflow.spec().steps();
      batch.write(
          changes -> {
            changes.add(new Change.RunUpdated(run.id(), RunStatus.RUNNING, null, null, now, null));
            for (int i = 0; i < definitions.size(); i++) {
              changes.add(new Change.StepAdded(run.id(), definitions.get(i).name(), i));
            }
          });
      active.replace(run, RunStatus.RUNNING, run.reason());
    }
    Map<String, StepRow> rows = new HashMap<>();
    steps.forEach(row -> rows.put(row.name(), row));
    // What may start is decided once the pass has seen every run (launchWithinCapacity).
    batch.ready.release(run.namespace(), plan.expired().size() + plan.lost().size());
    for (String name : plan.relaunch()) {
      StepRow row = rows.get(name);
      Executor.Launch again = launch(run, workflow, name, row.jobName(), row.attempt());
      batch.then(() -> launchNow(run.id(), again));
    }
    for (Reconcile.Ready ready : plan.ready()) {
      // Built only for the steps that start: most of a backlog waits, pass after pass.
      batch.ready.add(
          run,
          rows.get(ready.step()),
          ready.step(),
          () -> launch(run, workflow, ready.step(), ready.jobName(), ready.attempt()),
          ready.readyAt(),
          plan.firstOfRun());
    }
    if (plan.expired().isEmpty()
        && plan.lost().isEmpty()
        && plan.skip().isEmpty()
        && plan.outcome().isEmpty()) {
      return; // nothing to write but launches
    }
    batch.write(
        changes -> {
          for (Reconcile.StepFailure failure : plan.expired()) {
            changes.add(failed(run, failure, now));
          }
          for (Reconcile.StepFailure failure : plan.lost()) {
            changes.add(failed(run, failure, now));
          }
          for (Map.Entry<String, DagAdvance.Skip> skip : plan.skip().entrySet()) {
            changes.add(
                new Change.StepUpdated(
                    run.id(),
                    skip.getKey(),
                    StepStatus.SKIPPED,
                    null,
                    null,
                    null,
                    now,
                    skip.getValue().reason(),
                    skip.getValue().message()));
          }
          plan.outcome()
              .ifPresent(
                  outcome ->
                      changes.add(
                          new Change.RunUpdated(
                              run.id(),
                              outcome.status(),
                              outcome.reason(),
                              outcome.message(),
                              null,
                              now)));
        });
    if (plan.outcome().isPresent()) {
      active.remove(run, List.of(run.id()));
    }
    // After the write: the end a stopped process reports finds the step no longer Running.
    batch.then(() -> plan.expired().forEach(failure -> cancel(run.namespace(), failure.jobName())));
  }

  private static Change failed(RunRow run, Reconcile.StepFailure failure, Instant now) {
    return new Change.AttemptEnded(
        run.id(),
        failure.step(),
        failure.jobName(),
        StepStatus.FAILED,
        now,
        failure.reason(),
        failure.message(),
        null);
  }

  private static Integer exitCode(Executor.Result result) {
    return result.exitCode().isPresent() ? result.exitCode().getAsInt() : null;
  }

  /**
   * This pass's view of the active runs, by workflow: admissions update it, so that each decision
   * sees the ones made before it in the pass.
   */
  private static final class ActiveRuns {

    /** By workflow, then by id, oldest first: looked up by id, since a workflow may have many. */
    private final Map<String, Map<String, RunRow>> byWorkflow = new HashMap<>();

    ActiveRuns(List<RunRow> runs) {
      runs.forEach(
          run ->
              byWorkflow.computeIfAbsent(key(run), k -> new LinkedHashMap<>()).put(run.id(), run));
    }

    /** The active runs of {@code run}'s workflow, {@code run} included, oldest first. */
    Collection<RunRow> ofWorkflowOf(RunRow run) {
      return byWorkflow.getOrDefault(key(run), Map.of()).values();
    }

    boolean contains(RunRow run) {
      Map<String, RunRow> same = byWorkflow.get(key(run));
      return same != null && same.containsKey(run.id());
    }

    /** Forgets the runs with these ids, of {@code run}'s workflow: they ended in this pass. */
    void remove(RunRow run, List<String> ids) {
      Map<String, RunRow> same = byWorkflow.get(key(run));
      if (same != null) {
        ids.forEach(same::remove);
      }
    }

    void replace(RunRow run, RunStatus status, String reason) {
      Map<String, RunRow> same = byWorkflow.get(key(run));
      if (same == null || !same.containsKey(run.id())) {
        return;
      }
      same.put(run.id(), run.withStatus(status, reason));
    }

    private static String key(RunRow run) {
      return run.namespace() + "/" + run.workflow();
    }
  }

  /** The definition the run was created with, parsed once while the run is active. */
  private Workflow definition(RunRow run) {
    return definitions.computeIfAbsent(run.id(), id -> codec.readStored(run.definition()));
  }

  /** Steps Running now, by namespace, among the active runs' steps. */
  private static Map<String, Integer> running(List<RunRow> runs, Map<String, List<StepRow>> steps) {
    Map<String, Integer> running = new HashMap<>();
    for (RunRow run : runs) {
      for (StepRow step : steps.getOrDefault(run.id(), List.of())) {
        if (step.status() == StepStatus.RUNNING) {
          running.merge(run.namespace(), 1, Integer::sum);
        }
      }
    }
    return running;
  }

  /**
   * Launches the steps of this pass that fit under the cap and their namespace's quota, longest
   * ready first ({@link Capacity}). The others stay as they are: a first attempt stays Pending,
   * with reason WaitingForCapacity, and is a candidate again at the next pass; a next attempt stays
   * Failed with its failure's reason until it starts.
   */
  private void launchWithinCapacity(Batch batch) {
    Ready ready = batch.ready;
    Map<Capacity.Candidate, Ready.Wish> wishes = new LinkedHashMap<>();
    for (Ready.Wish wish : ready.wishes) {
      if (!ready.ended.contains(wish.run().id())) {
        wishes.put(wish.candidate(), wish);
      }
    }
    if (wishes.isEmpty()) {
      return;
    }
    Capacity.Allocation allocation =
        Capacity.allocate(config.limits(), ready.running, List.copyOf(wishes.keySet()));
    Instant now = now();
    Set<String> measured = new HashSet<>();
    for (Capacity.Candidate candidate : allocation.start()) {
      Ready.Wish wish = wishes.get(candidate);
      RunRow run = wish.run();
      Executor.Launch launch = wish.launch().get();
      // A scheduled run's first launch measures how late its schedule is served.
      boolean firstLaunch =
          run.trigger() == Trigger.SCHEDULE && wish.firstOfRun() && measured.add(run.id());
      batch.write(
          changes -> {
            if (firstLaunch) {
              changes.add(
                  new Change.FirstStepLaunched(
                      run.namespace(), run.workflow(), run.scheduledTime(), now));
            }
            changes.add(
                new Change.AttemptStarted(
                    run.id(),
                    launch.step().name(),
                    Integer.parseInt(launch.env().get("NIGHTSHIFT_ATTEMPT")),
                    launch.name(),
                    now));
          });
      batch.then(() -> launchNow(run.id(), launch));
      batch.flushIfFull();
    }
    // One message per namespace and cause: thousands of steps may wait for the same reason.
    Map<String, String> messages = new HashMap<>();
    for (Map.Entry<Capacity.Candidate, Capacity.Wait> waiting : allocation.waiting().entrySet()) {
      Ready.Wish wish = wishes.get(waiting.getKey());
      StepRow row = wish.row();
      String message =
          messages.computeIfAbsent(
              waiting.getKey().namespace() + "/" + waiting.getValue(),
              key -> waitingMessage(waiting.getKey().namespace(), waiting.getValue()));
      boolean pending = row == null || row.status() == StepStatus.PENDING;
      if (pending
          && !(WAITING_FOR_CAPACITY.equals(row == null ? null : row.reason())
              && message.equals(row.message()))) {
        String step = waiting.getKey().step();
        batch.write(
            new Change.StepUpdated(
                wish.run().id(),
                step,
                StepStatus.PENDING,
                null,
                null,
                null,
                null,
                WAITING_FOR_CAPACITY,
                message));
        batch.flushIfFull();
      }
    }
    batch.flush();
  }

  /** The reason of a Pending step whose parents have ended but that waits for a free slot. */
  static final String WAITING_FOR_CAPACITY = "WaitingForCapacity";

  private String waitingMessage(String namespace, Capacity.Wait why) {
    return switch (why) {
      case CLUSTER_FULL ->
          "waits for a free slot: "
              + config.maxRunningSteps()
              + " steps are running, as many as nightshift.engine.max-running-steps allows";
      case NAMESPACE_FULL ->
          "waits for a free slot: "
              + config.quotas().get(namespace)
              + " steps of namespace "
              + namespace
              + " are running, as many as its quota in nightshift.engine.namespace-quotas allows";
    };
  }

  /**
   * This pass's steps that could start, and what they are measured against: the steps Running by
   * namespace, less those that ended during the pass, and the runs ended during the pass, whose
   * steps start no more.
   */
  private static final class Ready {

    /** A step that could start, with what launching it takes. */
    record Wish(
        Capacity.Candidate candidate,
        RunRow run,
        StepRow row,
        Supplier<Executor.Launch> launch,
        boolean firstOfRun) {}

    final Map<String, Integer> running;
    final List<Wish> wishes = new ArrayList<>();
    final Set<String> ended = new HashSet<>();

    Ready(Map<String, Integer> running) {
      this.running = running;
    }

    void add(
        RunRow run,
        StepRow row,
        String step,
        Supplier<Executor.Launch> launch,
        Instant readyAt,
        boolean firstOfRun) {
      wishes.add(
          new Wish(
              new Capacity.Candidate(
                  run.id(),
                  step,
                  run.namespace(),
                  readyAt,
                  run.createdAt(),
                  row == null ? 0 : row.position()),
              run,
              row,
              launch,
              firstOfRun));
    }

    /** {@code count} steps of {@code namespace} stopped Running during the pass. */
    void release(String namespace, int count) {
      if (count > 0) {
        running.merge(namespace, -count, Integer::sum);
      }
    }
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
    // Admitted now: launch lag runs from here, on the clock the executors measure with.
    return new Executor.Launch(jobName, run.id(), run.namespace(), step, env, clock.instant());
  }

  private static Map<String, String> parameters(RunRow run) {
    try {
      return JSON.readValue(run.parameters(), STRING_MAP);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Launches an attempt recorded Running, on the effects' threads; its acknowledgement and end are
   * written by a pass.
   */
  private void launchNow(String runId, Executor.Launch launch) {
    String step = launch.step().name();
    inFlight.add(attemptKey(runId, launch.name()));
    effects.submit(
        launch.namespace() + "/" + launch.name(),
        () ->
            executor.launch(
                launch,
                () -> accepted.add(new Accepted(runId, step, launch.name(), now())),
                result -> stepEnded(runId, step, launch.name(), result)));
  }

  /** Stops an attempt, after the commit that ended it, on the effects' threads. */
  private void cancel(String namespace, String jobName) {
    effects.submit(namespace + "/" + jobName, () -> executor.cancel(namespace, jobName));
  }

  private static String attemptKey(String runId, String jobName) {
    return runId + "/" + jobName;
  }

  /** The executor acknowledged an attempt: its Job or process exists. Not yet written. */
  private record Accepted(String runId, String step, String jobName, Instant at) {}

  /**
   * An attempt ended: noted, and written by the engine thread at the start of its next pass,
   * together with every other end reported meanwhile.
   */
  private void stepEnded(String runId, String step, String jobName, Executor.Result result) {
    ended.add(new Ended(runId, step, jobName, result, now()));
    // Move on now rather than at the next interval: a chain should not wait a tick per step.
    wake();
  }

  /** Asks for a pass now; many asking at once get one extra pass, not one each. */
  private void wake() {
    if (config.loop() && !loop.isShutdown() && wakeRequested.compareAndSet(false, true)) {
      loop.execute(
          () -> {
            wakeRequested.set(false);
            tickSafely();
          });
    }
  }

  /** The end of an attempt as its executor reported it, not yet written. */
  private record Ended(
      String runId, String step, String jobName, Executor.Result result, Instant at) {}

  /**
   * Writes the acknowledgements and ends of attempts reported since the last pass, in one
   * transaction.
   */
  private void writeEnded(long token) {
    List<Accepted> acks = new ArrayList<>();
    for (Accepted ack = accepted.poll(); ack != null; ack = accepted.poll()) {
      acks.add(ack);
    }
    List<Ended> batch = new ArrayList<>();
    for (Ended end = ended.poll(); end != null; end = ended.poll()) {
      batch.add(end);
    }
    if (batch.isEmpty() && acks.isEmpty()) {
      return;
    }
    List<Change> changes = new ArrayList<>();
    for (Accepted ack : acks) {
      changes.add(new Change.AttemptAcknowledged(ack.runId(), ack.step(), ack.jobName(), ack.at()));
    }
    for (Ended end : batch) {
      changes.add(
          new Change.AttemptEnded(
              end.runId(),
              end.step(),
              end.jobName(),
              end.result().succeeded() ? StepStatus.SUCCEEDED : StepStatus.FAILED,
              end.at(),
              end.result().reason(),
              end.result().message(),
              exitCode(end.result())));
    }
    try {
      writeFenced(token, changes);
    } catch (RuntimeException e) {
      // Facts still: written by the next pass, or read again on adoption.
      accepted.addAll(acks);
      ended.addAll(batch);
      throw e;
    }
    acks.forEach(ack -> inFlight.remove(attemptKey(ack.runId(), ack.jobName())));
    batch.forEach(end -> inFlight.remove(attemptKey(end.runId(), end.jobName())));
  }

  /**
   * Ends a run before its steps did: they are stopped and marked Cancelled, and the run ends in
   * {@code status} (Cancelled, or Failed past its deadline).
   */
  private void end(
      String namespace,
      String runId,
      RunStatus status,
      String reason,
      String message,
      Batch batch) {
    // Written now, after what the pass has queued: a step started earlier in the pass is Running
    // in the rows read here, and is stopped with the rest.
    batch.flush();
    Instant now = now();
    List<StepRow> steps = runs.steps(runId);
    List<Change> changes = new ArrayList<>();
    for (StepRow step : steps) {
      if (!step.status().ended()) {
        changes.add(
            new Change.StepUpdated(
                runId, step.name(), StepStatus.CANCELLED, null, null, null, now, reason, message));
      }
    }
    changes.add(new Change.RunUpdated(runId, status, reason, message, null, now));
    writeFenced(batch.token, changes);
    batch.ready.ended.add(runId);
    batch.ready.release(
        namespace,
        (int) steps.stream().filter(step -> step.status() == StepStatus.RUNNING).count());
    steps.stream()
        .filter(step -> step.status() == StepStatus.RUNNING && step.jobName() != null)
        .forEach(step -> cancel(namespace, step.jobName()));
  }

  /**
   * The writes of one pass, made in a few fenced transactions rather than one per run, and what to
   * do once each is committed (launch, stop).
   */
  private final class Batch {

    /** Runs' writes per transaction: fewer round trips, and a short enough transaction. */
    private static final int MAX_WRITES = 200;

    final long token;
    final Ready ready;
    private final List<Change> writes = new ArrayList<>();
    private int groups;
    private final List<Runnable> then = new ArrayList<>();

    Batch(long token, Ready ready) {
      this.token = token;
      this.ready = ready;
    }

    void write(Change change) {
      writes.add(change);
      groups++;
    }

    /** Changes that go together, counted as one write. */
    void write(Consumer<List<Change>> group) {
      group.accept(writes);
      groups++;
    }

    void then(Runnable action) {
      then.add(action);
    }

    void flushIfFull() {
      if (groups >= MAX_WRITES) {
        flush();
      }
    }

    void flush() {
      if (!writes.isEmpty()) {
        List<Change> pending = List.copyOf(writes);
        writes.clear();
        groups = 0;
        writeFenced(token, pending);
      }
      List<Runnable> actions = List.copyOf(then);
      then.clear();
      actions.forEach(Runnable::run);
    }
  }
}
