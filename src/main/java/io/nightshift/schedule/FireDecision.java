package io.nightshift.schedule;

import io.nightshift.workflow.cron.CronSchedule;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

/**
 * What one fire of a workflow's trigger means, decided from the schedule alone: which scheduled
 * time it stands for, and whether that time is too late to run.
 *
 * <p>A fire normally stands for its own scheduled time. After downtime Quartz fires a misfired
 * trigger once, late; that fire stands for the latest scheduled time not after it, never for the
 * older ones, so a node back from a long outage starts at most one catch-up run, not a storm.
 */
public record FireDecision(Instant scheduledTime, boolean tooLate) {

  /** Upper bound on the scheduled times walked between two fires (a year of every-minute). */
  private static final int MAX_STEPS = 600_000;

  /**
   * @param after the previous fire of the trigger, or its start; scheduled times after it count
   * @param firedAt when Quartz fired: its scheduled fire time
   * @param startingDeadline how late a run may start; null for no limit
   */
  public static Optional<FireDecision> decide(
      CronSchedule schedule,
      ZoneId zone,
      Instant after,
      Instant firedAt,
      Duration startingDeadline) {
    Instant latest = null;
    Instant cursor = after;
    for (int step = 0; step < MAX_STEPS; step++) {
      Optional<Instant> next = schedule.nextAfter(cursor, zone);
      if (next.isEmpty() || next.get().isAfter(firedAt)) {
        break;
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
    return Optional.of(new FireDecision(latest, tooLate));
  }
}
