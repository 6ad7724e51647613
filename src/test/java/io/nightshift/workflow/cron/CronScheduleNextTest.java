package io.nightshift.workflow.cron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CronScheduleNextTest {

  private static final Instant TEN_AM = Instant.parse("2026-05-06T10:00:00Z");
  private static final Instant TEN_AM_AND_30_SECONDS = Instant.parse("2026-05-06T10:00:30Z");
  private static final Instant TEN_AM_AND_1_NANO = Instant.parse("2026-05-06T10:00:00.000000001Z");
  private static final Instant NEW_YEAR_2026 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant LEAP_DAY_2096 = Instant.parse("2096-02-29T00:00:00Z");
  private static final Instant MARCH_2096 = Instant.parse("2096-03-01T00:00:00Z");
  private static final Instant LEAP_DAY_2104 = Instant.parse("2104-02-29T00:00:00Z");

  private static Optional<Instant> nextUtc(String expression, Instant after) {
    return CronSchedule.parse(expression).nextAfter(after, ZoneOffset.UTC);
  }

  @Test
  void next_fire_is_strictly_after_a_fire_time() {
    assertEquals(Optional.of(Instant.parse("2026-05-07T10:00:00Z")), nextUtc("0 10 * * *", TEN_AM));
    assertEquals(Optional.of(Instant.parse("2026-05-06T10:01:00Z")), nextUtc("* * * * *", TEN_AM));
  }

  @Test
  void seconds_and_nanos_of_after_round_up_to_the_next_minute() {
    assertEquals(
        Optional.of(Instant.parse("2026-05-06T10:01:00Z")),
        nextUtc("* * * * *", TEN_AM_AND_30_SECONDS));
    assertEquals(
        Optional.of(Instant.parse("2026-05-06T10:01:00Z")),
        nextUtc("* * * * *", TEN_AM_AND_1_NANO));
  }

  @Test
  void fire_times_are_wall_clock_times_in_the_given_zone() {
    assertEquals(
        Optional.of(Instant.parse("2026-05-06T14:30:00Z")),
        CronSchedule.parse("30 9 * * *").nextAfter(TEN_AM, ZoneOffset.ofHours(-5)));
    assertEquals(
        Optional.of(Instant.parse("2026-05-07T07:30:00Z")),
        CronSchedule.parse("30 9 * * *").nextAfter(TEN_AM, ZoneId.of("Europe/Paris")));
  }

  @Test
  void the_thirty_first_skips_shorter_months() {
    List<Instant> fires = CronSchedule.parse("0 0 31 * *").next(NEW_YEAR_2026, ZoneOffset.UTC, 3);
    assertEquals(
        List.of(
            Instant.parse("2026-01-31T00:00:00Z"),
            Instant.parse("2026-03-31T00:00:00Z"),
            Instant.parse("2026-05-31T00:00:00Z")),
        fires);
  }

  @Test
  void month_and_day_names_select_the_right_dates() {
    assertEquals(
        Optional.of(Instant.parse("2026-03-02T08:15:00Z")),
        nextUtc("15 8 * MAR MON", NEW_YEAR_2026));
  }

  @Test
  void impossible_date_never_fires() {
    assertEquals(Optional.empty(), nextUtc("0 0 30 2 *", NEW_YEAR_2026));
    assertEquals(
        List.of(), CronSchedule.parse("0 0 31 4,6,9,11 *").next(NEW_YEAR_2026, ZoneOffset.UTC, 5));
  }

  @Test
  void leap_day_schedule_crosses_the_non_leap_year_2100() {
    assertEquals(Optional.of(LEAP_DAY_2104), nextUtc("0 0 29 2 *", MARCH_2096));
    assertEquals(Optional.of(LEAP_DAY_2104), nextUtc("0 0 29 2 *", LEAP_DAY_2096));
  }

  @Test
  void leap_day_schedule_lists_successive_leap_years() {
    List<Instant> fires = CronSchedule.parse("0 0 29 2 *").next(NEW_YEAR_2026, ZoneOffset.UTC, 3);
    assertEquals(
        List.of(
            Instant.parse("2028-02-29T00:00:00Z"),
            Instant.parse("2032-02-29T00:00:00Z"),
            Instant.parse("2036-02-29T00:00:00Z")),
        fires);
  }

  @Test
  void next_returns_consecutive_minutes_for_every_minute() {
    List<Instant> fires =
        CronSchedule.parse("* * * * *").next(TEN_AM_AND_30_SECONDS, ZoneOffset.UTC, 1000);
    assertEquals(1000, fires.size());
    for (int i = 0; i < fires.size(); i++) {
      assertEquals(Instant.parse("2026-05-06T10:01:00Z").plus(Duration.ofMinutes(i)), fires.get(i));
    }
  }

  @Test
  void thousand_fires_are_computed_quickly_for_frequent_and_rare_schedules() {
    assertTimeoutPreemptively(
        Duration.ofSeconds(2),
        () -> {
          assertEquals(
              1000,
              CronSchedule.parse("* * * * *").next(NEW_YEAR_2026, ZoneOffset.UTC, 1000).size());
          List<Instant> yearly =
              CronSchedule.parse("@yearly").next(NEW_YEAR_2026, ZoneId.of("Europe/Paris"), 1000);
          assertEquals(1000, yearly.size());
          assertEquals(
              ZonedDateTime.of(3026, 1, 1, 0, 0, 0, 0, ZoneId.of("Europe/Paris")).toInstant(),
              yearly.get(999));
          assertEquals(
              1000,
              CronSchedule.parse("0 0 29 2 *").next(NEW_YEAR_2026, ZoneOffset.UTC, 1000).size());
          assertEquals(
              List.of(),
              CronSchedule.parse("0 0 30 2 *").next(NEW_YEAR_2026, ZoneOffset.UTC, 1000));
        });
  }

  @Test
  void next_with_zero_count_is_empty_and_negative_count_is_rejected() {
    CronSchedule schedule = CronSchedule.parse("@hourly");
    assertEquals(List.of(), schedule.next(TEN_AM, ZoneOffset.UTC, 0));
    assertThrows(IllegalArgumentException.class, () -> schedule.next(TEN_AM, ZoneOffset.UTC, -1));
  }

  @Test
  void every_fire_matches_the_fields_in_local_time() {
    CronSchedule schedule = CronSchedule.parse("5,35 */6 1-7 * MON");
    ZoneId zone = ZoneId.of("Asia/Tokyo");
    for (Instant fire : schedule.next(NEW_YEAR_2026, zone, 200)) {
      ZonedDateTime local = fire.atZone(zone);
      assertTrue(schedule.values(CronField.MINUTE).contains(local.getMinute()), local::toString);
      assertTrue(schedule.values(CronField.HOUR).contains(local.getHour()), local::toString);
      LocalDate date = local.toLocalDate();
      assertTrue(date.getDayOfMonth() <= 7 || date.getDayOfWeek().getValue() == 1, local::toString);
    }
  }
}
