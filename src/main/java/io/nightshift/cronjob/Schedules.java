package io.nightshift.cronjob;

import io.nightshift.workflow.cron.CronSchedule;
import io.nightshift.workflow.cron.CronSyntaxException;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A CronJob's schedule as Nightshift writes one: the cron expression, and the zone from {@code
 * spec.timeZone} or from the {@code CRON_TZ=} or {@code TZ=} prefix older CronJobs carry (which
 * Kubernetes refuses beside a {@code spec.timeZone}).
 */
final class Schedules {

  private static final Pattern PREFIX = Pattern.compile("^(CRON_TZ|TZ)=(\\S+)\\s+(.*)$");

  /** A schedule Nightshift can keep: its cron, and its zone when the CronJob names one. */
  record Schedule(String cron, Optional<String> zone) {}

  private Schedules() {}

  /**
   * The schedule, or empty with the reasons added to {@code problems}.
   *
   * @param schedule {@code spec.schedule}
   * @param timeZone {@code spec.timeZone}
   */
  static Optional<Schedule> read(
      String schedule, Optional<String> timeZone, List<String> problems) {
    if (schedule == null || schedule.isBlank()) {
      problems.add("/spec/schedule: required");
      return Optional.empty();
    }
    String cron = schedule.strip();
    Optional<String> zone = timeZone;
    Matcher prefix = PREFIX.matcher(cron);
    if (prefix.matches()) {
      if (timeZone.isPresent()) {
        problems.add(
            "/spec/schedule: "
                + prefix.group(1)
                + "= and spec.timeZone are both set, which Kubernetes refuses; keep one");
        return Optional.empty();
      }
      zone = Optional.of(prefix.group(2));
      cron = prefix.group(3).strip();
    }
    int before = problems.size();
    if (zone.isPresent()) {
      try {
        ZoneId.of(zone.get());
      } catch (DateTimeException e) {
        problems.add(
            (timeZone.isPresent() ? "/spec/timeZone: " : "/spec/schedule: ")
                + zone.get()
                + " is not an IANA time zone");
      }
    }
    if (cron.startsWith("@every")) {
      problems.add(
          "/spec/schedule: "
              + cron
              + " repeats at a fixed interval counted from the controller's last run, which no"
              + " cron expression can follow; write the times as cron (e.g. */15 * * * * for"
              + " @every 15m) and import again");
    } else {
      try {
        CronSchedule.parse(cron);
      } catch (CronSyntaxException e) {
        problems.add("/spec/schedule: " + e.getMessage());
      }
    }
    return problems.size() == before ? Optional.of(new Schedule(cron, zone)) : Optional.empty();
  }
}
