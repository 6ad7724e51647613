package io.nightshift.run;

import java.util.Locale;

/**
 * The states of a run (docs/architecture.md, "Run and step states"). Stored, and shown by the API,
 * as {@link #spelling()}: {@code Pending}, {@code Running}, ….
 */
public enum RunStatus {
  PENDING,
  RUNNING,
  SUCCEEDED,
  FAILED,
  CANCELLED,
  /** Not started: the concurrency policy refused it; its reason says which rule. */
  SKIPPED,
  /** Not started: later than its workflow's {@code startingDeadlineSeconds}. */
  MISSED;

  private final String spelling = Spelling.of(name());

  /** Whether the run has ended: it will change no more (unless retried). */
  public boolean ended() {
    return this != PENDING && this != RUNNING;
  }

  /** As stored and shown: {@code Succeeded}. */
  public String spelling() {
    return spelling;
  }

  /** The status spelled {@code spelling}, as stored. */
  public static RunStatus of(String spelling) {
    return valueOf(spelling.toUpperCase(Locale.ROOT));
  }
}
