package io.nightshift.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.workflow.cron.CronSchedule;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quartz.TriggerBuilder;
import org.quartz.impl.calendar.BaseCalendar;
import org.quartz.spi.OperableTrigger;

class WorkflowCronTriggerTest {

  private static final Instant BEFORE_SPRING_FORWARD = Instant.parse("2026-03-27T12:00:00Z");

  private static OperableTrigger trigger(String cron, String zone, Instant start) {
    return (OperableTrigger)
        TriggerBuilder.newTrigger()
            .withIdentity("w", "data")
            .startAt(Date.from(start))
            .withSchedule(new WorkflowCronTrigger.Builder(cron, zone))
            .build();
  }

  @Test
  void fires_exactly_when_the_schedule_preview_says_across_a_dst_change() {
    OperableTrigger trigger = trigger("30 2 * * *", "Europe/Paris", BEFORE_SPRING_FORWARD);

    List<Instant> fires = new ArrayList<>();
    fires.add(trigger.computeFirstFireTime(null).toInstant());
    for (int i = 0; i < 4; i++) {
      trigger.triggered(null);
      fires.add(trigger.getNextFireTime().toInstant());
    }

    assertThat(fires)
        .isEqualTo(
            CronSchedule.parse("30 2 * * *")
                .next(BEFORE_SPRING_FORWARD, ZoneId.of("Europe/Paris"), 5));
    assertThat(fires.get(1)).isEqualTo(Instant.parse("2026-03-29T01:00:00Z"));
    assertThat(trigger.getPreviousFireTime().toInstant()).isEqualTo(fires.get(3));
  }

  @Test
  void the_day_or_rule_fires_as_one_trigger() {
    OperableTrigger trigger = trigger("0 0 13 * FRI", "UTC", Instant.parse("2026-11-01T00:00:00Z"));

    Date first = trigger.computeFirstFireTime(null);
    trigger.triggered(null);
    Date second = trigger.getNextFireTime();
    trigger.triggered(null);
    Date third = trigger.getNextFireTime();

    assertThat(List.of(first.toInstant(), second.toInstant(), third.toInstant()))
        .containsExactly(
            Instant.parse("2026-11-06T00:00:00Z"), // Friday
            Instant.parse("2026-11-13T00:00:00Z"), // the 13th, and a Friday: once
            Instant.parse("2026-11-20T00:00:00Z"));
  }

  @Test
  void a_quartz_calendar_excluding_a_fire_time_skips_it() {
    OperableTrigger trigger = trigger("@daily", "UTC", Instant.parse("2026-11-01T12:00:00Z"));
    long excluded = Instant.parse("2026-11-02T00:00:00Z").toEpochMilli();
    BaseCalendar calendar =
        new BaseCalendar() {
          @Override
          public boolean isTimeIncluded(long time) {
            return time != excluded;
          }
        };

    assertThat(trigger.computeFirstFireTime(calendar).toInstant())
        .isEqualTo(Instant.parse("2026-11-03T00:00:00Z"));
  }

  @Test
  void a_misfire_fires_once_now_and_leaves_the_missed_times_to_the_engine() {
    OperableTrigger trigger = trigger("*/5 * * * *", "UTC", Instant.parse("2026-01-01T00:00:00Z"));
    trigger.computeFirstFireTime(null);
    Date before = new Date();

    trigger.updateAfterMisfire(null);

    assertThat(trigger.getNextFireTime()).isAfterOrEqualTo(before).isBeforeOrEqualTo(new Date());
  }

  @Test
  void the_persistence_delegate_round_trips_cron_and_zone() {
    WorkflowCronTriggerPersistenceDelegate delegate = new WorkflowCronTriggerPersistenceDelegate();
    OperableTrigger trigger = trigger("0 2 * * 1-5", "America/New_York", Instant.EPOCH);

    var properties = delegate.getTriggerProperties(trigger);
    WorkflowCronTrigger rebuilt =
        (WorkflowCronTrigger)
            TriggerBuilder.newTrigger()
                .withSchedule(delegate.getTriggerPropertyBundle(properties).getScheduleBuilder())
                .build();

    assertThat(delegate.canHandleTriggerType(trigger)).isTrue();
    assertThat(rebuilt.getCronExpression()).isEqualTo("0 2 * * 1-5");
    assertThat(rebuilt.getTimeZone()).isEqualTo("America/New_York");
  }
}
