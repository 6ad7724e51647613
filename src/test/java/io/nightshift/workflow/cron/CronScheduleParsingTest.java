package io.nightshift.workflow.cron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class CronScheduleParsingTest {

  private static Set<Integer> values(String expression, CronField field) {
    return CronSchedule.parse(expression).values(field);
  }

  private static Set<Integer> setOf(Integer... values) {
    return Set.of(values);
  }

  private static Set<Integer> closedRange(int from, int to) {
    return IntStream.rangeClosed(from, to).boxed().collect(Collectors.toSet());
  }

  @Test
  void star_allows_every_value_of_each_field() {
    CronSchedule schedule = CronSchedule.parse("* * * * *");
    assertEquals(closedRange(0, 59), schedule.values(CronField.MINUTE));
    assertEquals(closedRange(0, 23), schedule.values(CronField.HOUR));
    assertEquals(closedRange(1, 31), schedule.values(CronField.DAY_OF_MONTH));
    assertEquals(closedRange(1, 12), schedule.values(CronField.MONTH));
    assertEquals(closedRange(0, 6), schedule.values(CronField.DAY_OF_WEEK));
  }

  @Test
  void single_numbers_ranges_and_lists_are_accepted() {
    assertEquals(setOf(7), values("7 * * * *", CronField.MINUTE));
    assertEquals(setOf(9, 10, 11, 12), values("* 9-12 * * *", CronField.HOUR));
    assertEquals(setOf(1, 15, 20, 21, 22), values("* * 1,15,20-22 * *", CronField.DAY_OF_MONTH));
    assertEquals(setOf(5), values("5-5 * * * *", CronField.MINUTE));
    assertEquals(setOf(5), values("05 * * * *", CronField.MINUTE));
  }

  @Test
  void overlapping_list_items_are_merged() {
    assertEquals(setOf(1, 2, 3, 4, 5), values("1-4,2-5,3 * * * *", CronField.MINUTE));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = ';',
      value = {
        "*/15;     0,15,30,45",
        "*/1;      ALL",
        "10-20/5;  10,15,20",
        "10-21/5;  10,15,20",
        "50/3;     50,53,56,59",
        "*/45;     0,45",
        "*/100;    0",
        "5/100;    5",
        "0-59/30,7; 0,7,30",
      })
  void steps_are_accepted(String minuteField, String expected) {
    Set<Integer> expectedValues =
        expected.equals("ALL")
            ? closedRange(0, 59)
            : Stream.of(expected.split(",")).map(Integer::valueOf).collect(Collectors.toSet());
    assertEquals(expectedValues, values(minuteField + " * * * *", CronField.MINUTE));
  }

  @Test
  void month_names_are_case_insensitive_also_in_ranges_and_step_starts() {
    assertEquals(setOf(1, 6, 12), values("0 0 1 JAN,jun,Dec *", CronField.MONTH));
    assertEquals(setOf(3, 4, 5), values("0 0 1 mar-MAY *", CronField.MONTH));
    assertEquals(setOf(2, 5, 8, 11), values("0 0 1 FEB/3 *", CronField.MONTH));
    assertEquals(setOf(1, 3, 5), values("0 0 1 jan-may/2 *", CronField.MONTH));
  }

  @Test
  void day_names_are_case_insensitive_also_in_ranges() {
    assertEquals(setOf(1, 2, 3, 4, 5), values("0 0 * * MON-FRI", CronField.DAY_OF_WEEK));
    assertEquals(setOf(0, 6), values("0 0 * * sun,Sat", CronField.DAY_OF_WEEK));
    assertEquals(setOf(0, 1), values("0 0 * * sun-mon", CronField.DAY_OF_WEEK));
  }

  @Test
  void day_of_week_seven_is_sunday() {
    assertEquals(setOf(0), values("0 0 * * 7", CronField.DAY_OF_WEEK));
    assertEquals(setOf(0, 5, 6), values("0 0 * * 5-7", CronField.DAY_OF_WEEK));
    assertEquals(closedRange(0, 6), values("0 0 * * 0-7", CronField.DAY_OF_WEEK));
    assertEquals(setOf(0), values("0 0 * * 7/3", CronField.DAY_OF_WEEK));
    assertEquals(CronSchedule.parse("0 0 * * 0"), CronSchedule.parse("0 0 * * 7"));
  }

  @Test
  void day_of_week_start_with_step_runs_to_saturday_like_robfig() {
    assertEquals(setOf(1, 3, 5), values("0 0 * * 1/2", CronField.DAY_OF_WEEK));
    assertEquals(setOf(1, 3, 5), values("0 0 * * MON/2", CronField.DAY_OF_WEEK));
    assertEquals(setOf(0, 2, 4, 6), values("0 0 * * */2", CronField.DAY_OF_WEEK));
  }

  @Test
  void question_mark_means_star_in_the_day_fields() {
    assertEquals(CronSchedule.parse("0 0 * * MON"), CronSchedule.parse("0 0 ? * MON"));
    assertEquals(CronSchedule.parse("0 0 13 * *"), CronSchedule.parse("0 0 13 * ?"));
    assertEquals(
        setOf(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31),
        values("0 0 ?/2 * MON", CronField.DAY_OF_MONTH));
  }

  @Test
  void fields_may_be_separated_by_any_whitespace_and_the_expression_is_trimmed() {
    CronSchedule schedule = CronSchedule.parse("  0\t12   * *\n MON-FRI ");
    assertEquals("0\t12   * *\n MON-FRI", schedule.expression());
    assertEquals(CronSchedule.parse("0 12 * * 1-5"), schedule);
  }

  @ParameterizedTest
  @CsvSource({
    "@yearly,   0 0 1 1 *",
    "@annually, 0 0 1 1 *",
    "@monthly,  0 0 1 * *",
    "@weekly,   0 0 * * 0",
    "@daily,    0 0 * * *",
    "@midnight, 0 0 * * *",
    "@hourly,   0 * * * *",
    "@DAILY,    0 0 * * *",
    "@Weekly,   0 0 * * 0",
  })
  void macros_expand_to_their_five_field_equivalent(String macro, String equivalent) {
    CronSchedule schedule = CronSchedule.parse(macro);
    assertEquals(CronSchedule.parse(equivalent), schedule);
    assertEquals(macro, schedule.expression());
    assertFalse(schedule.dayOrRule());
  }

  static Stream<Arguments> invalidExpressions() {
    String macros = "@yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly";
    return Stream.of(
        Arguments.of("61 * * * *", "minute field: 61 is above the maximum 59"),
        Arguments.of("99999999999 * * * *", "minute field: 99999999999 is above the maximum 59"),
        Arguments.of("* 24 * * *", "hour field: 24 is above the maximum 23"),
        Arguments.of("* * 0 * *", "day-of-month field: 0 is below the minimum 1"),
        Arguments.of("* * 32 * *", "day-of-month field: 32 is above the maximum 31"),
        Arguments.of("* * * 0 *", "month field: 0 is below the minimum 1"),
        Arguments.of("* * * 13 *", "month field: 13 is above the maximum 12"),
        Arguments.of("* * * * 8", "day-of-week field: 8 is above the maximum 7"),
        Arguments.of(
            "* * * * * *", "expected 5 fields (minute hour day-of-month month day-of-week), got 6"),
        Arguments.of(
            "* * * *", "expected 5 fields (minute hour day-of-month month day-of-week), got 4"),
        Arguments.of("5-3 * * * *", "minute field: range 5-3 starts after it ends (5 > 3)"),
        Arguments.of(
            "* * * * FRI-MON", "day-of-week field: range FRI-MON starts after it ends (5 > 1)"),
        Arguments.of(
            "* * * * FRI-SUN", "day-of-week field: range FRI-SUN starts after it ends (5 > 0)"),
        Arguments.of("*/0 * * * *", "minute field: step in \"*/0\" must be at least 1"),
        Arguments.of("* 1-5/0 * * *", "hour field: step in \"1-5/0\" must be at least 1"),
        Arguments.of("*/x * * * *", "minute field: step \"x\" in \"*/x\" is not a number"),
        Arguments.of("*/ * * * *", "minute field: step \"\" in \"*/\" is not a number"),
        Arguments.of("*/-1 * * * *", "minute field: step \"-1\" in \"*/-1\" is not a number"),
        Arguments.of("* * * JAN/FEB *", "month field: step \"FEB\" in \"JAN/FEB\" is not a number"),
        Arguments.of("1/2/3 * * * *", "minute field: \"1/2/3\" has more than one step"),
        Arguments.of("1,,2 * * * *", "minute field: empty list item in \"1,,2\""),
        Arguments.of("1, * * * *", "minute field: empty list item in \"1,\""),
        Arguments.of("* * ,1 * *", "day-of-month field: empty list item in \",1\""),
        Arguments.of("1-2-3 * * * *", "minute field: \"1-2-3\" is not a valid range"),
        Arguments.of("-5 * * * *", "minute field: \"-5\" is missing a value"),
        Arguments.of("5- * * * *", "minute field: \"5-\" is missing a value"),
        Arguments.of(
            "*-5 * * * *",
            "minute field: \"*-5\": a wildcard must stand alone or be followed by a step"),
        Arguments.of(
            "? * * * *",
            "minute field: \"?\" is only allowed in the day-of-month and day-of-week fields"),
        Arguments.of(
            "* * * ? *",
            "month field: \"?\" is only allowed in the day-of-month and day-of-week fields"),
        Arguments.of("a * * * *", "minute field: \"a\" is not a number"),
        Arguments.of("* JAN * * *", "hour field: \"JAN\" is not a number"),
        Arguments.of(
            "* * * FOO *", "month field: \"FOO\" is not a number or a month name (JAN-DEC)"),
        Arguments.of(
            "* * * * MONDAY",
            "day-of-week field: \"MONDAY\" is not a number or a day name (SUN-SAT)"),
        Arguments.of(
            "* * * * L", "day-of-week field: \"L\" is not a number or a day name (SUN-SAT)"),
        Arguments.of("* * L * *", "day-of-month field: \"L\" is not a number"),
        Arguments.of("+5 * * * *", "minute field: \"+5\" is not a number"),
        Arguments.of("@every 5m", "unknown macro @every 5m; accepted macros are " + macros),
        Arguments.of("@reboot", "unknown macro @reboot; accepted macros are " + macros),
        Arguments.of(
            "",
            "the cron expression is empty; expected 5 fields (minute hour day-of-month month day-of-week) or a macro"),
        Arguments.of(
            "   ",
            "the cron expression is empty; expected 5 fields (minute hour day-of-month month day-of-week) or a macro"));
  }

  @ParameterizedTest(name = "[{index}] \"{0}\"")
  @MethodSource("invalidExpressions")
  void invalid_expressions_are_rejected_with_a_message_naming_the_problem(
      String expression, String message) {
    CronSyntaxException error =
        assertThrows(CronSyntaxException.class, () -> CronSchedule.parse(expression));
    assertEquals(message, error.getMessage());
  }

  @Test
  void syntax_errors_are_illegal_argument_exceptions() {
    assertInstanceOf(
        IllegalArgumentException.class,
        assertThrows(CronSyntaxException.class, () -> CronSchedule.parse("60 * * * *")));
  }

  @Test
  void null_expression_is_rejected() {
    assertThrows(NullPointerException.class, () -> CronSchedule.parse(null));
  }

  @Test
  void values_are_an_unmodifiable_ascending_view() {
    var minutes = CronSchedule.parse("45,0,30,15 * * * *").values(CronField.MINUTE);
    assertEquals(List.of(0, 15, 30, 45), List.copyOf(minutes));
    assertThrows(UnsupportedOperationException.class, () -> minutes.add(1));
  }

  @Test
  void equal_field_values_and_day_rule_make_equal_schedules() {
    assertEquals(CronSchedule.parse("@daily"), CronSchedule.parse("0 0 * * *"));
    assertEquals(
        CronSchedule.parse("@daily").hashCode(), CronSchedule.parse("0 0 * * *").hashCode());
    assertEquals(CronSchedule.parse("0-59/15 * * * *"), CronSchedule.parse("*/15 * * * *"));
    assertNotEquals(CronSchedule.parse("0 0 * * *"), CronSchedule.parse("0 1 * * *"));
    // Same values, but "1-31" is a restriction and switches the OR rule on.
    assertNotEquals(CronSchedule.parse("0 0 * * MON"), CronSchedule.parse("0 0 1-31 * MON"));
  }

  @Test
  void to_string_shows_the_expression() {
    assertTrue(CronSchedule.parse("@hourly").toString().contains("@hourly"));
  }
}
