package io.nightshift.engine;

import io.nightshift.workflow.Step;
import java.time.Duration;
import java.time.Instant;

/** When a step has run too long, and when its next attempt is due. */
public final class Retries {

  static final Duration FIRST_BACKOFF = Duration.ofSeconds(10);
  static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

  private Retries() {}

  /** After attempt {@code attempt} failed at {@code failedAt}: 10 s, 20 s, 40 s, … up to 5 min. */
  public static Instant nextAttemptAt(Instant failedAt, int attempt) {
    Duration backoff = FIRST_BACKOFF.multipliedBy(1L << Math.min(attempt - 1, 20));
    return failedAt.plus(backoff.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff);
  }

  /** Whether a step started at {@code startedAt} has outrun its activeDeadlineSeconds. */
  public static boolean pastDeadline(Step step, Instant startedAt, Instant now) {
    return step.activeDeadlineSeconds() != null
        && startedAt != null
        && now.isAfter(startedAt.plusSeconds(step.activeDeadlineSeconds()));
  }
}
