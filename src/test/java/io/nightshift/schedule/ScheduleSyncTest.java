package io.nightshift.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.store.ScheduleRepository.ScheduleRow;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The next fire time a stored definition gets, and the floor its source's last run sets: a workflow
 * imported from a CronJob never fires a time that CronJob already ran.
 */
class ScheduleSyncTest {

  private static final String HOURLY = "0 * * * *";
  private static final Instant NOW = Instant.parse("2027-01-04T01:59:58Z");

  private static Optional<ScheduleRow> stored(Instant next) {
    return Optional.of(
        new ScheduleRow(
            "data", "backup", UUID.randomUUID(), 1, HOURLY, "UTC", false, null, next, 3, 1, "{}"));
  }

  @Test
  void a_new_schedule_fires_first_after_now() {
    assertThat(ScheduleSync.nextFireTime(Optional.empty(), HOURLY, "UTC", false, NOW, null))
        .isEqualTo(Instant.parse("2027-01-04T02:00:00Z"));
  }

  @Test
  void a_source_clock_ahead_of_ours_that_already_ran_the_hour_keeps_it_from_running_twice() {
    Instant ranByCronJob = Instant.parse("2027-01-04T02:00:00Z");

    assertThat(ScheduleSync.nextFireTime(Optional.empty(), HOURLY, "UTC", false, NOW, ranByCronJob))
        .isEqualTo(Instant.parse("2027-01-04T03:00:00Z"));
  }

  @Test
  void a_last_run_long_past_changes_nothing() {
    Instant yesterday = Instant.parse("2027-01-03T02:00:00Z");

    assertThat(ScheduleSync.nextFireTime(Optional.empty(), HOURLY, "UTC", false, NOW, yesterday))
        .isEqualTo(Instant.parse("2027-01-04T02:00:00Z"));
  }

  @Test
  void a_kept_next_fire_time_at_or_before_the_last_run_moves_past_it() {
    Instant next = Instant.parse("2027-01-04T02:00:00Z");

    assertThat(ScheduleSync.nextFireTime(stored(next), HOURLY, "UTC", false, NOW, null))
        .as("kept while nothing about the schedule changed")
        .isEqualTo(next);
    assertThat(ScheduleSync.nextFireTime(stored(next), HOURLY, "UTC", false, NOW, next))
        .isEqualTo(Instant.parse("2027-01-04T03:00:00Z"));
  }

  @Test
  void a_suspended_or_unscheduled_workflow_has_no_next_fire_time_whatever_its_last_run() {
    Instant lastRun = Instant.parse("2027-01-04T02:00:00Z");

    assertThat(ScheduleSync.nextFireTime(Optional.empty(), HOURLY, "UTC", true, NOW, lastRun))
        .isNull();
    assertThat(ScheduleSync.nextFireTime(Optional.empty(), null, "UTC", false, NOW, lastRun))
        .isNull();
  }
}
