package io.nightshift.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.run.RunStatus;
import io.nightshift.run.StepStatus;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StatusTest {

  @ParameterizedTest(name = "{0} shows {1} and {2}")
  @CsvSource({
    "Pending, … Pending, status-pending",
    "Running, ⟳ Running, status-running",
    "Succeeded, ✓ Succeeded, status-succeeded",
    "Failed, ✗ Failed, status-failed",
    "Skipped, ⊘ Skipped, status-skipped",
    "Cancelled, ■ Cancelled, status-cancelled",
    "Missed, ⌛ Missed, status-missed",
  })
  void each_status_has_a_glyph_a_word_and_a_class(String status, String icon, String css) {
    assertThat(Status.icon(status)).isEqualTo(icon);
    assertThat(Status.cssClass(status)).isEqualTo(css);
  }

  @Test
  void every_step_and_run_status_the_api_spells_has_its_own_look() {
    Stream.concat(
            Arrays.stream(StepStatus.values()).map(StepStatus::spelling),
            Arrays.stream(RunStatus.values()).map(RunStatus::spelling))
        .forEach(
            spelling -> {
              assertThat(Status.word(spelling)).isEqualTo(spelling);
              assertThat(Status.glyph(spelling)).isNotEqualTo("?");
              assertThat(Status.cssClass(spelling)).isNotEqualTo("status-unknown");
            });
  }

  @Test
  void case_does_not_matter() {
    assertThat(Status.icon("FAILED")).isEqualTo("✗ Failed");
  }

  @Test
  void an_unknown_status_keeps_its_word_but_never_makes_a_class_from_user_text() {
    String hostile = "\" onmouseover=\"alert(1)";

    assertThat(Status.icon(hostile)).isEqualTo("? " + hostile);
    assertThat(Status.cssClass(hostile)).isEqualTo("status-unknown");
  }

  @Test
  void a_missing_status_reads_unknown() {
    assertThat(Status.icon(null)).isEqualTo("? Unknown");
    assertThat(Status.cssClass(null)).isEqualTo("status-unknown");
  }
}
