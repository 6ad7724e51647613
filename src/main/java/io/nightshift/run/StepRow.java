package io.nightshift.run;

import java.time.Instant;

/**
 * A row of the run_steps table; {@code launchedAt} is when the executor acknowledged the current
 * attempt, null while it has not; {@code exitCode} is how the current attempt's process or
 * container exited, null while it runs or when its executor does not know.
 */
public record StepRow(
    String runId,
    String name,
    int position,
    StepStatus status,
    int attempt,
    String jobName,
    Instant startedAt,
    Instant finishedAt,
    String reason,
    String message,
    Instant launchedAt,
    Integer exitCode) {

  /** Whether the executor acknowledged the current attempt (its Job or process exists). */
  public boolean launched() {
    return launchedAt != null;
  }
}
