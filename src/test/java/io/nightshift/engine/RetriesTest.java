package io.nightshift.engine;

import static io.nightshift.testsupport.Steps.step;
import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.workflow.Step;
import io.nightshift.workflow.When;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetriesTest {

  private static final Instant FAILED = Instant.parse("2026-11-23T02:00:00Z");

  @Test
  void backoff_doubles_from_ten_seconds_and_stops_at_five_minutes() {
    assertThat(Retries.nextAttemptAt(FAILED, 1)).isEqualTo(FAILED.plusSeconds(10));
    assertThat(Retries.nextAttemptAt(FAILED, 2)).isEqualTo(FAILED.plusSeconds(20));
    assertThat(Retries.nextAttemptAt(FAILED, 3)).isEqualTo(FAILED.plusSeconds(40));
    assertThat(Retries.nextAttemptAt(FAILED, 6)).isEqualTo(FAILED.plusSeconds(300));
    assertThat(Retries.nextAttemptAt(FAILED, 60)).isEqualTo(FAILED.plusSeconds(300));
  }

  @Test
  void a_step_is_past_its_deadline_only_after_the_full_deadline() {
    Step step = step("s", When.SUCCEEDED);
    Step limited =
        new Step("s", null, null, null, "busybox", null, null, null, null, null, 60L, null, null);

    assertThat(Retries.pastDeadline(step, FAILED, FAILED.plusSeconds(3600))).isFalse();
    assertThat(Retries.pastDeadline(limited, FAILED, FAILED.plusSeconds(60))).isFalse();
    assertThat(Retries.pastDeadline(limited, FAILED, FAILED.plusSeconds(61))).isTrue();
  }
}
