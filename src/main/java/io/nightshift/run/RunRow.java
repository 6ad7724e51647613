package io.nightshift.run;

import java.time.Instant;

/** A run as stored: a row of the runs table. */
public record RunRow(
    String id,
    String namespace,
    String workflow,
    long seq,
    Trigger trigger,
    RunStatus status,
    String reason,
    String message,
    Instant scheduledTime,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt,
    String parameters,
    String definition,
    boolean cancelRequested) {

  /** The same run with another stored definition (null: not read). */
  public RunRow withDefinition(String definition) {
    return new RunRow(
        id,
        namespace,
        workflow,
        seq,
        trigger,
        status,
        reason,
        message,
        scheduledTime,
        createdAt,
        startedAt,
        finishedAt,
        parameters,
        definition,
        cancelRequested);
  }

  /** The same run in another status, for this reason. */
  public RunRow withStatus(RunStatus status, String reason) {
    return new RunRow(
        id,
        namespace,
        workflow,
        seq,
        trigger,
        status,
        reason,
        message,
        scheduledTime,
        createdAt,
        startedAt,
        finishedAt,
        parameters,
        definition,
        cancelRequested);
  }
}
