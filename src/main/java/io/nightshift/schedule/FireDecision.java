package io.nightshift.schedule;

import io.nightshift.workflow.cron.CronSchedule;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * What one fire of a workflow's schedule means, decided from the schedule alone: which scheduled
 * time it stands for, and whether that time is too late to run.
 *
 * <p>A fire normally stands for its own scheduled time. After downtime the due scan fires a
 * schedule once, late, from its stored next fire time; that fire stands for the latest scheduled
 * time not after the scan. The older ones are recorded as Missed and never run, so a cluster back
 * from a long outage starts at most one catch-up run, not a storm.
 */
public record FireDecision(Instant scheduledTime, boolean tooLate, List<Instant> missed) {

  /** The most older missed times recorded on one late fire; older ones are only counted. */
  static final int MAX_MISSED_RECORDED = 100;

  /** Upper bound on the scheduled times walked between two fires (a year of every-minute). */
  private static final int MAX_STEPS = 600_000;

  /**
   * @param after just before the schedule's stored next fire time; scheduled times after it count
   * @param firedAt when the due scan fired it
   * @param startingDeadline how late a run may start; null for no limit
   */
  public static Optional<FireDecision> decide(
      CronSchedule schedule,
      ZoneId zone,
      Instant after,
      Instant firedAt,
      Duration startingDeadline) {
    Instant latest = null;
    Deque<Instant> older = new ArrayDeque<>();
    Instant cursor = after;
    for (int step = 0; step < MAX_STEPS; step++) {
      Optional<Instant> next = schedule.nextAfter(cursor, zone);
      if (next.isEmpty() || next.get().isAfter(firedAt)) {
        break;
      }
      if (latest != null) {
        older.addLast(latest);
        if (older.size() > MAX_MISSED_RECORDED) {
          older.removeFirst();
        }
      }
      latest = next.get();
      cursor = latest;
    }
    if (latest == null) {
      return Optional.empty();
    }
    boolean tooLate =
        startingDeadline != null
            && Duration.between(latest, firedAt).compareTo(startingDeadline) > 0;
    return Optional.of(new FireDecision(latest, tooLate, List.copyOf(older)));
  }
}
