package io.nightshift.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reading runs and steps as the API returns them, tolerant of fields an older server lacks. */
final class Runs {

  private static final Set<String> RUN_ENDS =
      Set.of("Succeeded", "Failed", "Cancelled", "Skipped", "Missed");
  private static final Set<String> STEP_ENDS =
      Set.of("Succeeded", "Failed", "Skipped", "Cancelled");

  private Runs() {}

  static String id(JsonNode run) {
    return run.path("id").asText();
  }

  static String status(JsonNode run) {
    return run.path("status").asText("Unknown");
  }

  /**
   * Whether the run can no longer change: the server's {@code terminal} when it sends one, else
   * whether its status is an end.
   */
  static boolean terminal(JsonNode run) {
    JsonNode terminal = run.get("terminal");
    if (terminal != null && terminal.isBoolean()) {
      return terminal.asBoolean();
    }
    return RUN_ENDS.contains(status(run));
  }

  static boolean stepEnded(JsonNode step) {
    return STEP_ENDS.contains(step.path("status").asText());
  }

  /** Whether the step has started: it has a Job or process name. */
  static boolean stepStarted(JsonNode step) {
    return Json.text(step, "/jobName") != null;
  }

  static List<String> failedSteps(JsonNode run) {
    List<String> failed = new ArrayList<>();
    for (JsonNode step : run.path("steps")) {
      if ("Failed".equals(step.path("status").asText())) {
        failed.add(step.path("name").asText());
      }
    }
    return failed;
  }

  /** How long it ran: to its end, or to {@code now} while it runs; zero if it never started. */
  static Duration duration(JsonNode runOrStep, Instant now) {
    Optional<Instant> started = Json.instant(runOrStep, "/startedAt");
    if (started.isEmpty()) {
      return Duration.ZERO;
    }
    Instant end = Json.instant(runOrStep, "/finishedAt").orElse(now);
    Duration duration = Duration.between(started.get(), end);
    return duration.isNegative() ? Duration.ZERO : duration;
  }

  /** The duration column of a table: empty before the start. */
  static String durationCell(JsonNode runOrStep, Instant now) {
    if (Json.instant(runOrStep, "/startedAt").isEmpty()) {
      return "";
    }
    return Durations.human(duration(runOrStep, now));
  }

  static String ageCell(JsonNode node, String pointer, Instant now) {
    return Json.instant(node, pointer)
        .map(at -> Durations.human(Duration.between(at, now)))
        .orElse("");
  }

  /** {@code NIGHTSHIFT_RESULT run=<id> status=<status> failedSteps=<a,b> duration=<s>}. */
  static String resultLine(JsonNode run, Instant now) {
    return "NIGHTSHIFT_RESULT run="
        + id(run)
        + " status="
        + status(run)
        + " failedSteps="
        + String.join(",", failedSteps(run))
        + " duration="
        + Durations.seconds(duration(run, now));
  }

  static String exitCodeCell(JsonNode step) {
    JsonNode code = step.get("exitCode");
    return code == null || code.isNull() ? "" : code.asText();
  }
}
