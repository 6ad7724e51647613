package io.nightshift.workflow.cron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Daylight-saving behaviour around the 2026 changes in Europe/Paris (29 March 02:00 to 03:00, 25
 * October 03:00 to 02:00) and America/New_York (8 March 02:00 to 03:00, 1 November 02:00 to 01:00).
 */
class CronScheduleDstTest {

  private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  /** Paris springs forward: 02:00+01:00 becomes 03:00+02:00. */
  private static final Instant PARIS_SPRING_TRANSITION = at("2026-03-29T03:00+02:00");

  /** Paris falls back: 03:00+02:00 becomes 02:00+01:00, so 02:00-02:59 happens twice. */
  private static final Instant PARIS_AUTUMN_TRANSITION = at("2026-10-25T02:00+01:00");

  /** New York springs forward: 02:00-05:00 becomes 03:00-04:00. */
  private static final Instant NEW_YORK_SPRING_TRANSITION = at("2026-03-08T03:00-04:00");

  /** New York falls back: 02:00-04:00 becomes 01:00-05:00, so 01:00-01:59 happens twice. */
  private static final Instant NEW_YORK_AUTUMN_TRANSITION = at("2026-11-01T01:00-05:00");

  private static final Instant PARIS_DAY_BEFORE_SPRING = at("2026-03-28T12:00+01:00");
  private static final Instant PARIS_DAY_BEFORE_AUTUMN = at("2026-10-24T12:00+02:00");
  private static final Instant NEW_YORK_DAY_BEFORE_SPRING = at("2026-03-07T12:00-05:00");
  private static final Instant NEW_YORK_DAY_BEFORE_AUTUMN = at("2026-10-31T12:00-04:00");

  private static Instant at(String offsetDateTime) {
    return OffsetDateTime.parse(offsetDateTime).toInstant();
  }

  private static List<Instant> fires(String expression, ZoneId zone, Instant after, int count) {
    return CronSchedule.parse(expression).next(after, zone, count);
  }

  private static Optional<Instant> nextFire(String expression, ZoneId zone, Instant after) {
    return CronSchedule.parse(expression).nextAfter(after, zone);
  }

  @Test
  void transition_instants_are_the_documented_utc_times() {
    assertEquals(Instant.parse("2026-03-29T01:00:00Z"), PARIS_SPRING_TRANSITION);
    assertEquals(Instant.parse("2026-10-25T01:00:00Z"), PARIS_AUTUMN_TRANSITION);
    assertEquals(Instant.parse("2026-03-08T07:00:00Z"), NEW_YORK_SPRING_TRANSITION);
    assertEquals(Instant.parse("2026-11-01T06:00:00Z"), NEW_YORK_AUTUMN_TRANSITION);
  }

  // --- spring forward
  // -------------------------------------------------------------------------------------------

  @Test
  void spring_forward_gap_fires_once_at_the_transition() {
    assertEquals(
        List.of(PARIS_SPRING_TRANSITION, at("2026-03-30T02:30+02:00")),
        fires("30 2 * * *", PARIS, PARIS_DAY_BEFORE_SPRING, 2));
    assertEquals(
        List.of(NEW_YORK_SPRING_TRANSITION, at("2026-03-09T02:30-04:00")),
        fires("30 2 * * *", NEW_YORK, NEW_YORK_DAY_BEFORE_SPRING, 2));
  }

  @Test
  void daily_job_at_the_start_of_the_gap_fires_at_the_transition() {
    assertEquals(
        Optional.of(PARIS_SPRING_TRANSITION),
        nextFire("0 2 * * *", PARIS, PARIS_DAY_BEFORE_SPRING));
  }

  @Test
  void gap_match_and_match_at_the_transition_collapse_into_one_fire() {
    assertEquals(
        List.of(
            PARIS_SPRING_TRANSITION, at("2026-03-30T02:00+02:00"), at("2026-03-30T03:00+02:00")),
        fires("0 2,3 * * *", PARIS, PARIS_DAY_BEFORE_SPRING, 3));
  }

  @Test
  void quarter_hourly_job_collapses_the_gap_into_one_fire() {
    assertEquals(
        List.of(
            at("2026-03-29T01:30+01:00"),
            at("2026-03-29T01:45+01:00"),
            PARIS_SPRING_TRANSITION,
            at("2026-03-29T03:15+02:00"),
            at("2026-03-29T03:30+02:00")),
        fires("*/15 * * * *", PARIS, at("2026-03-29T01:15+01:00"), 5));
  }

  @Test
  void half_hourly_job_collapses_the_gap_into_one_fire_in_new_york() {
    assertEquals(
        List.of(
            at("2026-03-08T01:30-05:00"), NEW_YORK_SPRING_TRANSITION, at("2026-03-08T03:30-04:00")),
        fires("*/30 * * * *", NEW_YORK, at("2026-03-08T01:15-05:00"), 3));
  }

  @Test
  void hourly_job_fires_once_for_the_missing_hour() {
    assertEquals(
        List.of(
            at("2026-03-29T01:00+01:00"), PARIS_SPRING_TRANSITION, at("2026-03-29T04:00+02:00")),
        fires("0 * * * *", PARIS, at("2026-03-29T00:30+01:00"), 3));
    assertEquals(
        List.of(
            at("2026-03-08T01:00-05:00"), NEW_YORK_SPRING_TRANSITION, at("2026-03-08T04:00-04:00")),
        fires("0 * * * *", NEW_YORK, at("2026-03-08T00:30-05:00"), 3));
  }

  @Test
  void after_the_transition_instant_the_gap_does_not_fire_again() {
    assertEquals(
        Optional.of(at("2026-03-30T02:30+02:00")),
        nextFire("30 2 * * *", PARIS, PARIS_SPRING_TRANSITION));
    assertEquals(
        Optional.of(at("2026-03-29T03:15+02:00")),
        nextFire("*/15 * * * *", PARIS, PARIS_SPRING_TRANSITION));
  }

  // --- fall back
  // ------------------------------------------------------------------------------------------------

  @Test
  void autumn_overlap_fires_once_at_the_first_occurrence() {
    assertEquals(
        List.of(at("2026-10-25T02:30+02:00"), at("2026-10-26T02:30+01:00")),
        fires("30 2 * * *", PARIS, PARIS_DAY_BEFORE_AUTUMN, 2));
    assertEquals(
        List.of(at("2026-11-01T01:30-04:00"), at("2026-11-02T01:30-05:00")),
        fires("30 1 * * *", NEW_YORK, NEW_YORK_DAY_BEFORE_AUTUMN, 2));
  }

  @Test
  void half_hourly_job_skips_the_second_pass_through_the_overlap() {
    assertEquals(
        List.of(
            at("2026-10-25T01:30+02:00"),
            at("2026-10-25T02:00+02:00"),
            at("2026-10-25T02:30+02:00"),
            at("2026-10-25T03:00+01:00"),
            at("2026-10-25T03:30+01:00")),
        fires("*/30 * * * *", PARIS, at("2026-10-25T01:15+02:00"), 5));
  }

  @Test
  void quarter_hourly_job_skips_the_second_pass_through_the_overlap_in_new_york() {
    assertEquals(
        List.of(
            at("2026-11-01T01:45-04:00"),
            at("2026-11-01T02:00-05:00"),
            at("2026-11-01T02:15-05:00")),
        fires("*/15 * * * *", NEW_YORK, at("2026-11-01T01:40-04:00"), 3));
  }

  @Test
  void hourly_job_fires_the_repeated_hour_only_once() {
    assertEquals(
        List.of(
            at("2026-10-25T01:00+02:00"),
            at("2026-10-25T02:00+02:00"),
            at("2026-10-25T03:00+01:00"),
            at("2026-10-25T04:00+01:00")),
        fires("0 * * * *", PARIS, at("2026-10-25T00:30+02:00"), 4));
    assertEquals(
        List.of(
            at("2026-11-01T00:00-04:00"),
            at("2026-11-01T01:00-04:00"),
            at("2026-11-01T02:00-05:00")),
        fires("0 * * * *", NEW_YORK, at("2026-10-31T23:30-04:00"), 3));
  }

  @Test
  void after_inside_the_second_occurrence_returns_the_next_later_fire() {
    Instant secondOccurrence = at("2026-10-25T02:10+01:00");
    assertEquals(
        Optional.of(at("2026-10-25T03:00+01:00")),
        nextFire("*/30 * * * *", PARIS, secondOccurrence));
    assertEquals(
        Optional.of(at("2026-10-25T03:00+01:00")), nextFire("* * * * *", PARIS, secondOccurrence));
    assertEquals(
        Optional.of(at("2026-10-26T02:30+01:00")), nextFire("30 2 * * *", PARIS, secondOccurrence));
    assertEquals(
        Optional.of(at("2026-11-01T02:00-05:00")),
        nextFire("*/15 * * * *", NEW_YORK, at("2026-11-01T01:20-05:00")));
  }

  @Test
  void after_at_the_fall_back_transition_returns_the_next_later_fire() {
    assertEquals(
        Optional.of(at("2026-10-25T03:00+01:00")),
        nextFire("0 * * * *", PARIS, PARIS_AUTUMN_TRANSITION));
    assertEquals(
        Optional.of(at("2026-11-01T02:00-05:00")),
        nextFire("0 * * * *", NEW_YORK, NEW_YORK_AUTUMN_TRANSITION));
  }

  // --- jobs outside the changed hours
  // ---------------------------------------------------------------------------

  @Test
  void daily_job_outside_the_changed_hours_keeps_its_local_time_in_spring() {
    assertEquals(
        List.of(
            at("2026-03-28T09:00+01:00"),
            at("2026-03-29T09:00+02:00"),
            at("2026-03-30T09:00+02:00")),
        fires("0 9 * * *", PARIS, at("2026-03-28T00:00+01:00"), 3));
    assertEquals(
        List.of(Instant.parse("2026-03-07T14:00:00Z"), Instant.parse("2026-03-08T13:00:00Z")),
        fires("0 9 * * *", NEW_YORK, at("2026-03-07T00:00-05:00"), 2));
  }

  @Test
  void daily_job_outside_the_changed_hours_keeps_its_local_time_in_autumn() {
    assertEquals(
        List.of(Instant.parse("2026-10-24T07:00:00Z"), Instant.parse("2026-10-25T08:00:00Z")),
        fires("0 9 * * *", PARIS, at("2026-10-24T00:00+02:00"), 2));
    assertEquals(
        List.of(Instant.parse("2026-10-31T13:00:00Z"), Instant.parse("2026-11-01T14:00:00Z")),
        fires("0 9 * * *", NEW_YORK, at("2026-10-31T00:00-04:00"), 2));
  }

  @Test
  void every_minute_across_both_changes_is_strictly_ascending_without_duplicates() {
    for (Instant start : List.of(at("2026-03-29T01:00+01:00"), at("2026-10-25T01:00+02:00"))) {
      List<Instant> fires = fires("* * * * *", PARIS, start, 300);
      for (int i = 1; i < fires.size(); i++) {
        assertTrue(fires.get(i).isAfter(fires.get(i - 1)), "not ascending at " + fires.get(i));
      }
    }
  }
}
