package io.nightshift.store;

import java.time.Instant;

/** A row of the runs table. */
public record RunRow(
    String id,
    String namespace,
    String workflow,
    long seq,
    String trigger,
    String status,
    String reason,
    String message,
    Instant scheduledTime,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt,
    String parameters,
    String definition,
    boolean cancelRequested) {}
