package io.nightshift.workflow.cron;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A parsed 5-field Unix cron expression ({@code minute hour day-of-month month day-of-week}) or
 * macro, read the way Kubernetes CronJob (robfig/cron v3 standard parser) reads it.
 *
 * <p>Fire times are matched on the local wall-clock time of a zone, at minute resolution. Across
 * daylight-saving changes a matching local time that is skipped fires once at the transition
 * instant, and a local time that occurs twice fires once, at its first occurrence.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class CronSchedule {

  /** Long enough to reach the next February 29 across a skipped leap year (e.g. 2096 to 2104). */
  private static final int HORIZON_YEARS = 8;

  private static final Map<String, String> MACROS =
      Map.of(
          "@yearly", "0 0 1 1 *",
          "@annually", "0 0 1 1 *",
          "@monthly", "0 0 1 * *",
          "@weekly", "0 0 * * 0",
          "@daily", "0 0 * * *",
          "@midnight", "0 0 * * *",
          "@hourly", "0 * * * *");
  private static final String MACRO_LIST =
      "@yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly";

  private final String expression;
  private final long minutes;
  private final long hours;
  private final long daysOfMonth;
  private final long months;
  private final long daysOfWeek;
  private final boolean dayOrRule;

  private CronSchedule(String expression, Map<CronField, CronFieldParser.ParsedField> fields) {
    this.expression = expression;
    this.minutes = fields.get(CronField.MINUTE).bits();
    this.hours = fields.get(CronField.HOUR).bits();
    this.daysOfMonth = fields.get(CronField.DAY_OF_MONTH).bits();
    this.months = fields.get(CronField.MONTH).bits();
    this.daysOfWeek = fields.get(CronField.DAY_OF_WEEK).bits();
    this.dayOrRule =
        !fields.get(CronField.DAY_OF_MONTH).unrestricted()
            && !fields.get(CronField.DAY_OF_WEEK).unrestricted();
  }

  /**
   * Parses a 5-field cron expression or a macro such as {@code @daily}.
   *
   * @throws CronSyntaxException with a message naming the offending field when the expression is
   *     invalid
   */
  public static CronSchedule parse(String expression) {
    Objects.requireNonNull(expression, "expression");
    String trimmed = expression.trim();
    if (trimmed.isEmpty()) {
      throw new CronSyntaxException(
          "the cron expression is empty; expected 5 fields (minute hour day-of-month month day-of-week) or a macro");
    }
    String fieldsText = trimmed.startsWith("@") ? expandMacro(trimmed) : trimmed;
    return new CronSchedule(trimmed, parseFields(fieldsText));
  }

  private static String expandMacro(String macro) {
    String fields = MACROS.get(macro.toLowerCase(Locale.ROOT));
    if (fields == null) {
      throw new CronSyntaxException(
          "unknown macro " + macro + "; accepted macros are " + MACRO_LIST);
    }
    return fields;
  }

  private static Map<CronField, CronFieldParser.ParsedField> parseFields(String text) {
    String[] parts = text.split("\\s+");
    CronField[] fields = CronField.values();
    if (parts.length != fields.length) {
      throw new CronSyntaxException(
          "expected 5 fields (minute hour day-of-month month day-of-week), got " + parts.length);
    }
    Map<CronField, CronFieldParser.ParsedField> parsed = new EnumMap<>(CronField.class);
    for (int i = 0; i < fields.length; i++) {
      parsed.put(fields[i], CronFieldParser.parse(fields[i], parts[i]));
    }
    return parsed;
  }

  /** The expression as given to {@link #parse}, trimmed (macros are not expanded). */
  public String expression() {
    return expression;
  }

  /**
   * True when both day-of-month and day-of-week are restricted, so a day fires when either matches
   * (the Unix OR rule). When false, a day must match both fields, one of which then allows every
   * day.
   */
  public boolean dayOrRule() {
    return dayOrRule;
  }

  /** The values allowed in {@code field}, ascending. Day-of-week uses 0-6 with 0 = Sunday. */
  public NavigableSet<Integer> values(CronField field) {
    long bits = bits(field);
    NavigableSet<Integer> values = new TreeSet<>();
    for (int value = field.min(); value <= field.max(); value++) {
      if (has(bits, value)) {
        values.add(value);
      }
    }
    return Collections.unmodifiableNavigableSet(values);
  }

  private long bits(CronField field) {
    return switch (field) {
      case MINUTE -> minutes;
      case HOUR -> hours;
      case DAY_OF_MONTH -> daysOfMonth;
      case MONTH -> months;
      case DAY_OF_WEEK -> daysOfWeek;
    };
  }

  /**
   * The first fire instant strictly after {@code after}, matching wall-clock time in {@code zone};
   * empty when nothing fires within about eight years (e.g. {@code 0 0 30 2 *}).
   */
  public Optional<Instant> nextAfter(Instant after, ZoneId zone) {
    Objects.requireNonNull(after, "after");
    ZoneRules rules = Objects.requireNonNull(zone, "zone").getRules();
    LocalDateTime candidate = LocalDateTime.ofInstant(after, zone).truncatedTo(ChronoUnit.MINUTES);
    LocalDate lastDay = candidate.toLocalDate().plusYears(HORIZON_YEARS).plusDays(1);
    // The local-time-to-fire-instant mapping never decreases, so we can walk local matches
    // forward from the wall-clock minute of `after` and take the first that fires later. A few
    // matches may fire earlier, e.g. when `after` lies in the second pass through an autumn
    // overlap, whose times fired during the first.
    while (true) {
      Optional<LocalDateTime> match = nextLocalMatch(candidate, lastDay);
      if (match.isEmpty()) {
        return Optional.empty();
      }
      Instant fire = fireInstant(match.get(), rules);
      if (fire.isAfter(after)) {
        return Optional.of(fire);
      }
      candidate = match.get().plusMinutes(1);
    }
  }

  /**
   * The next {@code count} fire instants strictly after {@code after}, ascending; fewer if the
   * schedule ends.
   */
  public List<Instant> next(Instant after, ZoneId zone, int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative, got " + count);
    }
    List<Instant> fires = new ArrayList<>(Math.min(count, 1024));
    Instant cursor = after;
    while (fires.size() < count) {
      Optional<Instant> fire = nextAfter(cursor, zone);
      if (fire.isEmpty()) {
        break;
      }
      cursor = fire.get();
      fires.add(cursor);
    }
    return List.copyOf(fires);
  }

  /**
   * Maps a matching wall-clock time to the instant it fires: the transition instant when the time
   * falls in a spring-forward gap, the earlier of the two instants when it falls in an autumn
   * overlap.
   */
  private static Instant fireInstant(LocalDateTime local, ZoneRules rules) {
    List<ZoneOffset> offsets = rules.getValidOffsets(local);
    if (offsets.isEmpty()) {
      return rules.getTransition(local).getInstant();
    }
    ZoneOffset largest = offsets.get(0);
    for (ZoneOffset offset : offsets) {
      if (offset.getTotalSeconds() > largest.getTotalSeconds()) {
        largest = offset;
      }
    }
    return local.toInstant(largest);
  }

  /**
   * The first wall-clock minute at or after {@code from} that matches every field, skipping whole
   * months, days and hours that cannot match; empty once the date passes {@code lastDay}.
   */
  private Optional<LocalDateTime> nextLocalMatch(LocalDateTime from, LocalDate lastDay) {
    LocalDate date = from.toLocalDate();
    int hour = from.getHour();
    int minute = from.getMinute();
    while (!date.isAfter(lastDay)) {
      if (!has(months, date.getMonthValue())) {
        date = firstDayOfNextAllowedMonth(date);
        hour = 0;
        minute = 0;
        continue;
      }
      if (!dayMatches(date)) {
        date = date.plusDays(1);
        hour = 0;
        minute = 0;
        continue;
      }
      int nextHour = nextBit(hours, hour);
      if (nextHour > 23) {
        date = date.plusDays(1);
        hour = 0;
        minute = 0;
        continue;
      }
      if (nextHour != hour) {
        hour = nextHour;
        minute = 0;
      }
      int nextMinute = nextBit(minutes, minute);
      if (nextMinute > 59) {
        hour++;
        minute = 0;
        continue;
      }
      return Optional.of(date.atTime(hour, nextMinute));
    }
    return Optional.empty();
  }

  private LocalDate firstDayOfNextAllowedMonth(LocalDate date) {
    int month = nextBit(months, date.getMonthValue() + 1);
    if (month <= 12) {
      return LocalDate.of(date.getYear(), month, 1);
    }
    return LocalDate.of(date.getYear() + 1, nextBit(months, 1), 1);
  }

  private boolean dayMatches(LocalDate date) {
    boolean dayOfMonthMatches = has(daysOfMonth, date.getDayOfMonth());
    boolean dayOfWeekMatches = has(daysOfWeek, date.getDayOfWeek().getValue() % 7);
    return dayOrRule
        ? dayOfMonthMatches || dayOfWeekMatches
        : dayOfMonthMatches && dayOfWeekMatches;
  }

  private static boolean has(long bits, int value) {
    return (bits & (1L << value)) != 0;
  }

  /** The smallest set bit at or above {@code from}, or 64 when there is none. */
  private static int nextBit(long bits, int from) {
    if (from > 63) {
      return 64;
    }
    return Long.numberOfTrailingZeros(bits & (-1L << from));
  }

  /**
   * Equal when the field values and the day rule are equal, e.g. {@code @daily} and {@code 0 0 * *
   * *}.
   */
  @Override
  public boolean equals(Object other) {
    if (this == other) {
      return true;
    }
    if (!(other instanceof CronSchedule that)) {
      return false;
    }
    return minutes == that.minutes
        && hours == that.hours
        && daysOfMonth == that.daysOfMonth
        && months == that.months
        && daysOfWeek == that.daysOfWeek
        && dayOrRule == that.dayOrRule;
  }

  @Override
  public int hashCode() {
    return Objects.hash(minutes, hours, daysOfMonth, months, daysOfWeek, dayOrRule);
  }

  @Override
  public String toString() {
    return "CronSchedule[" + expression + "]";
  }
}
