package io.nightshift.console;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CronWordsTest {

  @ParameterizedTest(name = "{0} in {1} reads \"{2}\"")
  @CsvSource(
      delimiter = '|',
      value = {
        "0 2 * * *        | Europe/Paris | every day at 02:00 Europe/Paris",
        "*/5 * * * *      | UTC | every 5 minutes UTC",
        "* * * * *        | UTC | every minute UTC",
        "15 * * * *       | UTC | every hour at :15 UTC",
        "@hourly          | UTC | every hour at :00 UTC",
        "0,30 * * * *     | UTC | every 30 minutes UTC",
        "0 */6 * * *      | UTC | every 6 hours at :00 UTC",
        "0 9 * * 1-5      | UTC | at 09:00 Monday to Friday UTC",
        "0 9 * * MON-FRI  | UTC | at 09:00 Monday to Friday UTC",
        "30 7 * * MON,WED | UTC | at 07:30 on Monday and Wednesday UTC",
        "5 4 * * SUN      | UTC | at 04:05 on Sunday UTC",
        "0 0 * * 7        | UTC | at 00:00 on Sunday UTC",
        "0 12 * * 0,6     | UTC | at 12:00 on Sunday and Saturday UTC",
        "0 0 * * */2      | UTC | at 00:00 on Sunday, Tuesday, Thursday and Saturday UTC",
        "*/15 * * * 1-5   | UTC | every 15 minutes Monday to Friday UTC",
        "0 9-17 * * 1-5   | UTC | every hour from 09:00 to 17:00 Monday to Friday UTC",
        "0 3 1 * *        | UTC | at 03:00 on day 1 of every month UTC",
        "0 0 1,15 * *     | UTC | at 00:00 on days 1 and 15 of every month UTC",
        "@daily           | UTC | every day at 00:00 UTC",
        "@midnight        | America/New_York | every day at 00:00 America/New_York",
        "@weekly          | UTC | at 00:00 on Sunday UTC",
        "@monthly         | UTC | at 00:00 on day 1 of every month UTC",
        "@yearly          | UTC | at 00:00 on 1 January UTC",
        "@annually        | UTC | at 00:00 on 1 January UTC",
        "0 0 25 12 *      | UTC | at 00:00 on 25 December UTC",
        "0 0 29 2 *       | UTC | at 00:00 on 29 February UTC",
      })
  void says_what_it_can_say_exactly(String cron, String zone, String words) {
    assertThat(CronWords.describe(cron, zone)).isEqualTo(words);
  }

  @ParameterizedTest(name = "{0} ({1}) reads as the expression")
  @CsvSource(
      delimiter = '|',
      value = {
        "0 9,17 * * *   | a list of hours",
        "0 1/6 * * *    | hours stepped from 1, not from midnight",
        "*/7 * * * *    | a step that does not divide the hour: 56 then 0",
        "0 */5 * * *    | a step that does not divide the day: 20 then 0",
        "*/30 9 * * *   | several minutes in one hour",
        "0 0 13 * FRI   | the day-of-month OR day-of-week rule",
        "0 0 31 * *     | a day some months lack",
        "0 0 */2 * *    | a long list of days",
        "0 0 1 1,7 *    | two months",
        "0 0 * 6 *      | every day of one month",
        "0 0 30 2 *     | a date that never comes",
        "0 0 * * 1,2,4,5,6 | a long list of weekdays",
      })
  void falls_back_to_the_expression_rather_than_say_something_wrong(String cron, String why) {
    assertThat(CronWords.describe(cron, "UTC")).isEqualTo("cron " + cron + " UTC");
  }

  @Test
  void an_expression_it_cannot_parse_reads_as_written() {
    assertThat(CronWords.describe(" 61 * * * * ", "UTC")).isEqualTo("cron 61 * * * * UTC");
    assertThat(CronWords.describe("@fortnightly", "UTC")).isEqualTo("cron @fortnightly UTC");
  }

  @Test
  void a_workflow_without_a_schedule_runs_on_demand_only() {
    assertThat(CronWords.describe(null, "Europe/Paris")).isEqualTo("on demand only");
  }

  @Test
  void a_missing_zone_reads_utc() {
    assertThat(CronWords.describe("0 2 * * *", null)).isEqualTo("every day at 02:00 UTC");
    assertThat(CronWords.describe("0 2 * * *", " ")).isEqualTo("every day at 02:00 UTC");
  }
}
