package io.nightshift.store;

import java.time.Instant;

/** A row of the run_steps table. */
public record StepRow(
    String runId,
    String name,
    int position,
    String status,
    int attempt,
    String jobName,
    Instant startedAt,
    Instant finishedAt,
    String reason,
    String message) {}
