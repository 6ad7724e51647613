package io.nightshift.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.store.ScheduleRepository.Admittance;
import io.nightshift.store.ScheduleRepository.Fire;
import io.nightshift.store.ScheduleRepository.PlannedRun;
import io.nightshift.store.ScheduleRepository.ScheduleRow;
import io.nightshift.workflow.cron.CronSchedule;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What one due schedule's fire records, and when it fires next, decided from its row alone. */
class DueScanTest {

  private static final Instant BEFORE_SPRING_FORWARD = Instant.parse("2026-03-27T12:00:00Z");

  private static ScheduleRow due(String cron, String zone, Long deadline, Instant next) {
    return new ScheduleRow(
        "data", "w", UUID.randomUUID(), 1, cron, zone, false, deadline, next, 3, 1, "{}");
  }

  private static Fire fire(ScheduleRow row, Instant now) {
    return DueScan.decide(
        row, CronSchedule.parse(row.cron()), ZoneId.of(row.timeZone()), now, Optional.empty());
  }

  /** Fires a schedule at each of its times, as on-time scans would, and collects the runs. */
  private static List<Instant> onTimeFires(String cron, String zone, Instant from, int count) {
    Instant next = CronSchedule.parse(cron).nextAfter(from, ZoneId.of(zone)).orElseThrow();
    List<Instant> fires = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Fire fire = fire(due(cron, zone, null, next), next);
      assertThat(fire.runs()).hasSize(1);
      fires.add(fire.runs().get(0).scheduledTime());
      next = fire.nextFireTime();
    }
    return fires;
  }

  @Test
  void fires_exactly_when_the_schedule_preview_says_across_a_dst_change() {
    List<Instant> fires = onTimeFires("30 2 * * *", "Europe/Paris", BEFORE_SPRING_FORWARD, 5);

    assertThat(fires)
        .isEqualTo(
            CronSchedule.parse("30 2 * * *")
                .next(BEFORE_SPRING_FORWARD, ZoneId.of("Europe/Paris"), 5));
    // 02:30 does not exist on 29 March in Paris: it fires once, at the transition.
    assertThat(fires.get(1)).isEqualTo(Instant.parse("2026-03-29T01:00:00Z"));
  }

  @Test
  void a_repeated_autumn_hour_fires_once() {
    List<Instant> fires =
        onTimeFires("30 2 * * *", "Europe/Paris", Instant.parse("2026-10-24T12:00:00Z"), 3);

    assertThat(fires)
        .containsExactly(
            Instant.parse("2026-10-25T00:30:00Z"), // the first 02:30, in summer time
            Instant.parse("2026-10-26T01:30:00Z"),
            Instant.parse("2026-10-27T01:30:00Z"));
  }

  @Test
  void the_day_or_rule_fires_each_matching_day_once() {
    List<Instant> fires =
        onTimeFires("0 0 13 * FRI", "UTC", Instant.parse("2026-11-01T00:00:00Z"), 3);

    assertThat(fires)
        .containsExactly(
            Instant.parse("2026-11-06T00:00:00Z"), // Friday
            Instant.parse("2026-11-13T00:00:00Z"), // the 13th, and a Friday: once
            Instant.parse("2026-11-20T00:00:00Z"));
  }

  @Test
  void on_time_it_records_one_pending_run_and_moves_to_the_next_time() {
    Instant two = Instant.parse("2026-11-23T02:00:00Z");

    Fire fire = fire(due("0 * * * *", "UTC", 600L, two), two.plusMillis(40));

    assertThat(fire.runs()).containsExactly(new PlannedRun(two, "Pending"));
    assertThat(fire.nextFireTime()).isEqualTo(two.plus(Duration.ofHours(1)));
  }

  @Test
  void back_from_four_missed_hours_the_latest_runs_and_the_older_are_missed() {
    Instant next = Instant.parse("2026-11-23T02:00:00Z");
    Instant now = Instant.parse("2026-11-23T05:20:00Z");

    Fire fire = fire(due("0 * * * *", "UTC", 7200L, next), now);

    assertThat(fire.runs())
        .containsExactly(
            new PlannedRun(Instant.parse("2026-11-23T02:00:00Z"), "Missed"),
            new PlannedRun(Instant.parse("2026-11-23T03:00:00Z"), "Missed"),
            new PlannedRun(Instant.parse("2026-11-23T04:00:00Z"), "Missed"),
            new PlannedRun(Instant.parse("2026-11-23T05:00:00Z"), "Pending"));
    assertThat(fire.nextFireTime()).isEqualTo(Instant.parse("2026-11-23T06:00:00Z"));
  }

  @Test
  void a_latest_time_past_the_starting_deadline_is_missed_too() {
    Instant next = Instant.parse("2026-11-23T05:00:00Z");

    Fire fire = fire(due("0 * * * *", "UTC", 600L, next), Instant.parse("2026-11-23T05:20:00Z"));

    assertThat(fire.runs()).containsExactly(new PlannedRun(next, "Missed"));
  }

  @Test
  void a_long_outage_records_at_most_the_latest_hundred_older_times() {
    Instant next = Instant.parse("2026-11-01T00:00:00Z");

    Fire fire = fire(due("* * * * *", "UTC", null, next), Instant.parse("2026-11-02T00:00:30Z"));

    assertThat(fire.runs()).hasSize(FireDecision.MAX_MISSED_RECORDED + 1);
    assertThat(fire.runs().get(fire.runs().size() - 1))
        .isEqualTo(new PlannedRun(Instant.parse("2026-11-02T00:00:00Z"), "Pending"));
    assertThat(fire.nextFireTime()).isEqualTo(Instant.parse("2026-11-02T00:01:00Z"));
  }

  @Test
  void on_the_leader_the_latest_time_is_admitted_and_older_ones_stay_missed() {
    Instant next = Instant.parse("2026-11-23T04:00:00Z");
    ScheduleRow row = due("0 * * * *", "UTC", null, next);

    Fire fire =
        DueScan.decide(
            row,
            CronSchedule.parse(row.cron()),
            ZoneId.of("UTC"),
            Instant.parse("2026-11-23T05:00:10Z"),
            Optional.of(new Admittance("Forbid", true, List.of("r-1"), 0, 0)));

    assertThat(fire.runs())
        .containsExactly(
            new PlannedRun(next, "Missed"),
            new PlannedRun(
                Instant.parse("2026-11-23T05:00:00Z"),
                "Skipped",
                "ConcurrencyForbid",
                "a run of this workflow was active: r-1"));
  }

  /** What a run fired on time is written as, by policy and the workflow's active runs. */
  static Stream<Arguments> admissions() {
    return Stream.of(
        Arguments.of("Allow", true, List.of("r-1"), 1, 1, "Running", null, null),
        Arguments.of("Forbid", true, List.of(), 0, 0, "Running", null, null),
        Arguments.of(
            "Forbid",
            true,
            List.of("r-1"),
            0,
            0,
            "Skipped",
            "ConcurrencyForbid",
            "a run of this workflow was active: r-1"),
        Arguments.of("Queue", true, List.of("r-1"), 0, 0, "Pending", "Queued", "waits for r-1"),
        Arguments.of(
            "Queue",
            true,
            List.of("r-1"),
            1,
            0,
            "Skipped",
            "QueueFull",
            "a run of this workflow was active: r-1"),
        // Replace stops the running one: the engine's to do.
        Arguments.of("Replace", true, List.of("r-1"), 0, 0, "Pending", null, null),
        Arguments.of("Replace", true, List.of(), 0, 0, "Running", null, null),
        // An older run not yet decided goes first, in the engine.
        Arguments.of("Forbid", true, List.of(), 0, 1, "Pending", null, null),
        Arguments.of("Queue", true, List.of("r-1"), 0, 1, "Pending", null, null),
        // No steps: nothing to start; the engine ends it.
        Arguments.of("Allow", false, List.of(), 0, 0, "Pending", null, null));
  }

  @ParameterizedTest(name = "{0}, steps {1}, running {2}, queued {3}, undecided {4}: {5} {6}")
  @MethodSource("admissions")
  void an_on_time_run_is_admitted_as_the_engine_would(
      String policy,
      boolean hasSteps,
      List<String> running,
      int queued,
      int undecided,
      String status,
      String reason,
      String message) {
    Instant time = Instant.parse("2026-11-23T02:00:00Z");

    PlannedRun run =
        DueScan.admit(time, new Admittance(policy, hasSteps, running, queued, undecided));

    assertThat(run).isEqualTo(new PlannedRun(time, status, reason, message));
  }

  @Test
  void a_stored_time_off_the_cron_moves_on_from_now_without_a_run() {
    Instant now = Instant.parse("2026-11-23T02:10:00Z");

    Fire fire = fire(due("0 * * * *", "UTC", null, Instant.parse("2026-11-23T02:05:00Z")), now);

    assertThat(fire.runs()).isEmpty();
    assertThat(fire.nextFireTime()).isEqualTo(Instant.parse("2026-11-23T03:00:00Z"));
  }
}
