package io.nightshift.workflow.cron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Compares our fire times with cron-utils' UNIX cron in UTC for random expressions.
 *
 * <p>cron-utils 9.2.1 ({@code CronType.UNIX}) differs from robfig/cron v3 (Kubernetes) in the
 * constructs below. Each was checked against cron-utils' source ({@code FieldParser}, {@code
 * CronDefinitionBuilder.unixCrontab}, {@code EveryFieldValueGenerator}, {@code
 * SingleExecutionTime}, {@code FieldConstraints}) and by running it; the generator avoids exactly
 * these and nothing else:
 *
 * <ol>
 *   <li>{@code ?}: the UNIX definition has no question-mark support, so cron-utils rejects it;
 *       robfig reads it as {@code *} in the day fields.
 *   <li>Day-of-week {@code a/n}: cron-utils' day-of-week range is 0-7, so {@code a/n} runs to 7 and
 *       adds Sunday whenever {@code (7 - a) % n == 0} (e.g. {@code 1/2} = Mon, Wed, Fri <em>and
 *       Sun</em>); robfig stops at 6. {@code 7/n} is mapped to {@code 0/n} by cron-utils (every
 *       n-th day from Sunday) while we read it as Sunday. Other {@code a/n} produce identical sets
 *       and are generated.
 *   <li>{@code SUN} inside a day-of-week range: cron-utils maps the name to 7 there (ranges skip
 *       its 7-to-0 int mapping), so {@code SUN-WED} is rejected as "Invalid range [7,3]" and {@code
 *       FRI-SUN} means Fri-Sun, whereas robfig has SUN = 0 and rejects {@code FRI-SUN}. {@code SUN}
 *       as a single value or step start is generated.
 *   <li>A wildcard inside a day-field list ({@code *,5}, {@code *\/1,MON}): robfig ORs each item's
 *       "star" bit, so the field counts as unrestricted and the day rule is AND; cron-utils only
 *       treats a field that is exactly an {@code Always} as unrestricted, so it applies OR and
 *       fires every day. Lists in day fields therefore contain no {@code *} or {@code *\/1} items.
 *       (A lone {@code *\/1} is parsed as {@code *} by both and is generated, as is {@code *\/n}
 *       with n &gt; 1, which both treat as restricted.)
 *   <li>Steps larger than the field's maximum ({@code *\/60}, {@code 0 0 *\/40 * *}): cron-utils
 *       rejects them ("Period 40 not in range [1, 31]"); robfig accepts them (only the start value
 *       fires). A day-of-week {@code a-b/7} has its step mapped 7 to 0 by cron-utils and is
 *       rejected. Steps are drawn from 1..max (1..6 for day-of-week {@code a-b/n}).
 *   <li>Only the literal {@code *\/1} is recognised as {@code *} by cron-utils; {@code *\/01}
 *       becomes a restricted "every 1". The generator writes no leading zeros.
 * </ol>
 *
 * Macros are not compared: the UNIX definition supports no nicknames.
 */
class CronUtilsDifferentialTest {

  private static final long SEED = 20260329L;
  private static final int EXPRESSIONS = 1_200;
  private static final int FIRES_PER_START = 20;
  private static final List<Instant> STARTS =
      List.of(
          Instant.parse("2026-01-01T00:00:00Z"),
          Instant.parse("2026-03-29T01:37:12Z"),
          Instant.parse("2027-12-31T23:59:00Z"),
          Instant.parse("2028-02-28T12:00:00Z"));

  private static final String[] MONTH_NAMES = {
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"
  };
  private static final String[] DAY_NAMES = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

  private final CronParser cronUtilsParser =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  @Test
  void random_expressions_fire_at_the_same_times_as_cron_utils_in_utc() {
    ExpressionGenerator generator = new ExpressionGenerator(new Random(SEED));
    int expressions = 0;
    int fireTimes = 0;
    for (int i = 0; i < EXPRESSIONS; i++) {
      String expression = generator.expression();
      CronSchedule ours = CronSchedule.parse(expression);
      ExecutionTime theirs = ExecutionTime.forCron(cronUtilsParser.parse(expression));
      for (Instant start : STARTS) {
        List<Instant> expected = cronUtilsFires(theirs, start);
        List<Instant> actual = ours.next(start, ZoneOffset.UTC, FIRES_PER_START);
        assertEquals(expected, actual, () -> "\"" + expression + "\" after " + start);
        fireTimes += actual.size();
      }
      expressions++;
    }
    System.out.printf(
        "cron-utils differential: compared %d expressions and %d fire times%n",
        expressions, fireTimes);
    assertTrue(
        fireTimes > EXPRESSIONS * STARTS.size() * FIRES_PER_START / 2,
        "too few fire times were compared");
  }

  private static List<Instant> cronUtilsFires(ExecutionTime executionTime, Instant start) {
    List<Instant> fires = new ArrayList<>();
    ZonedDateTime cursor = start.atZone(ZoneOffset.UTC);
    while (fires.size() < FIRES_PER_START) {
      Optional<ZonedDateTime> next = executionTime.nextExecution(cursor);
      if (next.isEmpty()) {
        break;
      }
      cursor = next.get();
      fires.add(cursor.toInstant());
    }
    return fires;
  }

  /**
   * Random valid expressions mixing *, values, ranges, steps, lists and names, minus the constructs
   * above.
   */
  private static final class ExpressionGenerator {
    private final Random random;

    ExpressionGenerator(Random random) {
      this.random = random;
    }

    String expression() {
      return String.join(
          " ",
          field(CronField.MINUTE),
          field(CronField.HOUR),
          field(CronField.DAY_OF_MONTH),
          field(CronField.MONTH),
          field(CronField.DAY_OF_WEEK));
    }

    private String field(CronField field) {
      int roll = random.nextInt(10);
      if (roll < 2) {
        return "*";
      }
      int items = roll < 7 ? 1 : 2 + random.nextInt(2);
      List<String> parts = new ArrayList<>();
      for (int i = 0; i < items; i++) {
        parts.add(item(field, items > 1));
      }
      return String.join(",", parts);
    }

    private String item(CronField field, boolean inList) {
      while (true) {
        switch (random.nextInt(6)) {
          case 0:
            {
              if (inList && field.isDayField()) {
                continue; // difference 4: a wildcard inside a day-field list
              }
              return random.nextInt(4) == 0 ? "*/1" : "*";
            }
          case 1:
            return value(
                field, random.nextInt(maxWritten(field) - field.min() + 1) + field.min(), false);
          case 2:
            {
              int[] range = range(field);
              return value(field, range[0], true) + "-" + value(field, range[1], true);
            }
          case 3:
            {
              int step = step(field, false);
              if (step == 1 && inList && field.isDayField()) {
                continue; // difference 4: "*/1" is a wildcard too
              }
              return "*/" + step;
            }
          case 4:
            {
              int[] range = range(field);
              return value(field, range[0], true)
                  + "-"
                  + value(field, range[1], true)
                  + "/"
                  + step(field, true);
            }
          default:
            {
              int start = random.nextInt(maxWritten(field) - field.min() + 1) + field.min();
              int step = step(field, false);
              if (field == CronField.DAY_OF_WEEK
                  && start != 0
                  && (start == 7 || (7 - start) % step == 0)) {
                continue; // difference 2: cron-utils' day-of-week "a/n" runs on to 7 (Sunday)
              }
              return value(field, start, false) + "/" + step;
            }
        }
      }
    }

    private int[] range(CronField field) {
      int a = random.nextInt(maxWritten(field) - field.min() + 1) + field.min();
      int b = random.nextInt(maxWritten(field) - field.min() + 1) + field.min();
      return new int[] {Math.min(a, b), Math.max(a, b)};
    }

    /** Day-of-week values are written 0-7, 7 being Sunday too (both libraries agree on that). */
    private static int maxWritten(CronField field) {
      return field == CronField.DAY_OF_WEEK ? 7 : field.max();
    }

    private int step(CronField field, boolean inRange) {
      // Difference 5: steps stay within 1..max, and day-of-week "a-b/7" is avoided.
      int maxStep = field == CronField.DAY_OF_WEEK ? (inRange ? 6 : 7) : field.max();
      return 1 + random.nextInt(maxStep);
    }

    private String value(CronField field, int value, boolean inRange) {
      if (random.nextInt(3) != 0) {
        return Integer.toString(value);
      }
      String name =
          switch (field) {
            case MONTH -> MONTH_NAMES[value - 1];
            // Difference 3: SUN inside a range means 7 to cron-utils and 0 to robfig.
            case DAY_OF_WEEK -> value == 7 || (inRange && value == 0) ? null : DAY_NAMES[value];
            default -> null;
          };
      if (name == null) {
        return Integer.toString(value);
      }
      return random.nextBoolean() ? name : name.toLowerCase(Locale.ROOT);
    }
  }
}
