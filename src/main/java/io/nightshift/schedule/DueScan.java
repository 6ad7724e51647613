package io.nightshift.schedule;

import io.nightshift.run.RunStatus;
import io.nightshift.store.ScheduleRepository;
import io.nightshift.store.ScheduleRepository.Fence;
import io.nightshift.store.ScheduleRepository.Fire;
import io.nightshift.store.ScheduleRepository.PlannedRun;
import io.nightshift.store.ScheduleRepository.ScheduleRow;
import io.nightshift.workflow.cron.CronSchedule;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires every schedule due at a given instant, set-wise: a batch of due schedules is locked, each
 * fire is decided here in Java ({@link FireDecision}: which time it stands for, too late or not,
 * older times recorded Missed), then the batch moves on and records its runs in two statements, in
 * the one transaction that locked it. Batches follow each other until none is due.
 *
 * <p>Exactly once holds however many scans run at once, on any nodes: a schedule row is locked
 * while its fire is recorded and moved on (others skip it), and a run's scheduled time is unique.
 */
@Singleton
public class DueScan {

  /** Schedules locked, decided and recorded per transaction. */
  public static final int BATCH_SIZE = 1000;

  private static final Logger LOG = LoggerFactory.getLogger(DueScan.class);

  /**
   * The status a scheduled run that is on time starts in: where admission may later be decided
   * during the scan. Too-late and older missed times are Missed whatever this says.
   */
  @FunctionalInterface
  public interface InitialStatus {
    String of(String namespace, String workflow, Instant scheduledTime);

    /** The engine admits the run on its next pass. */
    InitialStatus PENDING = (namespace, workflow, scheduledTime) -> RunStatus.PENDING.spelling();
  }

  /** What a scan did: schedules fired, runs recorded (of which Missed), in how many batches. */
  public record Result(int schedules, int runs, int missed, int batches) {
    Result plus(ScheduleRepository.Batch batch) {
      return new Result(
          schedules + batch.schedules(), runs + batch.runs(), missed + batch.missed(), batches + 1);
    }
  }

  private final ScheduleRepository schedules;
  private final Clock clock;
  private final InitialStatus initialStatus;

  public DueScan(ScheduleRepository schedules, Clock clock) {
    this(schedules, clock, InitialStatus.PENDING);
  }

  DueScan(ScheduleRepository schedules, Clock clock, InitialStatus initialStatus) {
    this.schedules = schedules;
    this.clock = clock;
    this.initialStatus = initialStatus;
  }

  /**
   * The leader's scan: every batch first checks that {@code node} still holds the lease under
   * {@code token}.
   *
   * @throws io.nightshift.run.NotLeaderException when it does not (batches before are kept)
   */
  public Result fenced(Instant now, String node, long token) {
    return scan(now, Optional.of(new Fence(node, token)), initialStatus);
  }

  /**
   * A scan by a node that is not the leader, while no node is: on-time runs are recorded Pending
   * for the next leader to admit.
   */
  public Result unfenced(Instant now) {
    return scan(now, Optional.empty(), InitialStatus.PENDING);
  }

  private Result scan(Instant now, Optional<Fence> fence, InitialStatus status) {
    long started = System.nanoTime();
    Result result = new Result(0, 0, 0, 0);
    Map<String, CronSchedule> crons = new HashMap<>();
    ScheduleRepository.Batch batch;
    do {
      batch =
          schedules.fireDue(
              now, clock, BATCH_SIZE, fence, due -> decideAll(due, now, status, crons));
      result = result.plus(batch);
      // A short batch means no more are due, or the rest are another scan's, locked by it now.
    } while (batch.schedules() == BATCH_SIZE);
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

  private static List<Fire> decideAll(
      List<ScheduleRow> due, Instant now, InitialStatus status, Map<String, CronSchedule> crons) {
    List<Fire> fires = new ArrayList<>(due.size());
    for (ScheduleRow row : due) {
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
      fires.add(decide(row, cron, zone, now, status));
    }
    return fires;
  }

  /**
   * One due schedule's fire at {@code now}: the runs it records, oldest first, and its next fire
   * time. The times from its stored next fire time up to now are due; the latest runs (or is Missed
   * when older than the starting deadline) and the others are recorded Missed, at most {@link
   * FireDecision#MAX_MISSED_RECORDED} of them.
   */
  static Fire decide(
      ScheduleRow row, CronSchedule cron, ZoneId zone, Instant now, InitialStatus status) {
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
        new PlannedRun(
            scheduled,
            decision.get().tooLate()
                ? RunStatus.MISSED.spelling()
                : status.of(row.namespace(), row.name(), scheduled)));
    return new Fire(
        row.namespace(), row.name(), cron.nextAfter(scheduled, zone).orElse(null), runs);
  }
}
