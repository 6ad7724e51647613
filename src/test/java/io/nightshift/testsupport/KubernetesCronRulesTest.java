package io.nightshift.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class KubernetesCronRulesTest {

  private static final Path CORPUS = Path.of("src/test/resources/cronjobs/corpus");
  private static final Path EXAMPLES = Path.of("examples/cronjobs");

  private static Instant at(String instant) {
    return Instant.parse(instant);
  }

  private static List<Instant> times(String... instants) {
    return Stream.of(instants).map(Instant::parse).toList();
  }

  @Test
  void every_five_minutes_counts_from_the_next_multiple() {
    assertThat(KubernetesCronRules.next("*/5 * * * *", null, at("2027-01-01T10:02:30Z"), 3))
        .isEqualTo(times("2027-01-01T10:05:00Z", "2027-01-01T10:10:00Z", "2027-01-01T10:15:00Z"));
  }

  @Test
  void a_fire_time_equal_to_the_start_is_not_returned() {
    assertThat(KubernetesCronRules.next("*/5 * * * *", null, at("2027-01-01T10:05:00Z"), 2))
        .isEqualTo(times("2027-01-01T10:10:00Z", "2027-01-01T10:15:00Z"));
  }

  @Test
  void hourly_fires_at_minute_zero_of_every_hour() {
    assertThat(KubernetesCronRules.next("@hourly", null, at("2027-01-01T10:00:00Z"), 3))
        .isEqualTo(times("2027-01-01T11:00:00Z", "2027-01-01T12:00:00Z", "2027-01-01T13:00:00Z"));
  }

  @Test
  void with_day_of_month_and_day_of_week_both_restricted_a_day_matching_either_fires() {
    // 2027-01-01 is a Friday: the 1st, then the Mondays 4 and 11, Friday the 15th, the Mondays
    // 18 and 25, Monday 1 February (once, though it matches both), Monday 8 February.
    assertThat(KubernetesCronRules.next("0 4 1,15 * MON", null, at("2027-01-01T00:00:00Z"), 8))
        .isEqualTo(
            times(
                "2027-01-01T04:00:00Z",
                "2027-01-04T04:00:00Z",
                "2027-01-11T04:00:00Z",
                "2027-01-15T04:00:00Z",
                "2027-01-18T04:00:00Z",
                "2027-01-25T04:00:00Z",
                "2027-02-01T04:00:00Z",
                "2027-02-08T04:00:00Z"));
  }

  @Test
  void a_day_of_month_stepped_by_two_counts_as_restricted_so_either_day_fires() {
    // The odd days or the Mondays; 2027-01-01T00:00Z itself is not after the start.
    assertThat(KubernetesCronRules.next("0 0 */2 * MON", null, at("2027-01-01T00:00:00Z"), 6))
        .isEqualTo(
            times(
                "2027-01-03T00:00:00Z",
                "2027-01-04T00:00:00Z",
                "2027-01-05T00:00:00Z",
                "2027-01-07T00:00:00Z",
                "2027-01-09T00:00:00Z",
                "2027-01-11T00:00:00Z"));
  }

  @Test
  void a_star_stepped_by_one_is_still_a_star_so_both_days_must_match() {
    List<Instant> mondays = times("2027-01-04T00:00:00Z", "2027-01-11T00:00:00Z");

    assertThat(KubernetesCronRules.next("0 0 */1 * MON", null, at("2027-01-01T00:00:00Z"), 2))
        .isEqualTo(mondays);
    assertThat(KubernetesCronRules.next("0 0 * * MON", null, at("2027-01-01T00:00:00Z"), 2))
        .isEqualTo(mondays);
  }

  @Test
  void a_question_mark_is_a_star_in_either_day_field() {
    assertThat(KubernetesCronRules.next("0 6 ? * 1-5", null, at("2027-01-01T00:00:00Z"), 6))
        .isEqualTo(
            times(
                "2027-01-01T06:00:00Z",
                "2027-01-04T06:00:00Z",
                "2027-01-05T06:00:00Z",
                "2027-01-06T06:00:00Z",
                "2027-01-07T06:00:00Z",
                "2027-01-08T06:00:00Z"));
    assertThat(KubernetesCronRules.next("0 6 1 * ?", null, at("2027-01-01T00:00:00Z"), 3))
        .isEqualTo(times("2027-01-01T06:00:00Z", "2027-02-01T06:00:00Z", "2027-03-01T06:00:00Z"));
  }

  @Test
  void month_and_day_names_match_in_any_case() {
    // The Sundays of February 2027, then the first of February 2028.
    assertThat(KubernetesCronRules.next("0 12 * Feb sUn", null, at("2027-01-01T00:00:00Z"), 5))
        .isEqualTo(
            times(
                "2027-02-07T12:00:00Z",
                "2027-02-14T12:00:00Z",
                "2027-02-21T12:00:00Z",
                "2027-02-28T12:00:00Z",
                "2028-02-06T12:00:00Z"));
    // 2027-11-01 is a Monday: the first Friday and Saturday of November.
    assertThat(
            KubernetesCronRules.next("0 8 * NOV-dec fri-SAT", null, at("2027-01-01T00:00:00Z"), 2))
        .isEqualTo(times("2027-11-05T08:00:00Z", "2027-11-06T08:00:00Z"));
  }

  @Test
  void a_stepped_range_takes_every_nth_value_from_its_start() {
    assertThat(KubernetesCronRules.next("15 9-17/2 * * 1-5", null, at("2027-01-01T00:00:00Z"), 6))
        .isEqualTo(
            times(
                "2027-01-01T09:15:00Z",
                "2027-01-01T11:15:00Z",
                "2027-01-01T13:15:00Z",
                "2027-01-01T15:15:00Z",
                "2027-01-01T17:15:00Z",
                "2027-01-04T09:15:00Z"));
  }

  @Test
  void a_single_value_with_a_step_runs_to_the_end_of_the_range() {
    assertThat(KubernetesCronRules.next("5/20 * * * *", null, at("2027-01-01T10:00:00Z"), 4))
        .isEqualTo(
            times(
                "2027-01-01T10:05:00Z",
                "2027-01-01T10:25:00Z",
                "2027-01-01T10:45:00Z",
                "2027-01-01T11:05:00Z"));
  }

  @Test
  void descriptors_fire_at_midnight_of_their_period() {
    Instant start = at("2027-01-01T00:00:00Z"); // a Friday
    assertThat(KubernetesCronRules.next("@weekly", null, start, 2))
        .isEqualTo(times("2027-01-03T00:00:00Z", "2027-01-10T00:00:00Z"));
    assertThat(KubernetesCronRules.next("@monthly", null, start, 2))
        .isEqualTo(times("2027-02-01T00:00:00Z", "2027-03-01T00:00:00Z"));
    assertThat(KubernetesCronRules.next("@yearly", null, start, 2))
        .isEqualTo(times("2028-01-01T00:00:00Z", "2029-01-01T00:00:00Z"))
        .isEqualTo(KubernetesCronRules.next("@annually", null, start, 2));
    assertThat(KubernetesCronRules.next("@daily", null, start, 2))
        .isEqualTo(times("2027-01-02T00:00:00Z", "2027-01-03T00:00:00Z"))
        .isEqualTo(KubernetesCronRules.next("@midnight", null, start, 2));
  }

  @Test
  void a_cron_tz_prefix_sets_the_zone_so_nine_in_tokyo_is_midnight_utc() {
    assertThat(
            KubernetesCronRules.next(
                "CRON_TZ=Asia/Tokyo 0 9 * * *", null, at("2027-01-03T12:00:00Z"), 2))
        .isEqualTo(times("2027-01-04T00:00:00Z", "2027-01-05T00:00:00Z"));
  }

  @Test
  void a_tz_prefix_sets_the_zone_with_its_summer_time() {
    String schedule = "TZ=Europe/London 30 7 * * *";

    assertThat(KubernetesCronRules.next(schedule, null, at("2027-01-10T00:00:00Z"), 1))
        .isEqualTo(times("2027-01-10T07:30:00Z"));
    assertThat(KubernetesCronRules.next(schedule, null, at("2027-07-01T00:00:00Z"), 1))
        .isEqualTo(times("2027-07-01T06:30:00Z"));
  }

  @Test
  void spec_time_zone_europe_paris_is_utc_plus_one_in_winter_and_plus_two_in_summer() {
    assertThat(KubernetesCronRules.next("0 2 * * *", "Europe/Paris", at("2027-01-01T00:00:00Z"), 2))
        .isEqualTo(times("2027-01-01T01:00:00Z", "2027-01-02T01:00:00Z"));
    assertThat(KubernetesCronRules.next("0 2 * * *", "Europe/Paris", at("2027-06-30T12:00:00Z"), 1))
        .isEqualTo(times("2027-07-01T00:00:00Z"));
  }

  @Test
  void without_any_zone_the_schedule_reads_in_utc() {
    assertThat(KubernetesCronRules.next("0 2 * * *", null, at("2027-07-01T00:00:00Z"), 1))
        .isEqualTo(times("2027-07-01T02:00:00Z"));
  }

  @Test
  void a_time_clear_of_the_spring_gap_takes_the_new_offset_the_same_day() {
    // Europe/Paris goes from 02:00 to 03:00 on 2027-03-28.
    assertThat(KubernetesCronRules.next("0 3 * * *", "Europe/Paris", at("2027-03-26T12:00:00Z"), 3))
        .isEqualTo(times("2027-03-27T02:00:00Z", "2027-03-28T01:00:00Z", "2027-03-29T01:00:00Z"));
  }

  @Test
  void a_matching_time_in_the_spring_gap_is_refused_instead_of_guessed() {
    Instant start = at("2027-03-27T00:00:00Z");

    assertThat(KubernetesCronRules.next("30 2 * * *", "Europe/Paris", start, 1))
        .isEqualTo(times("2027-03-27T01:30:00Z"));
    assertThatThrownBy(() -> KubernetesCronRules.next("30 2 * * *", "Europe/Paris", start, 2))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("2027-03-28T02:30")
        .hasMessageContaining("Europe/Paris")
        .hasMessageContaining("does not exist");
  }

  @Test
  void a_matching_time_in_the_autumn_overlap_is_refused_instead_of_guessed() {
    // Europe/Paris goes back from 03:00 to 02:00 on 2027-10-31: 02:30 is 00:30Z and 01:30Z.
    assertThat(
            KubernetesCronRules.next("30 2 * * *", "Europe/Paris", at("2027-10-30T00:00:00Z"), 1))
        .isEqualTo(times("2027-10-30T00:30:00Z"));
    assertThatThrownBy(
            () ->
                KubernetesCronRules.next(
                    "30 2 * * *", "Europe/Paris", at("2027-10-30T00:00:00Z"), 2))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("2027-10-31T02:30")
        .hasMessageContaining("Europe/Paris")
        .hasMessageContaining("occurs twice");
    assertThatThrownBy(
            () ->
                KubernetesCronRules.next(
                    "30 2 * * *", "Europe/Paris", at("2027-10-31T00:45:00Z"), 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("occurs twice");
    assertThat(
            KubernetesCronRules.next("30 2 * * *", "Europe/Paris", at("2027-10-31T01:30:00Z"), 1))
        .isEqualTo(times("2027-11-01T01:30:00Z"));
  }

  @Test
  void a_thirty_minute_change_of_offset_is_refused_even_far_from_its_overlap() {
    // Australia/Lord_Howe goes back from 02:00 to 01:30 on 2027-04-04; robfig/cron v3.0.1 then
    // skips that day's 12:00.
    assertThatThrownBy(
            () ->
                KubernetesCronRules.next(
                    "0 12 * * *", "Australia/Lord_Howe", at("2027-04-01T00:00:00Z"), 5))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Australia/Lord_Howe")
        .hasMessageContaining("2027-04-04T02:00");
    // Away from its changes, 12:00 at UTC+10:30 is 01:30Z.
    assertThat(
            KubernetesCronRules.next(
                "0 12 * * *", "Australia/Lord_Howe", at("2027-06-01T00:00:00Z"), 1))
        .isEqualTo(times("2027-06-01T01:30:00Z"));
  }

  @Test
  void a_change_of_offset_at_midnight_is_refused_even_far_from_its_gap() {
    // America/Santiago goes from 00:00 to 01:00 on Sunday 2029-09-02; robfig/cron v3.0.1 then
    // fires "8 18 * * 5,6" on that Sunday.
    assertThatThrownBy(
            () ->
                KubernetesCronRules.next(
                    "8 18 * * 5,6", "America/Santiago", at("2029-08-30T00:00:00Z"), 3))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("America/Santiago")
        .hasMessageContaining("midnight");
  }

  @Test
  void day_of_week_seven_is_refused_as_robfig_standard_parser_refuses_it() {
    assertThatThrownBy(() -> KubernetesCronRules.next("0 0 * * 7", null, Instant.EPOCH, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("above maximum (6)");
    assertThatThrownBy(() -> KubernetesCronRules.next("0 0 * * 5-7", null, Instant.EPOCH, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void every_descriptor_is_refused_as_unsupported() {
    assertThatThrownBy(() -> KubernetesCronRules.next("@every 1h", null, Instant.EPOCH, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("@every");
  }

  @Test
  void a_zone_prefix_together_with_spec_time_zone_is_refused() {
    assertThatThrownBy(
            () ->
                KubernetesCronRules.next(
                    "CRON_TZ=Asia/Tokyo 0 9 * * *", "Europe/Paris", Instant.EPOCH, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot use both");
    assertThatThrownBy(() -> KubernetesCronRules.next("TZ=UTC 0 9 * * *", "UTC", Instant.EPOCH, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void schedules_kubernetes_refuses_are_refused() {
    for (String schedule :
        List.of(
            "",
            "60 * * * *",
            "* 24 * * *",
            "* * 0 * *",
            "* * 32 * *",
            "* * * 0 *",
            "* * * 13 *",
            "* * * *",
            "0 * * * * *",
            "0 0 MON * *",
            "0 0 * * monday",
            "*/0 * * * *",
            "5-1 * * * *",
            "1-2-3 * * * *",
            "*/2/3 * * * *",
            "@reboot",
            "@hourly ",
            "TZ=Europe/Paris")) {
      assertThatThrownBy(() -> KubernetesCronRules.next(schedule, null, Instant.EPOCH, 1))
          .as(schedule)
          .isInstanceOf(IllegalArgumentException.class);
    }
    for (String zone : List.of("Europe/Pariss", "Local", "")) {
      assertThatThrownBy(() -> KubernetesCronRules.next("0 0 * * *", zone, Instant.EPOCH, 1))
          .as(zone)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void yearly_runs_on_for_as_many_years_as_asked() {
    assertThat(KubernetesCronRules.next("@yearly", null, at("2027-01-04T00:00:00Z"), 20))
        .hasSize(20)
        .startsWith(at("2028-01-01T00:00:00Z"))
        .endsWith(at("2047-01-01T00:00:00Z"));
  }

  @Test
  void a_schedule_that_never_fires_returns_no_time_after_ten_years() {
    assertThat(KubernetesCronRules.next("0 0 30 2 *", null, at("2027-01-01T00:00:00Z"), 1))
        .isEmpty();
  }

  @Test
  void twenty_monthly_times_in_new_york_come_quickly_with_their_offsets() {
    long started = System.nanoTime();
    List<Instant> times =
        KubernetesCronRules.next("0 3 1 * *", "America/New_York", at("2027-01-04T00:00:00Z"), 20);
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    // 03:00 EST is 08:00Z until New York's summer time starts on 2027-03-14, then 07:00Z.
    assertThat(times)
        .hasSize(20)
        .startsWith(
            at("2027-02-01T08:00:00Z"), at("2027-03-01T08:00:00Z"), at("2027-04-01T07:00:00Z"))
        .endsWith(at("2028-09-01T07:00:00Z"));
    assertThat(took).isLessThan(Duration.ofSeconds(1));
  }

  @Test
  void every_schedule_of_the_corpus_and_the_examples_gives_twenty_times() throws IOException {
    List<Path> files = new ArrayList<>(yamlFiles(CORPUS));
    assertThat(files).as("the corpus").hasSizeGreaterThanOrEqualTo(17);
    List<Path> examples = yamlFiles(EXAMPLES);
    assertThat(examples).as("the CronJob examples").hasSize(4);
    files.addAll(examples);

    int cronJobs = 0;
    for (Path file : files) {
      for (JsonNode cronJob : cronJobs(file)) {
        String name = file + ": " + cronJob.path("metadata").path("name").asText();
        assertThat(cronJob.path("apiVersion").asText()).as(name).isEqualTo("batch/v1");
        JsonNode spec = cronJob.path("spec");
        String schedule = spec.path("schedule").asText();
        String timeZone = spec.hasNonNull("timeZone") ? spec.get("timeZone").asText() : null;

        assertThat(KubernetesCronRules.next(schedule, timeZone, at("2027-01-04T00:00:00Z"), 20))
            .as(name + " (" + schedule + ", " + timeZone + ")")
            .hasSize(20)
            .isSorted()
            .doesNotHaveDuplicates();
        cronJobs++;
      }
    }
    assertThat(cronJobs).isGreaterThan(files.size());
  }

  private static List<Path> yamlFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(file -> file.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  /** The CronJobs of a file: its documents, and the items of those of kind List. */
  private static List<JsonNode> cronJobs(Path file) throws IOException {
    List<JsonNode> cronJobs = new ArrayList<>();
    try (MappingIterator<JsonNode> documents =
        new YAMLMapper().readerFor(JsonNode.class).readValues(file.toFile())) {
      while (documents.hasNext()) {
        JsonNode document = documents.next();
        if (document == null || document.isNull() || document.isMissingNode()) {
          continue;
        }
        String kind = document.path("kind").asText();
        if (kind.equals("List")) {
          assertThat(document.path("apiVersion").asText()).as(file.toString()).isEqualTo("v1");
          document.path("items").forEach(cronJobs::add);
        } else {
          assertThat(kind).as(file.toString()).isEqualTo("CronJob");
          cronJobs.add(document);
        }
      }
    }
    assertThat(cronJobs).as(file.toString()).isNotEmpty();
    return cronJobs;
  }
}
