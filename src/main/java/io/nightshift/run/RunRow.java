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
    boolean cancelRequested) {}
