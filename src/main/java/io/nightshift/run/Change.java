package io.nightshift.run;

import java.time.Instant;

/** One write the engine makes to runs and steps; {@link RunStore#write} applies a list of them. */
public sealed interface Change {

  /** Sets a run's status; {@code startedAt} and {@code finishedAt} only when not null. */
  record RunUpdated(
      String runId,
      RunStatus status,
      String reason,
      String message,
      Instant startedAt,
      Instant finishedAt)
      implements Change {}

  /** Adds a Pending step row to a run that starts, unless it has one (a retried run). */
  record StepAdded(String runId, String step, int position) implements Change {}

  /** Sets a step's status; the other fields only when not null, but reason and message always. */
  record StepUpdated(
      String runId,
      String step,
      StepStatus status,
      Integer attempt,
      String jobName,
      Instant startedAt,
      Instant finishedAt,
      String reason,
      String message)
      implements Change {}

  /** A new attempt of a step: Running under {@code jobName}, not yet acknowledged. */
  record AttemptStarted(String runId, String step, int attempt, String jobName, Instant at)
      implements Change {}

  /** The executor acknowledged the attempt {@code jobName}: its Job or process exists. */
  record AttemptAcknowledged(String runId, String step, String jobName, Instant at)
      implements Change {}

  /**
   * The attempt {@code jobName} ended, if it is still the step's and Running; its duration and
   * failure are counted with it. {@code exitCode} is null when the executor does not know it.
   */
  record AttemptEnded(
      String runId,
      String step,
      String jobName,
      StepStatus status,
      Instant at,
      String reason,
      String message,
      Integer exitCode)
      implements Change {}

  /** A scheduled run's first step was launched: how late its schedule was served is counted. */
  record FirstStepLaunched(String namespace, String workflow, Instant scheduledTime, Instant at)
      implements Change {}
}
