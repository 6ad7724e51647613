package io.nightshift.testsupport;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a Kubernetes CronJob fires: an oracle for tests, written from the rules of the standard
 * parser of robfig/cron v3 as the CronJob controller uses it, and sharing no code with Nightshift's
 * own cron support.
 *
 * <p>The rules it follows:
 *
 * <ul>
 *   <li>The zone is {@code spec.timeZone} when set (the controller then parses {@code
 *       "TZ=<timeZone> <schedule>"}); else the zone of a {@code CRON_TZ=Zone } or {@code TZ=Zone }
 *       prefix of the schedule; else UTC, the local zone of a kube-controller-manager as it is
 *       usually run. A prefix together with {@code spec.timeZone} is refused, as the API server
 *       refuses it. (Since Kubernetes 1.29 the API server also refuses a prefix in the schedule of
 *       a new CronJob, but keeps serving, and lets one update, those created before.) {@code Local}
 *       and names outside the tz database are refused.
 *   <li>Exactly five fields, split on white space: minute (0-59), hour (0-23), day of month (1-31),
 *       month (1-12 or JAN-DEC), day of week (0-6 or SUN-SAT; 7 is refused). Names are
 *       case-insensitive and allowed wherever a number of those two fields is. Each field is a
 *       comma-separated list of {@code *} or {@code ?} (any field), {@code a}, {@code a-b}, each
 *       with an optional {@code /n} step; {@code a/n} means {@code a-max/n}.
 *   <li>A day field "is a star" when one of its list items is {@code *} or {@code ?} without a step
 *       or with step 1; {@code *}{@code /2} is not a star. When day of month or day of week is a
 *       star, a day must match both; otherwise a day matching either fires.
 *   <li>Descriptors {@code @yearly}, {@code @annually}, {@code @monthly}, {@code @weekly},
 *       {@code @daily}, {@code @midnight} and {@code @hourly}, written exactly so. {@code @every}
 *       is not supported by this oracle and throws {@link IllegalArgumentException}, as does any
 *       schedule or zone the rules above refuse.
 * </ul>
 *
 * <p>It computes by brute force: it walks the instants from the first whole minute after the given
 * one, reads each as wall-clock time in the zone, and keeps those whose fields all match. It leaps
 * over the rest of a month, day or hour that cannot match, and gives up when ten years pass without
 * a match, so it returns fewer times than asked for a schedule that fires more rarely (as {@code 0
 * 0 30 2 *}, which never does).
 *
 * <p>Daylight saving time and other changes of offset: it does not model what the controller does
 * when a matching wall-clock time is skipped (a gap: {@code 02:30} in Europe/Paris on 2027-03-28)
 * or occurs twice (an overlap: {@code 02:30} there on 2027-10-31). Instead it refuses to guess: if
 * such a time matches the schedule and falls between the given instant and the last time it would
 * return, it throws {@link IllegalStateException} naming the wall-clock time and the zone, so that
 * a test running into one fails loudly instead of comparing wrong data. It also throws when a
 * change of offset near or among the times it would return is one that robfig/cron's whole-hour
 * arithmetic gets wrong even for times clear of the gap or overlap: a change of 30 minutes
 * (Australia/Lord_Howe), at a time not on the hour (Pacific/Chatham, at 02:45), or at midnight
 * (America/Santiago, Africa/Cairo). Changes of a whole hour, on the hour and away from midnight, as
 * in Europe, North America and Australia's other zones, are computed. Pick schedules, zones and
 * start instants that stay clear of the refused cases, or assert the exception.
 *
 * <p>These refusals were drawn by comparing the oracle with robfig/cron v3.0.1, the version
 * Kubernetes uses, on random schedules, zones and start instants, many of them close to a change of
 * offset: where the oracle answers, the two agree.
 */
public final class KubernetesCronRules {

  /** How long the walk goes on without a match before it gives up. */
  private static final int WALK_YEARS = 10;

  private static final Pattern TOKEN = Pattern.compile("\\S+", Pattern.UNICODE_CHARACTER_CLASS);
  private static final Pattern SPACE_AROUND =
      Pattern.compile("^\\s+|\\s+$", Pattern.UNICODE_CHARACTER_CLASS);
  private static final Pattern NUMBER = Pattern.compile("[+-]?[0-9]+");

  private static final Map<String, Integer> MONTHS =
      Map.ofEntries(
          Map.entry("jan", 1),
          Map.entry("feb", 2),
          Map.entry("mar", 3),
          Map.entry("apr", 4),
          Map.entry("may", 5),
          Map.entry("jun", 6),
          Map.entry("jul", 7),
          Map.entry("aug", 8),
          Map.entry("sep", 9),
          Map.entry("oct", 10),
          Map.entry("nov", 11),
          Map.entry("dec", 12));
  private static final Map<String, Integer> DAYS =
      Map.of("sun", 0, "mon", 1, "tue", 2, "wed", 3, "thu", 4, "fri", 5, "sat", 6);

  private record Bounds(String name, int min, int max, Map<String, Integer> names) {
    long all() {
      return bits(min, max, 1);
    }
  }

  private static final Bounds MINUTE = new Bounds("minute", 0, 59, Map.of());
  private static final Bounds HOUR = new Bounds("hour", 0, 23, Map.of());
  private static final Bounds DAY_OF_MONTH = new Bounds("day of month", 1, 31, Map.of());
  private static final Bounds MONTH = new Bounds("month", 1, 12, MONTHS);
  private static final Bounds DAY_OF_WEEK = new Bounds("day of week", 0, 6, DAYS);

  /** A parsed field: bit {@code v} set when value {@code v} matches. */
  private record Field(long bits, boolean star) {
    boolean has(int value) {
      return (bits >>> value & 1L) != 0;
    }

    /** Whether some value at least {@code value} matches. */
    boolean hasFrom(int value) {
      return (bits >>> value) != 0;
    }
  }

  private record Schedule(
      ZoneId zone, Field minute, Field hour, Field dayOfMonth, Field month, Field dayOfWeek) {

    boolean dayMatches(LocalDate date) {
      boolean dom = dayOfMonth.has(date.getDayOfMonth());
      boolean dow = dayOfWeek.has(sundayZero(date.getDayOfWeek()));
      return dayOfMonth.star() || dayOfWeek.star() ? dom && dow : dom || dow;
    }

    boolean matches(LocalDateTime local) {
      return month.has(local.getMonthValue())
          && dayMatches(local.toLocalDate())
          && hour.has(local.getHour())
          && minute.has(local.getMinute());
    }
  }

  private KubernetesCronRules() {}

  /**
   * The first {@code count} times strictly after {@code after} at which a CronJob with this {@code
   * spec.schedule} and {@code spec.timeZone} fires, in order; fewer if ten years pass without one.
   *
   * @param schedule {@code spec.schedule}, possibly with a {@code CRON_TZ=} or {@code TZ=} prefix
   * @param timeZone {@code spec.timeZone}, or null when the CronJob has none
   * @throws IllegalArgumentException if Kubernetes would refuse the schedule or zone, or the
   *     schedule is {@code @every}
   * @throws IllegalStateException if a matching wall-clock time up to the last returned one is
   *     skipped or repeated by a change of offset in the zone, or if a change of offset this oracle
   *     does not model (see the class description) bears on the times it would return
   */
  public static List<Instant> next(String schedule, String timeZone, Instant after, int count) {
    Objects.requireNonNull(after, "after");
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative: " + count);
    }
    Schedule spec = parse(schedule, timeZone);
    if (count == 0) {
      return List.of();
    }
    ZoneRules rules = spec.zone().getRules();
    List<Instant> fires = new ArrayList<>();
    // Start at or before 'after' and keep only times after it.
    Instant t = after.truncatedTo(ChronoUnit.MINUTES);
    Instant limit = walkLimit(after);
    while (fires.size() < count && !t.isAfter(limit)) {
      ZoneOffset offset = rules.getOffset(t);
      if (offset.getTotalSeconds() % 60 != 0) {
        throw new IllegalStateException(
            "the offset " + offset + " of " + spec.zone() + " at " + t + " is no whole minute");
      }
      LocalDateTime local = LocalDateTime.ofInstant(t, spec.zone());
      LocalDateTime leapTo;
      if (!spec.month().has(local.getMonthValue())) {
        leapTo = local.toLocalDate().withDayOfMonth(1).plusMonths(1).atStartOfDay();
      } else if (!spec.dayMatches(local.toLocalDate())) {
        leapTo = local.toLocalDate().plusDays(1).atStartOfDay();
      } else if (!spec.hour().has(local.getHour()) || !spec.minute().hasFrom(local.getMinute())) {
        leapTo = local.truncatedTo(ChronoUnit.HOURS).plusHours(1);
      } else {
        if (spec.minute().has(local.getMinute()) && t.isAfter(after)) {
          fires.add(t);
          limit = walkLimit(t);
        }
        t = t.plus(Duration.ofMinutes(1));
        continue;
      }
      Instant leapt = ZonedDateTime.ofLocal(leapTo, spec.zone(), offset).toInstant();
      if (!leapt.isAfter(t)) {
        throw new IllegalStateException("the walk stalled at " + t + " in " + spec.zone());
      }
      t = leapt;
    }
    Instant last = fires.size() == count ? fires.get(count - 1) : limit;
    refuseTransitions(spec, rules, after, last);
    return List.copyOf(fires);
  }

  private static Instant walkLimit(Instant from) {
    return from.atZone(ZoneOffset.UTC).plusYears(WALK_YEARS).toInstant();
  }

  /**
   * Throws if a wall-clock time matching the schedule is skipped or repeated by an offset
   * transition that bears on the times between {@code after} and {@code last}, or if a transition
   * robfig/cron mishandles lies near or among them.
   */
  private static void refuseTransitions(
      Schedule spec, ZoneRules rules, Instant after, Instant last) {
    Duration margin = Duration.ofDays(2);
    ZoneOffsetTransition transition = rules.nextTransition(after.minus(margin));
    while (transition != null && !transition.getInstant().isAfter(last.plus(margin))) {
      boolean between =
          transition.getInstant().isAfter(after) && !transition.getInstant().isAfter(last);
      if (transition.isGap()) {
        for (LocalDateTime local = ceilingMinute(transition.getDateTimeBefore());
            between && local.isBefore(transition.getDateTimeAfter());
            local = local.plusMinutes(1)) {
          if (spec.matches(local)) {
            throw new IllegalStateException(
                "the schedule matches "
                    + local
                    + " in "
                    + spec.zone()
                    + ", a wall-clock time that does not exist there (the clocks go from "
                    + transition.getDateTimeBefore()
                    + " to "
                    + transition.getDateTimeAfter()
                    + "); this oracle does not guess what the CronJob controller does then");
          }
        }
      } else {
        for (LocalDateTime local = ceilingMinute(transition.getDateTimeAfter());
            local.isBefore(transition.getDateTimeBefore());
            local = local.plusMinutes(1)) {
          Instant first = local.toInstant(transition.getOffsetBefore());
          Instant second = local.toInstant(transition.getOffsetAfter());
          if (spec.matches(local) && second.isAfter(after) && !first.isAfter(last)) {
            throw new IllegalStateException(
                "the schedule matches "
                    + local
                    + " in "
                    + spec.zone()
                    + ", a wall-clock time that occurs twice there (at "
                    + first
                    + " and "
                    + second
                    + "); this oracle does not guess what the CronJob controller does then");
          }
        }
      }
      // robfig/cron may start from the beginning of the local day or hour before 'after'.
      boolean near =
          transition.getInstant().isAfter(after.minus(margin))
              && !transition.getInstant().isAfter(last);
      if (near && !handledByWholeHourSteps(transition)) {
        throw new IllegalStateException(
            "the clocks of "
                + spec.zone()
                + " go from "
                + transition.getDateTimeBefore()
                + " to "
                + transition.getDateTimeAfter()
                + ", a change that is no whole number of hours, or not on the hour, or at"
                + " midnight: the CronJob controller's cron library steps whole hours from the"
                + " start of an hour or day and misplaces fire times around such a change, which"
                + " this oracle does not model");
      }
      transition = rules.nextTransition(transition.getInstant());
    }
  }

  /**
   * Whether robfig/cron's arithmetic, which goes back to the start of the local hour or day and
   * then moves by whole hours, copes with a transition: one that moves the clocks by whole hours,
   * from and to a time on the hour, away from midnight (as in Europe and North America). It does
   * not around the 30-minute change of Australia/Lord_Howe, the change at 02:45 of Pacific/Chatham,
   * or the change at midnight of America/Santiago: there it skips fire times, fires on days that do
   * not match, or returns the same time again.
   */
  private static boolean handledByWholeHourSteps(ZoneOffsetTransition transition) {
    LocalDateTime from = transition.getDateTimeBefore();
    LocalDateTime to = transition.getDateTimeAfter();
    return transition.getDuration().getSeconds() % 3600 == 0
        && onTheHour(from)
        && onTheHour(to)
        && from.toLocalDate().equals(to.toLocalDate())
        && from.getHour() != 0
        && to.getHour() != 0;
  }

  private static boolean onTheHour(LocalDateTime local) {
    return local.getMinute() == 0 && local.getSecond() == 0 && local.getNano() == 0;
  }

  private static LocalDateTime ceilingMinute(LocalDateTime local) {
    LocalDateTime floor = local.truncatedTo(ChronoUnit.MINUTES);
    return floor.equals(local) ? floor : floor.plusMinutes(1);
  }

  private static Schedule parse(String schedule, String timeZone) {
    Objects.requireNonNull(schedule, "schedule");
    String spec = schedule;
    String prefixZone = null;
    if (spec.startsWith("TZ=") || spec.startsWith("CRON_TZ=")) {
      int space = spec.indexOf(' ');
      if (space < 0) {
        throw new IllegalArgumentException(
            "a time zone prefix must be followed by a space and the schedule: " + schedule);
      }
      prefixZone = spec.substring(spec.indexOf('=') + 1, space);
      spec = SPACE_AROUND.matcher(spec.substring(space)).replaceAll("");
    }
    if (prefixZone != null && timeZone != null) {
      throw new IllegalArgumentException(
          "cannot use both timeZone field and TZ or CRON_TZ in schedule: "
              + schedule
              + " with timeZone "
              + timeZone);
    }
    ZoneId zone = zone(prefixZone != null ? prefixZone : timeZone != null ? timeZone : "UTC");

    if (spec.startsWith("@")) {
      return descriptor(spec, zone, schedule);
    }
    List<String> fields = new ArrayList<>();
    Matcher token = TOKEN.matcher(spec);
    while (token.find()) {
      fields.add(token.group());
    }
    if (fields.size() != 5) {
      throw new IllegalArgumentException(
          "expected exactly 5 fields, found " + fields.size() + ": " + schedule);
    }
    return new Schedule(
        zone,
        field(fields.get(0), MINUTE, schedule),
        field(fields.get(1), HOUR, schedule),
        field(fields.get(2), DAY_OF_MONTH, schedule),
        field(fields.get(3), MONTH, schedule),
        field(fields.get(4), DAY_OF_WEEK, schedule));
  }

  private static ZoneId zone(String name) {
    if (name.equals("UTC")) {
      return ZoneOffset.UTC;
    }
    if (name.isEmpty() || name.equals("Local") || !ZoneId.getAvailableZoneIds().contains(name)) {
      throw new IllegalArgumentException("unknown time zone " + name);
    }
    return ZoneId.of(name);
  }

  private static Schedule descriptor(String spec, ZoneId zone, String schedule) {
    Field allHours = all(HOUR);
    Field allDays = all(DAY_OF_MONTH);
    Field allMonths = all(MONTH);
    Field allWeekdays = all(DAY_OF_WEEK);
    Field zeroMinute = one(0);
    Field zeroHour = one(0);
    Field firstDay = one(1);
    Field january = one(1);
    Field sunday = one(0);
    return switch (spec) {
      case "@yearly", "@annually" ->
          new Schedule(zone, zeroMinute, zeroHour, firstDay, january, allWeekdays);
      case "@monthly" -> new Schedule(zone, zeroMinute, zeroHour, firstDay, allMonths, allWeekdays);
      case "@weekly" -> new Schedule(zone, zeroMinute, zeroHour, allDays, allMonths, sunday);
      case "@daily", "@midnight" ->
          new Schedule(zone, zeroMinute, zeroHour, allDays, allMonths, allWeekdays);
      case "@hourly" -> new Schedule(zone, zeroMinute, allHours, allDays, allMonths, allWeekdays);
      default -> {
        if (spec.startsWith("@every ")) {
          throw new IllegalArgumentException("@every is not supported by this oracle: " + schedule);
        }
        throw new IllegalArgumentException("unrecognized descriptor: " + schedule);
      }
    };
  }

  private static Field all(Bounds bounds) {
    return new Field(bounds.all(), true);
  }

  private static Field one(int value) {
    return new Field(1L << value, false);
  }

  private static Field field(String text, Bounds bounds, String schedule) {
    long bits = 0;
    boolean star = false;
    for (String item : text.split(",")) {
      if (item.isEmpty()) {
        continue; // robfig splits with strings.FieldsFunc, which drops empty items
      }
      String[] rangeAndStep = item.split("/", -1);
      String[] lowAndHigh = rangeAndStep[0].split("-", -1);
      int start;
      int end;
      boolean itemStar = false;
      if (lowAndHigh[0].equals("*") || lowAndHigh[0].equals("?")) {
        // robfig reads only the star here: "*-5" is the whole range, as "*" is.
        start = bounds.min();
        end = bounds.max();
        itemStar = true;
      } else {
        start = numberOrName(lowAndHigh[0], bounds, schedule);
        end =
            switch (lowAndHigh.length) {
              case 1 -> start;
              case 2 -> numberOrName(lowAndHigh[1], bounds, schedule);
              default -> throw invalid("too many hyphens in " + item, bounds, schedule);
            };
      }
      int step;
      switch (rangeAndStep.length) {
        case 1 -> step = 1;
        case 2 -> {
          step = number(rangeAndStep[1], bounds, schedule);
          if (lowAndHigh.length == 1) {
            end = bounds.max(); // "a/n" means "a-max/n"
          }
          if (step > 1) {
            itemStar = false;
          }
        }
        default -> throw invalid("too many slashes in " + item, bounds, schedule);
      }
      if (start < bounds.min()) {
        throw invalid(
            "beginning of range (" + start + ") below minimum (" + bounds.min() + ")",
            bounds,
            schedule);
      }
      if (end > bounds.max()) {
        throw invalid(
            "end of range (" + end + ") above maximum (" + bounds.max() + ")", bounds, schedule);
      }
      if (start > end) {
        throw invalid(
            "beginning of range (" + start + ") beyond end of range (" + end + ")",
            bounds,
            schedule);
      }
      if (step == 0) {
        throw invalid("step of range should be a positive number", bounds, schedule);
      }
      bits |= bits(start, end, step);
      star |= itemStar;
    }
    return new Field(bits, star);
  }

  private static int numberOrName(String text, Bounds bounds, String schedule) {
    Integer named = bounds.names().get(text.toLowerCase(Locale.ROOT));
    return named != null ? named : number(text, bounds, schedule);
  }

  private static int number(String text, Bounds bounds, String schedule) {
    if (!NUMBER.matcher(text).matches()) {
      throw invalid("failed to parse int from " + text, bounds, schedule);
    }
    long value;
    try {
      value = Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw invalid("failed to parse int from " + text, bounds, schedule);
    }
    if (value < 0) {
      throw invalid("negative number (" + value + ") not allowed", bounds, schedule);
    }
    return (int) Math.min(value, Integer.MAX_VALUE);
  }

  private static IllegalArgumentException invalid(String reason, Bounds bounds, String schedule) {
    return new IllegalArgumentException(reason + " in the " + bounds.name() + " of " + schedule);
  }

  private static long bits(int start, int end, int step) {
    long bits = 0;
    for (long value = start; value <= end; value += step) {
      bits |= 1L << value;
    }
    return bits;
  }

  private static int sundayZero(DayOfWeek day) {
    return day.getValue() % 7;
  }
}
