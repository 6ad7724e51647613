package io.nightshift.console;

import io.nightshift.workflow.cron.CronField;
import io.nightshift.workflow.cron.CronSchedule;
import io.nightshift.workflow.cron.CronSyntaxException;
import java.time.Month;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.NavigableSet;
import java.util.Optional;

/**
 * Says a workflow's schedule in English, as Kubernetes reads the cron expression: {@code every day
 * at 02:00 Europe/Paris}, {@code at 09:00 Monday to Friday UTC}, {@code every 5 minutes UTC}.
 *
 * <p>It reads the fields {@link CronSchedule} parsed rather than the text, so {@code 0 9 * *
 * MON-FRI}, {@code 0 9 * * 1-5} and {@code 0 9 ? * 1,2,3,4,5} read the same. It only says what it
 * can say exactly: lists of hours, steps that do not divide the hour or day evenly, days of the
 * month that some months lack, month restrictions other than one date a year, and the day-of-month
 * OR day-of-week rule all read as {@code cron <expression> <zone>}. A plain expression is better
 * than a sentence that is wrong.
 */
public final class CronWords {

  static final String ON_DEMAND = "on demand only";

  /** Lists longer than this read worse than the expression. */
  private static final int LONGEST_LIST = 4;

  private static final String[] WEEKDAYS = {
    "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"
  };

  private CronWords() {}

  /**
   * The schedule {@code cron} in {@code timeZone} (UTC when null or blank) as a short phrase, or
   * {@code on demand only} when there is no schedule. Plain text: escape it before putting it in
   * markup.
   */
  public static String describe(String cron, String timeZone) {
    if (cron == null) {
      return ON_DEMAND;
    }
    String zone = timeZone == null || timeZone.isBlank() ? "UTC" : timeZone.trim();
    CronSchedule schedule;
    try {
      schedule = CronSchedule.parse(cron);
    } catch (CronSyntaxException invalid) {
      return "cron " + cron.trim() + " " + zone;
    }
    return phrase(schedule).orElse("cron " + schedule.expression()) + " " + zone;
  }

  private static Optional<String> phrase(CronSchedule schedule) {
    if (schedule.dayOrRule()) {
      return Optional.empty();
    }
    Optional<Times> times =
        times(schedule.values(CronField.MINUTE), schedule.values(CronField.HOUR));
    Optional<String> days = days(schedule);
    if (times.isEmpty() || days.isEmpty()) {
      return Optional.empty();
    }
    String when = times.get().words();
    if (days.get().isEmpty()) {
      return Optional.of(times.get().once() ? "every day " + when : when);
    }
    return Optional.of(when + " " + days.get());
  }

  /** What the time fields say, and whether that is one time of day. */
  private record Times(String words, boolean once) {}

  private static Optional<Times> times(NavigableSet<Integer> minutes, NavigableSet<Integer> hours) {
    boolean everyHour = full(hours, CronField.HOUR);
    if (everyHour) {
      if (full(minutes, CronField.MINUTE)) {
        return Optional.of(new Times("every minute", false));
      }
      if (minutes.size() == 1) {
        return Optional.of(new Times("every hour at :" + twoDigits(minutes.first()), false));
      }
      int step = evenStep(minutes, 60);
      return step > 0
          ? Optional.of(new Times("every " + step + " minutes", false))
          : Optional.empty();
    }
    if (minutes.size() != 1) {
      return Optional.empty();
    }
    int minute = minutes.first();
    if (hours.size() == 1) {
      return Optional.of(new Times("at " + clock(hours.first(), minute), true));
    }
    int step = evenStep(hours, 24);
    if (step > 0) {
      return Optional.of(new Times("every " + step + " hours at :" + twoDigits(minute), false));
    }
    if (contiguous(hours)) {
      return Optional.of(
          new Times(
              "every hour from "
                  + clock(hours.first(), minute)
                  + " to "
                  + clock(hours.last(), minute),
              false));
    }
    return Optional.empty();
  }

  /**
   * The day restriction: empty text for every day, {@code Monday to Friday}, {@code on Monday and
   * Wednesday}, {@code on day 1 of every month}, {@code on 1 January}; nothing when it cannot say.
   * Only called without the OR rule, so one of the two day fields allows every day.
   */
  private static Optional<String> days(CronSchedule schedule) {
    NavigableSet<Integer> daysOfMonth = schedule.values(CronField.DAY_OF_MONTH);
    NavigableSet<Integer> months = schedule.values(CronField.MONTH);
    NavigableSet<Integer> weekdays = schedule.values(CronField.DAY_OF_WEEK);
    boolean everyDayOfMonth = full(daysOfMonth, CronField.DAY_OF_MONTH);
    boolean everyWeekday = full(weekdays, CronField.DAY_OF_WEEK);
    boolean everyMonth = full(months, CronField.MONTH);
    if (!everyMonth) {
      // One date a year, e.g. @yearly; a day-of-month the month has (29 February is in leap years,
      // which is what cron does too).
      if (months.size() == 1 && daysOfMonth.size() == 1 && everyWeekday) {
        Month month = Month.of(months.first());
        if (daysOfMonth.first() <= month.maxLength()) {
          return Optional.of(
              "on "
                  + daysOfMonth.first()
                  + " "
                  + month.getDisplayName(TextStyle.FULL, Locale.ENGLISH));
        }
      }
      return Optional.empty();
    }
    if (everyDayOfMonth && everyWeekday) {
      return Optional.of("");
    }
    if (everyDayOfMonth) {
      if (weekdays.size() >= 3 && contiguous(weekdays)) {
        return Optional.of(WEEKDAYS[weekdays.first()] + " to " + WEEKDAYS[weekdays.last()]);
      }
      if (weekdays.size() > LONGEST_LIST) {
        return Optional.empty();
      }
      return Optional.of("on " + and(weekdays.stream().map(day -> WEEKDAYS[day]).toList()));
    }
    if (!everyWeekday) {
      return Optional.empty();
    }
    // Days 29 to 31 are missing from some months: "day 31 of every month" would be a lie.
    if (daysOfMonth.size() > LONGEST_LIST || daysOfMonth.last() > 28) {
      return Optional.empty();
    }
    List<String> numbers = daysOfMonth.stream().map(String::valueOf).toList();
    return Optional.of(
        (numbers.size() == 1 ? "on day " : "on days ") + and(numbers) + " of every month");
  }

  /**
   * The step {@code s} when {@code values} are exactly {@code 0, s, 2s, …} and {@code s} divides
   * {@code period}, so the gap across the wrap (59 to 0, 23 to 0) is {@code s} too; else 0.
   */
  private static int evenStep(NavigableSet<Integer> values, int period) {
    if (values.size() < 2 || values.first() != 0) {
      return 0;
    }
    int step = values.higher(0);
    if (period % step != 0 || values.size() != period / step) {
      return 0;
    }
    for (int value : values) {
      if (value % step != 0) {
        return 0;
      }
    }
    return step;
  }

  private static boolean full(NavigableSet<Integer> values, CronField field) {
    return values.size() == field.max() - field.min() + 1;
  }

  private static boolean contiguous(NavigableSet<Integer> values) {
    return values.last() - values.first() + 1 == values.size();
  }

  /** {@code a}, {@code a and b}, {@code a, b and c}. */
  private static String and(List<String> items) {
    if (items.size() == 1) {
      return items.get(0);
    }
    List<String> head = new ArrayList<>(items.subList(0, items.size() - 1));
    return String.join(", ", head) + " and " + items.get(items.size() - 1);
  }

  private static String clock(int hour, int minute) {
    return twoDigits(hour) + ":" + twoDigits(minute);
  }

  private static String twoDigits(int value) {
    return value < 10 ? "0" + value : Integer.toString(value);
  }
}
