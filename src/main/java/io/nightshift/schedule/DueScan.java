package io.nightshift.schedule;

import io.nightshift.engine.Admission;
import io.nightshift.run.FiringStatus;
import io.nightshift.run.RunStatus;
import io.nightshift.store.ScheduleRepository;
import io.nightshift.store.ScheduleRepository.Admittance;
import io.nightshift.store.ScheduleRepository.DueSchedule;
import io.nightshift.store.ScheduleRepository.Fence;
import io.nightshift.store.ScheduleRepository.Fire;
import io.nightshift.store.ScheduleRepository.PlannedRun;
import io.nightshift.store.ScheduleRepository.ScheduleRow;
import io.nightshift.workflow.ConcurrencyPolicy;
import io.nightshift.workflow.cron.CronSchedule;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires every schedule due at a given instant, set-wise: a batch of due schedules is locked, each
 * fire is decided here in Java ({@link FireDecision}: which time it stands for, too late or not,
 * older times recorded Missed), then the batch moves on and records its runs in one statement, in
 * the one transaction that locked it. Batches follow each other until none is due; when more than
 * one is due, {@link #PARALLEL_BATCHES} of them run side by side, each in its own transaction.
 *
 * <p>Exactly once holds however many scans run at once, on any nodes: a schedule row is locked
 * while its fire is recorded and moved on (others skip it), and a run's scheduled time is unique.
 */
@Singleton
public class DueScan implements FiringStatus {

  /** Schedules locked, decided and recorded per transaction. */
  public static final int BATCH_SIZE = 1000;

  /**
   * Batches a scan runs at once, each in a transaction of its own, when more than one batch is due.
   * A batch spends most of its time in one PostgreSQL backend, which uses one core; two side by
   * side fired 10,000 due schedules about a quarter sooner than one after the other on two cores.
   */
  static final int PARALLEL_BATCHES = 2;

  private static final Logger LOG = LoggerFactory.getLogger(DueScan.class);

  /** What a scan did: schedules fired, runs recorded (of which Missed), in how many batches. */
  public record Result(int schedules, int runs, int missed, int batches) {
    Result plus(ScheduleRepository.Batch batch) {
      return new Result(
          schedules + batch.schedules(), runs + batch.runs(), missed + batch.missed(), batches + 1);
    }

    Result plus(Result other) {
      return new Result(
          schedules + other.schedules,
          runs + other.runs,
          missed + other.missed,
          batches + other.batches);
    }
  }

  private final ScheduleRepository schedules;
  private final Clock clock;
  private final int parallelBatches;
  private final ExecutorService helpers;
  private final AtomicInteger scanning = new AtomicInteger();

  public DueScan(ScheduleRepository schedules, Clock clock) {
    this(schedules, clock, PARALLEL_BATCHES);
  }

  DueScan(ScheduleRepository schedules, Clock clock, int parallelBatches) {
    if (parallelBatches < 1) {
      throw new IllegalArgumentException("parallelBatches must be at least 1: " + parallelBatches);
    }
    this.schedules = schedules;
    this.clock = clock;
    this.parallelBatches = parallelBatches;
    AtomicInteger threads = new AtomicInteger();
    this.helpers =
        Executors.newCachedThreadPool(
            task -> {
              Thread thread = new Thread(task, "nightshift-due-scan-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
  }

  @PreDestroy
  void stop() {
    helpers.shutdownNow();
  }

  /**
   * The leader's scan: every batch first checks that {@code node} still holds the lease under
   * {@code token}.
   *
   * @throws io.nightshift.run.NotLeaderException when it does not (batches before are kept)
   */
  public Result fenced(Instant now, String node, long token) {
    return scan(now, Optional.of(new Fence(node, token)));
  }

  /**
   * A scan by a node that is not the leader, while no node is: on-time runs are recorded Pending
   * for the next leader to admit.
   */
  public Result unfenced(Instant now) {
    return scan(now, Optional.empty());
  }

  /**
   * Batches one after the other on this thread; once a batch comes full (more may be due), {@link
   * #PARALLEL_BATCHES} - 1 helpers join in, each with batches of its own. Returns when every one of
   * them has seen a short batch, with all they did, or throws what the first that failed threw.
   */
  @Override
  public boolean inProgress() {
    return scanning.get() > 0;
  }

  private Result scan(Instant now, Optional<Fence> fence) {
    scanning.incrementAndGet();
    try {
      return scanAll(now, fence);
    } finally {
      scanning.decrementAndGet();
    }
  }

  private Result scanAll(Instant now, Optional<Fence> fence) {
    long started = System.nanoTime();
    Map<String, CronSchedule> crons = new ConcurrentHashMap<>();
    List<Future<Result>> helping = new ArrayList<>();
    AtomicBoolean joined = new AtomicBoolean(parallelBatches == 1);
    Function<List<DueSchedule>, List<Fire>> decideOnly = due -> decideAll(due, now, crons);
    Function<List<DueSchedule>, List<Fire>> decide =
        due -> {
          if (due.size() == BATCH_SIZE && joined.compareAndSet(false, true)) {
            synchronized (helping) {
              for (int i = 1; i < parallelBatches; i++) {
                helping.add(helpers.submit(() -> batches(now, fence, decideOnly)));
              }
            }
          }
          return decideOnly.apply(due);
        };
    Result result = new Result(0, 0, 0, 0);
    RuntimeException failure = null;
    try {
      result = batches(now, fence, decide);
    } catch (RuntimeException e) {
      failure = e;
    }
    List<Future<Result>> helpers;
    synchronized (helping) {
      helpers = List.copyOf(helping);
    }
    for (Future<Result> helper : helpers) {
      try {
        result = result.plus(awaitUninterruptibly(helper));
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
    if (result.schedules() > 0) {
      LOG.info(
          "Fired {} schedules due at {}: {} runs, {} of them Missed, {} batches, {} ms",
          result.schedules(),
          now,
          result.runs(),
          result.missed(),
          result.batches(),
          Duration.ofNanos(System.nanoTime() - started).toMillis());
    }
    return result;
  }

  /** Batch after batch until one is short: none more due, or the rest are locked by others. */
  private Result batches(
      Instant now, Optional<Fence> fence, Function<List<DueSchedule>, List<Fire>> decide) {
    Result result = new Result(0, 0, 0, 0);
    ScheduleRepository.Batch batch;
    do {
      batch = schedules.fireDue(now, clock, BATCH_SIZE, fence, decide);
      result = result.plus(batch);
    } while (batch.schedules() == BATCH_SIZE);
    return result;
  }

  /** A helper's result, waited for however long it takes (a batch is short); or what it threw. */
  private static Result awaitUninterruptibly(Future<Result> helper) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return helper.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          if (e.getCause() instanceof RuntimeException cause) {
            throw cause;
          }
          if (e.getCause() instanceof Error error) {
            throw error;
          }
          throw new IllegalStateException(e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static List<Fire> decideAll(
      List<DueSchedule> due, Instant now, Map<String, CronSchedule> crons) {
    List<Fire> fires = new ArrayList<>(due.size());
    for (DueSchedule schedule : due) {
      ScheduleRow row = schedule.row();
      CronSchedule cron;
      ZoneId zone;
      try {
        cron = crons.computeIfAbsent(row.cron(), CronSchedule::parse);
        zone = ZoneId.of(row.timeZone());
      } catch (RuntimeException e) {
        // Validated when stored; should a stored one still not read, it stops firing, loudly.
        LOG.warn(
            "{}/{}: cannot read schedule {} in {}: {}",
            row.namespace(),
            row.name(),
            row.cron(),
            row.timeZone(),
            e.toString());
        fires.add(new Fire(row.namespace(), row.name(), null, List.of()));
        continue;
      }
      fires.add(decide(row, cron, zone, now, schedule.admittance()));
    }
    return fires;
  }

  /**
   * One due schedule's fire at {@code now}: the runs it records, oldest first, and its next fire
   * time. The times from its stored next fire time up to now are due; the latest runs (or is Missed
   * when older than the starting deadline) and the others are recorded Missed, at most {@link
   * FireDecision#MAX_MISSED_RECORDED} of them. The latest is admitted as it fires when {@code
   * admittance} is present (the leader's scan), else left Pending for the engine.
   */
  static Fire decide(
      ScheduleRow row,
      CronSchedule cron,
      ZoneId zone,
      Instant now,
      Optional<Admittance> admittance) {
    Duration deadline =
        row.startingDeadlineSeconds() == null
            ? null
            : Duration.ofSeconds(row.startingDeadlineSeconds());
    Optional<FireDecision> decision =
        FireDecision.decide(cron, zone, row.nextFireTime().minusNanos(1), now, deadline);
    if (decision.isEmpty()) {
      // The stored time is not one of the cron's (nothing of it is due yet): move on from now.
      return new Fire(
          row.namespace(), row.name(), cron.nextAfter(now, zone).orElse(null), List.of());
    }
    List<PlannedRun> runs = new ArrayList<>();
    decision
        .get()
        .missed()
        .forEach(time -> runs.add(new PlannedRun(time, RunStatus.MISSED.spelling())));
    Instant scheduled = decision.get().scheduledTime();
    runs.add(
        decision.get().tooLate()
            ? new PlannedRun(scheduled, RunStatus.MISSED.spelling())
            : admittance
                .map(admit -> admit(scheduled, admit))
                .orElse(new PlannedRun(scheduled, RunStatus.PENDING.spelling())));
    return new Fire(
        row.namespace(), row.name(), cron.nextAfter(scheduled, zone).orElse(null), runs);
  }

  /**
   * An on-time run admitted as it fires, by the rule the engine applies ({@link Admission}), from
   * the workflow's active runs read under its schedule's lock: Running (its steps' rows are written
   * with it), Skipped, or Pending in the queue. It stays Pending, for the engine, when the workflow
   * has no steps, when an older run of it is Pending and not yet decided (the engine decides in age
   * order), and under Replace when a run is to be cancelled (the engine stops its steps).
   */
  static PlannedRun admit(Instant scheduled, Admittance admittance) {
    PlannedRun pending = new PlannedRun(scheduled, RunStatus.PENDING.spelling());
    ConcurrencyPolicy policy = ConcurrencyPolicy.of(admittance.policy());
    if (!admittance.hasSteps()) {
      return pending;
    }
    if (policy != ConcurrencyPolicy.ALLOW && admittance.undecided() > 0) {
      return pending;
    }
    Admission.Decision decision =
        Admission.decide(policy, admittance.running(), admittance.queued());
    return switch (decision.verdict()) {
      case START -> new PlannedRun(scheduled, RunStatus.RUNNING.spelling());
      case SKIP ->
          new PlannedRun(
              scheduled,
              RunStatus.SKIPPED.spelling(),
              decision.reason(),
              Admission.skipMessage(admittance.running()));
      case QUEUE ->
          new PlannedRun(
              scheduled,
              RunStatus.PENDING.spelling(),
              Admission.QUEUED,
              Admission.queueMessage(admittance.running()));
      case REPLACE -> pending;
    };
  }
}
