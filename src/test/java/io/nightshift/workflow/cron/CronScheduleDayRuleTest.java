package io.nightshift.workflow.cron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The robfig/Vixie rule: when both day fields are restricted a day fires if either matches,
 * otherwise both must.
 */
class CronScheduleDayRuleTest {

  /** Thursday, 1 January 2026, 00:00 UTC. */
  private static final Instant NEW_YEAR_2026 = Instant.parse("2026-01-01T00:00:00Z");

  private static List<LocalDate> fireDays(String expression, int count) {
    return CronSchedule.parse(expression).next(NEW_YEAR_2026, ZoneOffset.UTC, count).stream()
        .map(fire -> LocalDate.ofInstant(fire, ZoneOffset.UTC))
        .collect(Collectors.toList());
  }

  private static List<LocalDate> january(int... days) {
    return java.util.Arrays.stream(days)
        .mapToObj(day -> LocalDate.of(2026, 1, day))
        .collect(Collectors.toList());
  }

  @Test
  void thirteenth_or_friday_fires_on_every_thirteenth_and_every_friday() {
    assertTrue(CronSchedule.parse("0 0 13 * FRI").dayOrRule());
    // January 2026: Fridays are the 2nd, 9th, 16th, 23rd and 30th; the 13th is a Tuesday.
    assertEquals(january(2, 9, 13, 16, 23, 30), fireDays("0 0 13 * FRI", 6));
  }

  @Test
  void a_friday_the_thirteenth_fires_once() {
    // 13 February 2026 is a Friday.
    List<LocalDate> days = fireDays("0 0 13 * FRI", 9);
    assertEquals(
        List.of(LocalDate.of(2026, 2, 6), LocalDate.of(2026, 2, 13), LocalDate.of(2026, 2, 20)),
        days.subList(6, 9));
  }

  @Test
  void star_day_of_week_means_only_day_of_month_counts() {
    assertFalse(CronSchedule.parse("0 0 13 * *").dayOrRule());
    assertEquals(
        List.of(LocalDate.of(2026, 1, 13), LocalDate.of(2026, 2, 13)), fireDays("0 0 13 * *", 2));
  }

  @Test
  void star_day_of_month_means_only_day_of_week_counts() {
    assertFalse(CronSchedule.parse("0 0 * * FRI").dayOrRule());
    assertEquals(january(2, 9, 16), fireDays("0 0 * * FRI", 3));
  }

  @Test
  void question_mark_counts_as_star() {
    assertFalse(CronSchedule.parse("0 0 13 * ?").dayOrRule());
    assertFalse(CronSchedule.parse("0 0 ? * FRI").dayOrRule());
    assertEquals(january(2, 9, 16), fireDays("0 0 ? * FRI", 3));
  }

  @Test
  void star_slash_two_counts_as_restricted() {
    assertTrue(CronSchedule.parse("0 0 */2 * MON").dayOrRule());
    // Odd days of the month, or Mondays (the 5th, 12th, 19th, ...).
    assertEquals(january(3, 5, 7, 9, 11, 12, 13, 15), fireDays("0 0 */2 * MON", 8));
    assertTrue(CronSchedule.parse("0 0 13 * */2").dayOrRule());
    // The 13th, or Sunday/Tuesday/Thursday/Saturday.
    assertEquals(january(3, 4, 6, 8, 10, 11, 13, 15), fireDays("0 0 13 * */2", 8));
  }

  @Test
  void star_slash_one_counts_as_star() {
    assertFalse(CronSchedule.parse("0 0 */1 * MON").dayOrRule());
    assertEquals(january(5, 12), fireDays("0 0 */1 * MON", 2));
  }

  @Test
  void a_full_range_still_counts_as_restricted() {
    assertTrue(CronSchedule.parse("0 0 1-31 * MON").dayOrRule());
    assertEquals(january(2, 3, 4), fireDays("0 0 1-31 * MON", 3));
  }

  @Test
  void a_wildcard_item_in_a_list_counts_as_star_like_robfig() {
    assertFalse(CronSchedule.parse("0 0 *,5 * MON").dayOrRule());
    assertEquals(january(5, 12), fireDays("0 0 *,5 * MON", 2));
  }

  @Test
  void both_stars_fire_every_day() {
    assertFalse(CronSchedule.parse("0 0 * * *").dayOrRule());
    assertEquals(january(2, 3, 4), fireDays("0 0 * * *", 3));
  }
}
