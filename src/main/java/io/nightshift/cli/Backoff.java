package io.nightshift.cli;

import java.time.Duration;
import java.util.Random;

/**
 * Exponential backoff with jitter: the n-th wait is between half and all of {@code base·2^n},
 * capped; a server's {@code Retry-After} replaces it. Many clients waiting on one restarted server
 * then do not come back in one wave.
 */
final class Backoff {

  private final Duration base;
  private final Duration cap;
  private final Random random;

  Backoff(Duration base, Duration cap, Random random) {
    this.base = base;
    this.cap = cap;
    this.random = random;
  }

  static Backoff standard() {
    return new Backoff(Duration.ofMillis(250), Duration.ofSeconds(5), new Random());
  }

  /** The wait before retry number {@code attempt} (0 for the first). */
  Duration delay(int attempt, Duration retryAfter) {
    if (retryAfter != null) {
      // a little jitter over what the server asked, never less
      return retryAfter.plusMillis(random.nextInt(250));
    }
    long ceiling = base.toMillis() << Math.min(attempt, 20);
    ceiling = Math.min(ceiling, cap.toMillis());
    long half = ceiling / 2;
    return Duration.ofMillis(half + (long) (random.nextDouble() * (ceiling - half)));
  }

  /** {@code Retry-After} in seconds (the only form Nightshift sends); null when absent or odd. */
  static Duration retryAfter(String header) {
    if (header == null) {
      return null;
    }
    try {
      long seconds = Long.parseLong(header.trim());
      return seconds < 0 ? null : Duration.ofSeconds(Math.min(seconds, 300));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
