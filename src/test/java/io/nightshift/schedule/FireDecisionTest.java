package io.nightshift.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.workflow.cron.CronSchedule;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class FireDecisionTest {

  private static final CronSchedule HOURLY = CronSchedule.parse("0 * * * *");
  private static final ZoneId UTC = ZoneId.of("UTC");
  private static final Instant TEN = Instant.parse("2026-11-23T10:00:00Z");

  private static Instant at(String time) {
    return Instant.parse("2026-11-23T" + time + "Z");
  }

  @Test
  void an_on_time_fire_stands_for_its_own_scheduled_time() {
    assertThat(FireDecision.decide(HOURLY, UTC, at("09:00:00"), TEN, null))
        .contains(new FireDecision(TEN, false, List.of()));
  }

  @Test
  void down_for_three_periods_then_fired_late_stands_for_the_latest_and_the_rest_are_missed() {
    assertThat(FireDecision.decide(HOURLY, UTC, at("07:00:00"), at("10:20:00"), null))
        .contains(new FireDecision(TEN, false, List.of(at("08:00:00"), at("09:00:00"))));
  }

  @Test
  void after_a_very_long_outage_only_the_latest_hundred_missed_times_are_recorded() {
    FireDecision decision =
        FireDecision.decide(
                HOURLY, UTC, Instant.parse("2026-01-01T00:00:00Z"), at("10:20:00"), null)
            .orElseThrow();

    assertThat(decision.scheduledTime()).isEqualTo(TEN);
    assertThat(decision.missed()).hasSize(100).endsWith(at("09:00:00"));
  }

  @Test
  void late_beyond_the_starting_deadline_is_too_late() {
    assertThat(
            FireDecision.decide(
                HOURLY, UTC, at("07:00:00"), at("10:20:00"), Duration.ofMinutes(10)))
        .contains(new FireDecision(TEN, true, List.of(at("08:00:00"), at("09:00:00"))));
  }

  @Test
  void late_within_the_starting_deadline_still_runs() {
    assertThat(
            FireDecision.decide(
                HOURLY, UTC, at("09:30:00"), at("10:05:00"), Duration.ofMinutes(10)))
        .contains(new FireDecision(TEN, false, List.of()));
  }

  @Test
  void a_fire_with_no_scheduled_time_since_the_previous_one_stands_for_nothing() {
    assertThat(FireDecision.decide(HOURLY, UTC, at("10:00:00"), at("10:30:00"), null)).isEmpty();
  }
}
