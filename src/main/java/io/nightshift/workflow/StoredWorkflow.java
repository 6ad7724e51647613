package io.nightshift.workflow;

import java.time.Instant;
import java.util.UUID;

/** A row of the workflows table: the definition as canonical JSON and its server metadata. */
public record StoredWorkflow(
    String namespace,
    String name,
    UUID uid,
    long generation,
    long resourceVersion,
    String definition,
    Instant createdAt,
    Instant updatedAt) {}
