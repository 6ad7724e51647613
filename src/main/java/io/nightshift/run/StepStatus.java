package io.nightshift.run;

import java.util.Locale;

/**
 * The states of a step of a run (docs/architecture.md, "Run and step states"). Stored, and shown by
 * the API, as {@link #spelling()}.
 */
public enum StepStatus {
  PENDING,
  RUNNING,
  SUCCEEDED,
  FAILED,
  /** Its {@code when} was not met; its reason says why. */
  SKIPPED,
  CANCELLED;

  private final String spelling = Spelling.of(name());

  public boolean ended() {
    return this != PENDING && this != RUNNING;
  }

  /** As stored and shown: {@code Succeeded}. */
  public String spelling() {
    return spelling;
  }

  /** The status spelled {@code spelling}, as stored. */
  public static StepStatus of(String spelling) {
    return valueOf(spelling.toUpperCase(Locale.ROOT));
  }
}
